import { Effect } from "effect";
import { hexKey } from "../../model/keys.js";
import type { Collection } from "../../model/collection.js";
import { spaceOfKey } from "../../model/storage-keys.js";
import type { Video } from "../../model/video.js";
import { mediaKeySpaceOf } from "../../policy/media-key-space.js";
import type { CdnSigningFailure, CdnUrls, SignedAccess } from "../../ports/cdn-urls.js";
import { withSignedAccess } from "../../ports/cdn-urls.js";

/** Media URLs for one video's objects, as the player and the API hand them out. */
export interface MediaAccess {
  /** The URL of an object key of this video; "" when the object must not be reached. */
  readonly url: (s3ObjectKey: string) => string;
  /** When signed URLs stop working; null for media served openly. */
  readonly expiresAt: Date | null;
  /** The grant's query parameters, for a player to append to every request on the CDN host. */
  readonly signedQuery: Readonly<Record<string, string>> | null;
}

/**
 * A grant's query string, encoded once per grant rather than once per URL: a playback or a list
 * hands out several URLs of one grant, and an adapter that caches its grants per window hands out
 * the same grant object on every request of that window. Weak, so grants of past windows go.
 */
const encodedQueries = new WeakMap<SignedAccess, string>();

/** `withSignedAccess(url, grant)`, with the grant's encoding reused. */
const signedUrl = (url: string, grant: SignedAccess): string => {
  let suffix = encodedQueries.get(grant);
  if (suffix === undefined) {
    // "" for a grant without parameters, otherwise "?" followed by the encoded parameters.
    suffix = withSignedAccess("", grant);
    encodedQueries.set(grant, suffix);
  }
  if (suffix === "") return url;
  return url.includes("?") ? `${url}&${suffix.slice(1)}` : `${url}${suffix}`;
};

/** Plain URLs depend on nothing but the CDN host: one `MediaAccess` per `CdnUrls` serves every open video. */
const openAccess = new WeakMap<CdnUrls, MediaAccess>();

const openAccessOf = (cdnUrls: CdnUrls): MediaAccess => {
  let access = openAccess.get(cdnUrls);
  if (access === undefined) {
    access = Object.freeze({
      url: (key: string) => cdnUrls.plainUrl(key),
      expiresAt: null,
      signedQuery: null,
    });
    openAccess.set(cdnUrls, access);
  }
  return access;
};

/**
 * Media served openly (`mediaKeySpaceOf`: public videos, and the videos of a collection linked
 * to an edX course) gets plain CDN URLs (docs/architecture.md §5.6). Every other video gets one
 * signed grant over its protected prefix; only keys in the protected space get a URL, so an
 * object still waiting to be moved there, or the original upload, is never handed out unsigned.
 */
export const mediaAccessFor = (
  cdnUrls: CdnUrls,
  video: Pick<Video, "key" | "isPublic">,
  collection: Pick<Collection, "edxCourseId">,
): Effect.Effect<MediaAccess, CdnSigningFailure> => {
  if (mediaKeySpaceOf(video, collection) === "public") return Effect.succeed(openAccessOf(cdnUrls));
  return Effect.map(cdnUrls.signedAccess(hexKey(video.key)), (grant) => ({
    url: (key) => (spaceOfKey(key) === "restricted" ? signedUrl(cdnUrls.plainUrl(key), grant) : ""),
    expiresAt: grant.expiresAt,
    signedQuery: grant.queryParameters,
  }));
};
