import type { Redacted } from "effect";
import { Container } from "inversify";
import { makePostgresAdapters, startPgBoss } from "@ovs/adapters-postgres";
import type { Database, QueueLogger } from "@ovs/adapters-postgres";
import { makeInMemoryHarness } from "@ovs/domain/testing";
import type { InMemoryHarness } from "@ovs/domain/testing";
import { bindPorts } from "./port-tokens.js";
import type { OpenedProfile } from "./opened-profile.js";
import type { PlaybackConfig } from "../config/index.js";

/**
 * The in-memory harness behind every port, for HTTP tests and demos: the same use cases and
 * routes as production, with a clock that follows the wall clock and random keys. The harness is
 * returned too, so tests reach its hooks (register a source, finish a transcode, read the mail).
 * Given a database (an in-memory PGlite in the HTTP tests), the records and jobs live there
 * instead, behind the Postgres repositories, unit of work, pg-boss queue and lease, so the same
 * tests prove the routes over real SQL; the harness still provides every other port (storage,
 * sources, transcoder, directory, mail, clock).
 */
export const openTestProfile = async (
  database: Database | undefined,
  logger: QueueLogger,
  /** `OVS_SECRET_KEY`, which seals the edX credentials in the database (generated per start here). */
  credentialsKey: Redacted.Redacted<string>,
  /** `OVS_PLAYBACK_GRANT_SECONDS` and `OVS_CDN_SIGNATURE_WINDOW_SECONDS`, for the harness's CDN grants. */
  playback: Pick<PlaybackConfig, "grantLifetime" | "grantWindow">,
): Promise<OpenedProfile & { readonly harness: InMemoryHarness }> => {
  const harness = makeInMemoryHarness({
    realTime: true,
    ids: "random",
    cdnGrant: { ttl: playback.grantLifetime, window: playback.grantWindow },
  });
  const container = new Container();
  if (database === undefined) {
    bindPorts(container, harness.ports);
    return { container, database: null, boss: null, harness, close: () => Promise.resolve() };
  }
  const boss = await startPgBoss(database, { logger });
  bindPorts(container, { ...harness.ports, ...makePostgresAdapters(database, boss, { credentialsKey }) });
  return { container, database, boss, harness, close: () => Promise.resolve() };
};
