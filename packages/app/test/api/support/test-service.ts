import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { Either } from "effect";
import { openPgliteDatabase } from "@ovs/adapters-postgres";
import type { Database } from "@ovs/adapters-postgres";
import type { DomainPorts } from "@ovs/domain";
import type { InMemoryHarness } from "@ovs/domain/testing";
import { createOvs } from "../../../src/composition/create-ovs.js";
import type { CreateOvsOptions, Ovs } from "../../../src/composition/create-ovs.js";
import type { AppConfig } from "../../../src/config/index.js";
import { readConfig } from "../../../src/config/index.js";
import { makeKoaApp } from "../../../src/http/koa-app.js";

const objectsOf = (harness: InMemoryHarness) =>
  Object.fromEntries(
    harness.objectStore.bucketNames().map((bucket) => [bucket, harness.objectStore.keys(bucket)]),
  );

const harnessRecords = (harness: InMemoryHarness): unknown =>
  JSON.parse(
    JSON.stringify({
      tables: Object.fromEntries(
        Object.entries(harness.database.tables).map(([name, rows]) => [name, [...rows.entries()]]),
      ),
      queue: harness.jobs.pending(),
      objects: objectsOf(harness),
    }),
  ) as unknown;

/** Every row of every table OVS migrated, pg-boss's jobs (each table in a stable order), and the stored objects. */
const databaseRecords = async (database: Database, harness: InMemoryHarness): Promise<unknown> => {
  const knex = database.knex;
  const tables: ReadonlyArray<{ readonly table_name: string }> = await knex("information_schema.tables")
    .where({ table_schema: "public", table_type: "BASE TABLE" })
    .orderBy("table_name")
    .select("table_name");
  const records: Record<string, unknown> = {};
  for (const { table_name: table } of tables) {
    const rows: ReadonlyArray<Record<string, unknown>> = await knex(table).select("*");
    records[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  const jobs: ReadonlyArray<Record<string, unknown>> = await knex("pgboss.job").select(
    "name",
    "data",
    "state",
  );
  records["pgboss.job"] = jobs.map((job) => JSON.stringify(job)).sort();
  return { tables: records, objects: objectsOf(harness) };
};

/**
 * Where the service keeps its records and jobs: the harness's tables, or an in-memory PGlite
 * database behind the Postgres adapters.
 */
export type TestPersistence = "memory" | "pglite";

export interface TestService {
  readonly ovs: Ovs;
  /**
   * The in-memory harness, for hooks (sources, transcodes, mail, directory, clock). On PGlite its
   * repositories and queue are not the service's: reach records through `ports`.
   */
  readonly harness: InMemoryHarness;
  /** The ports the service runs on: build test data with `storeIn(service.ports)`. */
  readonly ports: DomainPorts;
  /**
   * Every record, queued job and stored object, as plain JSON in a stable order: equal before
   * and after a refused request when nothing changed.
   */
  readonly records: () => Promise<unknown>;
  readonly config: AppConfig;
  /** `http://127.0.0.1:<port>` of the running app. */
  readonly base: string;
  readonly stop: () => Promise<void>;
}

/**
 * The service as HTTP tests meet it: `createOvs` on the `test` profile, mounted in the app's Koa
 * application (request ids, headers, the error map), listening on a free loopback port.
 * `testPersistence: "pglite"` keeps the records and jobs in PGlite instead of the harness.
 */
export const startTestService = async (
  options: {
    readonly env?: Readonly<Record<string, string>>;
    readonly testPersistence?: TestPersistence;
  } & Omit<CreateOvsOptions, "config" | "testDatabase"> = {},
): Promise<TestService> => {
  const { env, testPersistence = "memory", ...createOptions } = options;
  const config = Either.getOrThrow(readConfig({ OVS_PROFILE: "test", PORT: "3999", ...env }));
  const database = testPersistence === "pglite" ? await openPgliteDatabase() : undefined;
  const ovs = await createOvs({
    config,
    ...createOptions,
    ...(database === undefined ? {} : { testDatabase: database }),
  });
  const app = makeKoaApp({ logger: { error: () => undefined }, mediaSources: [] });
  app.use(ovs.router.routes());
  app.use(ovs.router.allowedMethods());
  const server: Server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return {
    ovs,
    harness: ovs.harness!,
    ports: ovs.ports,
    records:
      database === undefined
        ? async () => harnessRecords(ovs.harness!)
        : () => databaseRecords(database, ovs.harness!),
    config,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      await new Promise((resolve) => server.close(resolve));
      await ovs.stop();
    },
  };
};
