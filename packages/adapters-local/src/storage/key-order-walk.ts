import type { Dirent } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import path from "node:path";
import { hasErrnoCode } from "./filesystem-errors.js";
import { keySegmentProblem } from "./storage-names.js";

export interface WalkedFile {
  readonly key: string;
  readonly file: string;
}

interface FolderEntry {
  readonly name: string;
  readonly key: string;
  readonly isFolder: boolean;
  /** The key's UTF-8 bytes, with a '/' after a folder's: what the entry sorts by. */
  readonly order: Buffer;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

const startsWith = (bytes: Buffer, prefix: Buffer): boolean =>
  bytes.length >= prefix.length && bytes.subarray(0, prefix.length).equals(prefix);

/**
 * The files below `bucketFolder` whose keys start with `prefix` and sort after `after`, in S3's
 * order (by the keys' UTF-8 bytes), read lazily one folder at a time.
 *
 * Each folder's entries are sorted by their key bytes, a folder's with a '/' appended; then a
 * depth-first walk yields keys in byte order, because every key below folder `a` starts with
 * `a/` and so sorts exactly where `a/` does among its siblings ('a-b' < 'a.b' < 'a/…' < 'aB').
 * The walk starts at the deepest folder the prefix names and skips every folder whose keys are
 * all before `after` or outside the prefix, so a page reads only the folders on its way.
 *
 * It never follows a symbolic link (links, sockets and devices are not objects), skips names
 * that are not valid UTF-8 or not valid key segments, and the store's own folder.
 */
export async function* walkKeysInOrder(
  bucketFolder: string,
  prefix: string,
  after: string | null,
  signal?: AbortSignal,
): AsyncGenerator<WalkedFile> {
  const prefixBytes = Buffer.from(prefix, "utf8");
  const afterBytes = after === null ? null : Buffer.from(after, "utf8");
  const startKey = prefix.slice(0, prefix.lastIndexOf("/") + 1);
  const segments = startKey === "" ? [] : startKey.slice(0, -1).split("/");
  // A prefix whose folders no key can have matches nothing (and is never used as a path).
  if (segments.some((segment, index) => keySegmentProblem(segment, index === 0) !== undefined)) return;
  let start = bucketFolder;
  for (const segment of segments) {
    start = path.join(start, segment);
    try {
      if (!(await lstat(start)).isDirectory()) return;
    } catch (error) {
      if (hasErrnoCode(error, "ENOENT", "ENOTDIR")) return;
      throw error;
    }
  }

  const isWanted = (entry: FolderEntry): boolean => {
    if (entry.isFolder) {
      const order = entry.order;
      const overlapsPrefix = startsWith(order, prefixBytes) || startsWith(prefixBytes, order);
      if (!overlapsPrefix) return false;
      // Every key below sorts before `after` unless `after` itself lies below.
      return afterBytes === null || startsWith(afterBytes, order) || Buffer.compare(order, afterBytes) > 0;
    }
    return (
      startsWith(entry.order, prefixBytes) &&
      (afterBytes === null || Buffer.compare(entry.order, afterBytes) > 0)
    );
  };

  async function* walkFolder(folder: string, folderKey: string): AsyncGenerator<WalkedFile> {
    if (signal?.aborted === true) throw signal.reason;
    let dirents: ReadonlyArray<Dirent<Buffer>>;
    try {
      dirents = await readdir(folder, { withFileTypes: true, encoding: "buffer" });
    } catch (error) {
      // A folder removed since its parent was read has no keys any more.
      if (hasErrnoCode(error, "ENOENT", "ENOTDIR")) return;
      throw error;
    }
    const entries: Array<FolderEntry> = [];
    for (const dirent of dirents) {
      const isFolder = dirent.isDirectory();
      if (!isFolder && !dirent.isFile()) continue;
      let name: string;
      try {
        name = strictUtf8.decode(dirent.name);
      } catch {
        continue;
      }
      if (keySegmentProblem(name, folderKey === "") !== undefined) continue;
      const key = folderKey + name;
      const entry = { name, key, isFolder, order: Buffer.from(isFolder ? `${key}/` : key, "utf8") };
      if (isWanted(entry)) entries.push(entry);
    }
    entries.sort((left, right) => Buffer.compare(left.order, right.order));
    for (const entry of entries) {
      const file = path.join(folder, entry.name);
      if (entry.isFolder) yield* walkFolder(file, `${entry.key}/`);
      else yield { key: entry.key, file };
    }
  }

  yield* walkFolder(start, startKey);
}
