import type { Effect } from "effect";
import type { JobQueue, QueueName } from "../ports/job-queue.js";
import type { DomainPorts } from "../usecases/domain-ports.js";
import type { JobHandlers } from "../usecases/job-handlers.js";
import type { InMemoryCdnInvalidator } from "./in-memory/in-memory-cdn-invalidator.js";
import type { InMemoryCdnUrls } from "./in-memory/in-memory-cdn-urls.js";
import type { InMemoryClock } from "./in-memory/in-memory-clock.js";
import type { InMemoryEdxVideoApi } from "./in-memory/in-memory-edx-video-api.js";
import type { InMemoryGroupDirectory } from "./in-memory/in-memory-group-directory.js";
import type { InMemoryMailer } from "./in-memory/in-memory-mailer.js";
import type { InMemoryObjectStore } from "./in-memory/in-memory-object-store.js";
import type { InMemoryTranscoder } from "./in-memory/in-memory-transcoder.js";
import type { InMemoryVideoSource } from "./in-memory/in-memory-video-source.js";

/** A value now (in memory) or later (from a database). Scenarios always `await` it. */
export type Awaitable<A> = A | PromiseLike<A>;

/** A job as a scenario sees it: which queue, what payload. */
export interface ScenarioJob {
  readonly queue: QueueName;
  readonly payload: unknown;
}

/** One job the drain ran; `error` is the handler's failure, absent when it succeeded. */
export interface DrainedJob {
  readonly job: ScenarioJob;
  readonly error?: unknown;
}

/** The job queue port plus what a scenario needs to look at it and run it. */
export interface ScenarioJobQueue extends JobQueue {
  /** Jobs committed and not run yet, oldest first, optionally of one queue. */
  pending(queue?: QueueName): Awaitable<ReadonlyArray<ScenarioJob>>;
  /**
   * Runs due jobs through the handlers until none is left (jobs the handlers enqueue run too);
   * a failed job is reported with its error and not retried. Returns what ran.
   */
  drain(handlers: JobHandlers): Effect.Effect<ReadonlyArray<DrainedJob>>;
}

/**
 * What a use-case scenario runs on: every domain port, plus test hooks that a database-backed
 * configuration can implement too — no direct access to the in-memory tables. Persistence
 * (repositories, unit of work, jobs, lease) is whatever the configuration provides; the ports
 * with no database behind them stay in-memory adapters, typed as such so scenarios reach their
 * hooks (register a source, complete a transcode, read the mail sent).
 */
export interface ScenarioHarness extends DomainPorts {
  readonly jobs: ScenarioJobQueue;
  readonly videoSource: InMemoryVideoSource;
  readonly transcoder: InMemoryTranscoder;
  readonly mailer: InMemoryMailer;
  readonly objectStore: InMemoryObjectStore;
  readonly clock: InMemoryClock;
  readonly groupDirectory: InMemoryGroupDirectory;
  readonly cdnUrls: InMemoryCdnUrls;
  readonly cdnInvalidator: InMemoryCdnInvalidator;
  readonly edxVideoApi: InMemoryEdxVideoApi;
  /** Releases what the configuration holds for this scenario (nothing, in memory). */
  readonly dispose: () => Promise<void>;
}

/** Opens a fresh harness for one scenario; the scenario disposes of it. */
export type MakeScenarioHarness = () => Awaitable<ScenarioHarness>;
