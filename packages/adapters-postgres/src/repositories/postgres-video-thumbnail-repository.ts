import type { Effect } from "effect";
import type {
  PersistenceFailure,
  RecordNotFound,
  ThumbnailLocation,
  VideoKey,
  VideoThumbnail,
  VideoThumbnailRepository,
} from "@ovs/domain";
import { UniqueViolation } from "@ovs/domain";
import type { VideoThumbnailRow } from "../rows.js";
import { videoThumbnailOf } from "../rows.js";
import type { SqlContext } from "../sql-context.js";
import type { StoredObjectLocation } from "./stored-object-rows.js";
import { deleteRow, repointRow, requireVideo } from "./stored-object-rows.js";

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
    return this.sql.statement("list video thumbnails", async (db) => {
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
    location: StoredObjectLocation,
    at: Date,
  ): Effect.Effect<VideoThumbnail, UniqueViolation | RecordNotFound | PersistenceFailure> {
    return repointRow(this.sql, "video_thumbnails", "VideoThumbnail", videoThumbnailOf, id, location, at);
  }

  delete(id: number): Effect.Effect<void, RecordNotFound | PersistenceFailure> {
    return deleteRow(this.sql, "video_thumbnails", "VideoThumbnail", id);
  }
}
