import { Effect, Either, Option, Schema } from "effect";
import type { Collection } from "../../model/collection.js";
import type { CollectionKey, VideoKey } from "../../model/keys.js";
import { CollectionKeySchema } from "../../model/keys.js";
import type { Video } from "../../model/video.js";
import type { JobPayloads, QueueFailure } from "../../ports/job-queue.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import type { InvalidInput } from "../errors.js";
import { validateInput } from "../validate-input.js";
import { EdxSyncRefused } from "./edx-sync-refused.js";
import { edxPostSingletonKey } from "./post-video-to-edx.js";

/**
 * The videos a sync posts, or why the collection cannot be synced, checked in upstream's order:
 * a course id, at least one linked endpoint, at least one Complete video.
 */
export const videosToSync = (
  ports: Pick<DomainPorts, "edxEndpoints" | "videos">,
  collection: Collection,
): Effect.Effect<ReadonlyArray<Video>, EdxSyncRefused | PersistenceFailure> =>
  Effect.gen(function* () {
    const refuse = (refusal: EdxSyncRefused["refusal"]) =>
      new EdxSyncRefused({ refusal, collectionTitle: collection.title });
    if (collection.edxCourseId === null || collection.edxCourseId.trim() === "")
      return yield* refuse("NoCourseId");
    const endpoints = yield* ports.edxEndpoints.listForCollection(collection.key);
    if (endpoints.length === 0) return yield* refuse("NoEndpoints");
    const complete = (yield* ports.videos.listInCollection(collection.key)).filter(
      (video) => video.status === "Complete",
    );
    if (complete.length === 0) return yield* refuse("NoCompleteVideos");
    return complete;
  });

const SyncCollectionPayload = Schema.Struct({ collectionKey: CollectionKeySchema });

export type EdxCollectionSyncResult =
  | {
      readonly _tag: "Enqueued";
      readonly collectionKey: CollectionKey;
      readonly videoKeys: ReadonlyArray<VideoKey>;
    }
  /** The collection changed since the sync was asked for (deleted, unlinked, no Complete video left). */
  | { readonly _tag: "NothingToSync"; readonly collectionKey: CollectionKey; readonly reason: string };

/**
 * `edx.sync-collection`: queues one `edx.post-video` per Complete video of the collection, in one
 * unit of work. The checks were made when the sync was asked for; they are made again because
 * the collection may have changed while the job waited, and then the job ends without posting
 * (retrying would not change the answer). Each post is then isolated: a video or an endpoint
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
      const collection = yield* collections.findByKey(collectionKey);
      if (Option.isNone(collection)) {
        return { _tag: "NothingToSync", collectionKey, reason: "the collection no longer exists" } as const;
      }
      const videos = yield* Effect.either(videosToSync(this.ports, collection.value));
      if (Either.isLeft(videos)) {
        if (videos.left._tag === "PersistenceFailure") return yield* videos.left;
        return { _tag: "NothingToSync", collectionKey, reason: videos.left.message } as const;
      }
      const videoKeys = videos.right.map((video) => video.key);
      yield* unitOfWork.transaction(
        Effect.forEach(videoKeys, (videoKey) =>
          jobs.enqueue("edx.post-video", { videoKey }, { singletonKey: edxPostSingletonKey(videoKey) }),
        ),
      );
      return { _tag: "Enqueued", collectionKey, videoKeys } as const;
    });
  }
}
