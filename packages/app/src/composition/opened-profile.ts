import type { Container } from "inversify";
import type { Database, startPgBoss } from "@ovs/adapters-postgres";

type PgBoss = Awaited<ReturnType<typeof startPgBoss>>;

/** A profile's adapters, bound and started: what `createOvs` composes the service from. */
export interface OpenedProfile {
  readonly container: Container;
  /** The database and its queue, when the profile has them (the `test` profile keeps jobs in memory). */
  readonly database: Database | null;
  readonly boss: PgBoss | null;
  /** Releases what the adapters hold (the video sources' connections); the database is closed apart. */
  readonly close: () => Promise<void>;
}
