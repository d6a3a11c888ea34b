import { Effect, Either } from "effect";
import type { VideoKey } from "../../model/keys.js";
import { parseVideoKey } from "../../model/keys.js";
import type { Principal } from "../../model/user.js";
import { originalFileOf } from "../../model/video-file.js";
import { canEditVideo } from "../../policy/access.js";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import { CollectionNotFound, Forbidden, VideoNotFound, orFail } from "../errors.js";
import { RecordVideoEvent } from "../video-lifecycle/record-video-event.js";

/** Upstream `retry_failed_upload` outcomes, which the admin action tallies. */
export type RetryFailedUploadOutcome =
  | "retried"
  /** The video is not `Upload failed` (any more). */
  | "skipped_status"
  | "skipped_no_source"
  | "skipped_no_original"
  /** Another retry (or another change) got there first: the video is no longer `Upload failed`. */
  | "skipped_conflict";

export interface RetriedUpload {
  readonly videoKey: VideoKey;
  readonly outcome: RetryFailedUploadOutcome;
}

export type RetryFailedUploadError =
  Forbidden | VideoNotFound | CollectionNotFound | PersistenceFailure | QueueFailure;

/**
 * An admin of the video's collection retries a failed upload (upstream `ui/api.py:
 * retry_failed_upload`, docs/upstream.md §1 transition 5): `Upload failed` goes
 * back to `Created` by compare-and-set, and the `video.ingest` job is queued in the same unit
 * of work, so upstream's "dispatch failed, revert the status" case cannot happen. Of two
 * concurrent retries exactly one wins; the other reports `skipped_conflict`.
 */
export class RetryFailedUpload {
  private readonly recordEvent: RecordVideoEvent;

  constructor(
    private readonly ports: Pick<
      DomainPorts,
      "collections" | "videos" | "videoFiles" | "jobs" | "unitOfWork" | "mailOutbox" | "clock" | "ids"
    >,
  ) {
    this.recordEvent = new RecordVideoEvent(ports);
  }

  /** `videoKey` as it came from the path, hex or dashed; a malformed key finds no video. */
  run(principal: Principal, videoKey: string): Effect.Effect<RetriedUpload, RetryFailedUploadError> {
    const { collections, videos, videoFiles } = this.ports;
    return Effect.gen(this, function* () {
      if (principal._tag === "Anonymous") {
        return yield* new Forbidden({ reason: "sign in to retry an upload", signInRequired: true });
      }
      const parsed = parseVideoKey(videoKey);
      if (Either.isLeft(parsed)) return yield* new VideoNotFound({ key: videoKey });
      const key = parsed.right;
      const video = yield* videos.findByKey(key).pipe(orFail(() => new VideoNotFound({ key })));
      const collection = yield* collections
        .findByKey(video.collectionKey)
        .pipe(orFail(() => new CollectionNotFound({ key: video.collectionKey })));
      if (!canEditVideo(principal, collection)) {
        return yield* new Forbidden({
          reason: "only admins of this video's collection may retry its upload",
          signInRequired: false,
        });
      }
      const skipped = (outcome: RetryFailedUploadOutcome): RetriedUpload => ({ videoKey: key, outcome });
      if (video.status !== "Upload failed") return skipped("skipped_status");
      if (video.sourceUrl.trim().length === 0) return skipped("skipped_no_source");
      if (originalFileOf(yield* videoFiles.listForVideo(key)) === undefined)
        return skipped("skipped_no_original");
      return yield* this.retry(key);
    }).pipe(Effect.withSpan("RetryFailedUpload.run", { attributes: { videoKey } }));
  }

  private retry(
    videoKey: VideoKey,
  ): Effect.Effect<RetriedUpload, VideoNotFound | PersistenceFailure | QueueFailure> {
    const { jobs, unitOfWork } = this.ports;
    const recordEvent = this.recordEvent;
    return unitOfWork
      .transaction(
        Effect.gen(function* () {
          yield* recordEvent.run(videoKey, "UploadRetried");
          yield* jobs.enqueue("video.ingest", { videoKey }, { singletonKey: videoKey });
          return { videoKey, outcome: "retried" } as const;
        }),
      )
      .pipe(
        Effect.catchTags({
          // Read as `Upload failed` a moment ago: whoever changed it since won the race.
          IllegalTransition: () => Effect.succeed({ videoKey, outcome: "skipped_conflict" } as const),
          StatusConflict: () => Effect.succeed({ videoKey, outcome: "skipped_conflict" } as const),
          RecordNotFound: () => Effect.fail(new VideoNotFound({ key: videoKey })),
        }),
      );
  }
}
