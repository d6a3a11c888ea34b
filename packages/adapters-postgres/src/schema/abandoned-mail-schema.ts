import type { Knex } from "knex";

/**
 * How the mail job marked an email it gave up on before this migration: a prefix on the entry's
 * last error. Frozen here, with the data it describes.
 */
const LEGACY_PREFIX = "permanent failure: ";

/**
 * An explicit abandoned state for status emails (fourth migration): `abandoned_at` is set when
 * the email is given up on, with the reason in `last_error`; an entry is pending, sent or
 * abandoned, never both of the last two. Entries abandoned the old way (the prefix, unsent)
 * become abandoned ones with the prefix dropped from their reason. When they were given up on
 * was never recorded; their creation time stands in for it (the mail job runs within moments of
 * it, and a permanent failure ends the first run). The unsent index leaves abandoned entries
 * out, and a second index serves the operators' list of them, newest first.
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.raw(`ALTER TABLE mail_outbox ADD COLUMN abandoned_at timestamptz`);
  await knex.raw(
    `UPDATE mail_outbox SET abandoned_at = created_at, last_error = substr(last_error, ?)
      WHERE sent_at IS NULL AND left(last_error, ?) = ?`,
    [LEGACY_PREFIX.length + 1, LEGACY_PREFIX.length, LEGACY_PREFIX],
  );
  await knex.raw(
    `ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_sent_or_abandoned_check
      CHECK (sent_at IS NULL OR abandoned_at IS NULL)`,
  );
  await knex.raw(`DROP INDEX mail_outbox_unsent_index`);
  await knex.raw(
    `CREATE INDEX mail_outbox_unsent_index ON mail_outbox (created_at, sequence)
      WHERE sent_at IS NULL AND abandoned_at IS NULL`,
  );
  await knex.raw(
    `CREATE INDEX mail_outbox_abandoned_index ON mail_outbox (abandoned_at DESC, sequence DESC)
      WHERE abandoned_at IS NOT NULL`,
  );
};

/** Back to the prefix: every abandoned entry reads as given up on, as the old mail job knew it. */
export const down = async (knex: Knex): Promise<void> => {
  await knex.raw(
    `UPDATE mail_outbox SET last_error = ? || coalesce(last_error, '') WHERE abandoned_at IS NOT NULL`,
    [LEGACY_PREFIX],
  );
  await knex.raw(`DROP INDEX mail_outbox_abandoned_index`);
  await knex.raw(`DROP INDEX mail_outbox_unsent_index`);
  await knex.raw(
    `CREATE INDEX mail_outbox_unsent_index ON mail_outbox (created_at, sequence) WHERE sent_at IS NULL`,
  );
  await knex.raw(`ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_sent_or_abandoned_check`);
  await knex.raw(`ALTER TABLE mail_outbox DROP COLUMN abandoned_at`);
};
