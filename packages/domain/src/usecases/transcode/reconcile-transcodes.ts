import { Duration, Effect, Either, Option, Schema } from "effect";
import type { EncodeJob } from "../../model/encode-job.js";
import type { VideoKey } from "../../model/keys.js";
import type { Video } from "../../model/video.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { TranscodeRequest, TranscoderFailure } from "../../ports/transcoder.js";
import type { DomainPorts } from "../domain-ports.js";
import type { CollectionNotFound } from "../errors.js";
import type { DomainSettings } from "../settings.js";
import type { RecordVideoEventError } from "../video-lifecycle/record-video-event.js";
import { RecordVideoEvent } from "../video-lifecycle/record-video-event.js";
import type { ApplyTranscodeOutcomeError, ApplyTranscodeOutcomeResult } from "./apply-transcode-outcome.js";
import { ApplyTranscodeOutcome } from "./apply-transcode-outcome.js";
import { awaitingStatus, IN_FLIGHT_JOB_STATES, videoAwaitsJob } from "./awaited-job.js";
import type { SubmitTranscodeOptions } from "./submit-transcode.js";
import { SubmitTranscode, submittedEncodeJob } from "./submit-transcode.js";

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
  /**
   * The transcoder does not know the job the video waits for: a new job of the same purpose
   * replaces it (`resubmission` counts from 1 for the video's current transcode); the lost job
   * is closed (Error) and names its replacement. The video keeps its status; no email is sent.
   */
  | {
      readonly _tag: "Resubmitted";
      readonly jobId: string;
      readonly videoKey: VideoKey;
      readonly newJobId: string;
      readonly resubmission: number;
    }
  /**
   * The transcoder does not know the job, and it is not resubmitted: the video no longer waits
   * for it, or it was resubmitted `transcode.resubmitLimit` times already, or its resubmission
   * failed. It is marked Error with `reason`, and the video failed if it still waited for it.
   */
  | {
      readonly _tag: "Lost";
      readonly jobId: string;
      readonly videoKey: VideoKey;
      readonly videoFailed: boolean;
      readonly reason: string;
    }
  /** The job left flight while this run looked at it (another reconciler, a late event): nothing done. */
  | { readonly _tag: "AlreadyHandled"; readonly jobId: string };

export type ReconcileItemError = TranscoderFailure | ApplyTranscodeOutcomeError | CollectionNotFound;

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
 * What a lost job says while its replacement is being submitted. A reconciler that finds it on
 * a video's newest job leaves the video alone for `transcode.reconcileAfter`: the resubmission
 * is under way, or it crashed, and then the video fails as one with no job in flight.
 */
const RESUBMITTING_MESSAGE = "the transcoder lost the job; resubmitting it";

const resubmittedAs = (jobId: string): string => `the transcoder lost the job; resubmitted as ${jobId}`;

/**
 * What a resubmitted job keeps in its `message`: the request, as every submitted job does,
 * and which lost job it replaces, with its number among the resubmissions of the video's
 * current transcode. The number lives on the job row, so the bound holds across restarts.
 */
export interface ResubmittedJobMessage {
  readonly request: TranscodeRequest;
  readonly resubmission: { readonly of: string; readonly number: number };
}

const ResubmissionMark = Schema.Struct({
  resubmission: Schema.Struct({ number: Schema.Int.pipe(Schema.positive()) }),
});
/** The part of a job's request a resubmission reuses: whether it had an MP4 (`fromWatchBucket`). */
const SubmittedRequestMark = Schema.Struct({ includeMp4: Schema.Boolean });
const CarriedRequestMark = Schema.Union(
  SubmittedRequestMark,
  Schema.Struct({ request: SubmittedRequestMark }),
);

/** How many times the video's current transcode was resubmitted before this job: 0 for a first submission. */
export const resubmissionsBefore = (job: Pick<EncodeJob, "message">): number =>
  Option.match(Schema.decodeUnknownOption(ResubmissionMark)(job.message), {
    onNone: () => 0,
    onSome: (mark) => mark.resubmission.number,
  });

/**
 * Whether the job was submitted for a lecture-capture recording (HLS only), read from the
 * request it carries (directly, or inside a `ResubmittedJobMessage`); a job whose message says
 * nothing of it (one the previous system submitted) gets both encodings.
 */
const submittedWithoutMp4 = (job: Pick<EncodeJob, "message">): boolean =>
  Option.match(Schema.decodeUnknownOption(CarriedRequestMark)(job.message), {
    onNone: () => false,
    onSome: (carried) => !("includeMp4" in carried ? carried.includeMp4 : carried.request.includeMp4),
  });

/**
 * Serves `transcode.reconcile` (every 5 minutes): the safety net for completion events that
 * never arrived (docs/architecture.md §6.4). Every job in flight for longer than
 * `transcode.reconcileAfter` is described by the transcoder: a finished job's real outcome is
 * applied exactly as a delivered one would be; a running one only has its state refreshed.
 *
 * A job the transcoder does not know (a local transcoder that restarted; with MediaConvert,
 * which keeps jobs about 90 days, a wrong or expired id) is resubmitted when its video still
 * waits for it: a new job of the same purpose, submitted the way `SubmitTranscode` submits
 * (the same key layout, emptied staging folders for a retranscode, the same encode-job row),
 * replaces it; the lost job is closed as Error naming its replacement, and the video keeps its
 * status without an email. A compare-and-set on the lost job's state claims it first, so of
 * two reconcilers only one resubmits. After `transcode.resubmitLimit` resubmissions (counted
 * on the job rows, see `ResubmittedJobMessage`), or when the resubmission fails, the video
 * fails (`TranscodeJobLost`, with its emails) and the job records why.
 *
 * Then videos still in `Transcoding`/`Retranscoding` after that long whose newest job is
 * missing or already finished fail the same way: nothing would ever move them on. One item
 * failing does not stop the others; it is listed in the report.
 */
export class ReconcileTranscodes {
  private readonly applyOutcome: ApplyTranscodeOutcome;
  private readonly recordEvent: RecordVideoEvent;
  private readonly submitTranscode: SubmitTranscode;

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
    /** How a resubmission retries transient failures, as `SubmitTranscode` does. */
    options: SubmitTranscodeOptions = {},
  ) {
    this.applyOutcome = new ApplyTranscodeOutcome(ports, settings);
    this.recordEvent = new RecordVideoEvent(ports);
    this.submitTranscode = new SubmitTranscode(ports, settings, options);
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
        const outcome = yield* Effect.either(this.failIfNoJobInFlight(video, before));
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
          return yield* this.recoverLost(job);
      }
    });
  }

  /** Resubmits a lost job the video waits for, within the bound; otherwise it is marked lost. */
  private recoverLost(job: EncodeJob): Effect.Effect<ReconciledJob, ReconcileItemError> {
    const { encodeJobs, videos } = this.ports;
    return Effect.gen(this, function* () {
      const video = Option.getOrUndefined(yield* videos.findByKey(job.videoKey));
      const awaited = video !== undefined && (yield* videoAwaitsJob(encodeJobs, video, job));
      const earlier = resubmissionsBefore(job);
      if (video !== undefined && awaited && earlier < this.settings.transcode.resubmitLimit) {
        return yield* this.resubmit(job, video, earlier + 1);
      }
      const reason =
        awaited && earlier > 0
          ? `${LOST_JOB_MESSAGE}; given up after ${earlier} resubmission(s)`
          : LOST_JOB_MESSAGE;
      return yield* this.markLost(job, reason);
    });
  }

  /**
   * Claims the lost job (in flight → Error), submits its replacement and records it. Only the
   * claim's winner submits, so concurrent reconcilers resubmit once. A failed submission fails
   * the video; a crash between the claim and the record leaves the video to
   * `failIfNoJobInFlight` once `transcode.reconcileAfter` has passed.
   */
  private resubmit(
    job: EncodeJob,
    video: Video,
    resubmission: number,
  ): Effect.Effect<ReconciledJob, ReconcileItemError> {
    const { encodeJobs, unitOfWork, clock } = this.ports;
    return Effect.gen(this, function* () {
      const claimed = yield* encodeJobs.compareAndSetState(
        job.id,
        IN_FLIGHT_JOB_STATES,
        { state: "Error", errorMessage: RESUBMITTING_MESSAGE },
        clock.now(),
      );
      if (Option.isNone(claimed)) return { _tag: "AlreadyHandled", jobId: job.id } as const;

      const submitted = yield* this.submitTranscode.submitToTranscoder({
        video,
        purpose: job.purpose,
        fromWatchBucket: submittedWithoutMp4(job),
      });
      if (Either.isLeft(submitted)) {
        return yield* this.failClaimed(
          job,
          `${LOST_JOB_MESSAGE}; its resubmission failed: ${submitted.left.reason}`,
        );
      }

      const { jobId: newJobId, request } = submitted.right;
      const message: ResubmittedJobMessage = { request, resubmission: { of: job.id, number: resubmission } };
      yield* unitOfWork.transaction(
        Effect.gen(function* () {
          const at = clock.now();
          yield* encodeJobs.insert(
            submittedEncodeJob({
              jobId: newJobId,
              videoKey: job.videoKey,
              purpose: job.purpose,
              message,
              at,
            }),
          );
          yield* encodeJobs.compareAndSetState(
            job.id,
            ["Error"],
            { state: "Error", errorMessage: resubmittedAs(newJobId) },
            at,
          );
        }),
      );
      return { _tag: "Resubmitted", jobId: job.id, videoKey: job.videoKey, newJobId, resubmission } as const;
    }).pipe(Effect.withSpan("ReconcileTranscodes.resubmit", { attributes: { jobId: job.id, resubmission } }));
  }

  /** A claimed job whose resubmission failed: the reason on the job, and the video fails if it still waits for it. */
  private failClaimed(job: EncodeJob, reason: string): Effect.Effect<ReconciledJob, RecordVideoEventError> {
    const { encodeJobs, unitOfWork, clock } = this.ports;
    return unitOfWork.transaction(
      Effect.gen(this, function* () {
        yield* encodeJobs.compareAndSetState(
          job.id,
          ["Error"],
          { state: "Error", errorMessage: reason },
          clock.now(),
        );
        const videoFailed = yield* this.recordEvent
          .run(job.videoKey, "TranscodeJobLost", { occurrence: { _tag: "EncodeJob", jobId: job.id } })
          .pipe(
            Effect.as(true),
            // The video moved on since it was read: nothing to fail.
            Effect.catchTags({
              IllegalTransition: () => Effect.succeed(false),
              StatusConflict: () => Effect.succeed(false),
            }),
          );
        return { _tag: "Lost", jobId: job.id, videoKey: job.videoKey, videoFailed, reason } as const;
      }),
    );
  }

  /** The job is marked Error with `reason`; the video fails only if it still waits for this job. */
  private markLost(job: EncodeJob, reason: string): Effect.Effect<ReconciledJob, RecordVideoEventError> {
    const { encodeJobs, videos, unitOfWork, clock } = this.ports;
    return unitOfWork.transaction(
      Effect.gen(this, function* () {
        const marked = yield* encodeJobs.compareAndSetState(
          job.id,
          IN_FLIGHT_JOB_STATES,
          { state: "Error", errorMessage: reason },
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
        if (Option.isNone(marked)) return { _tag: "AlreadyHandled", jobId: job.id } as const;
        return { _tag: "Lost", jobId: job.id, videoKey: job.videoKey, videoFailed: awaited, reason } as const;
      }),
    );
  }

  /**
   * A video waiting in Transcoding/Retranscoding whose newest job is missing, finished, or of
   * the other purpose waits for nothing: it fails as a lost job. Returns whether it did. A
   * newest job claimed for resubmission less than `before` ago is not finished yet: its
   * replacement is being submitted (by this run or a concurrent one).
   */
  private failIfNoJobInFlight(video: Video, before: Date): Effect.Effect<boolean, RecordVideoEventError> {
    const { encodeJobs } = this.ports;
    return Effect.gen(this, function* () {
      const latest = Option.getOrUndefined(yield* encodeJobs.latestForVideo(video.key));
      const waitsForLatest =
        latest !== undefined &&
        awaitingStatus(latest.purpose) === video.status &&
        (IN_FLIGHT_JOB_STATES.includes(latest.state) || beingResubmitted(latest, before));
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

const beingResubmitted = (job: EncodeJob, before: Date): boolean =>
  job.state === "Error" && job.errorMessage === RESUBMITTING_MESSAGE && job.lastModified > before;
