import { Duration, Effect, Either, Option } from "effect";
import type { EncodeJob } from "../../model/encode-job.js";
import type { VideoKey } from "../../model/keys.js";
import type { Video } from "../../model/video.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { TranscoderFailure } from "../../ports/transcoder.js";
import type { DomainPorts } from "../domain-ports.js";
import type { DomainSettings } from "../settings.js";
import type { RecordVideoEventError } from "../video-lifecycle/record-video-event.js";
import { RecordVideoEvent } from "../video-lifecycle/record-video-event.js";
import type { ApplyTranscodeOutcomeError, ApplyTranscodeOutcomeResult } from "./apply-transcode-outcome.js";
import { ApplyTranscodeOutcome } from "./apply-transcode-outcome.js";
import { awaitingStatus, IN_FLIGHT_JOB_STATES, videoAwaitsJob } from "./awaited-job.js";

/**
 * At most this many jobs and this many videos are looked at per run. Jobs still running stay
 * in flight and come back oldest first, so the batch is large enough for any realistic backlog
 * of long jobs to leave room for the rest; the next run (every 5 minutes) picks up the others.
 */
export const RECONCILE_BATCH_SIZE = 500;

/** What the transcoder says about a job OVS thinks is in flight, after acting on it. */
export type ReconciledJob =
  | { readonly _tag: "Applied"; readonly jobId: string; readonly result: ApplyTranscodeOutcomeResult }
  | { readonly _tag: "StillRunning"; readonly jobId: string; readonly stateChanged: boolean }
  /** The transcoder does not know the job: it is marked Error and the video failed (if it waited for it). */
  | {
      readonly _tag: "Lost";
      readonly jobId: string;
      readonly videoKey: VideoKey;
      readonly videoFailed: boolean;
    };

export type ReconcileItemError = TranscoderFailure | ApplyTranscodeOutcomeError;

export interface ReconcileFailure {
  /** Null for a stuck video that has no job. */
  readonly jobId: string | null;
  readonly videoKey: VideoKey;
  readonly error: ReconcileItemError;
}

export interface ReconcileTranscodesReport {
  readonly jobs: ReadonlyArray<ReconciledJob>;
  /** Videos left in Transcoding/Retranscoding with no job in flight, now failed. */
  readonly videosWithoutJob: ReadonlyArray<VideoKey>;
  /** Items that could not be reconciled this time; the others were not held up by them. */
  readonly failures: ReadonlyArray<ReconcileFailure>;
}

const LOST_JOB_MESSAGE = "the transcoder has no record of this job";

/**
 * Serves `transcode.reconcile` (every 5 minutes): the safety net for completion events that
 * never arrived (docs/architecture.md §6.4). Every job in flight for longer than
 * `transcode.reconcileAfter` is described by the transcoder: a finished job's real outcome is
 * applied exactly as a delivered one would be; a running one only has its state refreshed; a
 * job the transcoder does not know is lost, and the video waiting for it fails
 * (`TranscodeJobLost`). Then videos still in `Transcoding`/`Retranscoding` after that long
 * whose newest job is missing or already finished fail the same way: nothing would ever move
 * them on. One item failing does not stop the others; it is listed in the report.
 */
export class ReconcileTranscodes {
  private readonly applyOutcome: ApplyTranscodeOutcome;
  private readonly recordEvent: RecordVideoEvent;

  constructor(
    private readonly ports: Pick<
      DomainPorts,
      | "encodeJobs"
      | "transcoder"
      | "videos"
      | "collections"
      | "videoFiles"
      | "videoThumbnails"
      | "objectStore"
      | "mailOutbox"
      | "jobs"
      | "unitOfWork"
      | "clock"
      | "ids"
    >,
    private readonly settings: Pick<DomainSettings, "buckets" | "transcode">,
  ) {
    this.applyOutcome = new ApplyTranscodeOutcome(ports, settings);
    this.recordEvent = new RecordVideoEvent(ports);
  }

  run(): Effect.Effect<ReconcileTranscodesReport, PersistenceFailure> {
    const { encodeJobs, videos, clock } = this.ports;
    return Effect.gen(this, function* () {
      const before = new Date(
        clock.now().getTime() - Duration.toMillis(Duration.decode(this.settings.transcode.reconcileAfter)),
      );
      const reconciled: Array<ReconciledJob> = [];
      const failures: Array<ReconcileFailure> = [];

      for (const job of yield* encodeJobs.listInFlightSince(before, RECONCILE_BATCH_SIZE)) {
        const outcome = yield* Effect.either(this.reconcileJob(job));
        if (Either.isRight(outcome)) reconciled.push(outcome.right);
        else failures.push({ jobId: job.id, videoKey: job.videoKey, error: outcome.left });
      }

      const videosWithoutJob: Array<VideoKey> = [];
      const stuck = yield* videos.listInStatusSince(
        ["Transcoding", "Retranscoding"],
        before,
        RECONCILE_BATCH_SIZE,
      );
      for (const video of stuck) {
        const outcome = yield* Effect.either(this.failIfNoJobInFlight(video));
        if (Either.isLeft(outcome)) failures.push({ jobId: null, videoKey: video.key, error: outcome.left });
        else if (outcome.right) videosWithoutJob.push(video.key);
      }
      return { jobs: reconciled, videosWithoutJob, failures };
    }).pipe(Effect.withSpan("ReconcileTranscodes.run"));
  }

  private reconcileJob(job: EncodeJob): Effect.Effect<ReconciledJob, ReconcileItemError> {
    const { transcoder, encodeJobs, clock } = this.ports;
    return Effect.gen(this, function* () {
      const description = yield* transcoder.describe(job.id);
      switch (description._tag) {
        case "Finished": {
          const result = yield* this.applyOutcome.apply(description.outcome);
          return { _tag: "Applied", jobId: job.id, result } as const;
        }
        case "InProgress": {
          if (description.state === job.state) {
            return { _tag: "StillRunning", jobId: job.id, stateChanged: false } as const;
          }
          // Only forward: a job seen Progressing is not set back to Submitted.
          const changed =
            description.state === "Progressing"
              ? yield* encodeJobs.compareAndSetState(
                  job.id,
                  ["Submitted"],
                  { state: "Progressing" },
                  clock.now(),
                )
              : Option.none();
          return { _tag: "StillRunning", jobId: job.id, stateChanged: Option.isSome(changed) } as const;
        }
        case "Unknown":
          return yield* this.markLost(job);
      }
    });
  }

  /** The job is marked Error; the video fails only if it still waits for this job. */
  private markLost(job: EncodeJob): Effect.Effect<ReconciledJob, RecordVideoEventError> {
    const { encodeJobs, videos, unitOfWork, clock } = this.ports;
    return unitOfWork.transaction(
      Effect.gen(this, function* () {
        const marked = yield* encodeJobs.compareAndSetState(
          job.id,
          IN_FLIGHT_JOB_STATES,
          { state: "Error", errorMessage: LOST_JOB_MESSAGE },
          clock.now(),
        );
        const video = Option.getOrUndefined(yield* videos.findByKey(job.videoKey));
        const awaited =
          Option.isSome(marked) && video !== undefined && (yield* videoAwaitsJob(encodeJobs, video, job));
        if (awaited) {
          yield* this.recordEvent.run(job.videoKey, "TranscodeJobLost", {
            occurrence: { _tag: "EncodeJob", jobId: job.id },
          });
        }
        return { _tag: "Lost", jobId: job.id, videoKey: job.videoKey, videoFailed: awaited } as const;
      }),
    );
  }

  /**
   * A video waiting in Transcoding/Retranscoding whose newest job is missing, finished, or of
   * the other purpose waits for nothing: it fails as a lost job. Returns whether it did.
   */
  private failIfNoJobInFlight(video: Video): Effect.Effect<boolean, RecordVideoEventError> {
    const { encodeJobs } = this.ports;
    return Effect.gen(this, function* () {
      const latest = Option.getOrUndefined(yield* encodeJobs.latestForVideo(video.key));
      const waitsForLatest =
        latest !== undefined &&
        IN_FLIGHT_JOB_STATES.includes(latest.state) &&
        awaitingStatus(latest.purpose) === video.status;
      if (waitsForLatest) return false;
      return yield* this.recordEvent.run(video.key, "TranscodeJobLost").pipe(
        Effect.as(true),
        // The video moved on since it was listed: nothing to fail.
        Effect.catchTags({
          IllegalTransition: () => Effect.succeed(false),
          StatusConflict: () => Effect.succeed(false),
        }),
      );
    });
  }
}
