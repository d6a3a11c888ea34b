import { Redacted } from "effect";
import pg from "pg";
import type PgBoss from "pg-boss";
import type { QueueName } from "@ovs/domain";
import type { Database } from "../../src/database.js";
import { openPgliteDatabase, openPostgresDatabase } from "../../src/database.js";
import { startPgBoss } from "../../src/pg-boss-job-queue.js";
import type { PostgresAdapters } from "../../src/postgres-adapters.js";
import { makePostgresAdapters, shutDown } from "../../src/postgres-adapters.js";

/**
 * Test backends: PGlite always; the real server when `DATABASE_URL` is set, in a database
 * created for this run and dropped afterwards, so runs never see each other's data. Each test
 * file opens one backend and empties it before every test (truncation is far cheaper than a
 * database per test, and keeps the tests independent).
 */
export type BackendName = "pglite" | "postgres";

/** What the tests seal edX credentials with; a test that needs another key makes its own adapters. */
export const TEST_CREDENTIALS_KEY = Redacted.make("test-credentials-key-0123456789abcdef");

export const serverUrl = (): string | undefined => {
  const url = process.env["DATABASE_URL"];
  return url === undefined || url.trim() === "" ? undefined : url;
};

export interface TestBackend {
  readonly name: BackendName;
  readonly database: Database;
  readonly boss: PgBoss;
  readonly adapters: PostgresAdapters;
  /** Empties every table and the job queue. */
  readonly reset: () => Promise<void>;
  /** Jobs committed and waiting, oldest first. */
  readonly pendingJobs: (
    queue?: QueueName,
  ) => Promise<ReadonlyArray<{ readonly queue: QueueName; readonly payload: unknown }>>;
  readonly close: () => Promise<void>;
}

const TABLES = [
  "api_tokens",
  "leases",
  "watch_bucket_claims",
  "mail_outbox",
  "edx_post_records",
  "collection_edx_endpoints",
  "edx_endpoints",
  "encode_jobs",
  "youtube_videos",
  "video_subtitles",
  "video_thumbnails",
  "video_files",
  "video_view_groups",
  "videos",
  "collection_admin_groups",
  "collection_view_groups",
  "collections",
  "access_groups",
  "users",
];

const withDatabaseName = (url: string, name: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
};

/** Creates an empty database on the server for this run; returns its URL and how to drop it. */
export const createServerDatabase = async (
  url: string,
): Promise<{ readonly url: string; readonly drop: () => Promise<void> }> => {
  const name = `ovs_test_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e9).toString(36)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabaseName(url, name),
    drop: async () => {
      const dropper = new pg.Client({ connectionString: url });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
};

export const openTestBackend = async (name: BackendName): Promise<TestBackend> => {
  let dropServerDatabase: (() => Promise<void>) | null = null;
  let database: Database;
  if (name === "pglite") {
    database = await openPgliteDatabase();
  } else {
    const url = serverUrl();
    if (url === undefined) throw new Error("DATABASE_URL is not set");
    const created = await createServerDatabase(url);
    dropServerDatabase = created.drop;
    database = await openPostgresDatabase(created.url);
  }
  const boss = await startPgBoss(database, { supervise: false });
  const adapters = makePostgresAdapters(database, boss, { credentialsKey: TEST_CREDENTIALS_KEY });
  const knex = database.knex;
  return {
    name,
    database,
    boss,
    adapters,
    reset: async () => {
      await knex.raw(`TRUNCATE ${TABLES.join(", ")} RESTART IDENTITY CASCADE`);
      await knex.raw(`DELETE FROM pgboss.job`);
    },
    pendingJobs: async (queue) => {
      let query = knex("pgboss.job")
        .whereIn("state", ["created", "retry"])
        .orderBy([{ column: "created_on" }, { column: "start_after" }]);
      if (queue !== undefined) query = query.where("name", queue);
      const rows: ReadonlyArray<{ readonly name: QueueName; readonly data: unknown }> = await query.select(
        "name",
        "data",
      );
      return rows.map((row) => ({ queue: row.name, payload: row.data }));
    },
    close: async () => {
      await shutDown(database, boss);
      if (dropServerDatabase !== null) await dropServerDatabase();
    },
  };
};

/** The backends this run covers, announced on the console so the output says which ran. */
export const backendsToRun = (): ReadonlyArray<BackendName> => {
  const backends: ReadonlyArray<BackendName> =
    serverUrl() === undefined ? ["pglite"] : ["pglite", "postgres"];
  console.info(
    `[adapters-postgres] backends: ${backends.join(", ")}${serverUrl() === undefined ? " (DATABASE_URL not set: the Postgres server backend is not run)" : ""}`,
  );
  return backends;
};
