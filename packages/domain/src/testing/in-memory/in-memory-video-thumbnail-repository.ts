import { Effect } from "effect";
import type { VideoKey } from "../../model/keys.js";
import type { VideoThumbnail } from "../../model/video-file.js";
import { RecordNotFound, UniqueViolation } from "../../ports/persistence-errors.js";
import type { ThumbnailLocation, VideoThumbnailRepository } from "../../ports/video-thumbnail-repository.js";
import type { InMemoryDatabase } from "./in-memory-database.js";
import { copyRow, deleteStoredRow, repointStoredRow } from "./in-memory-rows.js";

const keyTaken = (s3ObjectKey: string): UniqueViolation =>
  new UniqueViolation({ entity: "VideoThumbnail", field: "s3ObjectKey", value: s3ObjectKey });

/** Thumbnails in the shared in-memory tables; `s3ObjectKey` is unique across the table. */
export class InMemoryVideoThumbnailRepository implements VideoThumbnailRepository {
  constructor(private readonly database: InMemoryDatabase) {}

  private get thumbnails(): Map<number, VideoThumbnail> {
    return this.database.tables.videoThumbnails;
  }

  private write(thumbnail: VideoThumbnail): VideoThumbnail {
    const stored = copyRow(thumbnail);
    this.thumbnails.set(thumbnail.id, stored);
    return copyRow(stored);
  }

  upsertByKey(
    thumbnail: ThumbnailLocation,
    at: Date,
  ): Effect.Effect<VideoThumbnail, UniqueViolation | RecordNotFound> {
    return Effect.suspend((): Effect.Effect<VideoThumbnail, UniqueViolation | RecordNotFound> => {
      if (!this.database.tables.videos.has(thumbnail.videoKey)) {
        return Effect.fail(new RecordNotFound({ entity: "Video", id: thumbnail.videoKey }));
      }
      const existing = [...this.thumbnails.values()].find((row) => row.s3ObjectKey === thumbnail.s3ObjectKey);
      if (existing === undefined) {
        return Effect.succeed(
          this.write({
            id: this.database.nextId(),
            videoKey: thumbnail.videoKey,
            s3ObjectKey: thumbnail.s3ObjectKey,
            bucketName: thumbnail.bucketName,
            presetId: null,
            maxWidth: thumbnail.maxWidth,
            maxHeight: thumbnail.maxHeight,
            createdAt: at,
            updatedAt: at,
          }),
        );
      }
      // The key is another video's object: updating that row would move it between videos.
      if (existing.videoKey !== thumbnail.videoKey) return Effect.fail(keyTaken(thumbnail.s3ObjectKey));
      return Effect.succeed(
        this.write({
          ...existing,
          bucketName: thumbnail.bucketName,
          maxWidth: thumbnail.maxWidth,
          maxHeight: thumbnail.maxHeight,
          updatedAt: at,
        }),
      );
    });
  }

  listForVideo(key: VideoKey): Effect.Effect<ReadonlyArray<VideoThumbnail>> {
    return Effect.sync(() =>
      [...this.thumbnails.values()]
        .filter((thumbnail) => thumbnail.videoKey === key)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id)
        .map(copyRow),
    );
  }

  repoint(
    id: number,
    location: { readonly s3ObjectKey: string; readonly bucketName: string },
    at: Date,
  ): Effect.Effect<VideoThumbnail, UniqueViolation | RecordNotFound> {
    return repointStoredRow(this.thumbnails, "VideoThumbnail", id, location, at);
  }

  delete(id: number): Effect.Effect<void, RecordNotFound> {
    return deleteStoredRow(this.thumbnails, "VideoThumbnail", id);
  }
}
