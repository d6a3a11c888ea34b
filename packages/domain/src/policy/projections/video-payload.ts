import type { Collection } from "../../model/collection.js";
import { hexKey } from "../../model/keys.js";
import type { Principal } from "../../model/user.js";
import type { VideoStatus } from "../../model/video.js";
import { Encoding, transcodedFilesOf } from "../../model/video-file.js";
import type { VideoFile } from "../../model/video-file.js";
import { exposedYouTubeId } from "../../model/youtube-video.js";
import type { VideoDetails } from "../../ports/video-repository.js";
import { canSeeShareableUrl } from "../access.js";
import { apiTimestamp } from "./api-timestamp.js";
import {
  thumbnailsNewestFirst,
  videoFilePayload,
  videoSubtitlePayload,
  videoThumbnailPayload,
} from "./stored-object-payloads.js";
import type {
  MediaUrl,
  VideoFilePayload,
  VideoSubtitlePayload,
  VideoThumbnailPayload,
} from "./stored-object-payloads.js";

export const HLS_MIME_TYPE = "application/x-mpegURL";
export const MP4_MIME_TYPE = "video/mp4";

/** One entry of `sources`, as Video.js takes it. */
export interface PlaybackSource {
  readonly src: string;
  /** The encoding name (`HLS`, `desktop_mp4`, a legacy rendition). */
  readonly label: string;
  readonly type: typeof HLS_MIME_TYPE | typeof MP4_MIME_TYPE;
}

/** The files, thumbnails and subtitles of one video; `VideoDetails` has them. */
export type VideoMedia = Pick<VideoDetails, "video" | "files" | "thumbnails" | "subtitles">;

/**
 * Upstream `Video.sources`: nothing when the player is to stream from YouTube (a public video
 * in a collection streamed from YouTube, once YouTube has processed its copy); otherwise every
 * transcoded file in the legacy ladder order, HLS typed for HLS players and the rest as MP4.
 */
export const playbackSources = (
  details: Pick<VideoDetails, "video" | "collection" | "files" | "youtube">,
  mediaUrl: MediaUrl,
): ReadonlyArray<PlaybackSource> => {
  const streamsFromYouTube =
    details.video.isPublic &&
    details.collection.streamSource === "Youtube" &&
    exposedYouTubeId(details.youtube) !== null;
  if (streamsFromYouTube) return [];
  return transcodedFilesOf(details.files).map((file) => ({
    src: mediaUrl(file.s3ObjectKey),
    label: file.encoding,
    type: file.encoding === Encoding.hls ? HLS_MIME_TYPE : MP4_MIME_TYPE,
  }));
};

/** The HLS file with the lowest id (upstream `videofile_set.filter(encoding=HLS).first()`). */
export const hlsFileOf = (files: ReadonlyArray<VideoFile>): VideoFile | undefined =>
  files
    .filter((file) => file.encoding === Encoding.hls)
    .reduce<VideoFile | undefined>(
      (lowest, file) => (lowest === undefined || file.id < lowest.id ? file : lowest),
      undefined,
    );

/**
 * The "Open edX video URL" of the share dialog: the HLS playlist, shown only to collection
 * admins of a collection that allows sharing; "" for everyone else and when there is no HLS.
 */
export const shareableUrl = (
  files: ReadonlyArray<VideoFile>,
  collection: Pick<Collection, "ownerId" | "adminLists" | "allowShareOpenedx">,
  principal: Principal,
  mediaUrl: MediaUrl,
): string => {
  if (!canSeeShareableUrl(principal, collection)) return "";
  const hls = hlsFileOf(files);
  return hls === undefined ? "" : mediaUrl(hls.s3ObjectKey);
};

/** Upstream `VideoSerializer` (video detail, video list, thumbnail upload responses). */
export interface VideoPayload {
  readonly key: string;
  readonly created_at: string;
  readonly title: string;
  readonly description: string;
  readonly collection_key: string;
  readonly collection_title: string;
  readonly multiangle: boolean;
  readonly status: VideoStatus;
  readonly videofile_set: ReadonlyArray<VideoFilePayload>;
  readonly videothumbnail_set: ReadonlyArray<VideoThumbnailPayload>;
  readonly videosubtitle_set: ReadonlyArray<VideoSubtitlePayload>;
  readonly view_lists: ReadonlyArray<string>;
  readonly collection_view_lists: ReadonlyArray<string>;
  readonly is_public: boolean;
  readonly is_private: boolean;
  readonly is_logged_in_only: boolean;
  readonly sources: ReadonlyArray<PlaybackSource>;
  readonly youtube_id: string | null;
  readonly cloudfront_url: string;
  readonly cta_link: string | null;
  /** Seconds, as the public feed gives it; 0 until a transcode measured it. Not upstream's: added for video pages. */
  readonly duration: number;
}

/** Upstream `SimpleVideoSerializer`, the items of a collection's `videos`. */
export interface SimpleVideoPayload {
  readonly key: string;
  readonly created_at: string;
  readonly title: string;
  readonly description: string;
  readonly videofile_set: ReadonlyArray<VideoFilePayload>;
  readonly videosubtitle_set: ReadonlyArray<VideoSubtitlePayload>;
  readonly is_public: boolean;
  readonly is_private: boolean;
  readonly view_lists: ReadonlyArray<string>;
  readonly collection_view_lists: ReadonlyArray<string>;
  readonly videothumbnail_set: ReadonlyArray<VideoThumbnailPayload>;
  readonly status: VideoStatus;
  readonly collection_key: string;
  readonly cloudfront_url: string;
  readonly cta_link: string | null;
  /** Seconds; 0 until a transcode measured it. Not upstream's: added for the video cards. */
  readonly duration: number;
}

const mediaPayloads = (media: VideoMedia, mediaUrl: MediaUrl) => ({
  videofile_set: media.files.map((file) => videoFilePayload(file, mediaUrl)),
  videothumbnail_set: thumbnailsNewestFirst(media.thumbnails).map((thumbnail) =>
    videoThumbnailPayload(thumbnail, mediaUrl),
  ),
  videosubtitle_set: media.subtitles.map(videoSubtitlePayload),
});

/**
 * A video as its viewer sees it. The caller has already decided that `principal` may view the
 * video; the principal here only gates the shareable URL.
 */
export const videoPayload = (
  details: VideoDetails,
  principal: Principal,
  mediaUrl: MediaUrl,
): VideoPayload => {
  const { video, collection } = details;
  const media = mediaPayloads(details, mediaUrl);
  return {
    key: hexKey(video.key),
    created_at: apiTimestamp(video.createdAt),
    title: video.title,
    description: video.description,
    collection_key: hexKey(collection.key),
    collection_title: collection.title,
    multiangle: video.multiangle,
    status: video.status,
    videofile_set: media.videofile_set,
    videothumbnail_set: media.videothumbnail_set,
    videosubtitle_set: media.videosubtitle_set,
    view_lists: video.viewLists,
    collection_view_lists: collection.viewLists,
    is_public: video.isPublic,
    is_private: video.isPrivate,
    is_logged_in_only: video.isLoggedInOnly,
    sources: playbackSources(details, mediaUrl),
    youtube_id: exposedYouTubeId(details.youtube),
    cloudfront_url: shareableUrl(details.files, collection, principal, mediaUrl),
    cta_link: video.ctaLink,
    duration: video.duration,
  };
};

/** One video of a collection's detail. */
export const simpleVideoPayload = (
  media: VideoMedia,
  collection: Collection,
  principal: Principal,
  mediaUrl: MediaUrl,
): SimpleVideoPayload => {
  const { video } = media;
  const payloads = mediaPayloads(media, mediaUrl);
  return {
    key: hexKey(video.key),
    created_at: apiTimestamp(video.createdAt),
    title: video.title,
    description: video.description,
    videofile_set: payloads.videofile_set,
    videosubtitle_set: payloads.videosubtitle_set,
    is_public: video.isPublic,
    is_private: video.isPrivate,
    view_lists: video.viewLists,
    collection_view_lists: collection.viewLists,
    videothumbnail_set: payloads.videothumbnail_set,
    status: video.status,
    collection_key: hexKey(collection.key),
    cloudfront_url: shareableUrl(media.files, collection, principal, mediaUrl),
    cta_link: video.ctaLink,
    duration: video.duration,
  };
};
