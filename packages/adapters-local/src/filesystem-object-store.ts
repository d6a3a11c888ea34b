import { createHash } from "node:crypto";
import type { BigIntStats, ReadStream } from "node:fs";
import { constants } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { lstat, mkdir, open, rename, rm, rmdir, unlink } from "node:fs/promises";
import path from "node:path";
import type {
  ByteRange,
  ByteStream,
  ListPage,
  ObjectInfo,
  ObjectLocation,
  ObjectStore,
  PutOptions,
  StoredObject,
} from "@ovs/domain";
import { ObjectNotFound, SourceStreamFailed, StorageFailure } from "@ovs/domain";
import { Effect, Option } from "effect";
import { syncFolder, writeFully } from "./storage/durable-writes.js";
import { classifyFilesystemError, hasErrnoCode } from "./storage/filesystem-errors.js";
import { walkKeysInOrder } from "./storage/key-order-walk.js";
import type { WalkedFile } from "./storage/key-order-walk.js";
import { decodeListCursor, encodeListCursor } from "./storage/list-cursor.js";
import { readSidecar, removeSidecarOf, writeSidecar } from "./storage/metadata-sidecar.js";
import type { ObjectPath } from "./storage/storage-names.js";
import { bucketNameProblem, locateObject } from "./storage/storage-names.js";
import { StoreFolder } from "./storage/store-folder.js";

export interface FilesystemObjectStoreOptions {
  /**
   * When given, only these buckets exist and any other name is a permanent `StorageFailure`, as
   * a misconfigured bucket setting would be on S3. When omitted, every valid bucket name has a
   * folder, created by the first write into it.
   */
  readonly buckets?: ReadonlyArray<string>;
  /**
   * Flush every written file, and the folder it is renamed into, before a put or copy succeeds,
   * so a stored object survives a power cut. True by default.
   */
  readonly durable?: boolean;
  /**
   * Temp files older than this are what a crashed writer left; the first write into a bucket
   * removes them. One hour by default.
   */
  readonly staleTempFileMilliseconds?: number;
  /** Largest chunk `get` yields; 64 KiB by default. */
  readonly readChunkBytes?: number;
}

type Operation = StorageFailure["operation"];

/** S3's largest page; also this store's default. */
const LIST_PAGE_LIMIT = 1000;
const DELETE_CONCURRENCY = 16;
const STAT_CONCURRENCY = 32;
/** How often a commit is tried again when a concurrent delete pruned the folder it needs. */
const COMMIT_ATTEMPTS = 5;
/** Never follow a link in the last segment; never block on a FIFO. Both are 0 on Windows. */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

class Interrupted extends Error {
  constructor() {
    super("the operation was interrupted");
    this.name = "Interrupted";
  }
}

interface Target {
  readonly folder: StoreFolder;
  readonly path: ObjectPath;
}

interface TempFile {
  readonly path: string;
  readonly stats: BigIntStats;
  readonly etag: string;
}

const isObjectNotFound = (error: unknown): error is ObjectNotFound => error instanceof ObjectNotFound;
const isSourceStreamFailed = (error: unknown): error is SourceStreamFailed =>
  error instanceof SourceStreamFailed;

const lastModifiedOf = (stats: BigIntStats): Date => new Date(Number(stats.mtimeNs / 1_000_000n));

/** The next chunk of a source, or the abort signal's reason as soon as it fires. */
const nextUnlessAborted = <T>(iterator: AsyncIterator<T>, signal: AbortSignal): Promise<IteratorResult<T>> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    Promise.resolve()
      .then(() => iterator.next())
      .then(
        (step) => {
          signal.removeEventListener("abort", onAbort);
          resolve(step);
        },
        (error: unknown) => {
          signal.removeEventListener("abort", onAbort);
          reject(error);
        },
      );
  });

/** Tells a source we stopped reading it, without waiting: a stalled source may never answer. */
const abandon = (iterator: AsyncIterator<unknown>): void => {
  try {
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  } catch {
    // A source whose `return` throws is closed as far as it can be.
  }
};

const mapWithConcurrency = async <T, R>(
  items: ReadonlyArray<T>,
  concurrency: number,
  map: (item: T) => Promise<R>,
): Promise<ReadonlyArray<R>> => {
  const results: Array<R> = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await map(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
};

/** The first `count` files of a walk, closing it early. */
const firstOf = async (
  walk: AsyncGenerator<WalkedFile>,
  count: number,
): Promise<ReadonlyArray<WalkedFile>> => {
  const files: Array<WalkedFile> = [];
  if (count <= 0) return files;
  for await (const file of walk) {
    files.push(file);
    if (files.length >= count) break;
  }
  return files;
};

/**
 * The `ObjectStore` port on a local folder, for the `local` profile (docs/architecture.md §4):
 * one folder per bucket below `root` (`$OVS_DATA_DIR/storage/<bucket>/`), each object a file at
 * its key below it, so `<bucket>/<hex>/video.mp4` is an ordinary file.
 *
 * - **Atomic writes.** A put streams into a temp file in the bucket's hidden store folder
 *   (`<bucket>/.ovs-object-store/tmp/`, same filesystem), hashing as it goes, flushes it, and
 *   renames it over the key: a reader sees the old object or the new one, never part of one, and
 *   a failed or interrupted put leaves nothing. Two puts to one key end with one of them whole
 *   (the last rename wins); a reader that opened the old file keeps reading the old bytes.
 * - **Metadata.** Content type and ETag (the MD5 of the bytes, bare hex, as S3 gives for a
 *   single-part upload) live in a sidecar named by the file's inode and written before the
 *   rename, so the rename publishes bytes and metadata at once (`metadata-sidecar.ts`). A file
 *   put there by hand has no metadata: `contentType` and `etag` are null. `lastModified` is the
 *   file's mtime.
 * - **Containment.** Keys with empty, `.` or `..` segments, a leading or trailing `/`, NUL,
 *   backslash or lone surrogates, and bucket names outside S3's rules, are refused; the store
 *   never follows a symbolic link below a bucket folder (a link is not an object, and a key
 *   through a linked folder names none), so nothing outside the root is read or written.
 *   A folder-backed store cannot hold both `a` and `a/b`: the second is refused.
 * - **Listing** walks the folders in S3's byte order, one folder at a time (`key-order-walk.ts`);
 *   the cursor is the last key of the previous page, encoded.
 *
 * Filesystem errors are `StorageFailure`s, transient only for conditions that pass
 * (EMFILE, ENFILE, EAGAIN, EBUSY). A `get` holds the file open from the call on; its body
 * closes it when read to the end or abandoned, so read (or break out of) every body you get.
 */
export class FilesystemObjectStore implements ObjectStore {
  private readonly root: string;
  private readonly buckets: ReadonlySet<string> | undefined;
  private readonly durable: boolean;
  private readonly staleTempFileMilliseconds: number;
  private readonly readChunkBytes: number;
  /** The sweep of stale temp files per bucket folder, run once by the first write. */
  private readonly sweeps = new Map<string, Promise<void>>();

  constructor(root: string, options: FilesystemObjectStoreOptions = {}) {
    this.root = path.resolve(root);
    if (options.buckets !== undefined) {
      for (const bucket of options.buckets) {
        const problem = bucketNameProblem(bucket);
        if (problem !== undefined) throw new RangeError(problem);
      }
      this.buckets = new Set(options.buckets);
    }
    this.durable = options.durable ?? true;
    this.staleTempFileMilliseconds = options.staleTempFileMilliseconds ?? 60 * 60 * 1000;
    this.readChunkBytes = options.readChunkBytes ?? 64 * 1024;
    if (!Number.isInteger(this.readChunkBytes) || this.readChunkBytes < 1) {
      throw new RangeError(`readChunkBytes must be a positive integer, not ${this.readChunkBytes}`);
    }
  }

  /** The folder holding `bucket`'s objects (which may not exist yet). */
  bucketFolder(bucket: string): string {
    return path.join(this.root, bucket);
  }

  put(
    location: ObjectLocation,
    body: ByteStream,
    options: PutOptions = {},
  ): Effect.Effect<ObjectInfo, StorageFailure | SourceStreamFailed> {
    return Effect.suspend(() => {
      const target = this.target("put", location);
      if (target instanceof StorageFailure) return Effect.fail(target);
      return this.attempt(
        "put",
        location,
        async (signal) => {
          const temp = await this.writeTemp(
            target.folder,
            body,
            signal,
            (cause) => new SourceStreamFailed({ ...location, cause }),
          );
          return this.commit("put", location, target, temp, options.contentType ?? null);
        },
        { expected: isSourceStreamFailed },
      );
    });
  }

  get(
    location: ObjectLocation,
    range?: ByteRange,
  ): Effect.Effect<StoredObject, ObjectNotFound | StorageFailure> {
    return Effect.suspend(() => {
      const target = this.target("get", location);
      if (target instanceof StorageFailure) return Effect.fail(target);
      if (range !== undefined) {
        const invalid =
          !Number.isInteger(range.start) ||
          range.start < 0 ||
          (range.end !== undefined && (!Number.isInteger(range.end) || range.end < range.start));
        if (invalid) {
          return Effect.fail(
            this.refusal("get", location, `range ${range.start}-${range.end ?? ""} is not valid`),
          );
        }
      }
      let stream: ReadStream | undefined;
      return this.attempt(
        "get",
        location,
        async (signal) => {
          const { handle, stats } = await this.openObject(location, target);
          try {
            const info = await this.infoOf(target.folder, location.key, stats);
            const size = Number(stats.size);
            if (range !== undefined && range.start >= size) {
              throw this.refusal(
                "get",
                location,
                `range ${range.start}-${range.end ?? ""} is not satisfiable for ${size} bytes`,
              );
            }
            if (signal.aborted) throw new Interrupted();
            // The stream reads the file already open: a put renaming a new file over the key
            // from now on does not change what this body yields.
            stream = handle.createReadStream({
              highWaterMark: this.readChunkBytes,
              ...(range === undefined
                ? {}
                : { start: range.start, end: Math.min(range.end ?? size - 1, size - 1) }),
            });
            return { info, body: this.bodyOf(stream, location) };
          } finally {
            if (stream === undefined) await handle.close();
          }
        },
        { expected: isObjectNotFound, release: () => stream?.destroy() },
      );
    });
  }

  head(location: ObjectLocation): Effect.Effect<Option.Option<ObjectInfo>, StorageFailure> {
    return Effect.suspend(() => {
      const target = this.target("head", location);
      if (target instanceof StorageFailure) return Effect.fail(target);
      return this.attempt("head", location, async () => {
        const stats = await this.objectStats(target.path);
        return stats === undefined
          ? Option.none()
          : Option.some(await this.infoOf(target.folder, location.key, stats));
      });
    });
  }

  copy(from: ObjectLocation, to: ObjectLocation): Effect.Effect<ObjectInfo, ObjectNotFound | StorageFailure> {
    return Effect.suspend(() => {
      const source = this.target("copy", from);
      if (source instanceof StorageFailure) return Effect.fail(source);
      const target = this.target("copy", to);
      if (target instanceof StorageFailure) return Effect.fail(target);
      return this.attempt(
        "copy",
        to,
        async (signal) => {
          // The copy reads the source file it opened, whatever is renamed over its key meanwhile.
          const { handle, stats } = await this.openObject(from, source);
          let stream: ReadStream | undefined;
          try {
            const metadata = await readSidecar(source.folder, from.key, stats);
            stream = handle.createReadStream({ highWaterMark: this.readChunkBytes });
            const temp = await this.writeTemp(target.folder, stream, signal, (cause) =>
              this.failure("copy", from, cause),
            );
            return await this.commit("copy", to, target, temp, metadata?.contentType ?? null);
          } finally {
            if (stream === undefined) await handle.close();
            else stream.destroy();
          }
        },
        { expected: isObjectNotFound },
      );
    });
  }

  delete(location: ObjectLocation): Effect.Effect<void, StorageFailure> {
    return Effect.suspend(() => {
      const target = this.target("delete", location);
      if (target instanceof StorageFailure) return Effect.fail(target);
      return Effect.asVoid(this.attempt("delete", location, () => this.removeObject(target, location.key)));
    });
  }

  deletePrefix(bucket: string, prefix: string): Effect.Effect<number, StorageFailure> {
    const location = { bucket, key: prefix };
    return Effect.suspend(() => {
      const bucketProblem = this.bucketProblem(bucket);
      if (bucketProblem !== undefined)
        return Effect.fail(this.refusal("deletePrefix", location, bucketProblem));
      const bucketFolder = this.bucketFolder(bucket);
      const folder = new StoreFolder(bucketFolder);
      return this.attempt("deletePrefix", location, async (signal) => {
        let deleted = 0;
        let after: string | null = null;
        for (;;) {
          const batch = await firstOf(walkKeysInOrder(bucketFolder, prefix, after, signal), LIST_PAGE_LIMIT);
          const removed = await mapWithConcurrency(batch, DELETE_CONCURRENCY, async (file) => {
            const located = locateObject(bucketFolder, file.key);
            return "path" in located && (await this.removeObject({ folder, path: located.path }, file.key));
          });
          deleted += removed.filter(Boolean).length;
          const last = batch[batch.length - 1];
          if (last === undefined || batch.length < LIST_PAGE_LIMIT) return deleted;
          if (signal.aborted) throw new Interrupted();
          after = last.key;
        }
      });
    });
  }

  list(
    bucket: string,
    prefix: string,
    options: { readonly cursor?: string | null; readonly limit?: number } = {},
  ): Effect.Effect<ListPage, StorageFailure> {
    const location = { bucket, key: prefix };
    return Effect.suspend(() => {
      const bucketProblem = this.bucketProblem(bucket);
      if (bucketProblem !== undefined) return Effect.fail(this.refusal("list", location, bucketProblem));
      const limit = options.limit ?? LIST_PAGE_LIMIT;
      if (!Number.isInteger(limit) || limit < 1) {
        return Effect.fail(
          this.refusal("list", location, `a page limit must be a positive integer, not ${limit}`),
        );
      }
      const cursor = options.cursor ?? null;
      const after = cursor === null ? null : decodeListCursor(cursor);
      if (after === undefined) {
        return Effect.fail(this.refusal("list", location, `'${cursor}' is not a cursor this store gave out`));
      }
      const pageSize = Math.min(limit, LIST_PAGE_LIMIT);
      const bucketFolder = this.bucketFolder(bucket);
      const folder = new StoreFolder(bucketFolder);
      return this.attempt("list", location, async (signal) => {
        // One more than a page, to know whether another page follows.
        const walked = await firstOf(walkKeysInOrder(bucketFolder, prefix, after, signal), pageSize + 1);
        const page = walked.slice(0, pageSize);
        const infos = await mapWithConcurrency(page, STAT_CONCURRENCY, async (file) => {
          const stats = await this.fileStats(file.file);
          // Deleted (or replaced by a folder) since the walk read its folder: gone from the page.
          return stats === undefined ? undefined : this.infoOf(folder, file.key, stats);
        });
        const lastKey = page[page.length - 1]?.key;
        return {
          objects: infos.filter((info): info is ObjectInfo => info !== undefined),
          nextCursor: walked.length > pageSize && lastKey !== undefined ? encodeListCursor(lastKey) : null,
        };
      });
    });
  }

  /**
   * Runs `work` as an interruptible Effect: interruption aborts its signal and waits for it to
   * clean up (a put removes its temp file). Domain errors it throws pass through when
   * `expected` (or a `StorageFailure`); anything else is a classified `StorageFailure`.
   * `release` frees a value that arrives after the interruption.
   */
  private attempt<A, E = never>(
    operation: Operation,
    location: ObjectLocation,
    work: (signal: AbortSignal) => Promise<A>,
    options: {
      readonly expected?: (error: unknown) => error is E;
      readonly release?: (value: A) => void;
    } = {},
  ): Effect.Effect<A, E | StorageFailure> {
    return Effect.async<A, E | StorageFailure>((resume) => {
      const controller = new AbortController();
      const settled = work(controller.signal).then(
        (value) => {
          if (controller.signal.aborted) options.release?.(value);
          else resume(Effect.succeed(value));
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          if (error instanceof StorageFailure) resume(Effect.fail(error));
          else if (options.expected?.(error) === true) resume(Effect.fail(error));
          else resume(Effect.fail(this.failure(operation, location, error)));
        },
      );
      return Effect.suspend(() => {
        controller.abort(new Interrupted());
        return Effect.promise(() => settled);
      });
    });
  }

  /** Streams `source` into a new temp file of `folder`'s bucket, hashing it; removes it on failure. */
  private async writeTemp(
    folder: StoreFolder,
    source: AsyncIterable<Uint8Array>,
    signal: AbortSignal,
    sourceFailed: (cause: unknown) => Error,
  ): Promise<TempFile> {
    await this.prepareBucket(folder);
    const tempPath = folder.newTempPath();
    const handle = await open(tempPath, "wx");
    let closed = false;
    let written = false;
    try {
      const hash = createHash("md5");
      const iterator = source[Symbol.asyncIterator]();
      let finished = false;
      try {
        for (;;) {
          let step: IteratorResult<Uint8Array>;
          try {
            step = await nextUnlessAborted(iterator, signal);
          } catch (cause) {
            if (signal.aborted) throw cause;
            // A source that threw is finished; it needs no `return`.
            finished = true;
            throw sourceFailed(cause);
          }
          if (step.done === true) {
            finished = true;
            break;
          }
          const chunk: unknown = step.value;
          if (!(chunk instanceof Uint8Array)) {
            throw sourceFailed(new TypeError(`the stream yielded a ${typeof chunk}, not bytes`));
          }
          hash.update(chunk);
          await writeFully(handle, chunk);
        }
      } finally {
        if (!finished) abandon(iterator);
      }
      if (this.durable) await handle.sync();
      const stats = await handle.stat({ bigint: true });
      closed = true;
      await handle.close();
      written = true;
      return { path: tempPath, stats, etag: hash.digest("hex") };
    } finally {
      if (!closed) await handle.close().catch(() => undefined);
      if (!written) await rm(tempPath, { force: true });
    }
  }

  /**
   * Publishes a written temp file under its key: its sidecar first, then the one rename that
   * makes bytes and metadata visible together. Removes the temp file and its sidecar when the
   * rename does not happen.
   */
  private async commit(
    operation: Operation,
    location: ObjectLocation,
    target: Target,
    temp: TempFile,
    contentType: string | null,
  ): Promise<ObjectInfo> {
    let replaced: BigIntStats | undefined;
    try {
      await writeSidecar(
        target.folder,
        location.key,
        temp.stats,
        { contentType, etag: temp.etag },
        this.durable,
      );
      replaced = await this.renameIntoPlace(operation, location, target.path, temp.path);
    } catch (error) {
      await rm(temp.path, { force: true });
      await removeSidecarOf(target.folder, location.key, temp.stats).catch(() => undefined);
      throw error;
    }
    if (this.durable) await syncFolder(path.dirname(target.path.file));
    if (replaced !== undefined && replaced.ino !== temp.stats.ino) {
      // Tidying: the replaced file's sidecar describes nothing now.
      await removeSidecarOf(target.folder, location.key, replaced).catch(() => undefined);
    }
    return {
      key: location.key,
      size: Number(temp.stats.size),
      contentType,
      etag: temp.etag,
      lastModified: lastModifiedOf(temp.stats),
    };
  }

  /** Creates the key's folders and renames the temp file over its path; returns what it replaced. */
  private async renameIntoPlace(
    operation: Operation,
    location: ObjectLocation,
    objectPath: ObjectPath,
    tempPath: string,
  ): Promise<BigIntStats | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.createFolders(operation, location, objectPath);
        const existing = await this.fileStats(objectPath.file, { files: false });
        if (existing?.isDirectory() === true) {
          throw this.refusal(
            operation,
            location,
            `'${location.key}' is a folder holding other objects (keys starting '${location.key}/'); a folder-backed store cannot also hold an object at '${location.key}'`,
          );
        }
        await rename(tempPath, objectPath.file);
        return existing?.isFile() === true ? existing : undefined;
      } catch (error) {
        // A delete pruned a folder of the key between its creation and the rename: again.
        if (attempt < COMMIT_ATTEMPTS && hasErrnoCode(error, "ENOENT") && (await this.exists(tempPath)))
          continue;
        throw error;
      }
    }
  }

  /** Creates the folders of a key one by one, refusing to go through a file or a link. */
  private async createFolders(
    operation: Operation,
    location: ObjectLocation,
    objectPath: ObjectPath,
  ): Promise<void> {
    const segments = location.key.split("/");
    for (const [index, folder] of objectPath.folders.entries()) {
      let stats = await this.fileStats(folder, { files: false });
      if (stats === undefined) {
        try {
          await mkdir(folder);
          continue;
        } catch (error) {
          if (!hasErrnoCode(error, "EEXIST")) throw error;
          stats = await this.fileStats(folder, { files: false });
        }
      }
      if (stats?.isDirectory() === true) continue;
      const above = segments.slice(0, index + 1).join("/");
      throw this.refusal(
        operation,
        location,
        stats?.isSymbolicLink() === true
          ? `'${above}' is a symbolic link, which the store never follows`
          : `'${above}' is an object, so nothing can be stored below it; a folder-backed store cannot hold both '${above}' and '${location.key}'`,
      );
    }
  }

  /** Whether every folder on the way to a key is a real folder (not missing, a file or a link). */
  private async foldersLead(objectPath: ObjectPath): Promise<boolean> {
    for (const folder of objectPath.folders) {
      const stats = await this.fileStats(folder, { files: false });
      if (stats?.isDirectory() !== true) return false;
    }
    return true;
  }

  /** Opens an object's file for reading, never through a link; ObjectNotFound when there is none. */
  private async openObject(
    location: ObjectLocation,
    target: Target,
  ): Promise<{ readonly handle: FileHandle; readonly stats: BigIntStats }> {
    if (!(await this.foldersLead(target.path))) throw new ObjectNotFound(location);
    // Without O_NOFOLLOW (Windows) a link is refused by looking first.
    if ((constants.O_NOFOLLOW ?? 0) === 0 && (await this.objectStats(target.path)) === undefined) {
      throw new ObjectNotFound(location);
    }
    let handle: FileHandle;
    try {
      handle = await open(target.path.file, READ_FLAGS);
    } catch (error) {
      // ELOOP: the key is a symbolic link, which is not an object.
      if (hasErrnoCode(error, "ENOENT", "ENOTDIR", "ELOOP", "EISDIR", "ENXIO"))
        throw new ObjectNotFound(location);
      throw error;
    }
    try {
      const stats = await handle.stat({ bigint: true });
      if (!stats.isFile()) throw new ObjectNotFound(location);
      return { handle, stats };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** The stats of a key's file, if it is a regular file reached through real folders. */
  private async objectStats(objectPath: ObjectPath): Promise<BigIntStats | undefined> {
    if (!(await this.foldersLead(objectPath))) return undefined;
    return this.fileStats(objectPath.file);
  }

  /**
   * `lstat` of a path, undefined when it does not exist; by default also when it is anything
   * but a regular file.
   */
  private async fileStats(
    file: string,
    options: { readonly files: boolean } = { files: true },
  ): Promise<BigIntStats | undefined> {
    try {
      const stats = await lstat(file, { bigint: true });
      return options.files && !stats.isFile() ? undefined : stats;
    } catch (error) {
      if (hasErrnoCode(error, "ENOENT", "ENOTDIR")) return undefined;
      throw error;
    }
  }

  private async exists(file: string): Promise<boolean> {
    return (await this.fileStats(file, { files: false })) !== undefined;
  }

  /** Deletes a key's file and its sidecar, then the folders it leaves empty; false if there was none. */
  private async removeObject(target: Target, key: string): Promise<boolean> {
    const stats = await this.objectStats(target.path);
    if (stats === undefined) return false;
    try {
      await unlink(target.path.file);
    } catch (error) {
      if (hasErrnoCode(error, "ENOENT", "ENOTDIR")) return false;
      throw error;
    }
    await removeSidecarOf(target.folder, key, stats).catch(() => undefined);
    await this.removeEmptyFolders(target.path.folders);
    return true;
  }

  /** Removes the folders of a deleted key that are now empty, deepest first; never the bucket folder. */
  private async removeEmptyFolders(folders: ReadonlyArray<string>): Promise<void> {
    for (const folder of [...folders].reverse()) {
      try {
        await rmdir(folder);
      } catch {
        // Not empty (ENOTEMPTY, EEXIST), already gone, or not ours to remove: stop here.
        return;
      }
    }
  }

  private async infoOf(folder: StoreFolder, key: string, stats: BigIntStats): Promise<ObjectInfo> {
    const metadata = await readSidecar(folder, key, stats);
    return {
      key,
      size: Number(stats.size),
      contentType: metadata?.contentType ?? null,
      etag: metadata?.etag ?? null,
      lastModified: lastModifiedOf(stats),
    };
  }

  /** A read stream as a `ByteStream`: read errors are classified, and stopping early closes the file. */
  private bodyOf(stream: ReadStream, location: ObjectLocation): ByteStream {
    const failure = (error: unknown): StorageFailure => this.failure("get", location, error);
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for await (const chunk of stream) yield chunk as Buffer;
        } catch (error) {
          throw failure(error);
        } finally {
          stream.destroy();
        }
      },
    };
  }

  /** Creates the bucket's folders; the first write into a bucket also removes stale temp files. */
  private async prepareBucket(folder: StoreFolder): Promise<void> {
    await folder.prepare();
    let sweep = this.sweeps.get(folder.bucketFolder);
    if (sweep === undefined) {
      // Tidying only: a sweep that fails does not fail the write.
      sweep = folder.removeStaleTempFiles(this.staleTempFileMilliseconds).then(
        () => undefined,
        () => undefined,
      );
      this.sweeps.set(folder.bucketFolder, sweep);
    }
    await sweep;
  }

  /** The folder and path of a location, or the refusal of its bucket name or key. */
  private target(operation: Operation, location: ObjectLocation): Target | StorageFailure {
    const bucketProblem = this.bucketProblem(location.bucket);
    if (bucketProblem !== undefined) return this.refusal(operation, location, bucketProblem);
    const bucketFolder = this.bucketFolder(location.bucket);
    const located = locateObject(bucketFolder, location.key);
    if ("problem" in located) return this.refusal(operation, location, located.problem);
    return { folder: new StoreFolder(bucketFolder), path: located.path };
  }

  private bucketProblem(bucket: string): string | undefined {
    if (this.buckets !== undefined && !this.buckets.has(bucket)) return `no such bucket '${bucket}'`;
    return bucketNameProblem(bucket);
  }

  private failure(operation: Operation, location: ObjectLocation, error: unknown): StorageFailure {
    const { transient, reason } = classifyFilesystemError(error);
    return new StorageFailure({ operation, bucket: location.bucket, key: location.key, transient, reason });
  }

  /** A request refused for a reason no retry would change. */
  private refusal(operation: Operation, location: ObjectLocation, reason: string): StorageFailure {
    return new StorageFailure({
      operation,
      bucket: location.bucket,
      key: location.key,
      transient: false,
      reason,
    });
  }
}
