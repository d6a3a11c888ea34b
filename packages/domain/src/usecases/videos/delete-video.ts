import { Effect } from "effect";
import type { Principal } from "../../model/user.js";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { PersistenceFailure, RecordNotFound } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import type { Forbidden, VideoNotFound } from "../errors.js";
import type { DomainSettings } from "../settings.js";
import { enqueueDeletions, storageOfDeletedVideo } from "../storage/video-object-cleanup.js";
import { findVideoFor } from "./video-access.js";

export type DeleteVideoError = VideoNotFound | Forbidden | RecordNotFound | PersistenceFailure | QueueFailure;

export interface DeletedVideo {
  /** `storage.delete` jobs queued for the video's objects. */
  readonly storageDeletions: number;
}

/**
 * Deletes a video (admins of its collection only). The store cascades to its files, thumbnails,
 * subtitles and jobs; its objects (original, transcode outputs in both key spaces, retranscode
 * staging, thumbnails, subtitles) are deleted by `storage.delete` jobs enqueued in the same
 * unit of work.
 */
export class DeleteVideo {
  constructor(
    private readonly ports: Pick<DomainPorts, "videos" | "jobs" | "unitOfWork">,
    private readonly settings: Pick<DomainSettings, "buckets">,
  ) {}

  run(principal: Principal, key: string): Effect.Effect<DeletedVideo, DeleteVideoError> {
    const { videos, jobs, unitOfWork } = this.ports;
    const settings = this.settings;
    return Effect.gen(function* () {
      const details = yield* findVideoFor(videos, principal, key, "edit");
      return yield* unitOfWork.transaction(
        Effect.gen(function* () {
          // Read again inside the unit of work: a file added meanwhile gets its cleanup too.
          const fresh = yield* findVideoFor(videos, principal, details.video.key, "edit");
          const deletions = storageOfDeletedVideo(settings, fresh);
          yield* videos.delete(fresh.video.key);
          yield* enqueueDeletions(jobs, deletions);
          return { storageDeletions: deletions.length };
        }),
      );
    }).pipe(Effect.withSpan("DeleteVideo.run", { attributes: { videoKey: key } }));
  }
}
