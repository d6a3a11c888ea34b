import { Chunk, Data, Effect, Option, Stream } from "effect";

/** Bytes as they flow: an async iterable of chunks, so memory never holds a whole object. */
export type ByteStream = AsyncIterable<Uint8Array>;

export interface ObjectLocation {
  readonly bucket: string;
  readonly key: string;
}

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly contentType: string | null;
  readonly etag: string | null;
  readonly lastModified: Date | null;
}

export interface PutOptions {
  readonly contentType?: string;
  /** Known length, when the source told us; lets stores pick part sizes. */
  readonly size?: number;
}

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  readonly start: number;
  readonly end?: number;
}

export interface StoredObject {
  /** The whole object's info (its full size, also for a ranged read). */
  readonly info: ObjectInfo;
  readonly body: ByteStream;
}

export interface ListPage {
  readonly objects: ReadonlyArray<ObjectInfo>;
  readonly nextCursor: string | null;
}

export class ObjectNotFound extends Data.TaggedError("ObjectNotFound")<ObjectLocation> {
  override get message(): string {
    return `no object ${this.bucket}/${this.key}`;
  }
}

/** The store failed. `transient` failures (5xx, throttling, timeouts, resets) may be retried. */
export class StorageFailure extends Data.TaggedError("StorageFailure")<{
  readonly operation: string;
  readonly bucket: string;
  readonly key: string;
  readonly transient: boolean;
  readonly reason: string;
}> {
  override get message(): string {
    return `storage ${this.operation} of ${this.bucket}/${this.key} failed: ${this.reason}`;
  }
}

/** The stream given to `put` failed while it was being read; nothing was stored. */
export class SourceStreamFailed extends Data.TaggedError("SourceStreamFailed")<{
  readonly bucket: string;
  readonly key: string;
  readonly cause: unknown;
}> {
  override get message(): string {
    const detail = this.cause instanceof Error ? this.cause.message : String(this.cause);
    return `the stream being stored at ${this.bucket}/${this.key} failed: ${detail}`;
  }
}

/**
 * Buckets of objects (S3, a local folder, memory). A `put` whose stream fails leaves no object
 * and no partial upload behind, and an object already at that key unchanged. Keys are
 * non-empty and never start with "/"; listings are in byte order. A range that starts past
 * the end is a permanent `StorageFailure`.
 */
export interface ObjectStore {
  put(
    location: ObjectLocation,
    body: ByteStream,
    options?: PutOptions,
  ): Effect.Effect<ObjectInfo, StorageFailure | SourceStreamFailed>;
  get(
    location: ObjectLocation,
    range?: ByteRange,
  ): Effect.Effect<StoredObject, ObjectNotFound | StorageFailure>;
  head(location: ObjectLocation): Effect.Effect<Option.Option<ObjectInfo>, StorageFailure>;
  copy(from: ObjectLocation, to: ObjectLocation): Effect.Effect<ObjectInfo, ObjectNotFound | StorageFailure>;
  /** Deleting a missing object succeeds. */
  delete(location: ObjectLocation): Effect.Effect<void, StorageFailure>;
  /** Deletes every object whose key starts with `prefix`; returns how many. */
  deletePrefix(bucket: string, prefix: string): Effect.Effect<number, StorageFailure>;
  /** Keys in lexicographic order, a page at a time. */
  list(
    bucket: string,
    prefix: string,
    options?: { readonly cursor?: string | null; readonly limit?: number },
  ): Effect.Effect<ListPage, StorageFailure>;
}
export const ObjectStore = Symbol.for("ovs/ObjectStore");

/**
 * Every object under `prefix`, in key order, listed a page at a time as the stream is read: the
 * next page is asked for only once the previous one is used up. Each page arrives as one chunk,
 * so `Stream.runForEachChunk` sees the pages as listed.
 */
export const objectsUnder = (
  store: ObjectStore,
  bucket: string,
  prefix: string,
  options: { readonly limit?: number } = {},
): Stream.Stream<ObjectInfo, StorageFailure> =>
  Stream.paginateChunkEffect(null as string | null, (cursor) =>
    store
      .list(bucket, prefix, { ...options, cursor })
      .pipe(
        Effect.map(
          (page) => [Chunk.fromIterable(page.objects), Option.fromNullable(page.nextCursor)] as const,
        ),
      ),
  );
