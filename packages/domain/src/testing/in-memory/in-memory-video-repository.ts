import { Effect, Either, Option } from "effect";
import type { Collection } from "../../model/collection.js";
import type { CollectionKey, VideoKey } from "../../model/keys.js";
import type { Video, VideoStatus } from "../../model/video.js";
import type { VideoFile, VideoSubtitle, VideoThumbnail } from "../../model/video-file.js";
import { filterAdmits } from "../../policy/access.js";
import type { InvalidCursor, Page, PageRequest } from "../../ports/pagination.js";
import { RecordNotFound, UniqueViolation } from "../../ports/persistence-errors.js";
import type {
  StatusChangeFields,
  VideoDetails,
  VideoListQuery,
  VideoRepository,
} from "../../ports/video-repository.js";
import { StatusConflict } from "../../ports/video-repository.js";
import type { InMemoryDatabase, Tables } from "./in-memory-database.js";
import { paginate } from "./in-memory-paging.js";
import type { Sortable } from "./in-memory-paging.js";
import {
  byId,
  cascadeDeleteVideo,
  containsIgnoringCase,
  copyRow,
  distinct,
  equalsIgnoringCase,
  firstMissingGroup,
} from "./in-memory-rows.js";

interface VideoRow {
  readonly video: Video;
  readonly collection: Collection;
}

/** Every condition of a list query but the paging, over one joined (video, collection) row. */
const matches = (query: VideoListQuery, { video, collection }: VideoRow): boolean => {
  if (!filterAdmits(query.visibility, { video, collection })) return false;
  if (query.collectionKey !== undefined && video.collectionKey !== query.collectionKey) return false;
  if (query.status !== undefined && video.status !== query.status) return false;
  if (query.includeInLearn !== undefined && collection.includeInLearn !== query.includeInLearn) return false;
  if (query.forShorts !== undefined && collection.forShorts !== query.forShorts) return false;
  if (
    query.collectionTitleContains !== undefined &&
    !containsIgnoringCase(collection.title, query.collectionTitleContains)
  ) {
    return false;
  }
  if (query.streamSource !== undefined && !equalsIgnoringCase(collection.streamSource, query.streamSource)) {
    return false;
  }
  if (
    query.excludeStreamSources?.some((source) => equalsIgnoringCase(collection.streamSource, source)) === true
  ) {
    return false;
  }
  if (query.titleContains !== undefined && !containsIgnoringCase(video.title, query.titleContains))
    return false;
  if (
    query.descriptionContains !== undefined &&
    !containsIgnoringCase(video.description, query.descriptionContains)
  ) {
    return false;
  }
  if (query.search !== undefined) {
    const search = query.search;
    const found = [video.title, video.description, collection.title, collection.description].some((text) =>
      containsIgnoringCase(text, search),
    );
    if (!found) return false;
  }
  return true;
};

const newestFirst = (a: VideoThumbnail, b: VideoThumbnail): number =>
  b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id;

/**
 * The rows of a file, thumbnail or subtitle table that belong to the wanted videos, grouped by
 * video, each group in the order given. One pass over the table; rows of other videos are skipped
 * without being grouped or sorted.
 */
const groupByVideo = <T extends { readonly videoKey: string }>(
  table: ReadonlyMap<number, T>,
  wanted: ReadonlySet<string>,
  order: (a: T, b: T) => number,
): ReadonlyMap<string, ReadonlyArray<T>> => {
  const groups = new Map<string, Array<T>>();
  for (const row of table.values()) {
    if (!wanted.has(row.videoKey)) continue;
    const group = groups.get(row.videoKey);
    if (group === undefined) groups.set(row.videoKey, [row]);
    else group.push(row);
  }
  for (const group of groups.values()) group.sort(order);
  return groups;
};

const NO_ROWS: ReadonlyArray<never> = [];

/**
 * Loads the files, thumbnails, subtitles and YouTube rows of the given videos (one, or a page of
 * a list) in one pass per table.
 */
const loadDetails = (tables: Tables, rows: ReadonlyArray<VideoRow>): Array<VideoDetails> => {
  const wanted = new Set(rows.map(({ video }) => video.key));
  const files = groupByVideo<VideoFile>(tables.videoFiles, wanted, byId);
  const thumbnails = groupByVideo<VideoThumbnail>(tables.videoThumbnails, wanted, newestFirst);
  const subtitles = groupByVideo<VideoSubtitle>(tables.videoSubtitles, wanted, byId);
  // One copy of each collection per read: the videos of a page share few collections, and the
  // copy is frozen, so sharing it within one answer never lets a caller touch the store.
  const collections = new Map<string, Collection>();
  const collectionCopy = (collection: Collection): Collection => {
    let copy = collections.get(collection.key);
    if (copy === undefined) {
      copy = copyRow(collection);
      collections.set(collection.key, copy);
    }
    return copy;
  };
  return rows.map(({ video, collection }) => {
    const youtube = tables.youtubeVideos.get(video.key);
    return {
      video: copyRow(video),
      collection: collectionCopy(collection),
      files: (files.get(video.key) ?? NO_ROWS).map(copyRow),
      thumbnails: (thumbnails.get(video.key) ?? NO_ROWS).map(copyRow),
      subtitles: (subtitles.get(video.key) ?? NO_ROWS).map(copyRow),
      youtube: youtube === undefined ? null : copyRow(youtube),
    };
  });
};

const byKey = (a: { readonly key: string }, b: { readonly key: string }): number =>
  a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

/** Videos in the shared in-memory tables, joined to their collections for lists and access. */
export class InMemoryVideoRepository implements VideoRepository {
  constructor(private readonly database: InMemoryDatabase) {}

  private write(video: Video): Video {
    const stored = copyRow({ ...video, viewLists: distinct(video.viewLists) });
    this.database.tables.videos.set(video.key, stored);
    return copyRow(stored);
  }

  insert(video: Video): Effect.Effect<Video, UniqueViolation | RecordNotFound> {
    return Effect.suspend((): Effect.Effect<Video, UniqueViolation | RecordNotFound> => {
      const tables = this.database.tables;
      if (tables.videos.has(video.key)) {
        return Effect.fail(new UniqueViolation({ entity: "Video", field: "key", value: video.key }));
      }
      if (!tables.collections.has(video.collectionKey)) {
        return Effect.fail(new RecordNotFound({ entity: "Collection", id: video.collectionKey }));
      }
      const missingGroup = firstMissingGroup(tables, video.viewLists);
      if (missingGroup !== undefined) {
        return Effect.fail(new RecordNotFound({ entity: "AccessGroup", id: missingGroup }));
      }
      this.database.recordInsertion("videos", video.key);
      return Effect.succeed(this.write(video));
    });
  }

  update(video: Video): Effect.Effect<Video, RecordNotFound> {
    return Effect.suspend((): Effect.Effect<Video, RecordNotFound> => {
      const tables = this.database.tables;
      const current = tables.videos.get(video.key);
      if (current === undefined) return Effect.fail(new RecordNotFound({ entity: "Video", id: video.key }));
      const missingGroup = firstMissingGroup(tables, video.viewLists);
      if (missingGroup !== undefined) {
        return Effect.fail(new RecordNotFound({ entity: "AccessGroup", id: missingGroup }));
      }
      return Effect.succeed(
        this.write({
          ...video,
          collectionKey: current.collectionKey,
          status: current.status,
          createdAt: current.createdAt,
        }),
      );
    });
  }

  compareAndSetStatus(
    key: VideoKey,
    expected: ReadonlyArray<VideoStatus>,
    next: VideoStatus,
    at: Date,
    fields: StatusChangeFields = {},
  ): Effect.Effect<Video, StatusConflict | RecordNotFound> {
    return Effect.suspend((): Effect.Effect<Video, StatusConflict | RecordNotFound> => {
      const current = this.database.tables.videos.get(key);
      if (current === undefined) return Effect.fail(new RecordNotFound({ entity: "Video", id: key }));
      if (!expected.includes(current.status)) {
        return Effect.fail(new StatusConflict({ videoKey: key, expected, actual: current.status }));
      }
      return Effect.succeed(this.write({ ...current, ...fields, status: next, updatedAt: at }));
    });
  }

  touch(key: VideoKey, at: Date): Effect.Effect<void, RecordNotFound> {
    return Effect.suspend(() => {
      const current = this.database.tables.videos.get(key);
      if (current === undefined) return Effect.fail(new RecordNotFound({ entity: "Video", id: key }));
      this.write({ ...current, updatedAt: at });
      return Effect.void;
    });
  }

  delete(key: VideoKey): Effect.Effect<void, RecordNotFound> {
    return Effect.suspend(() => {
      const tables = this.database.tables;
      if (!tables.videos.has(key)) return Effect.fail(new RecordNotFound({ entity: "Video", id: key }));
      cascadeDeleteVideo(tables, key);
      return Effect.void;
    });
  }

  findByKey(key: VideoKey): Effect.Effect<Option.Option<Video>> {
    return Effect.sync(() => Option.map(Option.fromNullable(this.database.tables.videos.get(key)), copyRow));
  }

  findDetailsByKey(key: VideoKey): Effect.Effect<Option.Option<VideoDetails>> {
    return Effect.sync(() => {
      const tables = this.database.tables;
      const video = tables.videos.get(key);
      const collection = video === undefined ? undefined : tables.collections.get(video.collectionKey);
      return video === undefined || collection === undefined
        ? Option.none()
        : Option.fromNullable(loadDetails(tables, [{ video, collection }])[0]);
    });
  }

  private page(query: VideoListQuery, page: PageRequest): Either.Either<Page<VideoRow>, InvalidCursor> {
    const tables = this.database.tables;
    const rows: Array<VideoRow & Sortable> = [];
    for (const video of tables.videos.values()) {
      const collection = tables.collections.get(video.collectionKey);
      if (collection === undefined) continue;
      const row = { video, collection, key: video.key, title: video.title, createdAt: video.createdAt };
      if (matches(query, row)) rows.push(row);
    }
    return paginate(rows, query.ordering ?? "-created_at", page);
  }

  list(query: VideoListQuery, page: PageRequest): Effect.Effect<Page<Video>, InvalidCursor> {
    return Effect.suspend(() =>
      Either.map(this.page(query, page), (result) => ({
        ...result,
        items: result.items.map((row) => copyRow(row.video)),
      })),
    );
  }

  listDetails(query: VideoListQuery, page: PageRequest): Effect.Effect<Page<VideoDetails>, InvalidCursor> {
    return Effect.suspend(() =>
      Either.map(this.page(query, page), (result) => ({
        ...result,
        items: loadDetails(this.database.tables, result.items),
      })),
    );
  }

  listInCollection(key: CollectionKey): Effect.Effect<ReadonlyArray<Video>> {
    return Effect.sync(() =>
      [...this.database.tables.videos.values()]
        .filter((video) => video.collectionKey === key)
        .sort((a, b) => {
          // Postgres sorts NULL after every value in ascending order.
          const order =
            a.customOrder === b.customOrder
              ? 0
              : a.customOrder === null
                ? 1
                : b.customOrder === null
                  ? -1
                  : a.customOrder - b.customOrder;
          return order || b.createdAt.getTime() - a.createdAt.getTime() || byKey(b, a);
        })
        .map(copyRow),
    );
  }

  listInStatusSince(
    statuses: ReadonlyArray<VideoStatus>,
    before: Date,
    limit: number,
  ): Effect.Effect<ReadonlyArray<Video>> {
    return Effect.sync(() =>
      [...this.database.tables.videos.values()]
        .filter((video) => statuses.includes(video.status) && video.updatedAt.getTime() < before.getTime())
        .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime() || byKey(a, b))
        .slice(0, Math.max(0, limit))
        .map(copyRow),
    );
  }

  listScheduledForRetranscode(limit: number): Effect.Effect<ReadonlyArray<Video>> {
    return Effect.sync(() =>
      [...this.database.tables.videos.values()]
        .filter((video) => video.scheduleRetranscode)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || byKey(a, b))
        .slice(0, Math.max(0, limit))
        .map(copyRow),
    );
  }

  setScheduleRetranscodeForCollection(key: CollectionKey, value: boolean, at: Date): Effect.Effect<number> {
    return Effect.sync(() => {
      const changed = [...this.database.tables.videos.values()].filter(
        (video) => video.collectionKey === key && video.scheduleRetranscode !== value,
      );
      for (const video of changed) this.write({ ...video, scheduleRetranscode: value, updatedAt: at });
      return changed.length;
    });
  }
}
