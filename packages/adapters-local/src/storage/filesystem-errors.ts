/** Whether a failed filesystem call may succeed when tried again, and a line saying what went wrong. */
export interface FilesystemErrorClassification {
  readonly transient: boolean;
  readonly reason: string;
}

/**
 * Conditions that pass by themselves: too many open files (in the process or the system), a
 * resource temporarily unavailable, a busy file. A full disk (ENOSPC), a missing permission or
 * an I/O error needs someone to act first, so it is permanent.
 */
export const TRANSIENT_FILESYSTEM_CODES: ReadonlySet<string> = new Set([
  "EMFILE",
  "ENFILE",
  "EAGAIN",
  "EWOULDBLOCK",
  "EBUSY",
  "EINTR",
]);

/** The `code` of a Node system error (`ENOENT`, `EMFILE`…), if it has one. */
export const errnoCodeOf = (error: unknown): string | undefined => {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
};

export const hasErrnoCode = (error: unknown, ...codes: ReadonlyArray<string>): boolean => {
  const code = errnoCodeOf(error);
  return code !== undefined && codes.includes(code);
};

export const classifyFilesystemError = (error: unknown): FilesystemErrorClassification => {
  const code = errnoCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return {
    transient: code !== undefined && TRANSIENT_FILESYSTEM_CODES.has(code),
    // Node's messages already start with the code ("ENOSPC: no space left on device, write").
    reason: code === undefined || message.includes(code) ? message : `${code}: ${message}`,
  };
};
