import { Effect, Either } from "effect";
import type { VideoKey } from "../../model/keys.js";
import { hexKey, parseVideoKey } from "../../model/keys.js";
import type { Principal } from "../../model/user.js";
import type { VideoStatus } from "../../model/video.js";
import { languageName } from "../../model/languages.js";
import { Encoding } from "../../model/video-file.js";
import { exposedYouTubeId } from "../../model/youtube-video.js";
import { protectedCookiePaths } from "../../model/storage-keys.js";
import { mediaKeySpaceOf } from "../../policy/media-key-space.js";
import { thumbnailsNewestFirst } from "../../policy/projections/stored-object-payloads.js";
import type { PlaybackSource, VideoPayload } from "../../policy/projections/video-payload.js";
import { playbackSources, videoPayload } from "../../policy/projections/video-payload.js";
import type { CdnSigningFailure } from "../../ports/cdn-urls.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { VideoDetails } from "../../ports/video-repository.js";
import type { DomainPorts } from "../domain-ports.js";
import { invalidField } from "../errors.js";
import type { Forbidden, InvalidInput, VideoNotFound } from "../errors.js";
import { findVideoFor } from "../videos/video-access.js";
import type { MediaAccess } from "./media-access.js";
import { mediaAccessFor } from "./media-access.js";

/** A captions track as the player adds it (`srclang`, `label`, `src`). */
export interface SubtitleTrack {
  readonly language: string;
  /** The language's English name, or the code when it has none. */
  readonly label: string;
  readonly url: string;
}

/** What a protected video's player appends to every request on the CDN host, and until when. */
export interface PlaybackGrant {
  readonly queryParameters: Readonly<Record<string, string>>;
  readonly expiresAt: Date;
}

/**
 * The grant as CDN cookies, for a deployment whose CDN shares the app's cookie domain: each
 * cookie is set once per path, until `expiresAt`. Not part of the JSON answer.
 */
export interface PlaybackCookies {
  readonly values: Readonly<Record<string, string>>;
  readonly paths: ReadonlyArray<string>;
  readonly expiresAt: Date;
}

/** Everything the player, the video page and the embed page need for one video. */
export interface Playback {
  /** The 32-character hex key pages show. */
  readonly key: string;
  readonly status: VideoStatus;
  /** There are outputs to play; when false, sources, tracks and poster are empty. */
  readonly playable: boolean;
  readonly sources: ReadonlyArray<PlaybackSource>;
  readonly subtitles: ReadonlyArray<SubtitleTrack>;
  /** The newest thumbnail. */
  readonly poster: string | null;
  /** Seconds; null before the first transcode measured it. */
  readonly duration: number | null;
  /** Four camera angles in one frame: the player offers its crop controls. */
  readonly multiangle: boolean;
  /** Set once YouTube has processed the copy; the player streams from YouTube when the video is public. */
  readonly youtubeId: string | null;
  /** Null for public videos, whose URLs are plain. */
  readonly grant: PlaybackGrant | null;
  /** The video as `GET /api/v0/videos/<key>/` shows it, for the page and the embed page. */
  readonly video: VideoPayload;
  /** The grant as cookies; null when nothing is signed. The app sets them, never sends them as JSON. */
  readonly signedCookies: PlaybackCookies | null;
}

export const VIDEO_KEY_FIELD = "key";

const NO_MEDIA_ACCESS: MediaAccess = {
  url: () => "",
  expiresAt: null,
  signedQuery: null,
  signedCookies: null,
};

/**
 * Whether the video has outputs a player can use. Not the status alone: a video being
 * retranscoded, or replaced from a new source, keeps serving its previous outputs until the new
 * ones complete, while a video that was never transcoded has only its original upload, which is
 * not streamable.
 */
const hasPlayableOutputs = (details: VideoDetails): boolean =>
  details.files.some((file) => file.encoding !== Encoding.original);

/**
 * Playback of one video for one principal (docs/architecture.md §6.5, §6.6). Access is decided by
 * `findVideoFor`, as everywhere else: a video hidden from a signed-in principal is not found, and
 * an anonymous visitor is asked to sign in. Media served openly (`mediaKeySpaceOf`) gets plain
 * CDN URLs, every other video one signed grant over its protected prefix (`mediaAccessFor`). A
 * URL that would not work (an object not yet moved to the protected space) is left out rather
 * than handed out broken.
 */
export class GetPlayback {
  constructor(private readonly ports: Pick<DomainPorts, "videos" | "cdnUrls">) {}

  run(
    principal: Principal,
    videoKey: string,
  ): Effect.Effect<
    Playback,
    InvalidInput | VideoNotFound | Forbidden | CdnSigningFailure | PersistenceFailure
  > {
    const { videos, cdnUrls } = this.ports;
    return Effect.gen(function* () {
      const key: VideoKey = yield* Either.mapLeft(parseVideoKey(videoKey), (error) =>
        invalidField(VIDEO_KEY_FIELD, error.message),
      );
      const details = yield* findVideoFor(videos, principal, key, "view");
      const { video, collection } = details;
      const playable = hasPlayableOutputs(details);
      // Nothing to play needs no signature, so a signing outage cannot break the status page.
      const access =
        playable || mediaKeySpaceOf(video, collection) === "public"
          ? yield* mediaAccessFor(cdnUrls, details, collection)
          : NO_MEDIA_ACCESS;
      const payload = videoPayload(details, principal, access.url);
      const sources = playable
        ? playbackSources(details, access.url).filter((source) => source.src !== "")
        : [];
      const subtitles = playable
        ? details.subtitles.flatMap((subtitle) => {
            const url = access.url(subtitle.s3ObjectKey);
            const label = languageName(subtitle.language) ?? subtitle.language;
            return url === "" ? [] : [{ language: subtitle.language, label, url }];
          })
        : [];
      const newestThumbnail = thumbnailsNewestFirst(details.thumbnails)[0];
      const poster = playable && newestThumbnail !== undefined ? access.url(newestThumbnail.s3ObjectKey) : "";
      return {
        key: hexKey(video.key),
        status: video.status,
        playable,
        sources,
        subtitles,
        poster: poster === "" ? null : poster,
        duration: video.duration > 0 ? video.duration : null,
        multiangle: video.multiangle,
        youtubeId: exposedYouTubeId(details.youtube),
        grant:
          access.signedQuery !== null && access.expiresAt !== null
            ? { queryParameters: access.signedQuery, expiresAt: access.expiresAt }
            : null,
        video: payload,
        signedCookies:
          access.signedCookies !== null && access.expiresAt !== null
            ? {
                values: access.signedCookies,
                paths: protectedCookiePaths(hexKey(video.key)),
                expiresAt: access.expiresAt,
              }
            : null,
      };
    }).pipe(
      // The player asks for this on every page view: the span is kept, without capturing the
      // caller's stack trace on every call (its name says where it comes from).
      Effect.withSpan("GetPlayback.run", { attributes: { videoKey }, captureStackTrace: false }),
    );
  }
}
