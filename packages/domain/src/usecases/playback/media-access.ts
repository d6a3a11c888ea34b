import { Effect } from "effect";
import { hexKey } from "../../model/keys.js";
import type { Collection } from "../../model/collection.js";
import { spaceOfKey } from "../../model/storage-keys.js";
import type { Video } from "../../model/video.js";
import { mediaKeySpaceOf } from "../../policy/media-key-space.js";
import type { CdnSigningFailure, CdnUrls } from "../../ports/cdn-urls.js";
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
  if (mediaKeySpaceOf(video, collection) === "public") {
    return Effect.succeed({ url: (key) => cdnUrls.plainUrl(key), expiresAt: null, signedQuery: null });
  }
  return Effect.map(cdnUrls.signedAccess(hexKey(video.key)), (grant) => ({
    url: (key) => (spaceOfKey(key) === "restricted" ? withSignedAccess(cdnUrls.plainUrl(key), grant) : ""),
    expiresAt: grant.expiresAt,
    signedQuery: grant.queryParameters,
  }));
};
