import type { Effect } from "effect";
import type { VideoKey } from "../model/keys.js";
import type { VideoFile } from "../model/video-file.js";
import type { PersistenceFailure, RecordNotFound, UniqueViolation } from "./persistence-errors.js";

export interface NewVideoFile {
  readonly videoKey: VideoKey;
  readonly s3ObjectKey: string;
  readonly bucketName: string;
  readonly encoding: string;
  readonly presetId?: string | null;
}

export interface UpsertedVideoFile {
  readonly file: VideoFile;
  /** Other files of the same encoding that were removed; their objects are now garbage. */
  readonly removed: ReadonlyArray<VideoFile>;
}

/** Files of a video: the original upload and the transcode outputs. `s3ObjectKey` is unique. */
export interface VideoFileRepository {
  insert(
    file: NewVideoFile,
    at: Date,
  ): Effect.Effect<VideoFile, UniqueViolation | RecordNotFound | PersistenceFailure>;
  /**
   * Keeps exactly one file of this encoding for the video: other rows of the encoding are
   * deleted, and the row with this key is created or repointed (upstream
   * `cleanup_and_upsert_video_file`).
   */
  replaceForEncoding(
    file: NewVideoFile,
    at: Date,
  ): Effect.Effect<UpsertedVideoFile, UniqueViolation | RecordNotFound | PersistenceFailure>;
  /** Points a file at another object (e.g. the original after a replacement). */
  repoint(
    id: number,
    location: { readonly s3ObjectKey: string; readonly bucketName: string },
    at: Date,
  ): Effect.Effect<VideoFile, UniqueViolation | RecordNotFound | PersistenceFailure>;
  listForVideo(key: VideoKey): Effect.Effect<ReadonlyArray<VideoFile>, PersistenceFailure>;
  delete(id: number): Effect.Effect<void, RecordNotFound | PersistenceFailure>;
}
export const VideoFileRepository = Symbol.for("ovs/VideoFileRepository");
