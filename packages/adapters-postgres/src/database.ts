import { PGlite } from "@electric-sql/pglite";
import knexFactory from "knex";
import type { Knex } from "knex";
import ClientPgLite from "knex-pglite";
import pg from "pg";
import { migrateToLatest } from "./schema/migrations.js";
import type { DatabaseKind } from "./sql-context.js";

/** What pg-boss runs its SQL through when it must share a connection it does not own. */
export interface SqlExecutor {
  executeSql(
    text: string,
    values?: ReadonlyArray<unknown>,
  ): Promise<{ rows: Array<Record<string, unknown>> }>;
}

/** An open, migrated database: knex for the repositories, plus what pg-boss needs to connect. */
export interface Database {
  readonly kind: DatabaseKind;
  readonly knex: Knex;
  /** pg-boss on a server opens its own pool from this; on PGlite it uses `executor`. */
  readonly connectionString: string | null;
  /** Runs SQL on the shared PGlite connection, between knex's own statements. */
  readonly executor: SqlExecutor | null;
  /** Closes knex (and with it PGlite). Stop pg-boss before this. */
  readonly close: () => Promise<void>;
}

interface PgliteConnection {
  query(text: string, values?: ReadonlyArray<unknown>): Promise<{ rows: Array<Record<string, unknown>> }>;
  exec(text: string): Promise<ReadonlyArray<{ rows: Array<Record<string, unknown>> }>>;
}

// Postgres `timestamptz` and JSON come back as Date and objects already; bigint counts are
// parsed to numbers here because OVS never counts past 2^53.
pg.types.setTypeParser(20, (value: string) => Number(value));

/**
 * Opens PGlite (in memory when `dataDir` is omitted, else on disk) shared by knex and pg-boss.
 * PGlite has one session, so pg-boss's statements go through knex's single pooled connection:
 * they wait while a knex transaction holds it instead of landing inside that transaction.
 */
export const openPgliteDatabase = async (options: { readonly dataDir?: string } = {}): Promise<Database> => {
  const pglite = options.dataDir === undefined ? new PGlite() : new PGlite(options.dataDir);
  await pglite.waitReady;
  const knex = knexFactory({ client: ClientPgLite, connection: { pglite } } as Knex.Config);
  const executor: SqlExecutor = {
    executeSql: async (text, values) => {
      const connection = (await knex.client.acquireConnection()) as PgliteConnection;
      try {
        // pg-boss's own migrations are several statements in one string: exec runs those.
        if (values === undefined || values.length === 0) {
          const results = await connection.exec(text);
          return { rows: results.at(-1)?.rows ?? [] };
        }
        return await connection.query(text, values);
      } finally {
        await knex.client.releaseConnection(connection);
      }
    },
  };
  await migrateToLatest(knex, { serverLock: false });
  let closed = false;
  return {
    kind: "pglite",
    knex,
    connectionString: null,
    executor,
    close: async () => {
      if (closed) return;
      closed = true;
      await knex.destroy();
    },
  };
};

/** Opens a pool on a Postgres server and migrates it (under an advisory lock). */
export const openPostgresDatabase = async (
  connectionString: string,
  options: { readonly poolSize?: number } = {},
): Promise<Database> => {
  const knex = knexFactory({
    client: "pg",
    connection: connectionString,
    pool: { min: 0, max: options.poolSize ?? 10 },
  });
  await migrateToLatest(knex, { serverLock: true });
  let closed = false;
  return {
    kind: "postgres",
    knex,
    connectionString,
    executor: null,
    close: async () => {
      if (closed) return;
      closed = true;
      await knex.destroy();
    },
  };
};

/** Runs SQL on a knex transaction's own connection (pg client or PGlite), for pg-boss's `db` option. */
export const transactionExecutor = (transaction: Knex.Transaction): SqlExecutor => ({
  executeSql: async (text, values) => {
    const connection = (await transaction.client.acquireConnection()) as {
      query(text: string, values?: ReadonlyArray<unknown>): Promise<{ rows: Array<Record<string, unknown>> }>;
    };
    return connection.query(text, values === undefined ? [] : [...values]);
  },
});
