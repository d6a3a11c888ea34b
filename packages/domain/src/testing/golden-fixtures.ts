import type { Collection } from "../model/collection.js";
import { collectionDefaults } from "../model/collection.js";
import type { CollectionKey, VideoKey } from "../model/keys.js";
import { hexKey } from "../model/keys.js";
import type { UserId } from "../model/user.js";
import type { Video } from "../model/video.js";
import { videoDefaults } from "../model/video.js";
import type { VideoFile, VideoSubtitle, VideoThumbnail } from "../model/video-file.js";
import type { YouTubeVideo } from "../model/youtube-video.js";
import type { VideoDetails } from "../ports/video-repository.js";

/**
 * Fixed entities for the projection tests' golden objects: the golden JSON needs known keys,
 * ids and times, which the shared builders (fresh keys on every call) do not give.
 */

export const GOLDEN_VIDEO_KEY = "96fb932a-a564-4d8e-8f6a-5fafe42caa87" as VideoKey;
export const GOLDEN_VIDEO_HEX = "96fb932aa5644d8e8f6a5fafe42caa87";
export const GOLDEN_COLLECTION_KEY = "ab12cd34-ef56-4890-a234-567890abcdef" as CollectionKey;
export const GOLDEN_COLLECTION_HEX = "ab12cd34ef564890a234567890abcdef";
export const GOLDEN_OWNER_ID = 7 as UserId;
export const CREATED_AT = new Date("2020-03-23T15:14:38.254Z");
export const CDN = "https://d3tsb3m56iwvoq.cloudfront.net";

/** Plain CDN URLs, as the caller binds them for public videos. */
export const plainUrl = (key: string): string => `${CDN}/${key}`;

export const goldenCollection = (overrides: Partial<Collection> = {}): Collection => ({
  ...collectionDefaults,
  key: GOLDEN_COLLECTION_KEY,
  title: "Test Collection",
  description: "",
  ownerId: GOLDEN_OWNER_ID,
  createdAt: new Date("2019-01-02T03:04:05.006Z"),
  updatedAt: new Date("2019-01-02T03:04:05.006Z"),
  ...overrides,
});

export const goldenVideo = (overrides: Partial<Video> = {}): Video => ({
  ...videoDefaults,
  key: GOLDEN_VIDEO_KEY,
  collectionKey: GOLDEN_COLLECTION_KEY,
  title: "Introduction to Machine Learning",
  description: "Lecture 1",
  sourceUrl: "https://www.dropbox.com/s/abc/lecture.mp4?dl=0",
  status: "Complete",
  duration: 3661,
  createdAt: CREATED_AT,
  updatedAt: CREATED_AT,
  ...overrides,
});

const DEFAULT_FILE_KEYS: Readonly<Record<string, (hex: string) => string>> = {
  original: (hex) => `${hex}/video.mp4`,
  HLS: (hex) => `transcoded/${hex}/video__index.m3u8`,
  desktop_mp4: (hex) => `transcoded/${hex}/video_custom.mp4`,
};

export const fileOf = (
  video: Pick<Video, "key">,
  id: number,
  encoding: string,
  overrides: Partial<VideoFile> = {},
): VideoFile => {
  const hex = hexKey(video.key);
  return {
    id,
    videoKey: video.key,
    s3ObjectKey: (DEFAULT_FILE_KEYS[encoding] ?? ((h: string) => `transcoded/${h}/video_${encoding}.mp4`))(
      hex,
    ),
    bucketName: encoding === "original" ? "ovs-uploads" : "ovs-transcoded",
    presetId: "",
    encoding,
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    ...overrides,
  };
};

export const thumbnailOf = (
  video: Pick<Video, "key">,
  id: number,
  overrides: Partial<VideoThumbnail> = {},
): VideoThumbnail => ({
  id,
  videoKey: video.key,
  s3ObjectKey: `thumbnails/${hexKey(video.key)}/video_thumbnail.0000000.jpg`,
  bucketName: "ovs-thumbnails",
  presetId: "",
  maxWidth: null,
  maxHeight: null,
  createdAt: CREATED_AT,
  updatedAt: CREATED_AT,
  ...overrides,
});

export const subtitleOf = (
  video: Pick<Video, "key">,
  id: number,
  language: string,
  overrides: Partial<VideoSubtitle> = {},
): VideoSubtitle => ({
  id,
  videoKey: video.key,
  s3ObjectKey: `subtitles/${hexKey(video.key)}/subtitles_${hexKey(video.key)}_20200323161715_${language}.vtt`,
  bucketName: "ovs-subtitles",
  presetId: "",
  filename: `lecture1_${language}.vtt`,
  language,
  createdAt: new Date("2020-03-23T16:17:15.000Z"),
  updatedAt: new Date("2020-03-23T16:17:15.000Z"),
  ...overrides,
});

export const processedYouTube = (video: Pick<Video, "key">, youtubeId = "dQw4w9WgXcQ"): YouTubeVideo => ({
  videoKey: video.key,
  youtubeId,
  status: "processed",
  createdAt: CREATED_AT,
  updatedAt: CREATED_AT,
});

/** A Complete video with the pipeline's usual rows: original, HLS, MP4, a thumbnail, English captions. */
export const goldenDetails = (
  overrides: { readonly video?: Partial<Video>; readonly collection?: Partial<Collection> } = {},
): VideoDetails => {
  const video = goldenVideo(overrides.video);
  return {
    video,
    collection: goldenCollection(overrides.collection),
    files: [fileOf(video, 1, "original"), fileOf(video, 2, "HLS"), fileOf(video, 3, "desktop_mp4")],
    thumbnails: [thumbnailOf(video, 1315)],
    subtitles: [subtitleOf(video, 20, "en")],
    youtube: null,
  };
};
