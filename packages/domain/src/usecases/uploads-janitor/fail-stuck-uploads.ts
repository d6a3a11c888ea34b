import { Duration, Effect, Either, Option } from "effect";
import type { VideoKey } from "../../model/keys.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import { ingestLeaseName } from "../ingest/ingest-lease.js";
import type { DomainSettings } from "../settings.js";
import { RecordVideoEvent } from "../video-lifecycle/record-video-event.js";

/** Uploads looked at per run; the job is hourly, so a longer backlog is worked off run by run. */
export const STUCK_UPLOADS_PER_RUN = 500;

/**
 * How long the janitor holds a video's ingest lease while it fails the upload. Short: it only
 * has to keep an ingest from starting between the check and the status change.
 */
export const JANITOR_LEASE_TTL: Duration.DurationInput = "30 seconds";

export interface StuckUploadsReport {
  /** Failed as stuck: `Upload failed`, with its emails. */
  readonly reaped: ReadonlyArray<VideoKey>;
  /** The heartbeat is old but a worker still holds the lease: left alone. */
  readonly stillIngesting: ReadonlyArray<VideoKey>;
  /** Moved on, deleted or heartbeating again between the listing and the check: left alone. */
  readonly movedOn: ReadonlyArray<VideoKey>;
  /** Could not be checked or failed (database, lease table, queue); the next run tries again. */
  readonly failed: ReadonlyArray<{ readonly videoKey: VideoKey; readonly reason: string }>;
}

type Verdict =
  | { readonly _tag: "Reaped" }
  | { readonly _tag: "StillIngesting" }
  | { readonly _tag: "MovedOn" }
  | { readonly _tag: "Failed"; readonly reason: string };

/**
 * Serves `uploads.fail-stuck` (upstream `fail_stuck_uploading_videos`, docs/architecture.md §6.4):
 * an `Uploading` video whose heartbeat is older than the threshold AND whose ingest lease is
 * not live is failed as `Upload failed`, with the status emails.
 *
 * The `Lease` port cannot be asked who holds a lease, so the janitor tries to take it under
 * its own owner: if that succeeds nobody held it, and while the janitor holds it no ingest can
 * start. It then re-reads the video, since an ingest may have run an attempt between the
 * listing and the lease, and fails the upload only if it is still `Uploading` with an old
 * heartbeat; then it lets the lease go. One video's trouble does not stop the others.
 */
export class FailStuckUploads {
  private readonly recordEvent: RecordVideoEvent;
  private readonly stuckThreshold: Duration.Duration;

  constructor(
    private readonly ports: Pick<
      DomainPorts,
      "videos" | "lease" | "mailOutbox" | "jobs" | "unitOfWork" | "clock" | "ids"
    >,
    settings: Pick<DomainSettings, "ingest">,
  ) {
    this.recordEvent = new RecordVideoEvent(ports);
    this.stuckThreshold = Duration.decode(settings.ingest.stuckThreshold);
  }

  run(): Effect.Effect<StuckUploadsReport, PersistenceFailure> {
    const { videos, clock, ids } = this.ports;
    return Effect.gen(this, function* () {
      const cutoff = new Date(clock.now().getTime() - Duration.toMillis(this.stuckThreshold));
      const candidates = yield* videos.listInStatusSince(["Uploading"], cutoff, STUCK_UPLOADS_PER_RUN);
      const owner = `uploads-janitor:${ids.opaqueId()}`;
      const report = {
        reaped: [] as Array<VideoKey>,
        stillIngesting: [] as Array<VideoKey>,
        movedOn: [] as Array<VideoKey>,
        failed: [] as Array<{ readonly videoKey: VideoKey; readonly reason: string }>,
      };
      for (const candidate of candidates) {
        const verdict = yield* this.reapIfStuck(candidate.key, cutoff, owner);
        if (verdict._tag === "Reaped") report.reaped.push(candidate.key);
        else if (verdict._tag === "StillIngesting") report.stillIngesting.push(candidate.key);
        else if (verdict._tag === "MovedOn") report.movedOn.push(candidate.key);
        else report.failed.push({ videoKey: candidate.key, reason: verdict.reason });
      }
      return report;
    }).pipe(Effect.withSpan("FailStuckUploads.run"));
  }

  private reapIfStuck(videoKey: VideoKey, cutoff: Date, owner: string): Effect.Effect<Verdict> {
    const { lease, videos } = this.ports;
    const recordEvent = this.recordEvent;
    return Effect.gen(function* () {
      const probe = yield* Effect.either(lease.acquire(ingestLeaseName(videoKey), owner, JANITOR_LEASE_TTL));
      if (Either.isLeft(probe)) {
        return probe.left._tag === "LeaseHeld"
          ? ({ _tag: "StillIngesting" } as const)
          : ({ _tag: "Failed", reason: probe.left.message } as const);
      }
      const reap = Effect.gen(function* () {
        const current = yield* videos.findByKey(videoKey);
        if (Option.isNone(current)) return { _tag: "MovedOn" } as const;
        const { status, updatedAt } = current.value;
        if (status !== "Uploading" || updatedAt.getTime() >= cutoff.getTime())
          return { _tag: "MovedOn" } as const;
        yield* recordEvent.run(videoKey, "StuckUploadReaped");
        return { _tag: "Reaped" } as const;
      });
      return yield* reap.pipe(
        Effect.catchTags({
          VideoNotFound: () => Effect.succeed({ _tag: "MovedOn" } as const),
          RecordNotFound: () => Effect.succeed({ _tag: "MovedOn" } as const),
          IllegalTransition: () => Effect.succeed({ _tag: "MovedOn" } as const),
          StatusConflict: () => Effect.succeed({ _tag: "MovedOn" } as const),
          PersistenceFailure: (error) => Effect.succeed({ _tag: "Failed", reason: error.message } as const),
          QueueFailure: (error) => Effect.succeed({ _tag: "Failed", reason: error.message } as const),
        }),
        Effect.ensuring(Effect.ignore(lease.release(probe.right))),
      );
    });
  }
}
