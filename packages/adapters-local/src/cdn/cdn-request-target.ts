import { STORE_FOLDER } from "../storage/storage-names.js";

/** One `name=value` pair of a query string, as sent and decoded. */
export interface QueryPair {
  /** The pair exactly as it appeared between `&`s. */
  readonly raw: string;
  readonly name: string;
  readonly value: string;
}

/** What a request's target names: an object key, and its query. */
export interface CdnRequestTarget {
  /** The object key: the path without its leading `/`, percent-decoded once. */
  readonly key: string;
  /**
   * The key as a URL path, each segment encoded with `encodeURIComponent` (as
   * `@aws-sdk/cloudfront-signer` encodes the paths it signs), so a policy is matched against
   * the key actually served, however the client spelled it.
   */
  readonly canonicalPath: string;
  readonly query: ReadonlyArray<QueryPair>;
}

/** Why a target names no object: 400 when it cannot be read, 403 when it must never be served. */
export interface CdnTargetRefusal {
  readonly status: 400 | 403;
  readonly reason: string;
}

/** Whether a key holds a character no served key may hold: C0 controls (NUL included), DEL, backslash. */
const hasForbiddenCharacter = (key: string): boolean => {
  for (let index = 0; index < key.length; index += 1) {
    const code = key.charCodeAt(index);
    if (code < 0x20 || code === 0x7f || code === 0x5c) return true;
  }
  return false;
};

const decodeOnce = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
};

/**
 * The query's pairs, decoded with `decodeURIComponent` only: a `+` stays a `+`, as CloudFront
 * reads its own parameters. `undefined` when a pair is not valid percent-encoding.
 */
const queryPairs = (rawQuery: string): ReadonlyArray<QueryPair> | undefined => {
  const pairs: Array<QueryPair> = [];
  for (const raw of rawQuery.split("&")) {
    if (raw === "") continue;
    const equals = raw.indexOf("=");
    const name = decodeOnce(equals === -1 ? raw : raw.slice(0, equals));
    const value = decodeOnce(equals === -1 ? "" : raw.slice(equals + 1));
    if (name === undefined || value === undefined) return undefined;
    pairs.push({ raw, name, value });
  }
  return pairs;
};

/**
 * Reads a request target (`req.url`: the path and query exactly as sent) into the key it names.
 * The path is percent-decoded exactly once, and the key is refused when it could leave its
 * bucket or reach what is not an object: empty, `.` or `..` segments (however encoded), double or
 * trailing slashes, NUL and other control characters, backslashes, and the filesystem store's
 * own folder (`.ovs-object-store`) as any segment. The store checks keys again on its own.
 */
export const readCdnRequestTarget = (target: string): CdnRequestTarget | CdnTargetRefusal => {
  if (!target.startsWith("/")) return { status: 400, reason: "The request target must be a path." };
  const queryStart = target.indexOf("?");
  const rawPath = queryStart === -1 ? target.slice(1) : target.slice(1, queryStart);
  const rawQuery = queryStart === -1 ? "" : target.slice(queryStart + 1);
  const key = decodeOnce(rawPath);
  const query = queryPairs(rawQuery);
  if (key === undefined || query === undefined) {
    return { status: 400, reason: "The request target is not valid percent-encoding." };
  }
  if (rawPath.includes("\\") || hasForbiddenCharacter(key)) {
    return { status: 403, reason: "The key holds a character that is never served." };
  }
  const segments = key.split("/");
  const refused = segments.some(
    (segment) => segment === "" || segment === "." || segment === ".." || segment === STORE_FOLDER,
  );
  // `key === ""` is the root, `/`: the default behaviour's object with an empty key, which none is.
  if (refused) return { status: 403, reason: "The key is not one that is served." };
  return {
    key,
    canonicalPath: `/${segments.map((segment) => encodeURIComponent(segment)).join("/")}`,
    query,
  };
};
