import { randomBytes } from "node:crypto";
import { lstat, mkdir, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { hasErrnoCode } from "./filesystem-errors.js";
import { STORE_FOLDER } from "./storage-names.js";

/** The ending of every temp file, so a stray one is recognisable on sight. */
export const TEMP_FILE_SUFFIX = ".part";

/**
 * The store's hidden folder inside one bucket folder (`<bucket>/.ovs-object-store/`): `tmp/`
 * holds the files being written, which a rename then moves under their keys (the same
 * filesystem as the bucket, so the rename is atomic), and `meta/` the metadata sidecars.
 */
export class StoreFolder {
  readonly root: string;
  readonly temp: string;
  readonly metadata: string;

  constructor(readonly bucketFolder: string) {
    this.root = path.join(bucketFolder, STORE_FOLDER);
    this.temp = path.join(this.root, "tmp");
    this.metadata = path.join(this.root, "meta");
  }

  /** Creates the bucket folder (and the root above it) and the temp folder when missing. */
  async prepare(): Promise<void> {
    await mkdir(this.temp, { recursive: true });
  }

  /** A fresh temp file name: the process id and 64 random bits, so writers never collide. */
  newTempPath(): string {
    return path.join(this.temp, `${process.pid}-${randomBytes(8).toString("hex")}${TEMP_FILE_SUFFIX}`);
  }

  /** The sidecar of the file with inode `inode`, fanned out over 256 folders. */
  sidecarPath(inode: bigint): string {
    const fan = (inode % 256n).toString(16).padStart(2, "0");
    return path.join(this.metadata, fan, `${inode.toString()}.json`);
  }

  /**
   * Removes temp files last written more than `olderThanMilliseconds` ago: what a crashed or
   * killed writer left. A writer in progress touches its file with every chunk, so only one
   * stalled for longer than that loses its file (and then fails instead of committing).
   * Returns how many were removed.
   */
  async removeStaleTempFiles(olderThanMilliseconds: number, now: number = Date.now()): Promise<number> {
    let names: ReadonlyArray<string>;
    try {
      names = await readdir(this.temp);
    } catch (error) {
      if (hasErrnoCode(error, "ENOENT", "ENOTDIR")) return 0;
      throw error;
    }
    let removed = 0;
    for (const name of names) {
      const file = path.join(this.temp, name);
      try {
        const stats = await lstat(file);
        if (now - stats.mtimeMs < olderThanMilliseconds) continue;
        await rm(file, { force: true, recursive: stats.isDirectory() });
        removed += 1;
      } catch (error) {
        if (!hasErrnoCode(error, "ENOENT")) throw error;
      }
    }
    return removed;
  }
}
