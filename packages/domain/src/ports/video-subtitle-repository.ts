import type { Effect, Option } from "effect";
import type { VideoKey } from "../model/keys.js";
import type { VideoSubtitle } from "../model/video-file.js";
import type { PersistenceFailure, RecordNotFound, UniqueViolation } from "./persistence-errors.js";

export interface SubtitleUpload {
  readonly videoKey: VideoKey;
  readonly language: string;
  readonly filename: string;
  readonly s3ObjectKey: string;
  readonly bucketName: string;
}

export interface UpsertedSubtitle {
  readonly subtitle: VideoSubtitle;
  /** The object the subtitle pointed at before, now garbage; null for a new subtitle. */
  readonly replacedObject: { readonly s3ObjectKey: string; readonly bucketName: string } | null;
}

/** Subtitles of a video: at most one per (video, language), enforced by the store. */
export interface VideoSubtitleRepository {
  upsertForLanguage(
    upload: SubtitleUpload,
    at: Date,
  ): Effect.Effect<UpsertedSubtitle, UniqueViolation | RecordNotFound | PersistenceFailure>;
  findById(id: number): Effect.Effect<Option.Option<VideoSubtitle>, PersistenceFailure>;
  listForVideo(key: VideoKey): Effect.Effect<ReadonlyArray<VideoSubtitle>, PersistenceFailure>;
  repoint(
    id: number,
    location: { readonly s3ObjectKey: string; readonly bucketName: string },
    at: Date,
  ): Effect.Effect<VideoSubtitle, UniqueViolation | RecordNotFound | PersistenceFailure>;
  delete(id: number): Effect.Effect<void, RecordNotFound | PersistenceFailure>;
}
export const VideoSubtitleRepository = Symbol.for("ovs/VideoSubtitleRepository");
