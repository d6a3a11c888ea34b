import { Effect, Schema } from "effect";
import type { VideoKey } from "../../model/keys.js";
import { hexKey, VideoKeySchema } from "../../model/keys.js";
import { originalKey } from "../../model/storage-keys.js";
import type { Principal } from "../../model/user.js";
import { Encoding, originalFileOf } from "../../model/video-file.js";
import { canEditVideo } from "../../policy/access.js";
import { canTake } from "../../policy/video-status.js";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { PersistenceFailure, UniqueViolation } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import type { InvalidInput } from "../errors.js";
import { Conflict, Forbidden, VideoNotFound } from "../errors.js";
import type { DomainSettings } from "../settings.js";
import { decodeWithFileNames, SourceFileEntry } from "../upload/source-file-entry.js";
import { RecordVideoEvent } from "../video-lifecycle/record-video-event.js";
import { findVideoFor } from "../videos/video-access.js";

/** The body of `POST /api/v0/replace_video/` (upstream `ReplaceVideoSerializer`). */
export const ReplaceVideoSourceInput = Schema.Struct({
  video: VideoKeySchema,
  file: SourceFileEntry,
});
export type ReplaceVideoSourceInput = typeof ReplaceVideoSourceInput.Type;

/** Upstream's 202 body. */
export interface ReplacedVideo {
  readonly key: string;
  readonly title: string;
}

export type ReplaceVideoSourceError =
  InvalidInput | Forbidden | VideoNotFound | Conflict | UniqueViolation | PersistenceFailure | QueueFailure;

const inFlight = (status: string): Conflict =>
  new Conflict({
    reason: `the video is '${status}': its source can be replaced once its current upload or transcode has finished`,
  });

/**
 * An admin gives a video a new source (upstream `replace_video_from_dropbox`,
 * docs/upstream.md §3). The video goes back to `Created` with the new
 * `source_url`, its original file follows the new extension, and a `video.ingest` job fetches
 * the new bytes, all in one unit of work. The old outputs stay live: after the new source is
 * stored, the ingest schedules a retranscode into staging, and the outputs are swapped only
 * when it completes (`StreamSourceToStorage`).
 *
 * A signed-in user who may not see the video is told it does not exist (`VideoNotFound`), like
 * every other use case, so the key cannot be probed; one who may see it but not administer its
 * collection is `Forbidden`.
 *
 * Fixes upstream, which replaced whatever the video was doing: a video with an upload or a
 * transcode in flight is refused with a `Conflict`.
 */
export class ReplaceVideoSource {
  private readonly recordEvent: RecordVideoEvent;

  constructor(
    private readonly ports: Pick<
      DomainPorts,
      "videos" | "videoFiles" | "jobs" | "unitOfWork" | "mailOutbox" | "clock" | "ids"
    >,
    private readonly settings: Pick<DomainSettings, "buckets">,
  ) {
    this.recordEvent = new RecordVideoEvent(ports);
  }

  run(principal: Principal, input: unknown): Effect.Effect<ReplacedVideo, ReplaceVideoSourceError> {
    const { videos } = this.ports;
    return Effect.gen(this, function* () {
      if (principal._tag === "Anonymous") {
        return yield* new Forbidden({ reason: "sign in to replace a video", signInRequired: true });
      }
      const request = yield* decodeWithFileNames(ReplaceVideoSourceInput, input);
      const { video, collection } = yield* findVideoFor(videos, principal, request.video, "view");
      if (!canEditVideo(principal, collection)) {
        return yield* new Forbidden({
          reason: "only admins of this video's collection may replace it",
          signInRequired: false,
        });
      }
      if (!canTake(video.status, "Replaced")) return yield* inFlight(video.status);
      yield* this.replace(video.key, request.file.link);
      return { key: hexKey(video.key), title: video.title };
    }).pipe(Effect.withSpan("ReplaceVideoSource.run"));
  }

  private replace(
    videoKey: VideoKey,
    link: string,
  ): Effect.Effect<void, Conflict | VideoNotFound | UniqueViolation | PersistenceFailure | QueueFailure> {
    const { videoFiles, jobs, unitOfWork, clock } = this.ports;
    const uploadBucket = this.settings.buckets.upload;
    const recordEvent = this.recordEvent;
    return unitOfWork
      .transaction(
        Effect.gen(function* () {
          yield* recordEvent.run(videoKey, "Replaced", { fields: { sourceUrl: link } });
          const at = clock.now();
          const newKey = originalKey(hexKey(videoKey), link);
          const original = originalFileOf(yield* videoFiles.listForVideo(videoKey));
          if (original === undefined) {
            yield* videoFiles.insert(
              { videoKey, s3ObjectKey: newKey, bucketName: uploadBucket, encoding: Encoding.original },
              at,
            );
          } else if (original.s3ObjectKey !== newKey || original.bucketName !== uploadBucket) {
            // A new extension means a new key; the old object goes once this commits.
            yield* videoFiles.repoint(original.id, { s3ObjectKey: newKey, bucketName: uploadBucket }, at);
            yield* jobs.enqueue("storage.delete", {
              bucket: original.bucketName,
              key: original.s3ObjectKey,
              prefix: false,
            });
          }
          yield* jobs.enqueue("video.ingest", { videoKey }, { singletonKey: videoKey });
        }),
      )
      .pipe(
        Effect.catchTags({
          // The video changed status or vanished after it was read.
          IllegalTransition: (error) => Effect.fail(inFlight(error.from)),
          StatusConflict: (error) => Effect.fail(inFlight(error.actual)),
          RecordNotFound: () => Effect.fail(new VideoNotFound({ key: videoKey })),
        }),
      );
  }
}
