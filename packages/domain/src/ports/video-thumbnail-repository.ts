import type { Effect } from "effect";
import type { VideoKey } from "../model/keys.js";
import type { VideoThumbnail } from "../model/video-file.js";
import type { PersistenceFailure, RecordNotFound, UniqueViolation } from "./persistence-errors.js";

export interface ThumbnailLocation {
  readonly videoKey: VideoKey;
  readonly s3ObjectKey: string;
  readonly bucketName: string;
  readonly maxWidth: number | null;
  readonly maxHeight: number | null;
}

/** Thumbnails of a video, unique by `s3ObjectKey`, listed newest first. */
export interface VideoThumbnailRepository {
  /** Creates the thumbnail or updates the one with the same key (upstream `update_or_create`). */
  upsertByKey(
    thumbnail: ThumbnailLocation,
    at: Date,
  ): Effect.Effect<VideoThumbnail, UniqueViolation | RecordNotFound | PersistenceFailure>;
  listForVideo(key: VideoKey): Effect.Effect<ReadonlyArray<VideoThumbnail>, PersistenceFailure>;
  /** Moves a thumbnail row to another key (visibility change), keeping its id. */
  repoint(
    id: number,
    location: { readonly s3ObjectKey: string; readonly bucketName: string },
    at: Date,
  ): Effect.Effect<VideoThumbnail, UniqueViolation | RecordNotFound | PersistenceFailure>;
  delete(id: number): Effect.Effect<void, RecordNotFound | PersistenceFailure>;
}
export const VideoThumbnailRepository = Symbol.for("ovs/VideoThumbnailRepository");
