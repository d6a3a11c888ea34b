import type { Knex } from "knex";

/**
 * edX endpoint credentials sealed at rest (third migration). A sealed value is longer than the
 * value it seals (IV, tag, base64url, the version prefix), so the cached token's column, which
 * held at most 2048 characters of plaintext, becomes text; the client id and secret key columns
 * are text already. The values themselves are not rewritten here: migrations run without the
 * key, so plaintext rows stay readable and are sealed by the repository at their next write.
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.raw("ALTER TABLE edx_endpoints ALTER COLUMN access_token TYPE text");
};

/** Back to the old width; a sealed token longer than that is dropped (it is only a cache). */
export const down = async (knex: Knex): Promise<void> => {
  await knex.raw(
    "UPDATE edx_endpoints SET access_token = NULL, access_token_expires_at = NULL WHERE length(access_token) > 2048",
  );
  await knex.raw("ALTER TABLE edx_endpoints ALTER COLUMN access_token TYPE varchar(2048)");
};
