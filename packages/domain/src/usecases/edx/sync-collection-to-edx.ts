import { Effect, Either, Option, Schema } from "effect";
import type { Collection } from "../../model/collection.js";
import { hasEdxCourse } from "../../model/collection.js";
import type { CollectionKey, VideoKey } from "../../model/keys.js";
import { CollectionKeySchema } from "../../model/keys.js";
import type { EdxSyncRefusedVideo, EdxSyncReport } from "../../policy/edx-sync-report.js";
import { edxSyncReport } from "../../policy/edx-sync-report.js";
import type { JobPayloads, QueueFailure } from "../../ports/job-queue.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import { videosOfCollection } from "../collections/collection-view.js";
import type { DomainPorts } from "../domain-ports.js";
import type { InvalidInput } from "../errors.js";
import { validateInput } from "../validate-input.js";
import { EdxSyncRefused } from "./edx-sync-refused.js";
import { edxPostSingletonKey } from "./post-video-to-edx.js";

/**
 * What a sync would post, video by video, or why the collection cannot be synced, checked in
 * upstream's order: a course id, at least one linked endpoint, at least one Complete video; then
 * at least one video that can actually be sent, so a sync never reports work it will not do.
 */
export const videosToSync = Effect.fn("videosToSync")(function* (
  ports: Pick<DomainPorts, "edxEndpoints" | "videos">,
  collection: Collection,
) {
  const refuse = (refusal: EdxSyncRefused["refusal"], report?: EdxSyncReport) =>
    new EdxSyncRefused({
      refusal,
      collectionTitle: collection.title,
      ...(report === undefined ? {} : { report }),
    });
  if (!hasEdxCourse(collection)) return yield* refuse("NoCourseId");
  const endpoints = yield* ports.edxEndpoints.listForCollection(collection.key);
  if (endpoints.length === 0) return yield* refuse("NoEndpoints");
  const videos = yield* videosOfCollection(ports.videos, collection.key);
  const report = edxSyncReport(collection, videos);
  if (report.toPost.length > 0) return report;
  const anyComplete = videos.some((details) => details.video.status === "Complete");
  return yield* refuse(anyComplete ? "NothingToPost" : "NoCompleteVideos", report);
});

const SyncCollectionPayload = Schema.Struct({ collectionKey: CollectionKeySchema });

export type EdxCollectionSyncResult =
  | {
      readonly _tag: "Enqueued";
      readonly collectionKey: CollectionKey;
      /** The videos a post was queued for. */
      readonly videoKeys: ReadonlyArray<VideoKey>;
      /** The videos left out, and why. */
      readonly refused: ReadonlyArray<EdxSyncRefusedVideo>;
    }
  /** The collection changed since the sync was asked for (deleted, unlinked, nothing left to send). */
  | { readonly _tag: "NothingToSync"; readonly collectionKey: CollectionKey; readonly reason: string };

/**
 * `edx.sync-collection`: queues one `edx.post-video` per video of the collection that can be sent
 * (`edxSyncReport`), in one unit of work. The checks were made when the sync was asked for; they
 * are made again because the collection may have changed while the job waited, and then the job
 * ends without posting (retrying would not change the answer). Each post is then isolated: a video or an endpoint
 * that fails does not stop the others (upstream's sync stopped at the first network error).
 */
export class SyncCollectionToEdx {
  constructor(
    private readonly ports: Pick<
      DomainPorts,
      "collections" | "videos" | "edxEndpoints" | "jobs" | "unitOfWork"
    >,
  ) {}

  run(
    payload: JobPayloads["edx.sync-collection"],
  ): Effect.Effect<EdxCollectionSyncResult, InvalidInput | PersistenceFailure | QueueFailure> {
    const { collections, jobs, unitOfWork } = this.ports;
    return Effect.gen(this, function* () {
      const { collectionKey } = yield* validateInput(SyncCollectionPayload, payload);
      yield* Effect.annotateCurrentSpan({ collectionKey });
      const collection = yield* collections.findByKey(collectionKey);
      if (Option.isNone(collection)) {
        return { _tag: "NothingToSync", collectionKey, reason: "the collection no longer exists" } as const;
      }
      const report = yield* Effect.either(videosToSync(this.ports, collection.value));
      if (Either.isLeft(report)) {
        if (report.left._tag === "PersistenceFailure") return yield* report.left;
        return { _tag: "NothingToSync", collectionKey, reason: report.left.message } as const;
      }
      const videoKeys = report.right.toPost.map((video) => video.videoKey);
      yield* unitOfWork.transaction(
        Effect.forEach(videoKeys, (videoKey) =>
          jobs.enqueue("edx.post-video", { videoKey }, { singletonKey: edxPostSingletonKey(videoKey) }),
        ),
      );
      return { _tag: "Enqueued", collectionKey, videoKeys, refused: report.right.refused } as const;
    }).pipe(Effect.withSpan("SyncCollectionToEdx.run"));
  }
}
