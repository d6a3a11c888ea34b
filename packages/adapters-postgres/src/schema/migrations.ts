import type { Knex } from "knex";
import * as abandonedMailSchema from "./abandoned-mail-schema.js";
import * as apiTokensSchema from "./api-tokens-schema.js";
import * as initialSchema from "./initial-schema.js";
import * as sealedEdxCredentialsSchema from "./sealed-edx-credentials-schema.js";

interface Migration {
  readonly name: string;
  readonly up: (knex: Knex) => Promise<void>;
  readonly down: (knex: Knex) => Promise<void>;
}

/**
 * The migrations in order, imported statically: knex's file loader resolves paths at run time,
 * which breaks between tsx, vitest and compiled JS; a list of modules works the same everywhere.
 */
const MIGRATIONS: ReadonlyArray<Migration> = [
  { name: "0001_initial_schema", ...initialSchema },
  { name: "0002_api_tokens", ...apiTokensSchema },
  { name: "0003_sealed_edx_credentials", ...sealedEdxCredentialsSchema },
  { name: "0004_abandoned_mail", ...abandonedMailSchema },
];

export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: () => Promise.resolve([...MIGRATIONS]),
  getMigrationName: (migration) => migration.name,
  getMigration: (migration) => Promise.resolve({ up: migration.up, down: migration.down }),
};

/** An arbitrary but fixed advisory-lock id: "OVS migrate". */
const MIGRATION_LOCK_ID = 7_036_614_800;

/**
 * Brings the schema up to date. On a server, a session advisory lock serialises app processes
 * that start together: the second waits, then finds nothing left to do (knex's own lock table
 * would make it fail instead). PGlite has a single connection and a single process, so the
 * lock would only deadlock knex's own migration queries there.
 */
export const migrateToLatest = async (
  knex: Knex,
  options: { readonly serverLock: boolean },
): Promise<void> => {
  if (!options.serverLock) {
    await knex.migrate.latest({ migrationSource });
    return;
  }
  const lockConnection: unknown = await knex.client.acquireConnection();
  const query = (text: string): Promise<unknown> =>
    (lockConnection as { query: (text: string) => Promise<unknown> }).query(text);
  try {
    await query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_ID})`);
    await knex.migrate.latest({ migrationSource });
  } finally {
    await query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_ID})`).catch(() => undefined);
    await knex.client.releaseConnection(lockConnection);
  }
};
