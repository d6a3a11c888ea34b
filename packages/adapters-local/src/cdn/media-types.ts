/** How a served object is typed and how long viewers may keep it. */
interface MediaKind {
  readonly contentType: string;
  /** Seconds a viewer may reuse the response without asking again. */
  readonly freshSeconds: number;
}

const DAY = 24 * 60 * 60;
/** Playlists are short-lived: a retranscode replaces them in place and the CDN is invalidated. */
const PLAYLIST = 60;
/** Segments, MP4s and images: replaced only with an invalidation, kept long as on CloudFront (its default TTL). */
const MEDIA = DAY;
/** Subtitle keys carry their upload time, but one may be deleted: an hour. */
const SUBTITLES = 60 * 60;

/** By the key's extension, lower-cased: what MediaConvert, ffmpeg and the subtitle upload write. */
const KINDS: Readonly<Record<string, MediaKind>> = {
  ".m3u8": { contentType: "application/vnd.apple.mpegurl", freshSeconds: PLAYLIST },
  ".ts": { contentType: "video/mp2t", freshSeconds: MEDIA },
  ".mp4": { contentType: "video/mp4", freshSeconds: MEDIA },
  ".m4s": { contentType: "video/iso.segment", freshSeconds: MEDIA },
  ".aac": { contentType: "audio/aac", freshSeconds: MEDIA },
  ".vtt": { contentType: "text/vtt", freshSeconds: SUBTITLES },
  ".srt": { contentType: "application/x-subrip", freshSeconds: SUBTITLES },
  ".jpg": { contentType: "image/jpeg", freshSeconds: MEDIA },
  ".jpeg": { contentType: "image/jpeg", freshSeconds: MEDIA },
  ".png": { contentType: "image/png", freshSeconds: MEDIA },
};

const extensionOf = (key: string): string => {
  const name = key.slice(key.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot <= 0 ? "" : name.slice(dot).toLowerCase();
};

/** A stored content type worth sending: one `type/subtype` with parameters, no line breaks. */
const SANE_CONTENT_TYPE = /^[\w.+-]+\/[\w.+-]+(\s*;[^\r\n]*)?$/;

/**
 * The content type of a served key: by its extension when it is a media kind we know (HLS
 * players insist on `application/vnd.apple.mpegurl`, whatever the upload said), otherwise the
 * content type it was stored with, otherwise `application/octet-stream`.
 */
export const contentTypeOf = (key: string, stored: string | null): string => {
  const kind = KINDS[extensionOf(key)];
  if (kind !== undefined) return kind.contentType;
  return stored !== null && SANE_CONTENT_TYPE.test(stored) ? stored : "application/octet-stream";
};

/**
 * `Cache-Control` of a served object: long for segments, MP4s and images, short for playlists,
 * none for anything else (originals in the upload bucket). A signed response is `private`
 * (a shared cache must not hand it to viewers without the signature) and never outlives its
 * signature.
 */
export const cacheControlOf = (
  key: string,
  signedUntilMillis: number | undefined,
  nowMillis: number,
): string => {
  const fresh = KINDS[extensionOf(key)]?.freshSeconds ?? 0;
  if (signedUntilMillis === undefined) return fresh === 0 ? "no-cache" : `public, max-age=${fresh}`;
  const left = Math.max(0, Math.floor((signedUntilMillis - nowMillis) / 1000));
  const seconds = Math.min(fresh, left);
  return seconds === 0 ? "private, no-cache" : `private, max-age=${seconds}`;
};
