/**
 * The cursor of a listing: the last key of the page before, as S3's `StartAfter`, so it stays
 * valid while keys are added or deleted between pages. Callers treat it as opaque; it is the
 * key's UTF-8 bytes in base64url.
 */
export const encodeListCursor = (lastKey: string): string =>
  Buffer.from(lastKey, "utf8").toString("base64url");

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** The key a cursor stands for, or undefined for a string this store never gave out. */
export const decodeListCursor = (cursor: string): string | undefined => {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const bytes = Buffer.from(cursor, "base64url");
  if (bytes.toString("base64url") !== cursor) return undefined;
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
};
