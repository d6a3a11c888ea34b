import type { VideoFile, VideoSubtitle, VideoThumbnail } from "../../model/video-file.js";
import { languageName } from "../../model/languages.js";
import { apiTimestamp } from "./api-timestamp.js";

/**
 * The URL a viewer fetches an object at. The caller binds it per video: plain CDN URLs for
 * public videos, signed ones for protected videos (docs/architecture.md §6.6), so projections stay
 * pure.
 */
export type MediaUrl = (s3ObjectKey: string) => string;

/** Upstream `VideoFileSerializer`. */
export interface VideoFilePayload {
  readonly id: number;
  readonly created_at: string;
  readonly s3_object_key: string;
  readonly encoding: string;
  readonly bucket_name: string;
  readonly cloudfront_url: string;
}

/** Upstream `VideoThumbnailSerializer`. */
export interface VideoThumbnailPayload {
  readonly id: number;
  readonly created_at: string;
  readonly s3_object_key: string;
  readonly bucket_name: string;
  readonly cloudfront_url: string;
}

/** Upstream `VideoSubtitleSerializer`: no URL; players build one from the CDN host and the key. */
export interface VideoSubtitlePayload {
  readonly id: number;
  readonly created_at: string;
  readonly filename: string;
  readonly s3_object_key: string;
  readonly bucket_name: string;
  readonly language: string;
  /** Null for a code pycountry does not know (upstream failed with a 500 there). */
  readonly language_name: string | null;
}

export const videoFilePayload = (file: VideoFile, mediaUrl: MediaUrl): VideoFilePayload => ({
  id: file.id,
  created_at: apiTimestamp(file.createdAt),
  s3_object_key: file.s3ObjectKey,
  encoding: file.encoding,
  bucket_name: file.bucketName,
  cloudfront_url: mediaUrl(file.s3ObjectKey),
});

export const videoThumbnailPayload = (
  thumbnail: VideoThumbnail,
  mediaUrl: MediaUrl,
): VideoThumbnailPayload => ({
  id: thumbnail.id,
  created_at: apiTimestamp(thumbnail.createdAt),
  s3_object_key: thumbnail.s3ObjectKey,
  bucket_name: thumbnail.bucketName,
  cloudfront_url: mediaUrl(thumbnail.s3ObjectKey),
});

export const videoSubtitlePayload = (subtitle: VideoSubtitle): VideoSubtitlePayload => ({
  id: subtitle.id,
  created_at: apiTimestamp(subtitle.createdAt),
  filename: subtitle.filename,
  s3_object_key: subtitle.s3ObjectKey,
  bucket_name: subtitle.bucketName,
  language: subtitle.language,
  language_name: languageName(subtitle.language),
});

/**
 * Thumbnails newest first (upstream `VideoThumbnail.Meta.ordering = ["-created_at"]`); the id
 * breaks ties so the order never depends on how rows came back.
 */
export const thumbnailsNewestFirst = (
  thumbnails: ReadonlyArray<VideoThumbnail>,
): ReadonlyArray<VideoThumbnail> =>
  [...thumbnails].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id);
