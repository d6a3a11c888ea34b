import { Effect, Option } from "effect";
import type { Knex } from "knex";
import type {
  CollectionKey,
  InvalidCursor,
  Page,
  PageRequest,
  PersistenceFailure,
  StatusChangeFields,
  Video,
  VideoDetails,
  VideoKey,
  VideoListQuery,
  VideoRepository,
  VideoStatus,
} from "@ovs/domain";
import { RecordNotFound, StatusConflict } from "@ovs/domain";
import type { UniqueViolation } from "@ovs/domain";
import type { PagePlan } from "../keyset-paging.js";
import { applyPlan, pageOf, planOrFail } from "../keyset-paging.js";
import type {
  CollectionRow,
  VideoFileRow,
  VideoRow,
  VideoSubtitleRow,
  VideoThumbnailRow,
  YouTubeVideoRow,
} from "../rows.js";
import {
  collectionOf,
  containsPattern,
  toDate,
  videoColumns,
  videoEditableColumns,
  videoFileOf,
  videoOf,
  videoSubtitleOf,
  videoThumbnailOf,
  youtubeVideoOf,
} from "../rows.js";
import type { SqlContext } from "../sql-context.js";
import { withoutUniqueViolation } from "../sql-context.js";
import { visibilitySql } from "../visibility-sql.js";
import { replaceGroupList } from "./group-lists.js";

type Db = Knex | Knex.Transaction;

/** The view lists of `v`, in the order they were written. */
const VIDEO_VIEW_LISTS = `ARRAY(SELECT g.group_name FROM video_view_groups AS g WHERE g.video_key = v.key ORDER BY g.position) AS view_lists`;

/** Everything `VideoDetails` holds beyond the video, as columns of the same row (one query per page). */
const DETAILS_COLUMNS = [
  `row_to_json(c) AS collection_row`,
  `ARRAY(SELECT g.group_name FROM collection_view_groups AS g WHERE g.collection_key = c.key ORDER BY g.position) AS collection_view_lists`,
  `ARRAY(SELECT g.group_name FROM collection_admin_groups AS g WHERE g.collection_key = c.key ORDER BY g.position) AS collection_admin_lists`,
  `(SELECT coalesce(json_agg(f ORDER BY f.id), '[]'::json) FROM video_files AS f WHERE f.video_key = v.key) AS files`,
  `(SELECT coalesce(json_agg(t ORDER BY t.created_at DESC, t.id DESC), '[]'::json) FROM video_thumbnails AS t WHERE t.video_key = v.key) AS thumbnails`,
  `(SELECT coalesce(json_agg(s ORDER BY s.id), '[]'::json) FROM video_subtitles AS s WHERE s.video_key = v.key) AS subtitles`,
  `(SELECT row_to_json(y) FROM youtube_videos AS y WHERE y.video_key = v.key) AS youtube`,
].join(", ");

interface DetailsRow extends VideoRow {
  readonly collection_row: CollectionRow;
  readonly collection_view_lists: ReadonlyArray<string>;
  readonly collection_admin_lists: ReadonlyArray<string>;
  readonly files: ReadonlyArray<VideoFileRow>;
  readonly thumbnails: ReadonlyArray<VideoThumbnailRow>;
  readonly subtitles: ReadonlyArray<VideoSubtitleRow>;
  readonly youtube: YouTubeVideoRow | null;
}

const detailsOf = (row: DetailsRow): VideoDetails => ({
  video: videoOf(row),
  collection: collectionOf(row.collection_row, row.collection_view_lists, row.collection_admin_lists),
  files: row.files.map(videoFileOf),
  thumbnails: row.thumbnails.map(videoThumbnailOf),
  subtitles: row.subtitles.map(videoSubtitleOf),
  youtube: row.youtube === null ? null : youtubeVideoOf(row.youtube),
});

/** Every condition of a list query but the paging, on `videos v JOIN collections c`. */
const filtered = (db: Db, query: VideoListQuery): Knex.QueryBuilder => {
  const visibility = visibilitySql(query.visibility, { hasVideo: true });
  let builder = db
    .from("videos as v")
    .join("collections as c", "c.key", "v.collection_key")
    .whereRaw(visibility.sql, [...visibility.bindings]);
  if (query.collectionKey !== undefined) builder = builder.where("v.collection_key", query.collectionKey);
  if (query.status !== undefined) builder = builder.where("v.status", query.status);
  if (query.includeInLearn !== undefined) builder = builder.where("c.include_in_learn", query.includeInLearn);
  if (query.forShorts !== undefined) builder = builder.where("c.for_shorts", query.forShorts);
  const contains = (column: string, fragment: string | undefined): void => {
    if (fragment !== undefined)
      builder = builder.whereRaw(`${column} ILIKE ? ESCAPE '\\'`, [containsPattern(fragment)]);
  };
  contains("c.title", query.collectionTitleContains);
  contains("v.title", query.titleContains);
  contains("v.description", query.descriptionContains);
  if (query.streamSource !== undefined) {
    builder = builder.whereRaw("lower(c.stream_source) = lower(?)", [query.streamSource]);
  }
  const excluded = query.excludeStreamSources ?? [];
  if (excluded.length > 0) {
    builder = builder.whereRaw(
      `(c.stream_source IS NULL OR lower(c.stream_source) NOT IN (${excluded.map(() => "lower(?)").join(", ")}))`,
      [...excluded],
    );
  }
  if (query.search !== undefined) {
    const pattern = containsPattern(query.search);
    builder = builder.whereRaw(
      `(v.title ILIKE ? ESCAPE '\\' OR v.description ILIKE ? ESCAPE '\\' OR c.title ILIKE ? ESCAPE '\\' OR c.description ILIKE ? ESCAPE '\\')`,
      [pattern, pattern, pattern, pattern],
    );
  }
  return builder;
};

const SORT_COLUMNS = { createdAt: "v.created_at", title: "v.title", key: "v.key" };

const sortValuesOf = (row: VideoRow) => ({
  createdAt: toDate(row.created_at),
  title: row.title,
  key: row.key,
});

/** Videos with their view lists, on knex; access filtering in one SQL query per page. */
export class PostgresVideoRepository implements VideoRepository {
  constructor(private readonly sql: SqlContext) {}

  private selectVideo(db: Db): Knex.QueryBuilder {
    return db.from("videos as v").select("v.*", db.raw(VIDEO_VIEW_LISTS));
  }

  private readVideo(db: Db, key: VideoKey): Promise<Video | undefined> {
    return this.selectVideo(db)
      .where("v.key", key)
      .first()
      .then((row: VideoRow | undefined) => (row === undefined ? undefined : videoOf(row)));
  }

  insert(video: Video): Effect.Effect<Video, UniqueViolation | RecordNotFound | PersistenceFailure> {
    return this.sql.atomically("insert video", async (db) => {
      await db("videos").insert(videoColumns(video));
      await replaceGroupList(db, "video_view_groups", "video_key", video.key, video.viewLists);
      return (await this.readVideo(db, video.key)) ?? video;
    });
  }

  update(video: Video): Effect.Effect<Video, RecordNotFound | PersistenceFailure> {
    return withoutUniqueViolation(
      Effect.flatMap(
        this.sql.atomically("update video", async (db) => {
          const changed = await db("videos").where("key", video.key).update(videoEditableColumns(video));
          if (changed === 0) return undefined;
          await replaceGroupList(db, "video_view_groups", "video_key", video.key, video.viewLists);
          return this.readVideo(db, video.key);
        }),
        (stored) =>
          stored === undefined
            ? Effect.fail(new RecordNotFound({ entity: "Video", id: video.key }))
            : Effect.succeed(stored),
      ),
    );
  }

  compareAndSetStatus(
    key: VideoKey,
    expected: ReadonlyArray<VideoStatus>,
    next: VideoStatus,
    at: Date,
    fields: StatusChangeFields = {},
  ): Effect.Effect<Video, StatusConflict | RecordNotFound | PersistenceFailure> {
    const changes = {
      status: next,
      updated_at: at,
      ...(fields.scheduleRetranscode === undefined
        ? {}
        : { schedule_retranscode: fields.scheduleRetranscode }),
      ...(fields.duration === undefined ? {} : { duration: fields.duration }),
      ...(fields.sourceUrl === undefined ? {} : { source_url: fields.sourceUrl }),
    };
    return Effect.flatMap(
      this.sql.statement("compare and set video status", async (db) => {
        // The WHERE re-checks the status after waiting for a concurrent writer's row lock, so
        // exactly one of two racing writers matches.
        const changed = await db("videos")
          .where("key", key)
          .whereIn("status", [...expected])
          .update(changes);
        const stored = await this.readVideo(db, key);
        return { changed, stored };
      }),
      ({ changed, stored }): Effect.Effect<Video, StatusConflict | RecordNotFound> => {
        if (stored === undefined) return Effect.fail(new RecordNotFound({ entity: "Video", id: key }));
        if (changed === 0)
          return Effect.fail(new StatusConflict({ videoKey: key, expected, actual: stored.status }));
        return Effect.succeed(stored);
      },
    );
  }

  touch(key: VideoKey, at: Date): Effect.Effect<void, RecordNotFound | PersistenceFailure> {
    return Effect.flatMap(
      this.sql.statement("touch video", (db) => db("videos").where("key", key).update({ updated_at: at })),
      (changed) =>
        changed === 0 ? Effect.fail(new RecordNotFound({ entity: "Video", id: key })) : Effect.void,
    );
  }

  delete(key: VideoKey): Effect.Effect<void, RecordNotFound | PersistenceFailure> {
    return Effect.flatMap(
      this.sql.statement("delete video", (db) => db("videos").where("key", key).delete().returning("key")),
      (deleted: ReadonlyArray<unknown>) =>
        deleted.length === 0 ? Effect.fail(new RecordNotFound({ entity: "Video", id: key })) : Effect.void,
    );
  }

  findByKey(key: VideoKey): Effect.Effect<Option.Option<Video>, PersistenceFailure> {
    return this.sql.statement("find video", async (db) => Option.fromNullable(await this.readVideo(db, key)));
  }

  findDetailsByKey(key: VideoKey): Effect.Effect<Option.Option<VideoDetails>, PersistenceFailure> {
    return this.sql.statement("find video details", async (db) => {
      const row: DetailsRow | undefined = await db
        .from("videos as v")
        .join("collections as c", "c.key", "v.collection_key")
        .select("v.*", db.raw(VIDEO_VIEW_LISTS), db.raw(DETAILS_COLUMNS))
        .where("v.key", key)
        .first();
      return row === undefined ? Option.none() : Option.some(detailsOf(row));
    });
  }

  /** One page in two queries whatever its size: the rows (with their details) and the count. */
  private page<Row extends VideoRow, Item>(
    query: VideoListQuery,
    request: PageRequest,
    columns: (db: Db) => ReadonlyArray<Knex.Raw | string>,
    item: (row: Row) => Item,
  ): Effect.Effect<Page<Item>, InvalidCursor | PersistenceFailure> {
    return Effect.flatMap(
      planOrFail(SORT_COLUMNS, query.ordering ?? "-created_at", request),
      (plan: PagePlan) =>
        this.sql.statement("list videos", async (db) => {
          const rows: ReadonlyArray<Row> = await applyPlan(filtered(db, query).select(...columns(db)), plan);
          const counted: { readonly total: number | string } | undefined = await filtered(db, query)
            .count({ total: "*" })
            .first();
          return pageOf(rows, plan, Number(counted?.total ?? 0), sortValuesOf, item);
        }),
    );
  }

  list(
    query: VideoListQuery,
    request: PageRequest,
  ): Effect.Effect<Page<Video>, InvalidCursor | PersistenceFailure> {
    return this.page<VideoRow, Video>(query, request, (db) => ["v.*", db.raw(VIDEO_VIEW_LISTS)], videoOf);
  }

  listDetails(
    query: VideoListQuery,
    request: PageRequest,
  ): Effect.Effect<Page<VideoDetails>, InvalidCursor | PersistenceFailure> {
    return this.page<DetailsRow, VideoDetails>(
      query,
      request,
      (db) => ["v.*", db.raw(VIDEO_VIEW_LISTS), db.raw(DETAILS_COLUMNS)],
      detailsOf,
    );
  }

  listInCollection(key: CollectionKey): Effect.Effect<ReadonlyArray<Video>, PersistenceFailure> {
    return this.sql.statement("list videos of a collection", async (db) => {
      const rows: ReadonlyArray<VideoRow> = await this.selectVideo(db)
        .where("v.collection_key", key)
        .orderByRaw("v.custom_order ASC NULLS LAST, v.created_at DESC, v.key DESC");
      return rows.map(videoOf);
    });
  }

  listInStatusSince(
    statuses: ReadonlyArray<VideoStatus>,
    before: Date,
    limit: number,
  ): Effect.Effect<ReadonlyArray<Video>, PersistenceFailure> {
    return this.sql.statement("list videos in status", async (db) => {
      const rows: ReadonlyArray<VideoRow> = await this.selectVideo(db)
        .whereIn("v.status", [...statuses])
        .where("v.updated_at", "<", before)
        .orderByRaw("v.updated_at ASC, v.key ASC")
        .limit(Math.max(0, limit));
      return rows.map(videoOf);
    });
  }

  listScheduledForRetranscode(limit: number): Effect.Effect<ReadonlyArray<Video>, PersistenceFailure> {
    return this.sql.statement("list videos scheduled for retranscode", async (db) => {
      const rows: ReadonlyArray<VideoRow> = await this.selectVideo(db)
        .where("v.schedule_retranscode", true)
        .orderByRaw("v.created_at ASC, v.key ASC")
        .limit(Math.max(0, limit));
      return rows.map(videoOf);
    });
  }

  setScheduleRetranscodeForCollection(
    key: CollectionKey,
    value: boolean,
    at: Date,
  ): Effect.Effect<number, PersistenceFailure> {
    return this.sql.statement("set retranscode flag of a collection's videos", (db) =>
      db("videos")
        .where("collection_key", key)
        .whereNot("schedule_retranscode", value)
        .update({ schedule_retranscode: value, updated_at: at }),
    );
  }
}
