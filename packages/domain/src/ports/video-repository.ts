import type { Effect, Option } from "effect";
import type { Collection } from "../model/collection.js";
import type { CollectionKey, VideoKey } from "../model/keys.js";
import type { Video, VideoStatus } from "../model/video.js";
import type { VideoFile, VideoSubtitle, VideoThumbnail } from "../model/video-file.js";
import type { YouTubeVideo } from "../model/youtube-video.js";
import type { VideoVisibilityFilter } from "../policy/access.js";
import type { InvalidCursor, Page, PageRequest } from "./pagination.js";
import type { PersistenceFailure, RecordNotFound, UniqueViolation } from "./persistence-errors.js";
import { Data } from "effect";

export type VideoOrdering = "-created_at" | "created_at" | "title" | "-title";

/**
 * What to list: the access filter plus the optional filters of the API and the public feed.
 * Text filters match case-insensitively anywhere in the field.
 */
export interface VideoListQuery {
  readonly visibility: VideoVisibilityFilter;
  readonly collectionKey?: CollectionKey;
  readonly status?: VideoStatus;
  readonly includeInLearn?: boolean;
  readonly forShorts?: boolean;
  readonly collectionTitleContains?: string;
  /** Case-insensitive equality with the collection's stream source. */
  readonly streamSource?: string;
  /** Case-insensitive; collections without a stream source are kept. */
  readonly excludeStreamSources?: ReadonlyArray<string>;
  readonly titleContains?: string;
  readonly descriptionContains?: string;
  /** Matches video title or description, or collection title or description. */
  readonly search?: string;
  readonly ordering?: VideoOrdering;
}

/** A video with everything the feed and the player show, loaded in a constant number of queries. */
export interface VideoDetails {
  readonly video: Video;
  readonly collection: Collection;
  /** In insertion order (upstream ties fall back to row order). */
  readonly files: ReadonlyArray<VideoFile>;
  /** Newest first. */
  readonly thumbnails: ReadonlyArray<VideoThumbnail>;
  /** In insertion order. */
  readonly subtitles: ReadonlyArray<VideoSubtitle>;
  readonly youtube: YouTubeVideo | null;
}

/** A compare-and-set lost: the video is no longer in the status the writer read. */
export class StatusConflict extends Data.TaggedError("StatusConflict")<{
  readonly videoKey: VideoKey;
  readonly expected: ReadonlyArray<VideoStatus>;
  readonly actual: VideoStatus;
}> {
  override get message(): string {
    return `video ${this.videoKey} is '${this.actual}', not ${this.expected.map((status) => `'${status}'`).join(" or ")}`;
  }
}

/** Fields a status change may set together with the status, in the same write. */
export type StatusChangeFields = Partial<Pick<Video, "scheduleRetranscode" | "duration" | "sourceUrl">>;

export interface VideoRepository {
  insert(video: Video): Effect.Effect<Video, UniqueViolation | RecordNotFound | PersistenceFailure>;
  /**
   * Replaces every field but key, collection, status and createdAt; bumps updatedAt.
   * Status only changes through `compareAndSetStatus`.
   */
  update(video: Video): Effect.Effect<Video, RecordNotFound | PersistenceFailure>;
  /**
   * Sets the status (and the given fields) only if the stored status is one of `expected`;
   * bumps updatedAt. Exactly one of two racing writers wins.
   */
  compareAndSetStatus(
    key: VideoKey,
    expected: ReadonlyArray<VideoStatus>,
    next: VideoStatus,
    at: Date,
    fields?: StatusChangeFields,
  ): Effect.Effect<Video, StatusConflict | RecordNotFound | PersistenceFailure>;
  /** Bumps updatedAt only: the upload heartbeat the stuck-upload janitor reads. */
  touch(key: VideoKey, at: Date): Effect.Effect<void, RecordNotFound | PersistenceFailure>;
  /** Deletes the video and, by cascade, its files, thumbnails, subtitles, jobs and YouTube row. */
  delete(key: VideoKey): Effect.Effect<void, RecordNotFound | PersistenceFailure>;
  findByKey(key: VideoKey): Effect.Effect<Option.Option<Video>, PersistenceFailure>;
  findDetailsByKey(key: VideoKey): Effect.Effect<Option.Option<VideoDetails>, PersistenceFailure>;
  list(
    query: VideoListQuery,
    page: PageRequest,
  ): Effect.Effect<Page<Video>, InvalidCursor | PersistenceFailure>;
  listDetails(
    query: VideoListQuery,
    page: PageRequest,
  ): Effect.Effect<Page<VideoDetails>, InvalidCursor | PersistenceFailure>;
  /** Videos of a collection in upstream display order: custom order first (nulls last), then newest. */
  listInCollection(key: CollectionKey): Effect.Effect<ReadonlyArray<Video>, PersistenceFailure>;
  /** Videos in a status whose updatedAt is older than `before` (janitor, reconciliation). */
  listInStatusSince(
    statuses: ReadonlyArray<VideoStatus>,
    before: Date,
    limit: number,
  ): Effect.Effect<ReadonlyArray<Video>, PersistenceFailure>;
  listScheduledForRetranscode(limit: number): Effect.Effect<ReadonlyArray<Video>, PersistenceFailure>;
  /** Copies the collection's retranscode flag onto all its videos (bulk, no hooks). */
  setScheduleRetranscodeForCollection(
    key: CollectionKey,
    value: boolean,
    at: Date,
  ): Effect.Effect<number, PersistenceFailure>;
}
export const VideoRepository = Symbol.for("ovs/VideoRepository");
