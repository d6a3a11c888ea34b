import { Effect } from "effect";
import type { Principal } from "../../model/user.js";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { PersistenceFailure, RecordNotFound } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import type { CollectionNotFound, Forbidden } from "../errors.js";
import type { DomainSettings } from "../settings.js";
import { enqueueDeletions, storageOfDeletedVideo } from "../storage/video-object-cleanup.js";
import { findCollectionFor } from "./collection-access.js";
import { videosOfCollection } from "./collection-view.js";

export type DeleteCollectionError =
  CollectionNotFound | Forbidden | RecordNotFound | PersistenceFailure | QueueFailure;

export interface DeletedCollection {
  /** Videos deleted with the collection. */
  readonly videoCount: number;
  /** `storage.delete` jobs queued for their objects. */
  readonly storageDeletions: number;
}

/**
 * Deletes a collection (its admins only). The store cascades to its videos and their rows; the
 * objects of every video are deleted by `storage.delete` jobs enqueued in the same unit of work,
 * so the rows never go without the jobs that clean up after them.
 */
export class DeleteCollection {
  constructor(
    private readonly ports: Pick<DomainPorts, "collections" | "videos" | "jobs" | "unitOfWork">,
    private readonly settings: Pick<DomainSettings, "buckets">,
  ) {}

  run(principal: Principal, key: string): Effect.Effect<DeletedCollection, DeleteCollectionError> {
    const { collections, videos, jobs, unitOfWork } = this.ports;
    const settings = this.settings;
    return Effect.gen(function* () {
      const collection = yield* findCollectionFor(collections, principal, key, "admin");
      return yield* unitOfWork.transaction(
        Effect.gen(function* () {
          // Read inside the unit of work, so a video added meanwhile is not left without cleanup.
          const doomed = yield* videosOfCollection(videos, collection.key);
          const deletions = doomed.flatMap((details) => storageOfDeletedVideo(settings, details));
          yield* collections.delete(collection.key);
          yield* enqueueDeletions(jobs, deletions);
          return { videoCount: doomed.length, storageDeletions: deletions.length };
        }),
      );
    }).pipe(Effect.withSpan("DeleteCollection.run", { attributes: { collectionKey: key } }));
  }
}
