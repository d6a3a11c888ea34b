import type { StreamSource } from "../../model/collection.js";
import { hexKey } from "../../model/keys.js";
import type { VideoStatus } from "../../model/video.js";
import { Encoding } from "../../model/video-file.js";
import { exposedYouTubeId } from "../../model/youtube-video.js";
import type { VideoDetails } from "../../ports/video-repository.js";
import { apiTimestamp } from "./api-timestamp.js";
import {
  thumbnailsNewestFirst,
  videoSubtitlePayload,
  videoThumbnailPayload,
} from "./stored-object-payloads.js";
import type { MediaUrl, VideoSubtitlePayload, VideoThumbnailPayload } from "./stored-object-payloads.js";
import { HLS_MIME_TYPE } from "./video-payload.js";

/** A `sources` entry of the feed: HLS only. */
export interface PublicVideoSource {
  readonly src: string;
  readonly label: "HLS";
  readonly type: typeof HLS_MIME_TYPE;
}

/** Upstream `PublicCollectionSerializer`. */
export interface PublicCollectionPayload {
  readonly key: string;
  readonly title: string;
  readonly description: string | null;
  readonly is_public: boolean;
  readonly stream_source: StreamSource | null;
  readonly for_shorts: boolean;
}

/**
 * Upstream `PublicVideoSerializer`: one item of `GET /api/v0/public/videos/`, which MIT Learn
 * and a data pipeline crawl (docs/upstream.md §10, §2.5). The shape is a
 * contract; the Dagster consumer forwards items verbatim and hashes them.
 */
export interface PublicVideoFeedItem {
  readonly key: string;
  readonly created_at: string;
  readonly title: string;
  readonly description: string;
  readonly status: VideoStatus;
  readonly is_public: boolean;
  readonly youtube_id: string | null;
  readonly sources: ReadonlyArray<PublicVideoSource>;
  readonly cta_link: string | null;
  readonly duration: number | null;
  readonly multiangle: boolean;
  readonly videothumbnail_set: ReadonlyArray<VideoThumbnailPayload>;
  readonly videosubtitle_set: ReadonlyArray<VideoSubtitlePayload>;
  readonly collection: PublicCollectionPayload;
}

/**
 * Projects one public video. Unlike the player's `sources`, the feed lists every HLS file even
 * when the video streams from YouTube, and never MP4s: consumers take `sources[0].src` as the
 * stream and drop a video without an `.m3u8`. The feed holds public videos only, so `mediaUrl`
 * gives plain, unsigned CDN URLs (docs/architecture.md §5.6), which consumers keep for days.
 */
export const publicVideoFeedItem = (details: VideoDetails, mediaUrl: MediaUrl): PublicVideoFeedItem => {
  const { video, collection } = details;
  return {
    key: hexKey(video.key),
    created_at: apiTimestamp(video.createdAt),
    title: video.title,
    description: video.description,
    status: video.status,
    is_public: video.isPublic,
    youtube_id: exposedYouTubeId(details.youtube),
    sources: details.files
      .filter((file) => file.encoding === Encoding.hls)
      .map((file) => ({ src: mediaUrl(file.s3ObjectKey), label: "HLS", type: HLS_MIME_TYPE })),
    cta_link: video.ctaLink,
    duration: video.duration,
    multiangle: video.multiangle,
    videothumbnail_set: thumbnailsNewestFirst(details.thumbnails).map((thumbnail) =>
      videoThumbnailPayload(thumbnail, mediaUrl),
    ),
    videosubtitle_set: details.subtitles.map(videoSubtitlePayload),
    collection: {
      key: hexKey(collection.key),
      title: collection.title,
      description: collection.description,
      is_public: collection.isPublic,
      stream_source: collection.streamSource,
      for_shorts: collection.forShorts,
    },
  };
};
