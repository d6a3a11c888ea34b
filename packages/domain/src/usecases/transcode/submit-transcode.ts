import { Effect, Either, Schedule } from "effect";
import type { EncodeJobPurpose } from "../../model/encode-job.js";
import type { VideoKey } from "../../model/keys.js";
import { hexKey } from "../../model/keys.js";
import { retranscodeStagingPrefix } from "../../model/storage-keys.js";
import type { VideoStatus } from "../../model/video.js";
import { originalFileOf } from "../../model/video-file.js";
import { canTake } from "../../policy/video-status.js";
import type { JobPayloads } from "../../ports/job-queue.js";
import type { StorageFailure } from "../../ports/object-store.js";
import type { PersistenceFailure, RecordNotFound, UniqueViolation } from "../../ports/persistence-errors.js";
import type { TranscodeRequest, TranscoderFailure } from "../../ports/transcoder.js";
import type { DomainPorts } from "../domain-ports.js";
import { CollectionNotFound, VideoNotFound, orFail } from "../errors.js";
import type { DomainSettings } from "../settings.js";
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

export type SubmitTranscodeError =
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

  run(payload: JobPayloads["video.transcode"]): Effect.Effect<SubmitTranscodeResult, SubmitTranscodeError> {
    const { videos, collections, videoFiles, videoThumbnails, encodeJobs, unitOfWork, clock } = this.ports;
    const { videoKey } = payload;
    return Effect.gen(this, function* () {
      const video = yield* videos
        .findByKey(videoKey)
        .pipe(orFail(() => new VideoNotFound({ key: videoKey })));
      const purpose = transcodePurposeFor(video);
      const submittedEvent = purpose === "retranscode" ? "RetranscodeSubmitted" : "TranscodeSubmitted";
      if (!canTake(video.status, submittedEvent)) {
        return { _tag: "NotAwaitingTranscode", videoKey, status: video.status } as const;
      }
      const collection = yield* collections
        .findByKey(video.collectionKey)
        .pipe(orFail(() => new CollectionNotFound({ key: video.collectionKey })));
      const original = originalFileOf(yield* videoFiles.listForVideo(videoKey));
      const thumbnails = purpose === "retranscode" ? yield* videoThumbnails.listForVideo(videoKey) : [];

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
          fromWatchBucket: payload.fromWatchBucket ?? false,
          retranscodeThumbnail: retranscodeNeedsThumbnail({
            originalWrittenAt: stored.lastModified,
            thumbnailsWrittenAt: thumbnails.map((thumbnail) => thumbnail.updatedAt),
          }),
          buckets: this.settings.buckets,
        });
        if (purpose === "retranscode") yield* this.clearStaging(request);
        const { jobId } = yield* Effect.mapError(this.ports.transcoder.submit(request), fromTranscoder);
        return { jobId, request };
      });

      const submitted = yield* Effect.either(
        Effect.retry(attempt, { schedule: this.retrySchedule, while: (problem) => problem.transient }),
      );

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
        const at = clock.now();
        yield* encodeJobs.insert({
          id: jobId,
          videoKey,
          purpose,
          state: "Submitted",
          errorCode: null,
          errorMessage: null,
          message: request,
          createdAt: at,
          lastModified: at,
        });
        return { _tag: "Submitted", videoKey, jobId, purpose, request } as const;
      });
      return yield* unitOfWork.transaction(record).pipe(
        Effect.catchTags({
          IllegalTransition: () => Effect.succeed(superseded(videoKey, jobId)),
          StatusConflict: () => Effect.succeed(superseded(videoKey, jobId)),
        }),
      );
    }).pipe(Effect.withSpan("SubmitTranscode.run", { attributes: { videoKey } }));
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

const superseded = (videoKey: VideoKey, orphanedJobId: string | null): SubmitTranscodeResult => ({
  _tag: "Superseded",
  videoKey,
  orphanedJobId,
});
