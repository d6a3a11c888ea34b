import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import { hasErrnoCode } from "./filesystem-errors.js";

/** Writes all of `bytes` at the handle's position: a write may take fewer bytes than it was given. */
export const writeFully = async (handle: FileHandle, bytes: Uint8Array): Promise<void> => {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
};

/**
 * Makes a rename into `folder` durable: a renamed file is only sure to be under its new name
 * after a crash once its folder was flushed. Platforms that cannot open or flush a folder
 * (Windows) skip it.
 */
export const syncFolder = async (folder: string): Promise<void> => {
  let handle: FileHandle;
  try {
    handle = await open(folder, "r");
  } catch (error) {
    if (hasErrnoCode(error, "EISDIR", "EPERM", "EACCES")) return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!hasErrnoCode(error, "EINVAL", "EPERM", "EBADF", "ENOTSUP", "EISDIR")) throw error;
  } finally {
    await handle.close();
  }
};
