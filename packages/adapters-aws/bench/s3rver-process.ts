/**
 * s3rver in a process of its own for `pnpm bench:ingest`, so the uploading process's memory is
 * measured alone. Prints one JSON line (`{ endpoint, bucket }`) when ready; exits when its
 * standard input closes (the benchmark ended, however it ended).
 */
import { statfs } from "node:fs/promises";
import { startLocalS3 } from "../test/support/local-s3.js";

const GIBIBYTE = 1024 ** 3;

/**
 * s3rver keeps objects on disk, and a 2 GiB upload writes 4 GiB (the parts, then the object).
 * On a disk the timings swing by ±10 % with the page cache; in memory (/dev/shm, when it has
 * room) they measure the clients, which is what the benchmark compares.
 */
const inMemoryFolder = async (): Promise<string | undefined> => {
  try {
    const stats = await statfs("/dev/shm");
    return stats.bavail * stats.bsize >= 6 * GIBIBYTE ? "/dev/shm" : undefined;
  } catch {
    return undefined;
  }
};

const parentDirectory = await inMemoryFolder();
const local = await startLocalS3(parentDirectory === undefined ? {} : { parentDirectory });
const bucket = await local.createBucket("bench");
process.stdout.write(
  `${JSON.stringify({ endpoint: local.endpoint, bucket, storage: parentDirectory ?? "disk" })}\n`,
);

const stop = (): void => {
  void local.close().finally(() => process.exit(0));
};
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
