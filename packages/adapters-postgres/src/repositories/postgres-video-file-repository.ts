import type { Effect } from "effect";
import type {
  NewVideoFile,
  PersistenceFailure,
  RecordNotFound,
  UpsertedVideoFile,
  VideoFile,
  VideoFileRepository,
  VideoKey,
} from "@ovs/domain";
import { UniqueViolation } from "@ovs/domain";
import type { VideoFileRow } from "../rows.js";
import { videoFileOf } from "../rows.js";
import type { SqlContext } from "../sql-context.js";
import type { StoredObjectLocation } from "./stored-object-rows.js";
import { deleteRow, repointRow, requireVideo } from "./stored-object-rows.js";

export class PostgresVideoFileRepository implements VideoFileRepository {
  constructor(private readonly sql: SqlContext) {}

  insert(
    file: NewVideoFile,
    at: Date,
  ): Effect.Effect<VideoFile, UniqueViolation | RecordNotFound | PersistenceFailure> {
    return this.sql.constrainedStatement("insert video file", async (db) => {
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
    location: StoredObjectLocation,
    at: Date,
  ): Effect.Effect<VideoFile, UniqueViolation | RecordNotFound | PersistenceFailure> {
    return repointRow(this.sql, "video_files", "VideoFile", videoFileOf, id, location, at);
  }

  listForVideo(key: VideoKey): Effect.Effect<ReadonlyArray<VideoFile>, PersistenceFailure> {
    return this.sql.statement("list video files", async (db) => {
      const rows: ReadonlyArray<VideoFileRow> = await db("video_files").where("video_key", key).orderBy("id");
      return rows.map(videoFileOf);
    });
  }

  delete(id: number): Effect.Effect<void, RecordNotFound | PersistenceFailure> {
    return deleteRow(this.sql, "video_files", "VideoFile", id);
  }
}
