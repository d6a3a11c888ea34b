import { Effect, Option } from "effect";
import type { Knex } from "knex";
import type {
  NewVideoFile,
  PersistenceFailure,
  SubtitleUpload,
  ThumbnailLocation,
  UpsertedSubtitle,
  UpsertedVideoFile,
  VideoFile,
  VideoFileRepository,
  VideoKey,
  VideoSubtitle,
  VideoSubtitleRepository,
  VideoThumbnail,
  VideoThumbnailRepository,
} from "@ovs/domain";
import { RecordNotFound, UniqueViolation } from "@ovs/domain";
import type { VideoFileRow, VideoSubtitleRow, VideoThumbnailRow } from "../rows.js";
import { videoFileOf, videoSubtitleOf, videoThumbnailOf } from "../rows.js";
import type { SqlContext } from "../sql-context.js";

type Location = { readonly s3ObjectKey: string; readonly bucketName: string };

/** Writes that name a video first check it exists, so a missing video is reported as such. */
const requireVideo = async (db: Knex | Knex.Transaction, videoKey: VideoKey): Promise<void> => {
  const video: unknown = await db("videos").where("key", videoKey).first("key");
  if (video === undefined) throw new RecordNotFound({ entity: "Video", id: videoKey });
};

type StoredObjectTable = "video_files" | "video_thumbnails" | "video_subtitles";
type StoredObjectEntity = "VideoFile" | "VideoThumbnail" | "VideoSubtitle";

/** Points a file, thumbnail or subtitle row at another object; the key stays unique per table. */
const repointRow = <Row, Entity>(
  sql: SqlContext,
  table: StoredObjectTable,
  entity: StoredObjectEntity,
  toEntity: (row: Row) => Entity,
  id: number,
  location: Location,
  at: Date,
): Effect.Effect<Entity, UniqueViolation | RecordNotFound | PersistenceFailure> =>
  Effect.flatMap(
    sql.write(`repoint ${table}`, (db) =>
      db(table)
        .where("id", id)
        .update({ s3_object_key: location.s3ObjectKey, bucket_name: location.bucketName, updated_at: at })
        .returning("*"),
    ),
    ([row]: ReadonlyArray<Row>) =>
      row === undefined
        ? Effect.fail(new RecordNotFound({ entity, id: String(id) }))
        : Effect.succeed(toEntity(row)),
  );

/**
 * Deletes one row by id. `returning` tells whether it existed: knex-pglite reports no row count
 * for deletes.
 */
const deleteRow = (
  sql: SqlContext,
  table: StoredObjectTable,
  entity: StoredObjectEntity,
  id: number,
): Effect.Effect<void, RecordNotFound | PersistenceFailure> =>
  Effect.flatMap(
    sql.read(`delete from ${table}`, (db) => db(table).where("id", id).delete().returning("id")),
    (deleted: ReadonlyArray<unknown>) =>
      deleted.length === 0 ? Effect.fail(new RecordNotFound({ entity, id: String(id) })) : Effect.void,
  );

export class PostgresVideoFileRepository implements VideoFileRepository {
  constructor(private readonly sql: SqlContext) {}

  insert(
    file: NewVideoFile,
    at: Date,
  ): Effect.Effect<VideoFile, UniqueViolation | RecordNotFound | PersistenceFailure> {
    return this.sql.write("insert video file", async (db) => {
      const [row]: ReadonlyArray<VideoFileRow> = await db("video_files")
        .insert({
          video_key: file.videoKey,
          s3_object_key: file.s3ObjectKey,
          bucket_name: file.bucketName,
          encoding: file.encoding,
          preset_id: file.presetId ?? null,
          created_at: at,
          updated_at: at,
        })
        .returning("*");
      if (row === undefined) throw new Error("insert returned no row");
      return videoFileOf(row);
    });
  }

  replaceForEncoding(
    file: NewVideoFile,
    at: Date,
  ): Effect.Effect<UpsertedVideoFile, UniqueViolation | RecordNotFound | PersistenceFailure> {
    return this.sql.atomically("replace video file of an encoding", async (db) => {
      await requireVideo(db, file.videoKey);
      const existing: VideoFileRow | undefined = await db("video_files")
        .where("s3_object_key", file.s3ObjectKey)
        .forUpdate()
        .first();
      // The key is another video's object: repointing that row would steal it, so refuse.
      if (existing !== undefined && existing.video_key !== file.videoKey) {
        throw new UniqueViolation({ entity: "VideoFile", field: "s3ObjectKey", value: file.s3ObjectKey });
      }
      const removed: ReadonlyArray<VideoFileRow> = await db("video_files")
        .where({ video_key: file.videoKey, encoding: file.encoding })
        .whereNot("s3_object_key", file.s3ObjectKey)
        .delete()
        .returning("*");
      const [row]: ReadonlyArray<VideoFileRow> =
        existing === undefined
          ? await db("video_files")
              .insert({
                video_key: file.videoKey,
                s3_object_key: file.s3ObjectKey,
                bucket_name: file.bucketName,
                encoding: file.encoding,
                preset_id: file.presetId ?? null,
                created_at: at,
                updated_at: at,
              })
              .returning("*")
          : await db("video_files")
              .where("id", existing.id)
              .update({
                bucket_name: file.bucketName,
                encoding: file.encoding,
                preset_id: file.presetId ?? null,
                updated_at: at,
              })
              .returning("*");
      if (row === undefined) throw new Error("upsert returned no row");
      return {
        file: videoFileOf(row),
        removed: [...removed].sort((a, b) => a.id - b.id).map(videoFileOf),
      };
    });
  }

  repoint(
    id: number,
    location: Location,
    at: Date,
  ): Effect.Effect<VideoFile, UniqueViolation | RecordNotFound | PersistenceFailure> {
    return repointRow(this.sql, "video_files", "VideoFile", videoFileOf, id, location, at);
  }

  listForVideo(key: VideoKey): Effect.Effect<ReadonlyArray<VideoFile>, PersistenceFailure> {
    return this.sql.read("list video files", async (db) => {
      const rows: ReadonlyArray<VideoFileRow> = await db("video_files").where("video_key", key).orderBy("id");
      return rows.map(videoFileOf);
    });
  }

  delete(id: number): Effect.Effect<void, RecordNotFound | PersistenceFailure> {
    return deleteRow(this.sql, "video_files", "VideoFile", id);
  }
}

export class PostgresVideoThumbnailRepository implements VideoThumbnailRepository {
  constructor(private readonly sql: SqlContext) {}

  upsertByKey(
    thumbnail: ThumbnailLocation,
    at: Date,
  ): Effect.Effect<VideoThumbnail, UniqueViolation | RecordNotFound | PersistenceFailure> {
    return this.sql.atomically("upsert video thumbnail", async (db) => {
      await requireVideo(db, thumbnail.videoKey);
      // Insert or update in one statement; the WHERE keeps another video's row untouched.
      const [row]: ReadonlyArray<VideoThumbnailRow> = await db("video_thumbnails")
        .insert({
          video_key: thumbnail.videoKey,
          s3_object_key: thumbnail.s3ObjectKey,
          bucket_name: thumbnail.bucketName,
          max_width: thumbnail.maxWidth,
          max_height: thumbnail.maxHeight,
          created_at: at,
          updated_at: at,
        })
        .onConflict("s3_object_key")
        .merge(["bucket_name", "max_width", "max_height", "updated_at"])
        .where("video_thumbnails.video_key", thumbnail.videoKey)
        .returning("*");
      if (row === undefined) {
        throw new UniqueViolation({
          entity: "VideoThumbnail",
          field: "s3ObjectKey",
          value: thumbnail.s3ObjectKey,
        });
      }
      return videoThumbnailOf(row);
    });
  }

  listForVideo(key: VideoKey): Effect.Effect<ReadonlyArray<VideoThumbnail>, PersistenceFailure> {
    return this.sql.read("list video thumbnails", async (db) => {
      const rows: ReadonlyArray<VideoThumbnailRow> = await db("video_thumbnails")
        .where("video_key", key)
        .orderBy([
          { column: "created_at", order: "desc" },
          { column: "id", order: "desc" },
        ]);
      return rows.map(videoThumbnailOf);
    });
  }

  repoint(
    id: number,
    location: Location,
    at: Date,
  ): Effect.Effect<VideoThumbnail, UniqueViolation | RecordNotFound | PersistenceFailure> {
    return repointRow(this.sql, "video_thumbnails", "VideoThumbnail", videoThumbnailOf, id, location, at);
  }

  delete(id: number): Effect.Effect<void, RecordNotFound | PersistenceFailure> {
    return deleteRow(this.sql, "video_thumbnails", "VideoThumbnail", id);
  }
}

export class PostgresVideoSubtitleRepository implements VideoSubtitleRepository {
  constructor(private readonly sql: SqlContext) {}

  upsertForLanguage(
    upload: SubtitleUpload,
    at: Date,
  ): Effect.Effect<UpsertedSubtitle, UniqueViolation | RecordNotFound | PersistenceFailure> {
    return this.sql.atomically("upsert subtitle", async (db) => {
      await requireVideo(db, upload.videoKey);
      const existing: VideoSubtitleRow | undefined = await db("video_subtitles")
        .where({ video_key: upload.videoKey, language: upload.language })
        .forUpdate()
        .first();
      if (existing === undefined) {
        const [row]: ReadonlyArray<VideoSubtitleRow> = await db("video_subtitles")
          .insert({
            video_key: upload.videoKey,
            s3_object_key: upload.s3ObjectKey,
            bucket_name: upload.bucketName,
            filename: upload.filename,
            language: upload.language,
            created_at: at,
            updated_at: at,
          })
          .returning("*");
        if (row === undefined) throw new Error("insert returned no row");
        return { subtitle: videoSubtitleOf(row), replacedObject: null };
      }
      const [row]: ReadonlyArray<VideoSubtitleRow> = await db("video_subtitles")
        .where("id", existing.id)
        .update({
          s3_object_key: upload.s3ObjectKey,
          bucket_name: upload.bucketName,
          filename: upload.filename,
          updated_at: at,
        })
        .returning("*");
      if (row === undefined) throw new Error("update returned no row");
      // Keys carry a one-second timestamp, so a quick re-upload can land on the same object:
      // that object is the new subtitle, not garbage.
      const moved =
        existing.s3_object_key !== upload.s3ObjectKey || existing.bucket_name !== upload.bucketName;
      return {
        subtitle: videoSubtitleOf(row),
        replacedObject: moved
          ? { s3ObjectKey: existing.s3_object_key, bucketName: existing.bucket_name }
          : null,
      };
    });
  }

  findById(id: number): Effect.Effect<Option.Option<VideoSubtitle>, PersistenceFailure> {
    return this.sql.read("find subtitle", async (db) => {
      const row: VideoSubtitleRow | undefined = await db("video_subtitles").where("id", id).first();
      return row === undefined ? Option.none() : Option.some(videoSubtitleOf(row));
    });
  }

  listForVideo(key: VideoKey): Effect.Effect<ReadonlyArray<VideoSubtitle>, PersistenceFailure> {
    return this.sql.read("list subtitles", async (db) => {
      const rows: ReadonlyArray<VideoSubtitleRow> = await db("video_subtitles")
        .where("video_key", key)
        .orderBy("id");
      return rows.map(videoSubtitleOf);
    });
  }

  repoint(
    id: number,
    location: Location,
    at: Date,
  ): Effect.Effect<VideoSubtitle, UniqueViolation | RecordNotFound | PersistenceFailure> {
    return repointRow(this.sql, "video_subtitles", "VideoSubtitle", videoSubtitleOf, id, location, at);
  }

  delete(id: number): Effect.Effect<void, RecordNotFound | PersistenceFailure> {
    return deleteRow(this.sql, "video_subtitles", "VideoSubtitle", id);
  }
}
