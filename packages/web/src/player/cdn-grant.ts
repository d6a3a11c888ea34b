import type { PlaybackGrant } from "../api/schema-types.js";

/**
 * `url` with the grant's query parameters, when it points at the CDN host the grant is for; any
 * other URL (the app's own, a blob:) is returned as it is, so a signature never leaks elsewhere.
 */
export const withGrant = (url: string, grant: PlaybackGrant | null, cdnOrigin: string | null): string => {
  if (grant === null || cdnOrigin === null) return url;
  let target: URL;
  try {
    target = new URL(url, cdnOrigin);
  } catch {
    return url;
  }
  if (target.origin !== cdnOrigin) return url;
  for (const [name, value] of Object.entries(grant.queryParameters)) target.searchParams.set(name, value);
  return target.href;
};

/** A media URL without its query: the object it names, whatever grant it carries. */
export const withoutQuery = (url: string): string => {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
};

/** The CDN's origin, from the first media URL of a playback (its sources are all on the CDN). */
export const cdnOriginOf = (urls: ReadonlyArray<string>): string | null => {
  for (const url of urls) {
    try {
      return new URL(url).origin;
    } catch {
      // not absolute: not on the CDN
    }
  }
  return null;
};

/** Refresh this long before expiry at most, so a slow answer still lands in time. */
export const REFRESH_MARGIN_MS = 60_000;
/** Never refresh more often than this, even when a grant is (wrongly) about to expire. */
export const MINIMUM_REFRESH_DELAY_MS = 5_000;

/**
 * How long to wait before fetching a fresh grant: a minute before it expires, or at four fifths of
 * its remaining life when a minute would be more than a fifth of it (short windows), never sooner
 * than 5 s.
 */
export const refreshDelayMs = (expiresAt: string, nowMs: number): number => {
  const remaining = Date.parse(expiresAt) - nowMs;
  if (!Number.isFinite(remaining)) return MINIMUM_REFRESH_DELAY_MS;
  const delay = remaining - Math.min(REFRESH_MARGIN_MS, Math.floor(remaining * 0.2));
  return Math.max(MINIMUM_REFRESH_DELAY_MS, delay);
};
