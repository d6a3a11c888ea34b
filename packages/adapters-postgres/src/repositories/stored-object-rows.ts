import { Effect } from "effect";
import type { Knex } from "knex";
import type { PersistenceFailure, UniqueViolation, VideoKey } from "@ovs/domain";
import { RecordNotFound } from "@ovs/domain";
import type { SqlContext } from "../sql-context.js";

export type StoredObjectLocation = { readonly s3ObjectKey: string; readonly bucketName: string };

/** Writes that name a video first check it exists, so a missing video is reported as such. */
export const requireVideo = async (db: Knex | Knex.Transaction, videoKey: VideoKey): Promise<void> => {
  const video: unknown = await db("videos").where("key", videoKey).first("key");
  if (video === undefined) throw new RecordNotFound({ entity: "Video", id: videoKey });
};

type StoredObjectTable = "video_files" | "video_thumbnails" | "video_subtitles";
type StoredObjectEntity = "VideoFile" | "VideoThumbnail" | "VideoSubtitle";

/** Points a file, thumbnail or subtitle row at another object; the key stays unique per table. */
export const repointRow = <Row, Entity>(
  sql: SqlContext,
  table: StoredObjectTable,
  entity: StoredObjectEntity,
  toEntity: (row: Row) => Entity,
  id: number,
  location: StoredObjectLocation,
  at: Date,
): Effect.Effect<Entity, UniqueViolation | RecordNotFound | PersistenceFailure> =>
  Effect.flatMap(
    sql.constrainedStatement(`repoint ${table}`, (db) =>
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
export const deleteRow = (
  sql: SqlContext,
  table: StoredObjectTable,
  entity: StoredObjectEntity,
  id: number,
): Effect.Effect<void, RecordNotFound | PersistenceFailure> =>
  Effect.flatMap(
    sql.statement(`delete from ${table}`, (db) => db(table).where("id", id).delete().returning("id")),
    (deleted: ReadonlyArray<unknown>) =>
      deleted.length === 0 ? Effect.fail(new RecordNotFound({ entity, id: String(id) })) : Effect.void,
  );
