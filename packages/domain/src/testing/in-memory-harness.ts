import type { Duration } from "effect";
import type { IdGenerator } from "../ports/id-generator.js";
import { RandomIdGenerator } from "../runtime/random-id-generator.js";
import type { DomainPorts } from "../usecases/domain-ports.js";
import { InMemoryCdnInvalidator } from "./in-memory/in-memory-cdn-invalidator.js";
import { InMemoryCdnUrls } from "./in-memory/in-memory-cdn-urls.js";
import { InMemoryClock } from "./in-memory/in-memory-clock.js";
import { InMemoryDatabase } from "./in-memory/in-memory-database.js";
import { InMemoryEdxVideoApi } from "./in-memory/in-memory-edx-video-api.js";
import { InMemoryGroupDirectory } from "./in-memory/in-memory-group-directory.js";
import { InMemoryIdGenerator } from "./in-memory/in-memory-id-generator.js";
import { InMemoryLease } from "./in-memory/in-memory-lease.js";
import { InMemoryMailer } from "./in-memory/in-memory-mailer.js";
import { InMemoryObjectStore } from "./in-memory/in-memory-object-store.js";
import type { InMemoryRepositories } from "./in-memory/in-memory-repositories.js";
import { makeInMemoryRepositories } from "./in-memory/in-memory-repositories.js";
import { InMemoryTranscoder } from "./in-memory/in-memory-transcoder.js";
import { InMemoryVideoSource } from "./in-memory/in-memory-video-source.js";

/** The in-memory adapter behind every port, typed as itself so tests reach its hooks. */
export interface InMemoryPorts extends InMemoryRepositories {
  readonly objectStore: InMemoryObjectStore;
  readonly videoSource: InMemoryVideoSource;
  readonly transcoder: InMemoryTranscoder;
  readonly cdnUrls: InMemoryCdnUrls;
  readonly cdnInvalidator: InMemoryCdnInvalidator;
  readonly groupDirectory: InMemoryGroupDirectory;
  readonly mailer: InMemoryMailer;
  readonly edxVideoApi: InMemoryEdxVideoApi;
  readonly lease: InMemoryLease;
  readonly clock: InMemoryClock;
  readonly ids: IdGenerator;
}

export interface InMemoryHarness extends InMemoryPorts {
  /** The shared tables (reset between tests, or inspect rows directly). */
  readonly database: InMemoryDatabase;
  /** The same adapters as the domain sees them, for constructing use cases. */
  readonly ports: DomainPorts;
  /** Nothing to release in memory; here so the harness is a `ScenarioHarness`. */
  readonly dispose: () => Promise<void>;
}

export interface InMemoryHarnessOptions {
  /** Where a standing clock starts (default: the builders' epoch). Ignored with `realTime`. */
  readonly now?: Date;
  /**
   * Follow the wall clock instead of standing still (tests can still `advance` it): for
   * programs that use the harness as a development backend, or mix it with real timers.
   */
  readonly realTime?: boolean;
  /** `deterministic` (default) repeats the same keys run after run; `random` gives UUIDv4s. */
  readonly ids?: "deterministic" | "random";
  readonly cdnHost?: string;
  /** The CDN grants' lifetime and window (`InMemoryCdnUrls`' `ttl` and `window`); 6 hours and 1 hour when left out. */
  readonly cdnGrant?: { readonly ttl: Duration.DurationInput; readonly window: Duration.DurationInput };
}

/**
 * Every port backed by an in-memory adapter, wired together the way the app wires the real
 * ones: one database for all repositories, the unit of work and the job queue; one clock for
 * everything that tells time; the transcoder writes its outputs into the object store.
 */
export const makeInMemoryHarness = (options: InMemoryHarnessOptions = {}): InMemoryHarness => {
  const database = new InMemoryDatabase();
  const clock = options.realTime === true ? InMemoryClock.realTime() : new InMemoryClock(options.now);
  const objectStore = new InMemoryObjectStore({ clock });
  const ids = options.ids === "random" ? new RandomIdGenerator() : new InMemoryIdGenerator();
  const adapters: InMemoryPorts = {
    ...makeInMemoryRepositories(database, clock),
    objectStore,
    videoSource: new InMemoryVideoSource(),
    transcoder: new InMemoryTranscoder(objectStore, options.ids === "random" ? { ids } : {}),
    cdnUrls: new InMemoryCdnUrls({
      clock,
      ...(options.cdnHost === undefined ? {} : { host: options.cdnHost }),
      ...options.cdnGrant,
    }),
    cdnInvalidator: new InMemoryCdnInvalidator(),
    groupDirectory: new InMemoryGroupDirectory(),
    mailer: new InMemoryMailer(clock),
    edxVideoApi: new InMemoryEdxVideoApi(),
    lease: new InMemoryLease(clock),
    clock,
    ids,
  };
  return { ...adapters, database, ports: adapters, dispose: () => Promise.resolve() };
};
