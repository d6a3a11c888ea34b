import { Effect, Option } from "effect";
import type { Clock } from "../../ports/clock.js";
import type {
  ByteRange,
  ByteStream,
  ListPage,
  ObjectInfo,
  ObjectLocation,
  ObjectStore,
  PutOptions,
  StoredObject,
} from "../../ports/object-store.js";
import { ObjectNotFound, SourceStreamFailed, StorageFailure } from "../../ports/object-store.js";
import { bytesOfText, concatBytes, fnv1a64Hex, STREAM_CHUNK_SIZE, textOfBytes } from "./byte-streams.js";

export type ObjectStoreOperation = "put" | "get" | "head" | "copy" | "delete" | "deletePrefix" | "list";

export interface InMemoryObjectStoreOptions {
  /**
   * When given, only these buckets exist (more can be added with `createBucket`) and any other
   * bucket name is a permanent `StorageFailure`, as a misconfigured bucket setting would be.
   * When omitted, a bucket springs into existence the first time it is used.
   */
  readonly buckets?: ReadonlyArray<string>;
  /** Sets `lastModified`; the wall clock when omitted. */
  readonly clock?: Clock;
  /** Largest chunk `get` yields. */
  readonly chunkSize?: number;
}

interface StoredEntry {
  readonly bytes: Uint8Array;
  readonly contentType: string | null;
  readonly etag: string;
  readonly lastModified: Date;
}

interface ScriptedFailure {
  readonly operation: ObjectStoreOperation;
  readonly transient: boolean;
  readonly reason: string;
  remaining: number;
}

export const DEFAULT_LIST_LIMIT = 1000;

const wallClock: Clock = { now: () => new Date() };

/** S3 orders keys by their UTF-8 bytes, which is code point order, not UTF-16 unit order. */
export const compareKeys = (left: string, right: string): number => {
  const leftPoints = Array.from(left, (character) => character.codePointAt(0) ?? 0);
  const rightPoints = Array.from(right, (character) => character.codePointAt(0) ?? 0);
  const shared = Math.min(leftPoints.length, rightPoints.length);
  for (let index = 0; index < shared; index += 1) {
    const difference = (leftPoints[index] ?? 0) - (rightPoints[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return leftPoints.length - rightPoints.length;
};

const chunked = (bytes: Uint8Array, chunkSize: number): ByteStream => ({
  async *[Symbol.asyncIterator]() {
    for (let offset = 0; offset < bytes.length; offset += chunkSize) {
      yield bytes.slice(offset, Math.min(offset + chunkSize, bytes.length));
    }
  },
});

/** Reads a put's body chunk by chunk, copying each, and stops early when the put is interrupted. */
const readBody = async (body: ByteStream, signal: AbortSignal): Promise<ReadonlyArray<Uint8Array>> => {
  const chunks: Array<Uint8Array> = [];
  for await (const chunk of body) {
    if (signal.aborted) break;
    chunks.push(chunk.slice());
  }
  return chunks;
};

/**
 * An object store in memory, with S3's observable behaviour: a put that fails part-way stores
 * nothing and leaves the previous object alone, keys list in byte order a page at a time, and
 * ranged reads are inclusive. Test hooks: `putBytes`/`read`/`readText` arrange and inspect
 * objects without Effects, `keys` lists a bucket, and `failNext` scripts storage failures.
 */
export class InMemoryObjectStore implements ObjectStore {
  private readonly buckets = new Map<string, Map<string, StoredEntry>>();
  private readonly declaredBucketsOnly: boolean;
  private readonly clock: Clock;
  private readonly chunkSize: number;
  private readonly scriptedFailures: Array<ScriptedFailure> = [];

  constructor(options: InMemoryObjectStoreOptions = {}) {
    this.declaredBucketsOnly = options.buckets !== undefined;
    for (const bucket of options.buckets ?? []) this.createBucket(bucket);
    this.clock = options.clock ?? wallClock;
    this.chunkSize = options.chunkSize ?? STREAM_CHUNK_SIZE;
  }

  createBucket(bucket: string): void {
    if (!this.buckets.has(bucket)) this.buckets.set(bucket, new Map());
  }

  bucketNames(): ReadonlyArray<string> {
    return [...this.buckets.keys()].sort(compareKeys);
  }

  /**
   * Makes the next `times` calls of `operation` fail with a `StorageFailure`, before they touch
   * anything (a put fails without reading its body).
   */
  failNext(
    operation: ObjectStoreOperation,
    failure: { readonly transient: boolean; readonly reason?: string; readonly times?: number },
  ): void {
    this.scriptedFailures.push({
      operation,
      transient: failure.transient,
      reason: failure.reason ?? `scripted ${operation} failure`,
      remaining: failure.times ?? 1,
    });
  }

  /** Stores an object directly, for arranging a test. */
  putBytes(
    location: ObjectLocation,
    body: Uint8Array | string,
    contentType: string | null = null,
  ): ObjectInfo {
    const keyProblem = this.keyProblem(location.key);
    if (keyProblem !== undefined) throw new RangeError(keyProblem);
    const bytes = typeof body === "string" ? bytesOfText(body) : body.slice();
    return this.store(location, bytes, contentType);
  }

  /** The bytes of an object, or undefined. */
  read(location: ObjectLocation): Uint8Array | undefined {
    return this.buckets.get(location.bucket)?.get(location.key)?.bytes.slice();
  }

  readText(location: ObjectLocation): string | undefined {
    const bytes = this.read(location);
    return bytes === undefined ? undefined : textOfBytes(bytes);
  }

  has(location: ObjectLocation): boolean {
    return this.buckets.get(location.bucket)?.has(location.key) ?? false;
  }

  /** Every key of a bucket (optionally under a prefix), in list order. */
  keys(bucket: string, prefix = ""): ReadonlyArray<string> {
    return this.sortedKeys(bucket, prefix);
  }

  put(
    location: ObjectLocation,
    body: ByteStream,
    options: PutOptions = {},
  ): Effect.Effect<ObjectInfo, StorageFailure | SourceStreamFailed> {
    return Effect.gen(this, function* () {
      yield* this.checkBucket("put", location.bucket, location.key);
      const keyProblem = this.keyProblem(location.key);
      if (keyProblem !== undefined) {
        return yield* Effect.fail(
          new StorageFailure({ operation: "put", ...location, transient: false, reason: keyProblem }),
        );
      }
      yield* this.scripted("put", location.bucket, location.key);
      const chunks = yield* Effect.tryPromise({
        try: (signal) => readBody(body, signal),
        catch: (cause) => new SourceStreamFailed({ ...location, cause }),
      });
      return this.store(location, concatBytes(chunks), options.contentType ?? null);
    });
  }

  get(
    location: ObjectLocation,
    range?: ByteRange,
  ): Effect.Effect<StoredObject, ObjectNotFound | StorageFailure> {
    return Effect.gen(this, function* () {
      yield* this.checkBucket("get", location.bucket, location.key);
      yield* this.scripted("get", location.bucket, location.key);
      const entry = this.buckets.get(location.bucket)?.get(location.key);
      if (entry === undefined) return yield* Effect.fail(new ObjectNotFound(location));
      const info = this.infoOf(location.key, entry);
      if (range === undefined) return { info, body: chunked(entry.bytes, this.chunkSize) };
      const size = entry.bytes.length;
      const end = Math.min(range.end ?? size - 1, size - 1);
      const invalid =
        !Number.isInteger(range.start) ||
        range.start < 0 ||
        (range.end !== undefined && (!Number.isInteger(range.end) || range.end < range.start));
      if (invalid || range.start >= size) {
        return yield* Effect.fail(
          new StorageFailure({
            operation: "get",
            ...location,
            transient: false,
            reason: `range ${range.start}-${range.end ?? ""} is not satisfiable for ${size} bytes`,
          }),
        );
      }
      return { info, body: chunked(entry.bytes.subarray(range.start, end + 1), this.chunkSize) };
    });
  }

  head(location: ObjectLocation): Effect.Effect<Option.Option<ObjectInfo>, StorageFailure> {
    return Effect.gen(this, function* () {
      yield* this.checkBucket("head", location.bucket, location.key);
      yield* this.scripted("head", location.bucket, location.key);
      const entry = this.buckets.get(location.bucket)?.get(location.key);
      return entry === undefined ? Option.none() : Option.some(this.infoOf(location.key, entry));
    });
  }

  copy(from: ObjectLocation, to: ObjectLocation): Effect.Effect<ObjectInfo, ObjectNotFound | StorageFailure> {
    return Effect.gen(this, function* () {
      yield* this.checkBucket("copy", from.bucket, from.key);
      yield* this.checkBucket("copy", to.bucket, to.key);
      const keyProblem = this.keyProblem(to.key);
      if (keyProblem !== undefined) {
        return yield* Effect.fail(
          new StorageFailure({ operation: "copy", ...to, transient: false, reason: keyProblem }),
        );
      }
      yield* this.scripted("copy", to.bucket, to.key);
      const entry = this.buckets.get(from.bucket)?.get(from.key);
      if (entry === undefined) return yield* Effect.fail(new ObjectNotFound(from));
      return this.store(to, entry.bytes, entry.contentType);
    });
  }

  delete(location: ObjectLocation): Effect.Effect<void, StorageFailure> {
    return Effect.gen(this, function* () {
      yield* this.checkBucket("delete", location.bucket, location.key);
      yield* this.scripted("delete", location.bucket, location.key);
      this.buckets.get(location.bucket)?.delete(location.key);
    });
  }

  deletePrefix(bucket: string, prefix: string): Effect.Effect<number, StorageFailure> {
    return Effect.gen(this, function* () {
      yield* this.checkBucket("deletePrefix", bucket, prefix);
      yield* this.scripted("deletePrefix", bucket, prefix);
      const objects = this.buckets.get(bucket);
      const doomed = this.sortedKeys(bucket, prefix);
      for (const key of doomed) objects?.delete(key);
      return doomed.length;
    });
  }

  list(
    bucket: string,
    prefix: string,
    options: { readonly cursor?: string | null; readonly limit?: number } = {},
  ): Effect.Effect<ListPage, StorageFailure> {
    return Effect.gen(this, function* () {
      yield* this.checkBucket("list", bucket, prefix);
      yield* this.scripted("list", bucket, prefix);
      const limit = options.limit ?? DEFAULT_LIST_LIMIT;
      if (!Number.isInteger(limit) || limit < 1) {
        return yield* Effect.fail(
          new StorageFailure({
            operation: "list",
            bucket,
            key: prefix,
            transient: false,
            reason: `a page limit must be a positive integer, not ${limit}`,
          }),
        );
      }
      // The cursor is the last key of the previous page, as S3's StartAfter; it stays valid
      // when objects are added or deleted between pages.
      const cursor = options.cursor ?? null;
      const keys = this.sortedKeys(bucket, prefix).filter(
        (key) => cursor === null || compareKeys(key, cursor) > 0,
      );
      const page = keys.slice(0, Math.min(limit, DEFAULT_LIST_LIMIT));
      const objects = this.buckets.get(bucket);
      const lastKey = page[page.length - 1];
      return {
        objects: page.flatMap((key) => {
          const entry = objects?.get(key);
          return entry === undefined ? [] : [this.infoOf(key, entry)];
        }),
        nextCursor: keys.length > page.length && lastKey !== undefined ? lastKey : null,
      };
    });
  }

  private store(location: ObjectLocation, bytes: Uint8Array, contentType: string | null): ObjectInfo {
    this.createBucket(location.bucket);
    const entry: StoredEntry = {
      bytes,
      contentType,
      etag: fnv1a64Hex(bytes),
      lastModified: this.clock.now(),
    };
    this.buckets.get(location.bucket)?.set(location.key, entry);
    return this.infoOf(location.key, entry);
  }

  private infoOf(key: string, entry: StoredEntry): ObjectInfo {
    return {
      key,
      size: entry.bytes.length,
      contentType: entry.contentType,
      etag: entry.etag,
      lastModified: new Date(entry.lastModified.getTime()),
    };
  }

  private sortedKeys(bucket: string, prefix: string): ReadonlyArray<string> {
    const objects = this.buckets.get(bucket);
    if (objects === undefined) return [];
    return [...objects.keys()].filter((key) => key.startsWith(prefix)).sort(compareKeys);
  }

  /** Keys that would escape a folder-backed store or mean nothing in S3 are refused everywhere. */
  private keyProblem(key: string): string | undefined {
    if (key.length === 0) return "an object key must not be empty";
    if (key.startsWith("/")) return `object key '${key}' must not start with '/'`;
    return undefined;
  }

  private checkBucket(
    operation: ObjectStoreOperation,
    bucket: string,
    key: string,
  ): Effect.Effect<void, StorageFailure> {
    if (bucket.length === 0 || (this.declaredBucketsOnly && !this.buckets.has(bucket))) {
      return Effect.fail(
        new StorageFailure({
          operation,
          bucket,
          key,
          transient: false,
          reason: `no such bucket '${bucket}'`,
        }),
      );
    }
    return Effect.void;
  }

  private scripted(
    operation: ObjectStoreOperation,
    bucket: string,
    key: string,
  ): Effect.Effect<void, StorageFailure> {
    const failure = this.scriptedFailures.find((candidate) => candidate.operation === operation);
    if (failure === undefined) return Effect.void;
    failure.remaining -= 1;
    if (failure.remaining <= 0) this.scriptedFailures.splice(this.scriptedFailures.indexOf(failure), 1);
    return Effect.fail(
      new StorageFailure({ operation, bucket, key, transient: failure.transient, reason: failure.reason }),
    );
  }
}
