import type { Effect } from "effect";
import { Option } from "effect";
import type {
  PersistenceFailure,
  RecordNotFound,
  SubtitleUpload,
  UniqueViolation,
  UpsertedSubtitle,
  VideoKey,
  VideoSubtitle,
  VideoSubtitleRepository,
} from "@ovs/domain";
import type { VideoSubtitleRow } from "../rows.js";
import { videoSubtitleOf } from "../rows.js";
import type { SqlContext } from "../sql-context.js";
import type { StoredObjectLocation } from "./stored-object-rows.js";
import { deleteRow, repointRow, requireVideo } from "./stored-object-rows.js";

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
    return this.sql.statement("find subtitle", async (db) => {
      const row: VideoSubtitleRow | undefined = await db("video_subtitles").where("id", id).first();
      return row === undefined ? Option.none() : Option.some(videoSubtitleOf(row));
    });
  }

  listForVideo(key: VideoKey): Effect.Effect<ReadonlyArray<VideoSubtitle>, PersistenceFailure> {
    return this.sql.statement("list subtitles", async (db) => {
      const rows: ReadonlyArray<VideoSubtitleRow> = await db("video_subtitles")
        .where("video_key", key)
        .orderBy("id");
      return rows.map(videoSubtitleOf);
    });
  }

  repoint(
    id: number,
    location: StoredObjectLocation,
    at: Date,
  ): Effect.Effect<VideoSubtitle, UniqueViolation | RecordNotFound | PersistenceFailure> {
    return repointRow(this.sql, "video_subtitles", "VideoSubtitle", videoSubtitleOf, id, location, at);
  }

  delete(id: number): Effect.Effect<void, RecordNotFound | PersistenceFailure> {
    return deleteRow(this.sql, "video_subtitles", "VideoSubtitle", id);
  }
}
