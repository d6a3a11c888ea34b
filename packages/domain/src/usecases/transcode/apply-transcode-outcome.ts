import { Effect, Either, Option, Schema } from "effect";
import type { Collection } from "../../model/collection.js";
import type { EncodeJob, EncodeJobPurpose, EncodeJobState } from "../../model/encode-job.js";
import type { HexKey, VideoKey } from "../../model/keys.js";
import { hexKey } from "../../model/keys.js";
import type { KeySpace } from "../../model/storage-keys.js";
import {
  folderOf,
  keySpaceFor,
  liveKeyForStagedKey,
  retranscodeStagingPrefix,
  spaceOfKey,
} from "../../model/storage-keys.js";
import type { Video, VideoStatus } from "../../model/video.js";
import type { VideoFile } from "../../model/video-file.js";
import { Encoding } from "../../model/video-file.js";
import type { CdnInvalidationFailure } from "../../ports/cdn-invalidator.js";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { ObjectLocation, ObjectNotFound, StorageFailure } from "../../ports/object-store.js";
import type { PersistenceFailure, RecordNotFound, UniqueViolation } from "../../ports/persistence-errors.js";
import type { TranscodeOutcome } from "../../ports/transcoder.js";
import type { DomainPorts } from "../domain-ports.js";
import type { InvalidInput } from "../errors.js";
import { CollectionNotFound, invalidField, VideoNotFound } from "../errors.js";
import type { DomainSettings } from "../settings.js";
import { validateInput } from "../validate-input.js";
import type { RecordVideoEventError } from "../video-lifecycle/record-video-event.js";
import { RecordVideoEvent } from "../video-lifecycle/record-video-event.js";
import type { UnexpectedTranscodeOutput } from "./transcode-errors.js";
import { CdnInvalidationPending, OutcomeDoesNotMatchJob, UnknownEncodeJob } from "./transcode-errors.js";
import { TranscodeOutcomePayloadSchema } from "./transcode-outcome-schema.js";
import type { LiveOutputs, TranscodeSucceeded } from "./transcode-outputs.js";
import { liveOutputsOf, retranscodeInvalidationPaths } from "./transcode-outputs.js";
import { retranscodeThumbnailStagingPrefix } from "./transcode-request.js";
import { IN_FLIGHT_JOB_STATES, videoAwaitsJob } from "./awaited-job.js";
import { edxPostSingletonKey } from "../edx/post-video-to-edx.js";

export type ApplyTranscodeOutcomeResult =
  /** The outputs are recorded (and, for a retranscode, live and invalidated) and the video is Complete. */
  | {
      readonly _tag: "Completed";
      readonly jobId: string;
      readonly videoKey: VideoKey;
      readonly purpose: EncodeJobPurpose;
      readonly cdnInvalidationIds: ReadonlyArray<string>;
    }
  /** The job failed: the error is on the job and the video has its failure status. */
  | {
      readonly _tag: "Errored";
      readonly jobId: string;
      readonly videoKey: VideoKey;
      readonly status: VideoStatus;
      readonly reason: string;
    }
  /**
   * This outcome was applied before; nothing changed and nothing was sent, unless a CDN
   * invalidation was still pending from then, which was retried.
   */
  | {
      readonly _tag: "AlreadyApplied";
      readonly jobId: string;
      readonly state: EncodeJobState;
      readonly cdnInvalidationIds: ReadonlyArray<string>;
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
  | CdnInvalidationPending
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

/** What an applied job keeps in its `message`, for operators and for an invalidation still due. */
interface AppliedJobMessage {
  /** What the job carried before: the request it was submitted with. */
  readonly request: unknown;
  readonly outcome: TranscodeOutcome;
  readonly cdnInvalidation?: CdnInvalidationRecord;
}

interface CdnInvalidationRecord {
  readonly state: "pending" | "done";
  readonly paths: ReadonlyArray<string>;
  readonly invalidationIds?: ReadonlyArray<string>;
}

const PendingInvalidation = Schema.Struct({
  cdnInvalidation: Schema.Struct({ state: Schema.Literal("pending"), paths: Schema.Array(Schema.String) }),
});
const pendingInvalidationOf = Schema.decodeUnknownOption(PendingInvalidation, {
  onExcessProperty: "preserve",
});

/** Segments before playlists, so a playlist never goes live ahead of the segments it names. */
const playlistsLast = (keys: ReadonlyArray<string>): ReadonlyArray<string> => [
  ...keys.filter((key) => !key.endsWith(".m3u8")),
  ...keys.filter((key) => key.endsWith(".m3u8")),
];

/**
 * Serves `transcode.outcome` (and reconciliation): applies what became of a transcoder job,
 * once. The job's compare-and-set from in-flight to Complete or Error is part of the same
 * unit of work as every other write, so a second delivery finds the job applied and changes
 * nothing; a crash before the commit leaves the job in flight for the redelivery.
 *
 * - Success of a first transcode: one file row per encoding (the HLS `__index.m3u8`
 *   playlist, the `desktop_mp4`), thumbnails upserted by key with their sizes, the duration,
 *   `Complete` with its email, and the edX post when the collection has a course.
 * - Success of a retranscode: the staged outputs are first copied over the live prefix of the
 *   video's key space (copies overwrite, so a crash and a redelivery simply copy again), then
 *   the rows, the status, the staging cleanup job and the rest commit together, and last the
 *   CDN drops its old copies. A failed invalidation is recorded as pending on the job and
 *   reported; delivering the outcome again retries only that.
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
      | "cdnInvalidator"
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
    );
  }

  apply(outcome: TranscodeOutcome): Effect.Effect<ApplyTranscodeOutcomeResult, ApplyTranscodeOutcomeError> {
    const { encodeJobs, videos } = this.ports;
    return Effect.gen(this, function* () {
      const job = Option.getOrUndefined(yield* encodeJobs.findById(outcome.jobId));
      if (job === undefined) return yield* new UnknownEncodeJob({ jobId: outcome.jobId });
      if (job.videoKey !== outcome.videoKey) {
        return yield* new OutcomeDoesNotMatchJob({
          jobId: job.id,
          jobVideoKey: job.videoKey,
          outcomeVideoKey: outcome.videoKey,
        });
      }
      if (!IN_FLIGHT.includes(job.state)) return yield* this.alreadyApplied(job);

      const video = Option.getOrUndefined(yield* videos.findByKey(job.videoKey));
      if (video === undefined) return yield* new VideoNotFound({ key: job.videoKey });
      if (!(yield* videoAwaitsJob(encodeJobs, video, job)))
        return yield* this.recordWithoutVideo(job, video, outcome);

      return outcome._tag === "TranscodeFailed"
        ? yield* this.applyFailure(job, outcome, outcome.errorMessage)
        : yield* this.applySuccess(job, video, outcome);
    });
  }

  private alreadyApplied(
    job: EncodeJob,
  ): Effect.Effect<
    ApplyTranscodeOutcomeResult,
    CdnInvalidationPending | RecordNotFound | PersistenceFailure
  > {
    const pending = pendingInvalidationOf(job.message);
    const result = (cdnInvalidationIds: ReadonlyArray<string>): ApplyTranscodeOutcomeResult => ({
      _tag: "AlreadyApplied",
      jobId: job.id,
      state: job.state,
      cdnInvalidationIds,
    });
    if (Option.isNone(pending)) return Effect.succeed(result([]));
    return Effect.map(this.invalidate(job, job.message, pending.value.cdnInvalidation.paths), result);
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
    return Effect.flatMap(this.ports.encodeJobs.findById(jobId), (job) =>
      Option.isNone(job)
        ? Effect.fail(new UnknownEncodeJob({ jobId }))
        : Effect.succeed<ApplyTranscodeOutcomeResult>({
            _tag: "AlreadyApplied",
            jobId,
            state: job.value.state,
            cdnInvalidationIds: [],
          }),
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
    const { collections } = this.ports;
    return Effect.gen(this, function* () {
      const space = keySpaceFor(video);
      const outputs = yield* liveOutputsOf({
        outcome,
        videoKey: video.key,
        purpose: job.purpose,
        space,
        buckets: this.settings.buckets,
      });
      const collection = Option.getOrUndefined(yield* collections.findByKey(video.collectionKey));
      if (collection === undefined) return yield* new CollectionNotFound({ key: video.collectionKey });

      if (job.purpose === "retranscode") {
        const hex = hexKey(video.key);
        const staged = yield* this.listKeys(
          this.settings.buckets.transcode,
          `${retranscodeStagingPrefix(hex)}/`,
        );
        const missing = yield* this.missingStagedOutputs(staged, outcome, outputs);
        if (missing.length > 0) {
          return yield* this.applyFailure(
            job,
            outcome,
            `the transcoder reported success, but these staged outputs are missing: ${missing.join(", ")}`,
          );
        }
        yield* this.copyStagedOutputsLive(staged, hex, space, outputs);
      }

      const invalidationPaths = job.purpose === "retranscode" ? retranscodeInvalidationPaths(outputs) : [];
      const message: AppliedJobMessage = {
        request: job.message,
        outcome,
        ...(invalidationPaths.length === 0
          ? {}
          : { cdnInvalidation: { state: "pending", paths: invalidationPaths } }),
      };
      const committed = yield* this.commitSuccess(job, video, collection, outcome, outputs, message);
      if (committed !== undefined) return committed;
      const cdnInvalidationIds =
        invalidationPaths.length === 0 ? [] : yield* this.invalidate(job, message, invalidationPaths);
      return {
        _tag: "Completed",
        jobId: job.id,
        videoKey: video.key,
        purpose: job.purpose,
        cdnInvalidationIds,
      } as const;
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
    const { encodeJobs, videoFiles, videoThumbnails, jobs, unitOfWork, clock } = this.ports;
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

        const liveFiles: Array<ObjectLocation> = [outputs.hlsPlaylist];
        const removed: Array<VideoFile> = [];
        const hls = yield* videoFiles.replaceForEncoding(
          {
            videoKey,
            s3ObjectKey: outputs.hlsPlaylist.key,
            bucketName: outputs.hlsPlaylist.bucket,
            encoding: Encoding.hls,
            presetId: "",
          },
          at,
        );
        removed.push(...hls.removed);
        if (outputs.mp4 !== null) {
          liveFiles.push(outputs.mp4);
          const mp4 = yield* videoFiles.replaceForEncoding(
            {
              videoKey,
              s3ObjectKey: outputs.mp4.key,
              bucketName: outputs.mp4.bucket,
              encoding: Encoding.desktopMp4,
              presetId: "",
            },
            at,
          );
          removed.push(...mp4.removed);
        }
        for (const thumbnail of outputs.thumbnails) {
          yield* videoThumbnails.upsertByKey(
            {
              videoKey,
              s3ObjectKey: thumbnail.live.key,
              bucketName: thumbnail.live.bucket,
              maxWidth: thumbnail.width,
              maxHeight: thumbnail.height,
            },
            at,
          );
        }

        yield* this.recordEvent.run(videoKey, "TranscodeCompleted", {
          occurrence: { _tag: "EncodeJob", jobId: job.id },
          fields: { duration: outcome.durationSeconds ?? video.duration },
        });

        for (const file of removed) yield* this.deleteReplacedFile(file, liveFiles);
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
        }
        // The video's visibility changed while a first transcode ran: its outputs landed in
        // the other key space, and the visibility move puts them where the video is served.
        const space = keySpaceFor(video);
        const served = [...liveFiles, ...outputs.thumbnails.map((thumbnail) => thumbnail.live)];
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

  /**
   * The objects of a file row another output replaced are garbage (upstream deletes them with
   * the row; for HLS the whole folder). A folder that holds a live output is kept: deleting it
   * would take the fresh outputs with it.
   */
  private deleteReplacedFile(
    file: VideoFile,
    liveFiles: ReadonlyArray<ObjectLocation>,
  ): Effect.Effect<void, QueueFailure> {
    const isLive = (key: string): boolean =>
      liveFiles.some((live) => live.bucket === file.bucketName && live.key === key);
    const holdsLive = (prefix: string): boolean =>
      liveFiles.some((live) => live.bucket === file.bucketName && live.key.startsWith(prefix));
    if (file.encoding === Encoding.hls) {
      const folder = `${folderOf(file.s3ObjectKey)}/`;
      if (folder === "/" || holdsLive(folder)) return Effect.void;
      return Effect.asVoid(
        this.ports.jobs.enqueue("storage.delete", { bucket: file.bucketName, key: folder, prefix: true }),
      );
    }
    if (isLive(file.s3ObjectKey)) return Effect.void;
    return Effect.asVoid(
      this.ports.jobs.enqueue("storage.delete", {
        bucket: file.bucketName,
        key: file.s3ObjectKey,
        prefix: false,
      }),
    );
  }

  /** Outputs the outcome names that are not in staging (checked before anything is copied). */
  private missingStagedOutputs(
    stagedKeys: ReadonlyArray<string>,
    outcome: TranscodeSucceeded,
    outputs: LiveOutputs,
  ): Effect.Effect<ReadonlyArray<string>, StorageFailure> {
    const { objectStore } = this.ports;
    const staged = new Set(stagedKeys);
    return Effect.gen(function* () {
      const missing: Array<string> = [];
      for (const location of [outcome.hlsPlaylist, ...(outcome.mp4 === null ? [] : [outcome.mp4])]) {
        if (!staged.has(location.key)) missing.push(`${location.bucket}/${location.key}`);
      }
      for (const thumbnail of outputs.thumbnails) {
        if (thumbnail.staged === null) continue;
        if (Option.isNone(yield* objectStore.head(thumbnail.staged))) {
          missing.push(`${thumbnail.staged.bucket}/${thumbnail.staged.key}`);
        }
      }
      return missing;
    });
  }

  /** Copies every staged object over its live key (overwriting), segments before playlists. */
  private copyStagedOutputsLive(
    staged: ReadonlyArray<string>,
    hex: HexKey,
    space: KeySpace,
    outputs: LiveOutputs,
  ): Effect.Effect<void, StorageFailure | ObjectNotFound> {
    const { objectStore } = this.ports;
    const bucket = this.settings.buckets.transcode;
    return Effect.gen(function* () {
      for (const key of playlistsLast(staged)) {
        const live = liveKeyForStagedKey(key, hex, space);
        if (live !== undefined) yield* objectStore.copy({ bucket, key }, { bucket, key: live });
      }
      for (const thumbnail of outputs.thumbnails) {
        if (thumbnail.staged !== null) yield* objectStore.copy(thumbnail.staged, thumbnail.live);
      }
    });
  }

  private listKeys(bucket: string, prefix: string): Effect.Effect<ReadonlyArray<string>, StorageFailure> {
    const { objectStore } = this.ports;
    return Effect.gen(this, function* () {
      const keys: Array<string> = [];
      let cursor: string | null = null;
      do {
        const page: {
          readonly objects: ReadonlyArray<{ readonly key: string }>;
          readonly nextCursor: string | null;
        } = yield* objectStore.list(bucket, prefix, { cursor });
        keys.push(...page.objects.map((object) => object.key));
        cursor = page.nextCursor;
      } while (cursor !== null);
      return keys;
    });
  }

  /**
   * Tells the CDN to forget the replaced outputs, then marks the job's invalidation done. The
   * completion stands either way; a failure leaves the invalidation pending on the job and is
   * reported, so the queue delivers the outcome again and only the invalidation is retried.
   */
  private invalidate(
    job: EncodeJob,
    message: unknown,
    paths: ReadonlyArray<string>,
  ): Effect.Effect<ReadonlyArray<string>, CdnInvalidationPending | RecordNotFound | PersistenceFailure> {
    const { cdnInvalidator, encodeJobs, clock } = this.ports;
    return Effect.gen(this, function* () {
      const invalidated = yield* Effect.either(cdnInvalidator.invalidate(paths));
      if (Either.isLeft(invalidated)) {
        const cause: CdnInvalidationFailure = invalidated.left;
        return yield* new CdnInvalidationPending({ jobId: job.id, videoKey: job.videoKey, paths, cause });
      }
      const { invalidationIds } = invalidated.right;
      const done: CdnInvalidationRecord = { state: "done", paths, invalidationIds };
      const base = typeof message === "object" && message !== null ? message : {};
      yield* encodeJobs.compareAndSetState(
        job.id,
        ["Complete"],
        { state: "Complete", message: { ...base, cdnInvalidation: done } },
        clock.now(),
      );
      return invalidationIds;
    });
  }
}
