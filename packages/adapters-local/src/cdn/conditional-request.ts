import type { ObjectInfo } from "@ovs/domain";

/**
 * The `ETag` of an object: the store's (bare hex, as the stores give it), quoted and strong; a
 * weak one from size and modification time when the store has none (a file put in a bucket
 * folder by hand); none when there is neither.
 */
export const etagOf = (info: ObjectInfo): string | undefined => {
  if (info.etag !== null && info.etag !== "") {
    if (/^(W\/)?"[^"]*"$/.test(info.etag)) return info.etag;
    return `"${info.etag.replace(/[^\x21\x23-\x7e]/g, "")}"`;
  }
  if (info.lastModified === null) return undefined;
  return `W/"${info.size.toString(16)}-${info.lastModified.getTime().toString(16)}"`;
};

const opaque = (tag: string): string => (tag.startsWith("W/") ? tag.slice(2) : tag);

/** HTTP dates have whole seconds. */
const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * Whether a GET or HEAD may be answered 304 (RFC 9110 §13.2.2): `If-None-Match` (weak
 * comparison, `*` for any object) when present, otherwise `If-Modified-Since`.
 */
export const isNotModified = (
  ifNoneMatch: string | undefined,
  ifModifiedSince: string | undefined,
  etag: string | undefined,
  lastModified: Date | null,
): boolean => {
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() === "*") return true;
    if (etag === undefined) return false;
    return ifNoneMatch
      .split(",")
      .map((tag) => tag.trim())
      .some((tag) => tag !== "" && opaque(tag) === opaque(etag));
  }
  if (ifModifiedSince === undefined || lastModified === null) return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && seconds(lastModified) <= Math.floor(since / 1000);
};

/**
 * Whether a `Range` still applies under `If-Range` (RFC 9110 §13.1.5): the object must be the
 * one the client has, by strong ETag or by exact modification date; otherwise the whole object
 * is sent.
 */
export const rangeStillApplies = (
  ifRange: string | undefined,
  etag: string | undefined,
  lastModified: Date | null,
): boolean => {
  if (ifRange === undefined) return true;
  const condition = ifRange.trim();
  if (condition.startsWith('"') || condition.startsWith("W/")) {
    return etag !== undefined && !etag.startsWith("W/") && condition === etag;
  }
  const date = Date.parse(condition);
  return !Number.isNaN(date) && lastModified !== null && seconds(lastModified) === Math.floor(date / 1000);
};
