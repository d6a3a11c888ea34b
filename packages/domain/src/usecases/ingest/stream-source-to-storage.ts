import { Duration, Effect, Either, Option, Random, Schema } from "effect";
import type { VideoKey } from "../../model/keys.js";
import { VideoKeySchema } from "../../model/keys.js";
import type { Video, VideoStatus } from "../../model/video.js";
import type { VideoFile } from "../../model/video-file.js";
import { originalFileOf, transcodedFilesOf } from "../../model/video-file.js";
import type { VideoEvent } from "../../policy/video-status.js";
import { canTake } from "../../policy/video-status.js";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { LeaseFailure, LeaseHandle } from "../../ports/lease.js";
import { LeaseLost } from "../../ports/lease.js";
import type { ObjectInfo, PutOptions, SourceStreamFailed, StorageFailure } from "../../ports/object-store.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import { RecordNotFound } from "../../ports/persistence-errors.js";
import type { OpenedSource, SourceRejected, SourceUnavailable } from "../../ports/video-source.js";
import type { DomainPorts } from "../domain-ports.js";
import type { InvalidInput } from "../errors.js";
import type { DomainSettings } from "../settings.js";
import { validateInput } from "../validate-input.js";
import type { RecordedVideoEvent, VideoEventOptions } from "../video-lifecycle/record-video-event.js";
import { RecordVideoEvent } from "../video-lifecycle/record-video-event.js";
import { withHeartbeat } from "./heartbeat-stream.js";
import { ingestLeaseName } from "./ingest-lease.js";
import { classifyIngestFailure, decideAfterFailure, priorRetries } from "../../policy/ingest-retry.js";

/** What one `video.ingest` job did; only infrastructure faults of OVS's own stores are errors. */
export type IngestOutcome =
  | {
      readonly _tag: "Ingested";
      readonly videoKey: VideoKey;
      readonly stored: ObjectInfo;
      /** `Retranscode` when the video already had outputs (a replaced source): they stay live meanwhile. */
      readonly next: "Transcode" | "Retranscode";
    }
  | {
      readonly _tag: "RetryScheduled";
      readonly videoKey: VideoKey;
      /** The retry's `attempt`. */
      readonly attempt: number;
      readonly startAfter: Date;
      readonly reason: string;
    }
  /** `Upload failed` was recorded (and its emails queued). */
  | { readonly _tag: "UploadFailed"; readonly videoKey: VideoKey; readonly reason: string }
  /** Another worker is ingesting the video; this job did nothing. */
  | { readonly _tag: "LeaseHeld"; readonly videoKey: VideoKey; readonly holder: string }
  /** The lease ran out and was taken or given up on mid-stream; this job stopped without a trace. */
  | { readonly _tag: "LeaseLost"; readonly videoKey: VideoKey }
  /** The video is gone or no longer waits for its upload (reaped, deleted); nothing was done. */
  | { readonly _tag: "NothingToIngest"; readonly videoKey: VideoKey; readonly reason: string };

export type StreamSourceToStorageError = InvalidInput | PersistenceFailure | QueueFailure | LeaseFailure;

/**
 * The `video.ingest` payload as the worker receives it. `attempt` is any number: the retry
 * policy reads what it means (`priorRetries`).
 */
const StreamSourcePayload = Schema.Struct({
  videoKey: VideoKeySchema,
  attempt: Schema.optional(Schema.Number),
});

/** Why one attempt to store the source failed; the retry policy sorts these. */
type AttemptFailure = SourceUnavailable | SourceRejected | StorageFailure | SourceStreamFailed;

/** The lease as last renewed; the heartbeat replaces the handle while bytes flow. */
interface Holding {
  handle: LeaseHandle;
}

const nothingToIngest = (videoKey: VideoKey, reason: string): IngestOutcome => ({
  _tag: "NothingToIngest",
  videoKey,
  reason,
});

const notWaiting = (videoKey: VideoKey, status: VideoStatus): IngestOutcome =>
  nothingToIngest(videoKey, `the video is '${status}', not waiting for its upload`);

const putOptionsOf = (source: OpenedSource): PutOptions => ({
  ...(source.contentType === null ? {} : { contentType: source.contentType }),
  ...(source.size === null ? {} : { size: source.size }),
});

/**
 * Serves `video.ingest`: streams a video's source into the upload bucket at its original
 * file's key, under the video's lease, then hands the video to the transcode step
 * (docs/upstream.md §3, docs/architecture.md §6.4, §6.7).
 *
 * - A lease held by another worker means someone else drives this upload: do nothing at all.
 * - While bytes flow the lease is renewed and the video's heartbeat bumped; a lease lost
 *   mid-stream aborts without a status change, without a transcode and without an object.
 * - Transient failures come back later as a new job (`attempt` + 1, full-jitter backoff);
 *   permanent ones, and the third transient one, record `Upload failed` with its emails.
 * - A video that already has transcoded outputs had its source replaced: it goes to
 *   `Retranscode scheduled`, so the transcode step writes into staging and the old outputs,
 *   thumbnail included, stay live until the new ones replace them. The thumbnail is left to
 *   that step: the original just written is newer than every thumbnail row, which tells it to
 *   capture a new frame with the retranscode (`transcode/transcode-request.ts:
 *   retranscodeNeedsThumbnail`), so the old frame goes when the old outputs go.
 */
export class StreamSourceToStorage {
  private readonly recordEvent: RecordVideoEvent;
  private readonly leaseTtl: Duration.DurationInput;
  private readonly heartbeatMillis: number;

  constructor(
    private readonly ports: Pick<
      DomainPorts,
      | "videos"
      | "videoFiles"
      | "videoSource"
      | "objectStore"
      | "lease"
      | "jobs"
      | "unitOfWork"
      | "mailOutbox"
      | "clock"
      | "ids"
    >,
    settings: Pick<DomainSettings, "ingest">,
  ) {
    this.recordEvent = new RecordVideoEvent(ports);
    this.leaseTtl = settings.ingest.leaseTtl;
    this.heartbeatMillis = Duration.toMillis(Duration.decode(settings.ingest.heartbeatInterval));
  }

  /** The `video.ingest` job: decodes the payload, then ingests. */
  run(payload: unknown): Effect.Effect<IngestOutcome, StreamSourceToStorageError> {
    const { videos, lease, ids } = this.ports;
    return Effect.gen(this, function* () {
      const { videoKey, attempt } = yield* validateInput(StreamSourcePayload, payload);
      yield* Effect.annotateCurrentSpan("videoKey", videoKey);
      const found = yield* videos.findByKey(videoKey);
      if (Option.isNone(found)) return nothingToIngest(videoKey, "the video no longer exists");
      if (!canTake(found.value.status, "IngestStarted")) return notWaiting(videoKey, found.value.status);

      const acquired = yield* Effect.either(
        lease.acquire(ingestLeaseName(videoKey), ids.opaqueId(), this.leaseTtl),
      );
      if (Either.isLeft(acquired)) {
        if (acquired.left._tag === "LeaseHeld") {
          return { _tag: "LeaseHeld", videoKey, holder: acquired.left.holder } as const;
        }
        return yield* Effect.fail(acquired.left);
      }
      const holding: Holding = { handle: acquired.right };
      // Released on every way out, interruption included; an expired or lost lease is no error.
      const release = Effect.ignore(Effect.suspend(() => lease.release(holding.handle)));
      return yield* Effect.ensuring(this.ingestUnderLease(videoKey, holding, priorRetries(attempt)), release);
    }).pipe(Effect.withSpan("StreamSourceToStorage.run"));
  }

  private ingestUnderLease(
    videoKey: VideoKey,
    holding: Holding,
    retries: number,
  ): Effect.Effect<IngestOutcome, StreamSourceToStorageError> {
    const { videoFiles } = this.ports;
    return Effect.gen(this, function* () {
      const started = yield* this.recordIfStillDue(videoKey, "IngestStarted");
      if (Option.isNone(started))
        return nothingToIngest(videoKey, "the video moved on before its upload began");

      const files = yield* videoFiles.listForVideo(videoKey);
      const original = originalFileOf(files);
      if (original === undefined) {
        return yield* this.failUpload(videoKey, "the video has no original file to store its source in");
      }
      const replacing = transcodedFilesOf(files).length > 0;

      const stored = yield* Effect.either(this.storeSource(started.value.video, original, holding));
      if (Either.isLeft(stored))
        return yield* this.afterFailedAttempt(videoKey, stored.left, holding, retries);
      return yield* this.handOverToTranscode(videoKey, original, stored.right, replacing);
    });
  }

  /** Opens the source and streams it into place, heartbeating while bytes flow. */
  private storeSource(
    video: Video,
    original: VideoFile,
    holding: Holding,
  ): Effect.Effect<ObjectInfo, AttemptFailure> {
    const { videoSource, objectStore, clock } = this.ports;
    return Effect.gen(this, function* () {
      const source = yield* videoSource.open(video.sourceUrl);
      const body = withHeartbeat(source.body, {
        clock,
        intervalMillis: this.heartbeatMillis,
        beat: () => this.beat(video.key, holding),
      });
      return yield* objectStore.put(
        { bucket: original.bucketName, key: original.s3ObjectKey },
        body,
        putOptionsOf(source),
      );
    });
  }

  /**
   * Renews the lease and bumps the heartbeat. Bridges into the stream with a promise; a
   * rejection carries the typed reason (`LeaseLost`, `RecordNotFound` for a deleted video, or
   * an infrastructure failure) out through the store's `SourceStreamFailed`.
   */
  private beat(videoKey: VideoKey, holding: Holding): Promise<void> {
    const { lease, videos, clock } = this.ports;
    const leaseTtl = this.leaseTtl;
    return Effect.runPromise(
      Effect.either(
        Effect.gen(function* () {
          holding.handle = yield* lease.renew(holding.handle, leaseTtl);
          yield* videos.touch(videoKey, clock.now());
        }),
      ),
    ).then((result) => {
      if (Either.isLeft(result)) throw result.left;
    });
  }

  private afterFailedAttempt(
    videoKey: VideoKey,
    failure: AttemptFailure,
    holding: Holding,
    retries: number,
  ): Effect.Effect<IngestOutcome, StreamSourceToStorageError> {
    const { lease, jobs, clock } = this.ports;
    return Effect.gen(this, function* () {
      if (failure._tag === "SourceStreamFailed") {
        if (failure.cause instanceof LeaseLost) return { _tag: "LeaseLost", videoKey } as const;
        if (failure.cause instanceof RecordNotFound) {
          return nothingToIngest(videoKey, "the video was deleted while its source was streaming");
        }
      }
      const decision = decideAfterFailure(retries, classifyIngestFailure(failure), yield* Random.next);
      if (decision._tag === "GiveUp") return yield* this.failUpload(videoKey, decision.reason);

      // Released before the retry is queued: a retry due at once must find the lease free. If
      // the release fails, the retry waits for the lease to run out instead.
      const released = yield* Effect.either(lease.release(holding.handle));
      const due = clock.now().getTime() + decision.delaySeconds * 1000;
      const startAfter = new Date(
        Either.isRight(released) ? due : Math.max(due, holding.handle.expiresAt.getTime()),
      );
      yield* jobs.enqueue(
        "video.ingest",
        { videoKey, attempt: decision.nextAttempt },
        // Not the bare video key: the job running now may still count as queued under it.
        { singletonKey: `${videoKey}#attempt-${decision.nextAttempt}`, startAfter },
      );
      return {
        _tag: "RetryScheduled",
        videoKey,
        attempt: decision.nextAttempt,
        startAfter,
        reason: decision.reason,
      } as const;
    });
  }

  private failUpload(
    videoKey: VideoKey,
    reason: string,
  ): Effect.Effect<IngestOutcome, StreamSourceToStorageError> {
    return Effect.map(this.recordIfStillDue(videoKey, "IngestFailed"), (recorded) =>
      Option.isSome(recorded)
        ? ({ _tag: "UploadFailed", videoKey, reason } as const)
        : nothingToIngest(videoKey, `the video moved on before its failure could be recorded (${reason})`),
    );
  }

  /**
   * The source is stored: queue the transcode, in one unit of work with the status change a
   * replacement needs. A video deleted meanwhile gets its orphaned upload removed instead.
   */
  private handOverToTranscode(
    videoKey: VideoKey,
    original: VideoFile,
    stored: ObjectInfo,
    replacing: boolean,
  ): Effect.Effect<IngestOutcome, StreamSourceToStorageError> {
    const { videos, jobs, unitOfWork } = this.ports;
    return unitOfWork.transaction(
      Effect.gen(this, function* () {
        const current = yield* videos.findByKey(videoKey);
        if (Option.isNone(current)) {
          yield* jobs.enqueue("storage.delete", {
            bucket: original.bucketName,
            key: original.s3ObjectKey,
            prefix: false,
          });
          return nothingToIngest(videoKey, "the video was deleted while its source was streaming");
        }
        if (current.value.status !== "Uploading") return notWaiting(videoKey, current.value.status);
        if (replacing) {
          const scheduled = yield* this.recordIfStillDue(videoKey, "RetranscodeScheduled", {
            fields: { scheduleRetranscode: false },
          });
          if (Option.isNone(scheduled)) return nothingToIngest(videoKey, "the video moved on meanwhile");
        }
        yield* jobs.enqueue("video.transcode", { videoKey }, { singletonKey: videoKey });
        return {
          _tag: "Ingested",
          videoKey,
          stored,
          next: replacing ? "Retranscode" : "Transcode",
        } as const;
      }),
    );
  }

  /** Records an event unless the video is gone or moved on meanwhile (then: none). */
  private recordIfStillDue(
    videoKey: VideoKey,
    event: VideoEvent,
    options?: VideoEventOptions,
  ): Effect.Effect<Option.Option<RecordedVideoEvent>, PersistenceFailure | QueueFailure> {
    return this.recordEvent.run(videoKey, event, options).pipe(
      Effect.map(Option.some),
      Effect.catchTags({
        VideoNotFound: () => Effect.succeed(Option.none()),
        RecordNotFound: () => Effect.succeed(Option.none()),
        IllegalTransition: () => Effect.succeed(Option.none()),
        StatusConflict: () => Effect.succeed(Option.none()),
      }),
    );
  }
}
