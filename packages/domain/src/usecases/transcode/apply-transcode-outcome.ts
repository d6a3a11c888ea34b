import { Effect, Option } from "effect";
import type { Collection } from "../../model/collection.js";
import type { EncodeJob, EncodeJobPurpose, EncodeJobState } from "../../model/encode-job.js";
import type { VideoKey } from "../../model/keys.js";
import { hexKey } from "../../model/keys.js";
import { retranscodeStagingPrefix, spaceOfKey } from "../../model/storage-keys.js";
import type { Video, VideoStatus } from "../../model/video.js";
import { mediaKeySpaceOf } from "../../policy/media-key-space.js";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { ObjectNotFound, StorageFailure } from "../../ports/object-store.js";
import type { PersistenceFailure, RecordNotFound, UniqueViolation } from "../../ports/persistence-errors.js";
import type { TranscodeOutcome } from "../../ports/transcoder.js";
import { enqueueCdnInvalidation } from "../cdn/cdn-invalidation-jobs.js";
import type { DomainPorts } from "../domain-ports.js";
import type { InvalidInput } from "../errors.js";
import { CollectionNotFound, invalidField, orFail, VideoNotFound } from "../errors.js";
import type { DomainSettings } from "../settings.js";
import { validateInput } from "../validate-input.js";
import type { RecordVideoEventError } from "../video-lifecycle/record-video-event.js";
import { RecordVideoEvent } from "../video-lifecycle/record-video-event.js";
import type { UnexpectedTranscodeOutput } from "./transcode-errors.js";
import { OutcomeDoesNotMatchJob, UnknownEncodeJob } from "./transcode-errors.js";
import { TranscodeOutcomePayloadSchema } from "./transcode-outcome-schema.js";
import type { LiveOutputs, TranscodeSucceeded } from "./transcode-outputs.js";
import { liveOutputsOf, retranscodeInvalidationPaths } from "./transcode-outputs.js";
import { retranscodeThumbnailStagingPrefix } from "./transcode-request.js";
import { IN_FLIGHT_JOB_STATES, videoAwaitsJob } from "./awaited-job.js";
import { edxPostSingletonKey } from "../edx/post-video-to-edx.js";
import { promoteStagedOutputs } from "./staged-output-promotion.js";
import { discardReplacedFiles, recordTranscodeOutputs } from "./transcode-output-records.js";

export type ApplyTranscodeOutcomeResult =
  /**
   * The outputs are recorded (and, for a retranscode, live, with the CDN invalidation of the
   * replaced ones queued) and the video is Complete.
   */
  | {
      readonly _tag: "Completed";
      readonly jobId: string;
      readonly videoKey: VideoKey;
      readonly purpose: EncodeJobPurpose;
    }
  /** The job failed: the error is on the job and the video has its failure status. */
  | {
      readonly _tag: "Errored";
      readonly jobId: string;
      readonly videoKey: VideoKey;
      readonly status: VideoStatus;
      readonly reason: string;
    }
  /** This outcome was applied before; nothing changed and nothing was sent. */
  | {
      readonly _tag: "AlreadyApplied";
      readonly jobId: string;
      readonly state: EncodeJobState;
    }
  /**
   * The video no longer waits for this job (a newer job, or a status another event set): the
   * outcome is recorded on the job, the video and its files are left alone.
   */
  | {
      readonly _tag: "NoLongerAwaited";
      readonly jobId: string;
      readonly videoKey: VideoKey;
      readonly status: VideoStatus;
    };

export type ApplyTranscodeOutcomeError =
  | InvalidInput
  | UnknownEncodeJob
  | OutcomeDoesNotMatchJob
  | UnexpectedTranscodeOutput
  | VideoNotFound
  | CollectionNotFound
  | StorageFailure
  | ObjectNotFound
  | RecordVideoEventError
  | UniqueViolation
  | RecordNotFound
  | PersistenceFailure
  | QueueFailure;

const IN_FLIGHT = IN_FLIGHT_JOB_STATES;

/** What an applied job keeps in its `message`, for operators. */
interface AppliedJobMessage {
  /** What the job carried before: the request it was submitted with. */
  readonly request: unknown;
  readonly outcome: TranscodeOutcome;
}

/**
 * Serves `transcode.outcome` (and reconciliation): applies what became of a transcoder job,
 * once. The video is the one the job's row names; an outcome that names no video (a job the
 * previous system submitted) is matched through that row alone, and an outcome whose job has
 * no row fails with `UnknownEncodeJob`. The job's compare-and-set from in-flight to Complete
 * or Error is part of the same unit of work as every other write, so a second delivery finds
 * the job applied and changes nothing; a crash before the commit leaves the job in flight for
 * the redelivery.
 *
 * - Success of a first transcode: one file row per encoding (the HLS `__index.m3u8`
 *   playlist, the `desktop_mp4`), thumbnails upserted by key with their sizes, the duration,
 *   `Complete` with its email, and the edX post when the collection has a course.
 * - Success of a retranscode: the staged outputs are first copied over the live prefix of the
 *   video's key space (copies overwrite, so a crash and a redelivery simply copy again), then
 *   the rows, the status, the staging cleanup job, the `cdn.invalidate` job for the replaced
 *   outputs and the rest commit together. The CDN is told only once the new outputs are live,
 *   and a failed invalidation is that job's to retry, not this one's.
 * - Failure: the error code and message on the job, `Transcode failed video error` with the
 *   invalid-format email (or a silent `Retranscode failed error`); nothing is moved, so the
 *   previous outputs of a retranscoded video stay live.
 */
export class ApplyTranscodeOutcome {
  private readonly recordEvent: RecordVideoEvent;

  constructor(
    private readonly ports: Pick<
      DomainPorts,
      | "encodeJobs"
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
    private readonly settings: Pick<DomainSettings, "buckets">,
  ) {
    this.recordEvent = new RecordVideoEvent(ports);
  }

  /** The `transcode.outcome` job: decodes the payload, then applies it. */
  run(payload: unknown): Effect.Effect<ApplyTranscodeOutcomeResult, ApplyTranscodeOutcomeError> {
    return Effect.flatMap(validateInput(TranscodeOutcomePayloadSchema, payload), ({ jobId, outcome }) =>
      jobId === outcome.jobId
        ? this.apply(outcome)
        : Effect.fail(invalidField("outcome.jobId", `does not match the job id ${jobId}`)),
    ).pipe(Effect.withSpan("ApplyTranscodeOutcome.run"));
  }

  apply(outcome: TranscodeOutcome): Effect.Effect<ApplyTranscodeOutcomeResult, ApplyTranscodeOutcomeError> {
    const { encodeJobs, videos } = this.ports;
    return Effect.gen(this, function* () {
      const unknownJob = () =>
        new UnknownEncodeJob({
          jobId: outcome.jobId,
          ...(outcome.videoKey === undefined ? {} : { videoKey: outcome.videoKey }),
        });
      const job = yield* encodeJobs.findById(outcome.jobId).pipe(orFail(unknownJob));
      // Jobs the previous system submitted name no video; their job row is what ties them to one.
      if (outcome.videoKey !== undefined && job.videoKey !== outcome.videoKey) {
        return yield* new OutcomeDoesNotMatchJob({
          jobId: job.id,
          jobVideoKey: job.videoKey,
          outcomeVideoKey: outcome.videoKey,
        });
      }
      if (!IN_FLIGHT.includes(job.state)) return yield* this.alreadyApplied(job);

      const video = yield* videos
        .findByKey(job.videoKey)
        .pipe(orFail(() => new VideoNotFound({ key: job.videoKey })));
      if (!(yield* videoAwaitsJob(encodeJobs, video, job)))
        return yield* this.recordWithoutVideo(job, video, outcome);

      return outcome._tag === "TranscodeFailed"
        ? yield* this.applyFailure(job, outcome, outcome.errorMessage)
        : yield* this.applySuccess(job, video, outcome);
    }).pipe(Effect.withSpan("ApplyTranscodeOutcome.apply", { attributes: { jobId: outcome.jobId } }));
  }

  private alreadyApplied(job: EncodeJob): Effect.Effect<ApplyTranscodeOutcomeResult> {
    return Effect.succeed({ _tag: "AlreadyApplied", jobId: job.id, state: job.state });
  }

  private recordWithoutVideo(
    job: EncodeJob,
    video: Video,
    outcome: TranscodeOutcome,
  ): Effect.Effect<ApplyTranscodeOutcomeResult, ApplyTranscodeOutcomeError> {
    const { encodeJobs, unitOfWork, clock } = this.ports;
    const update =
      outcome._tag === "TranscodeFailed"
        ? {
            state: "Error" as const,
            errorCode: outcome.errorCode,
            errorMessage: outcome.errorMessage,
            message: { request: job.message, outcome },
          }
        : { state: "Complete" as const, message: { request: job.message, outcome } };
    return unitOfWork.transaction(
      Effect.flatMap(encodeJobs.compareAndSetState(job.id, IN_FLIGHT, update, clock.now()), (applied) =>
        Option.isNone(applied)
          ? this.alreadyAppliedById(job.id)
          : Effect.succeed<ApplyTranscodeOutcomeResult>({
              _tag: "NoLongerAwaited",
              jobId: job.id,
              videoKey: video.key,
              status: video.status,
            }),
      ),
    );
  }

  /** A racing writer applied the job between our read and our compare-and-set. */
  private alreadyAppliedById(
    jobId: string,
  ): Effect.Effect<ApplyTranscodeOutcomeResult, UnknownEncodeJob | PersistenceFailure> {
    return this.ports.encodeJobs.findById(jobId).pipe(
      orFail(() => new UnknownEncodeJob({ jobId })),
      Effect.map((job): ApplyTranscodeOutcomeResult => ({ _tag: "AlreadyApplied", jobId, state: job.state })),
    );
  }

  /**
   * Records a failed job: the error on the job, the failure status on the video (with its
   * email), in one unit of work. Also used when a retranscode reports success but left no
   * outputs to move.
   */
  private applyFailure(
    job: EncodeJob,
    outcome: TranscodeOutcome,
    reason: string,
  ): Effect.Effect<ApplyTranscodeOutcomeResult, ApplyTranscodeOutcomeError> {
    const { encodeJobs, unitOfWork, clock } = this.ports;
    return unitOfWork.transaction(
      Effect.gen(this, function* () {
        const applied = yield* encodeJobs.compareAndSetState(
          job.id,
          IN_FLIGHT,
          {
            state: "Error",
            errorCode: outcome._tag === "TranscodeFailed" ? outcome.errorCode : null,
            errorMessage: reason,
            message: { request: job.message, outcome },
          },
          clock.now(),
        );
        if (Option.isNone(applied)) return yield* this.alreadyAppliedById(job.id);
        const recorded = yield* this.recordEvent.run(job.videoKey, "TranscodeErrored", {
          occurrence: { _tag: "EncodeJob", jobId: job.id },
        });
        return {
          _tag: "Errored",
          jobId: job.id,
          videoKey: job.videoKey,
          status: recorded.to,
          reason,
        } as const;
      }),
    );
  }

  private applySuccess(
    job: EncodeJob,
    video: Video,
    outcome: TranscodeSucceeded,
  ): Effect.Effect<ApplyTranscodeOutcomeResult, ApplyTranscodeOutcomeError> {
    const { collections, objectStore } = this.ports;
    return Effect.gen(this, function* () {
      const collection = yield* collections
        .findByKey(video.collectionKey)
        .pipe(orFail(() => new CollectionNotFound({ key: video.collectionKey })));
      const space = mediaKeySpaceOf(video, collection);
      const outputs = yield* liveOutputsOf({
        outcome,
        videoKey: video.key,
        purpose: job.purpose,
        space,
        buckets: this.settings.buckets,
      });

      if (job.purpose === "retranscode") {
        const promotion = yield* promoteStagedOutputs(objectStore, {
          transcodeBucket: this.settings.buckets.transcode,
          videoKey: video.key,
          space,
          outcome,
          outputs,
        });
        if (promotion._tag === "StagedOutputsMissing") {
          return yield* this.applyFailure(
            job,
            outcome,
            `the transcoder reported success, but these staged outputs are missing: ${promotion.missing.join(", ")}`,
          );
        }
      }

      const message: AppliedJobMessage = { request: job.message, outcome };
      const committed = yield* this.commitSuccess(job, video, collection, outcome, outputs, message);
      if (committed !== undefined) return committed;
      return { _tag: "Completed", jobId: job.id, videoKey: video.key, purpose: job.purpose } as const;
    });
  }

  /**
   * Every write of a success in one unit of work, starting with the job's compare-and-set.
   * Returns a result only when the job turned out to be applied already.
   */
  private commitSuccess(
    job: EncodeJob,
    video: Video,
    collection: Collection,
    outcome: TranscodeSucceeded,
    outputs: LiveOutputs,
    message: AppliedJobMessage,
  ): Effect.Effect<ApplyTranscodeOutcomeResult | undefined, ApplyTranscodeOutcomeError> {
    const { encodeJobs, jobs, unitOfWork, clock } = this.ports;
    const videoKey = video.key;
    return unitOfWork.transaction(
      Effect.gen(this, function* () {
        const at = clock.now();
        const applied = yield* encodeJobs.compareAndSetState(
          job.id,
          IN_FLIGHT,
          { state: "Complete", message },
          at,
        );
        if (Option.isNone(applied)) return yield* this.alreadyAppliedById(job.id);

        const recorded = yield* recordTranscodeOutputs(this.ports, videoKey, outputs, at);

        yield* this.recordEvent.run(videoKey, "TranscodeCompleted", {
          occurrence: { _tag: "EncodeJob", jobId: job.id },
          fields: { duration: outcome.durationSeconds ?? video.duration },
        });

        yield* discardReplacedFiles(jobs, recorded);
        if (job.purpose === "retranscode") {
          const hex = hexKey(videoKey);
          yield* jobs.enqueue("storage.delete", {
            bucket: this.settings.buckets.transcode,
            key: `${retranscodeStagingPrefix(hex)}/`,
            prefix: true,
          });
          if (outputs.thumbnails.length > 0) {
            yield* jobs.enqueue("storage.delete", {
              bucket: this.settings.buckets.thumbnail,
              key: `${retranscodeThumbnailStagingPrefix(hex)}/`,
              prefix: true,
            });
          }
          // The new outputs replaced the old ones at the same keys: the CDN must drop its copies.
          yield* enqueueCdnInvalidation(jobs, retranscodeInvalidationPaths(outputs), "retranscode");
        }
        // The video's visibility changed while a first transcode ran: its outputs landed in
        // the other key space, and the visibility move puts them where the video is served.
        const space = mediaKeySpaceOf(video, collection);
        const served = [...recorded.liveFiles, ...outputs.thumbnails.map((thumbnail) => thumbnail.live)];
        if (served.some((location) => spaceOfKey(location.key) !== space)) {
          yield* jobs.enqueue("video.visibility", { videoKey }, { singletonKey: videoKey });
        }
        if (collection.edxCourseId !== null && collection.edxCourseId.length > 0) {
          yield* jobs.enqueue(
            "edx.post-video",
            { videoKey },
            { singletonKey: edxPostSingletonKey(videoKey) },
          );
        }
        return undefined;
      }),
    );
  }
}
