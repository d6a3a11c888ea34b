import { Effect } from "effect";
import { hexKey } from "../../model/keys.js";
import type { Collection } from "../../model/collection.js";
import { isServedKey, spaceOfKey } from "../../model/storage-keys.js";
import type { Video } from "../../model/video.js";
import { Encoding } from "../../model/video-file.js";
import type { VideoFile, VideoSubtitle, VideoThumbnail } from "../../model/video-file.js";
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
  /** The same grant as CDN cookies; null when nothing is signed. */
  readonly signedCookies: Readonly<Record<string, string>> | null;
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
      url: (key: string) => (isServedKey(key) ? cdnUrls.plainUrl(key) : ""),
      expiresAt: null,
      signedQuery: null,
      signedCookies: null,
    });
    openAccess.set(cdnUrls, access);
  }
  return access;
};

/** A video and where its objects are now: what decides its media URLs. */
export interface VideoObjects {
  readonly video: Pick<Video, "key" | "isPublic">;
  readonly files: ReadonlyArray<Pick<VideoFile, "s3ObjectKey" | "encoding">>;
  readonly thumbnails: ReadonlyArray<Pick<VideoThumbnail, "s3ObjectKey">>;
  readonly subtitles: ReadonlyArray<Pick<VideoSubtitle, "s3ObjectKey">>;
}

/** The keys of the objects a player may be handed: everything but the original upload. */
const servedKeysOf = (media: VideoObjects): ReadonlyArray<string> => [
  ...media.files.filter((file) => file.encoding !== Encoding.original).map((file) => file.s3ObjectKey),
  ...media.thumbnails.map((thumbnail) => thumbnail.s3ObjectKey),
  ...media.subtitles.map((subtitle) => subtitle.s3ObjectKey),
];

/**
 * Media URLs for one video (docs/architecture.md §5.6). Each URL follows where its object is
 * now: a key in the protected space gets the video's signed grant, a key in the public space a
 * plain URL, and anything the CDN does not serve as media (the original upload, a staging
 * folder) no URL at all. While a visibility move runs, a video's rows point at the old space
 * until its copies are in place, so the video stays playable throughout, and the old objects
 * are deleted only once nothing hands them out.
 *
 * A grant is signed when the video belongs in the protected space (`mediaKeySpaceOf`) or any of
 * its objects still lives there; media served openly (public videos, and the videos of a
 * collection linked to an edX course) needs none.
 */
export const mediaAccessFor = (
  cdnUrls: CdnUrls,
  media: VideoObjects,
  collection: Pick<Collection, "edxCourseId">,
): Effect.Effect<MediaAccess, CdnSigningFailure> => {
  const { video } = media;
  const protectedObjects =
    mediaKeySpaceOf(video, collection) === "restricted" ||
    servedKeysOf(media).some((key) => spaceOfKey(key) === "restricted");
  if (!protectedObjects) return Effect.succeed(openAccessOf(cdnUrls));
  return Effect.map(cdnUrls.signedAccess(hexKey(video.key)), (grant) => ({
    url: (key) => {
      if (!isServedKey(key)) return "";
      const plain = cdnUrls.plainUrl(key);
      return spaceOfKey(key) === "restricted" ? signedUrl(plain, grant) : plain;
    },
    expiresAt: grant.expiresAt,
    signedQuery: grant.queryParameters,
    signedCookies: grant.cookies,
  }));
};
