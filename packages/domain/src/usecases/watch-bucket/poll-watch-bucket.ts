import { Effect, Stream } from "effect";
import type { Duration } from "effect";
import type { LeaseFailure, LeaseHandle } from "../../ports/lease.js";
import type { ObjectInfo, StorageFailure } from "../../ports/object-store.js";
import { objectsUnder } from "../../ports/object-store.js";
import type { DomainPorts } from "../domain-ports.js";
import type {
  WatchBucketFilePorts,
  WatchBucketSettings,
  WatchFileOutcome,
} from "./ingest-watch-bucket-file.js";
import { IngestWatchBucketFile, triageWatchKey } from "./ingest-watch-bucket-file.js";

/** The lease that keeps two polls from running at once (docs/architecture.md §6.8). */
export const WATCH_BUCKET_POLL_LEASE = "watch-bucket-poll";

/**
 * How long the poll lease lasts without renewal. The poll renews it before every file, so it
 * only has to outlast the server-side copy of one recording.
 */
export const WATCH_BUCKET_POLL_LEASE_TTL: Duration.DurationInput = "15 minutes";

/** Objects asked for per listing page. */
const LISTING_PAGE_SIZE = 1000;

export type WatchBucketPollResult =
  /** Another poll holds the lease; this one did nothing. */
  | { readonly _tag: "Skipped"; readonly heldBy: string }
  | {
      readonly _tag: "Polled";
      /** One entry per key seen, in listing order (the archive's own copies are left out). */
      readonly outcomes: ReadonlyArray<WatchFileOutcome>;
      /**
       * Why the poll stopped before the end of the bucket (it lost its lease), or null. The
       * files it did not reach are picked up by the next poll.
       */
      readonly stoppedEarly: string | null;
    };

/**
 * `watch-bucket.poll`: lists the lecture-capture watch bucket, every page, and ingests each
 * file with `IngestWatchBucketFile`. Two polls never run at once: a poll that finds the lease
 * held returns `Skipped`. A failure on one file is recorded on its claim and does not stop the
 * others; only a listing failure or a lost lease ends the poll early.
 */
export class PollWatchBucket {
  private readonly ingestFile: IngestWatchBucketFile;

  constructor(
    private readonly ports: WatchBucketFilePorts & Pick<DomainPorts, "lease">,
    private readonly settings: WatchBucketSettings,
  ) {
    this.ingestFile = new IngestWatchBucketFile(ports, settings);
  }

  run(): Effect.Effect<WatchBucketPollResult, LeaseFailure | StorageFailure> {
    const { lease, ids } = this.ports;
    return Effect.gen(this, function* () {
      const taken = yield* Effect.either(
        lease.acquire(WATCH_BUCKET_POLL_LEASE, ids.opaqueId(), WATCH_BUCKET_POLL_LEASE_TTL),
      );
      if (taken._tag === "Left") {
        if (taken.left._tag === "LeaseHeld") return { _tag: "Skipped", heldBy: taken.left.holder } as const;
        return yield* taken.left;
      }
      const handle = taken.right;
      // The lease is released however the poll ends; a failed release only delays the next
      // poll until the lease expires.
      return yield* Effect.ensuring(this.pollHolding(handle), Effect.ignore(lease.release(handle)));
    }).pipe(Effect.withSpan("PollWatchBucket.run"));
  }

  private pollHolding(handle: LeaseHandle): Effect.Effect<WatchBucketPollResult, StorageFailure> {
    const { objectStore, lease, clock } = this.ports;
    const watchBucket = this.settings.buckets.watch;
    return Effect.gen(this, function* () {
      const startedAt = clock.now();
      const outcomes: Array<WatchFileOutcome> = [];
      let current = handle;
      let stoppedEarly: string | null = null;
      // Ingests one file; false once the lease is lost, which ends the poll.
      const pollFile = (object: ObjectInfo) =>
        Effect.gen(this, function* () {
          // Only a recording can take long (its copy); the lease is renewed before each one.
          if (triageWatchKey(this.settings.watchBucketArchivePrefix, object.key) === "Recording") {
            const renewed = yield* Effect.either(lease.renew(current, WATCH_BUCKET_POLL_LEASE_TTL));
            if (renewed._tag === "Left") {
              stoppedEarly = `the poll lease was lost: ${renewed.left.message}`;
              return false;
            }
            current = renewed.right;
          }
          const outcome = yield* Effect.catchAll(this.ingestFile.run(object, startedAt), (error) =>
            Effect.succeed<WatchFileOutcome>({
              _tag: "Failed",
              key: object.key,
              reason: `the claim could not be read or written: ${error.message}`,
              attempts: 0,
            }),
          );
          if (outcome !== undefined) outcomes.push(outcome);
          return true;
        });
      yield* Stream.runForEachWhile(
        objectsUnder(objectStore, watchBucket, "", { limit: LISTING_PAGE_SIZE }),
        pollFile,
      );
      return { _tag: "Polled", outcomes, stoppedEarly };
    });
  }
}
