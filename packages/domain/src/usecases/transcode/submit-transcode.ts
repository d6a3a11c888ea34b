import { Effect, Either, Schedule, Schema } from "effect";
import type { EncodeJob, EncodeJobPurpose } from "../../model/encode-job.js";
import type { VideoKey } from "../../model/keys.js";
import { hexKey, VideoKeySchema } from "../../model/keys.js";
import { retranscodeStagingPrefix } from "../../model/storage-keys.js";
import type { Video, VideoStatus } from "../../model/video.js";
import { originalFileOf } from "../../model/video-file.js";
import { canTake } from "../../policy/video-status.js";
import type { StorageFailure } from "../../ports/object-store.js";
import type { PersistenceFailure, RecordNotFound, UniqueViolation } from "../../ports/persistence-errors.js";
import type { TranscodeRequest, TranscoderFailure } from "../../ports/transcoder.js";
import type { DomainPorts } from "../domain-ports.js";
import type { InvalidInput } from "../errors.js";
import { CollectionNotFound, VideoNotFound, orFail } from "../errors.js";
import type { DomainSettings } from "../settings.js";
import { validateInput } from "../validate-input.js";
import type { RecordVideoEventError } from "../video-lifecycle/record-video-event.js";
import { RecordVideoEvent } from "../video-lifecycle/record-video-event.js";
import {
  retranscodeNeedsThumbnail,
  retranscodeThumbnailStagingPrefix,
  transcodePurposeFor,
  transcodeRequestFor,
} from "./transcode-request.js";

/** Why a submission did not reach the transcoder; `transient` ones are worth another try. */
export interface SubmissionProblem {
  readonly transient: boolean;
  readonly reason: string;
}

export type SubmitTranscodeResult =
  | {
      readonly _tag: "Submitted";
      readonly videoKey: VideoKey;
      readonly jobId: string;
      readonly purpose: EncodeJobPurpose;
      readonly request: TranscodeRequest;
    }
  /** The video now has a failure status (and its emails are queued); there is no job. */
  | {
      readonly _tag: "SubmitFailed";
      readonly videoKey: VideoKey;
      readonly status: VideoStatus;
      readonly problem: SubmissionProblem;
    }
  /** A redelivery, or a video that moved on: nothing was done. */
  | { readonly _tag: "NotAwaitingTranscode"; readonly videoKey: VideoKey; readonly status: VideoStatus }
  /**
   * Another writer changed the video while this submission ran, so nothing was recorded. When
   * the transcoder had accepted the job, its id is given: its outcome will be reported as
   * belonging to no video.
   */
  | {
      readonly _tag: "Superseded";
      readonly videoKey: VideoKey;
      readonly orphanedJobId: string | null;
    };

/** What the transcoder accepted: its job id and the request it runs. */
export interface AcceptedTranscode {
  readonly jobId: string;
  readonly request: TranscodeRequest;
}

/** The `video.transcode` payload as the worker receives it. */
const SubmitTranscodePayload = Schema.Struct({
  videoKey: VideoKeySchema,
  fromWatchBucket: Schema.optional(Schema.Boolean),
});

export type SubmitTranscodeError =
  | InvalidInput
  | VideoNotFound
  | CollectionNotFound
  | RecordVideoEventError
  | UniqueViolation
  | RecordNotFound
  | PersistenceFailure;

/**
 * Transient failures (throttling, 5xx, network) are retried here, a few times with full-jitter
 * exponential backoff (at most 3 retries, about 2 s, 4 s, 8 s), before the submission counts as
 * failed. Retrying inside the job keeps the decision in one place: the `video.transcode`
 * payload carries no attempt number, so a queue-level retry could not tell the last attempt,
 * which must record the failure status. The whole run stays far below the queue's expiry.
 */
export const SUBMIT_RETRY_SCHEDULE: Schedule.Schedule<unknown> = Schedule.exponential("2 seconds").pipe(
  Schedule.jitteredWith({ min: 0, max: 1 }),
  Schedule.intersect(Schedule.recurs(3)),
);

export interface SubmitTranscodeOptions {
  /** How transient submission failures are retried; `SUBMIT_RETRY_SCHEDULE` by default. */
  readonly retrySchedule?: Schedule.Schedule<unknown, SubmissionProblem>;
}

const fromTranscoder = (failure: TranscoderFailure): SubmissionProblem => ({
  transient: failure.transient,
  reason: failure.message,
});

const fromStorage = (failure: StorageFailure): SubmissionProblem => ({
  transient: failure.transient,
  reason: failure.message,
});

/**
 * Serves `video.transcode`: submits the first transcode of an uploaded video, or the
 * retranscode of a video in `Retranscode scheduled` (upstream `transcode_video`). The job and
 * the `Transcoding`/`Retranscoding` status are recorded together once the transcoder has
 * accepted the job; any failure to submit (no original, storage or transcoder errors after
 * retries) records `SubmitFailed` instead, so a video never waits for a job that does not
 * exist. A video in any other status is left alone, which makes redeliveries harmless.
 */
export class SubmitTranscode {
  private readonly recordEvent: RecordVideoEvent;
  private readonly retrySchedule: Schedule.Schedule<unknown, SubmissionProblem>;

  constructor(
    private readonly ports: Pick<
      DomainPorts,
      | "videos"
      | "collections"
      | "videoFiles"
      | "videoThumbnails"
      | "encodeJobs"
      | "objectStore"
      | "transcoder"
      | "mailOutbox"
      | "jobs"
      | "unitOfWork"
      | "clock"
      | "ids"
    >,
    private readonly settings: Pick<DomainSettings, "buckets">,
    options: SubmitTranscodeOptions = {},
  ) {
    this.recordEvent = new RecordVideoEvent(ports);
    this.retrySchedule = options.retrySchedule ?? SUBMIT_RETRY_SCHEDULE;
  }

  /** The `video.transcode` job: decodes the payload, then submits. */
  run(payload: unknown): Effect.Effect<SubmitTranscodeResult, SubmitTranscodeError> {
    return Effect.gen(this, function* () {
      const { videoKey, fromWatchBucket } = yield* validateInput(SubmitTranscodePayload, payload);
      yield* Effect.annotateCurrentSpan("videoKey", videoKey);
      return yield* this.submit(videoKey, fromWatchBucket ?? false);
    }).pipe(Effect.withSpan("SubmitTranscode.run"));
  }

  private submit(
    videoKey: VideoKey,
    fromWatchBucket: boolean,
  ): Effect.Effect<SubmitTranscodeResult, Exclude<SubmitTranscodeError, InvalidInput>> {
    const { videos, encodeJobs, unitOfWork, clock } = this.ports;
    return Effect.gen(this, function* () {
      const video = yield* videos
        .findByKey(videoKey)
        .pipe(orFail(() => new VideoNotFound({ key: videoKey })));
      const purpose = transcodePurposeFor(video);
      const submittedEvent = purpose === "retranscode" ? "RetranscodeSubmitted" : "TranscodeSubmitted";
      if (!canTake(video.status, submittedEvent)) {
        return { _tag: "NotAwaitingTranscode", videoKey, status: video.status } as const;
      }
      const submitted = yield* this.submitToTranscoder({ video, purpose, fromWatchBucket });

      if (Either.isLeft(submitted)) {
        const problem = submitted.left;
        return yield* this.recordEvent.run(videoKey, "SubmitFailed").pipe(
          Effect.map(({ video: failed }): SubmitTranscodeResult => ({
            _tag: "SubmitFailed",
            videoKey,
            status: failed.status,
            problem,
          })),
          Effect.catchTags({
            IllegalTransition: () => Effect.succeed(superseded(videoKey, null)),
            StatusConflict: () => Effect.succeed(superseded(videoKey, null)),
          }),
        );
      }

      const { jobId, request } = submitted.right;
      const record = Effect.gen(this, function* () {
        yield* this.recordEvent.run(videoKey, submittedEvent);
        yield* encodeJobs.insert(
          submittedEncodeJob({ jobId, videoKey, purpose, message: request, at: clock.now() }),
        );
        return { _tag: "Submitted", videoKey, jobId, purpose, request } as const;
      });
      return yield* unitOfWork.transaction(record).pipe(
        Effect.catchTags({
          IllegalTransition: () => Effect.succeed(superseded(videoKey, jobId)),
          StatusConflict: () => Effect.succeed(superseded(videoKey, jobId)),
        }),
      );
    });
  }

  /**
   * Has the transcoder accept a job of `purpose` for `video`, and records nothing: builds the
   * request from the video as it is now (its key space, the original upload, for a retranscode
   * the thumbnail rule) and, for a retranscode, empties the staging folders first. Transient
   * failures are retried with the retry schedule; what is left of a failure is the `Left`
   * (`SubmissionProblem`), so the caller records it as its situation requires. Serves the
   * `video.transcode` job and the resubmission of a job the transcoder lost
   * (`ReconcileTranscodes`), so both lay out their outputs the same way.
   */
  submitToTranscoder(target: {
    readonly video: Video;
    readonly purpose: EncodeJobPurpose;
    readonly fromWatchBucket: boolean;
  }): Effect.Effect<
    Either.Either<AcceptedTranscode, SubmissionProblem>,
    CollectionNotFound | PersistenceFailure
  > {
    const { collections, videoFiles, videoThumbnails } = this.ports;
    const { video, purpose, fromWatchBucket } = target;
    return Effect.gen(this, function* () {
      const collection = yield* collections
        .findByKey(video.collectionKey)
        .pipe(orFail(() => new CollectionNotFound({ key: video.collectionKey })));
      const original = originalFileOf(yield* videoFiles.listForVideo(video.key));
      const thumbnails = purpose === "retranscode" ? yield* videoThumbnails.listForVideo(video.key) : [];

      const attempt = Effect.gen(this, function* () {
        if (original === undefined) {
          return yield* Effect.fail<SubmissionProblem>({
            transient: false,
            reason: "the video has no original file",
          });
        }
        const location = { bucket: original.bucketName, key: original.s3ObjectKey };
        const stored = yield* this.ports.objectStore.head(location).pipe(
          Effect.mapError(fromStorage),
          orFail((): SubmissionProblem => ({
            transient: false,
            reason: `the original file ${location.bucket}/${location.key} is missing`,
          })),
        );
        const request = transcodeRequestFor({
          video,
          collection,
          original: location,
          fromWatchBucket,
          retranscodeThumbnail: retranscodeNeedsThumbnail({
            originalWrittenAt: stored.lastModified,
            thumbnailsWrittenAt: thumbnails.map((thumbnail) => thumbnail.updatedAt),
          }),
          buckets: this.settings.buckets,
          purpose,
        });
        if (purpose === "retranscode") yield* this.clearStaging(request);
        const { jobId } = yield* Effect.mapError(this.ports.transcoder.submit(request), fromTranscoder);
        return { jobId, request };
      });

      return yield* Effect.either(
        Effect.retry(attempt, { schedule: this.retrySchedule, while: (problem) => problem.transient }),
      );
    });
  }

  /**
   * A retranscode starts from empty staging folders: leftovers of an earlier failed attempt
   * must not be copied live with the new outputs. The trailing slash keeps the delete inside
   * this video's folder.
   */
  private clearStaging(request: TranscodeRequest): Effect.Effect<void, SubmissionProblem> {
    const { objectStore } = this.ports;
    const transcodeBucket = this.settings.buckets.transcode;
    const hex = hexKey(request.videoKey);
    const clear = Effect.gen(this, function* () {
      yield* objectStore.deletePrefix(transcodeBucket, `${retranscodeStagingPrefix(hex)}/`);
      if (request.thumbnail !== null) {
        yield* objectStore.deletePrefix(
          request.thumbnail.bucket,
          `${retranscodeThumbnailStagingPrefix(hex)}/`,
        );
      }
    });
    return Effect.mapError(clear, fromStorage);
  }
}

/** The encode job row of a job the transcoder just accepted. */
export const submittedEncodeJob = (job: {
  readonly jobId: string;
  readonly videoKey: VideoKey;
  readonly purpose: EncodeJobPurpose;
  /** The request it was submitted with (and, for a resubmission, what it replaces). */
  readonly message: unknown;
  readonly at: Date;
}): EncodeJob => ({
  id: job.jobId,
  videoKey: job.videoKey,
  purpose: job.purpose,
  state: "Submitted",
  errorCode: null,
  errorMessage: null,
  message: job.message,
  createdAt: job.at,
  lastModified: job.at,
});

const superseded = (videoKey: VideoKey, orphanedJobId: string | null): SubmitTranscodeResult => ({
  _tag: "Superseded",
  videoKey,
  orphanedJobId,
});
