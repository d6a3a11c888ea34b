import type { GroupName } from "../../model/fields.js";
import type { VideoKey } from "../../model/keys.js";
import { Effect } from "effect";
import { RecordNotFound, UniqueViolation } from "../../ports/persistence-errors.js";
import type { Tables } from "./in-memory-database.js";

/**
 * Row handling shared by the in-memory repositories. A stored row is a frozen copy of what was
 * written, and every read hands out another copy: callers may keep, mutate or compare what they
 * got without touching the store, as with rows decoded from a real database.
 */

/**
 * A frozen copy of a flat row: dates copied, arrays copied and frozen, other values shared.
 *
 * Lists copy thousands of rows per read, so this is written for speed: the spread copies the own
 * enumerable fields in one step and keeps the row's shape (an object rebuilt from its entries
 * does not, and is slower to build and to read), then only dates and arrays are replaced.
 */
export const copyRow = <T extends object>(row: T): T => {
  const copy: Record<string, unknown> = { ...(row as Record<string, unknown>) };
  for (const field of Object.keys(copy)) {
    const value = copy[field];
    // Date objects stay mutable even when frozen (setTime), so each reader gets its own.
    if (value instanceof Date) copy[field] = new Date(value.getTime());
    else if (Array.isArray(value)) copy[field] = Object.freeze([...(value as ReadonlyArray<unknown>)]);
  }
  return Object.freeze(copy) as T;
};

/**
 * What a JSON column would give back: a deep copy without functions, undefined members or
 * class instances (dates become ISO strings).
 */
export const jsonCopy = (value: unknown): unknown => {
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as unknown);
};

/** Case-insensitive substring match, like SQL `ILIKE '%fragment%'` with the pattern escaped. */
export const containsIgnoringCase = (text: string | null, fragment: string): boolean =>
  text !== null && text.toLowerCase().includes(fragment.toLowerCase());

/** Case-insensitive equality, like SQL `lower(text) = lower(other)`; NULL never matches. */
export const equalsIgnoringCase = (text: string | null, other: string): boolean =>
  text !== null && text.toLowerCase() === other.toLowerCase();

/** First occurrence of each value, in the order given (a join table stores each pair once). */
export const distinct = <T>(values: ReadonlyArray<T>): ReadonlyArray<T> => [...new Set(values)];

/** The first group name that has no access-group row: what the join tables' foreign keys refuse. */
export const firstMissingGroup = (tables: Tables, names: ReadonlyArray<GroupName>): GroupName | undefined =>
  names.find((name) => !tables.accessGroups.has(name));

/** Whether another row of a file table already uses an object key (the per-table unique index). */
export const objectKeyTaken = (
  table: ReadonlyMap<number, { readonly id: number; readonly s3ObjectKey: string }>,
  s3ObjectKey: string,
  exceptId?: number,
): boolean => {
  for (const row of table.values()) {
    if (row.s3ObjectKey === s3ObjectKey && row.id !== exceptId) return true;
  }
  return false;
};

const deleteWhere = <K, V>(table: Map<K, V>, matches: (row: V) => boolean): void => {
  for (const [id, row] of [...table]) {
    if (matches(row)) table.delete(id);
  }
};

/** `ON DELETE CASCADE` from a video to everything that references it. */
export const cascadeDeleteVideo = (tables: Tables, videoKey: VideoKey): void => {
  const ofVideo = (row: { readonly videoKey: string }): boolean => row.videoKey === videoKey;
  deleteWhere(tables.videoFiles, ofVideo);
  deleteWhere(tables.videoThumbnails, ofVideo);
  deleteWhere(tables.videoSubtitles, ofVideo);
  deleteWhere(tables.encodeJobs, ofVideo);
  deleteWhere(tables.mailOutbox, ofVideo);
  deleteWhere(tables.edxPostRecords, ofVideo);
  // A claim outlives its video (`ON DELETE SET NULL`): the file stays claimed, so deleting the
  // video never makes the watch bucket ingest the same file again.
  for (const [id, claim] of [...tables.watchBucketClaims]) {
    if (claim.videoKey === videoKey) tables.watchBucketClaims.set(id, { ...claim, videoKey: null });
  }
  tables.youtubeVideos.delete(videoKey);
  tables.videos.delete(videoKey);
};

/** `ON DELETE CASCADE` from a collection to its videos (and theirs) and its edX links. */
export const cascadeDeleteCollection = (tables: Tables, collectionKey: string): void => {
  for (const video of [...tables.videos.values()]) {
    if (video.collectionKey === collectionKey) cascadeDeleteVideo(tables, video.key);
  }
  deleteWhere(tables.collectionEdxEndpoints, (link) => link.collectionKey === collectionKey);
  tables.collections.delete(collectionKey);
};

/** Ascending by a numeric id: insertion order for tables with a sequence. */
export const byId = (a: { readonly id: number }, b: { readonly id: number }): number => a.id - b.id;

type StoredObjectRow = {
  readonly id: number;
  readonly s3ObjectKey: string;
  readonly bucketName: string;
  readonly updatedAt: Date;
};
type StoredObjectEntity = "VideoFile" | "VideoThumbnail" | "VideoSubtitle";

/**
 * Points a file, thumbnail or subtitle row at another object, keeping `s3ObjectKey` unique in
 * its table; returns a copy of the stored row.
 */
export const repointStoredRow = <Row extends StoredObjectRow>(
  table: Map<number, Row>,
  entity: StoredObjectEntity,
  id: number,
  location: { readonly s3ObjectKey: string; readonly bucketName: string },
  at: Date,
): Effect.Effect<Row, UniqueViolation | RecordNotFound> =>
  Effect.suspend((): Effect.Effect<Row, UniqueViolation | RecordNotFound> => {
    const current = table.get(id);
    if (current === undefined) return Effect.fail(new RecordNotFound({ entity, id: String(id) }));
    if (objectKeyTaken(table, location.s3ObjectKey, id)) {
      return Effect.fail(new UniqueViolation({ entity, field: "s3ObjectKey", value: location.s3ObjectKey }));
    }
    const stored = copyRow({
      ...current,
      s3ObjectKey: location.s3ObjectKey,
      bucketName: location.bucketName,
      updatedAt: at,
    });
    table.set(id, stored);
    return Effect.succeed(copyRow(stored));
  });

/** Deletes one file, thumbnail or subtitle row by id. */
export const deleteStoredRow = (
  table: Map<number, unknown>,
  entity: StoredObjectEntity,
  id: number,
): Effect.Effect<void, RecordNotFound> =>
  Effect.suspend(() =>
    table.delete(id) ? Effect.void : Effect.fail(new RecordNotFound({ entity, id: String(id) })),
  );
