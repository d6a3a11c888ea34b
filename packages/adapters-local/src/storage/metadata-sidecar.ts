import type { BigIntStats } from "node:fs";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Option, Schema } from "effect";
import { syncFolder, writeFully } from "./durable-writes.js";
import { hasErrnoCode } from "./filesystem-errors.js";
import type { StoreFolder } from "./store-folder.js";

/**
 * What S3 keeps beside an object's bytes and a file cannot: its content type and ETag. One JSON
 * sidecar per stored file, named by the file's inode (`meta/<ino mod 256>/<ino>.json`), written
 * before the file is renamed under its key. The rename is then the one step that publishes the
 * bytes and their metadata together: a crash or a concurrent writer can leave a sidecar that
 * describes no file, never a file described by another file's sidecar. A sidecar counts only
 * while it matches its file's key, size and modification time to the nanosecond, so a file
 * changed, moved or replaced by hand (or a new file that reuses the inode) reads as having no
 * metadata (`contentType` and `etag` null) rather than the wrong one.
 */
const SidecarRecord = Schema.Struct({
  format: Schema.Literal(1),
  key: Schema.String,
  /** Decimal strings: sizes and nanosecond times exceed what a JSON number holds exactly. */
  size: Schema.String,
  mtimeNs: Schema.String,
  contentType: Schema.NullOr(Schema.String),
  etag: Schema.String,
});
type SidecarRecord = typeof SidecarRecord.Type;

const decodeSidecar = Schema.decodeUnknownOption(Schema.parseJson(SidecarRecord));

/** The stat fields a sidecar is checked against. */
export type FileIdentity = Pick<BigIntStats, "ino" | "size" | "mtimeNs">;

export interface ObjectMetadata {
  readonly contentType: string | null;
  readonly etag: string;
}

const describes = (record: SidecarRecord, key: string, file: FileIdentity): boolean =>
  record.key === key && record.size === file.size.toString() && record.mtimeNs === file.mtimeNs.toString();

/**
 * Writes the sidecar of `file` (its own temp file, flushed, renamed into place). A filesystem
 * without inode numbers (0) gets none: its objects have no content type or ETag.
 */
export const writeSidecar = async (
  folder: StoreFolder,
  key: string,
  file: FileIdentity,
  metadata: ObjectMetadata,
  durable: boolean,
): Promise<void> => {
  if (file.ino === 0n) return;
  const record: SidecarRecord = {
    format: 1,
    key,
    size: file.size.toString(),
    mtimeNs: file.mtimeNs.toString(),
    contentType: metadata.contentType,
    etag: metadata.etag,
  };
  const target = folder.sidecarPath(file.ino);
  await mkdir(path.dirname(target), { recursive: true });
  const temp = folder.newTempPath();
  try {
    const handle = await open(temp, "wx");
    try {
      await writeFully(handle, Buffer.from(JSON.stringify(record), "utf8"));
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  // The sidecar must be on disk before the object's rename that relies on it.
  if (durable) await syncFolder(path.dirname(target));
};

/** The metadata of `file` stored at `key`, if its sidecar still describes it. */
export const readSidecar = async (
  folder: StoreFolder,
  key: string,
  file: FileIdentity,
): Promise<ObjectMetadata | undefined> => {
  if (file.ino === 0n) return undefined;
  let text: string;
  try {
    text = await readFile(folder.sidecarPath(file.ino), "utf8");
  } catch (error) {
    if (hasErrnoCode(error, "ENOENT", "ENOTDIR", "EISDIR")) return undefined;
    throw error;
  }
  const record = decodeSidecar(text);
  if (Option.isNone(record) || !describes(record.value, key, file)) return undefined;
  return { contentType: record.value.contentType, etag: record.value.etag };
};

/**
 * Removes the sidecar of a file that was deleted or replaced, if it still describes that file
 * (a new file may already have been given the freed inode, and its sidecar stays).
 */
export const removeSidecarOf = async (
  folder: StoreFolder,
  key: string,
  file: FileIdentity,
): Promise<void> => {
  if ((await readSidecar(folder, key, file)) === undefined) return;
  await rm(folder.sidecarPath(file.ino), { force: true });
};
