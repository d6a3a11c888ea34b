import type { Collection } from "../../model/collection.js";
import type { EncodeJobPurpose } from "../../model/encode-job.js";
import type { HexKey } from "../../model/keys.js";
import { hexKey } from "../../model/keys.js";
import {
  RETRANSCODE_FOLDER,
  retranscodeStagingPrefix,
  THUMBNAIL_PREFIX,
  thumbnailPrefix,
  transcodePrefix,
} from "../../model/storage-keys.js";
import type { KeySpace } from "../../model/storage-keys.js";
import type { Video } from "../../model/video.js";
import { mediaKeySpaceOf } from "../../policy/media-key-space.js";
import type { ObjectLocation } from "../../ports/object-store.js";
import type { TranscodeRequest } from "../../ports/transcoder.js";
import type { DomainSettings } from "../settings.js";

/**
 * Staging folder, in the thumbnail bucket, for the frame a retranscode captures. A replaced
 * video needs a new thumbnail, but the old outputs (and their thumbnail) stay live until the
 * new transcode completes, so the new frame waits here with the rest of the staged outputs.
 */
export const retranscodeThumbnailStagingPrefix = (hex: HexKey): string =>
  `${RETRANSCODE_FOLDER}/${THUMBNAIL_PREFIX}/${hex}`;

/** Where a staged thumbnail goes live: the staging folder is swapped for the live thumbnail prefix. */
export const liveThumbnailKeyForStagedKey = (
  stagedKey: string,
  hex: HexKey,
  space: KeySpace,
): string | undefined => {
  const staging = `${retranscodeThumbnailStagingPrefix(hex)}/`;
  return stagedKey.startsWith(staging)
    ? `${thumbnailPrefix(hex, space)}/${stagedKey.slice(staging.length)}`
    : undefined;
};

/** A retranscode is what a video waiting in `Retranscode scheduled` gets; anything else is a first transcode. */
export const transcodePurposeFor = (video: Pick<Video, "status">): EncodeJobPurpose =>
  video.status === "Retranscode scheduled" ? "retranscode" : "transcode";

/**
 * Whether a retranscode must capture a new thumbnail. Upstream never does (a plain retranscode
 * re-encodes the same content, so the frame would be the same), but after a replacement the
 * content changed and the old frame would be stale. The rule needs no flag from whoever
 * scheduled the retranscode: the live thumbnail is stale when the original object was written
 * after the newest thumbnail was recorded (a replacement upload overwrites the original; a
 * thumbnail upload by an admin after it counts as fresh), and a video without any thumbnail
 * gets one. When the store cannot tell when the original was written, the thumbnail is kept,
 * as upstream does.
 */
export const retranscodeNeedsThumbnail = (input: {
  readonly originalWrittenAt: Date | null;
  /** When each of the video's thumbnail rows was last written. */
  readonly thumbnailsWrittenAt: ReadonlyArray<Date>;
}): boolean => {
  if (input.thumbnailsWrittenAt.length === 0) return true;
  if (input.originalWrittenAt === null) return false;
  const newestThumbnail = Math.max(...input.thumbnailsWrittenAt.map((at) => at.getTime()));
  return input.originalWrittenAt.getTime() > newestThumbnail;
};

export interface TranscodeRequestInput {
  readonly video: Pick<Video, "key" | "status" | "isPublic">;
  readonly collection: Pick<Collection, "forShorts" | "edxCourseId">;
  /** The original upload the transcoder reads. */
  readonly original: ObjectLocation;
  /** Lecture-capture recordings get HLS only (upstream `process_watch_file`). */
  readonly fromWatchBucket: boolean;
  /** Only read for a retranscode: see `retranscodeNeedsThumbnail`. */
  readonly retranscodeThumbnail: boolean;
  readonly buckets: Pick<DomainSettings["buckets"], "transcode" | "thumbnail">;
  /**
   * What the job is for; by default what the video's status calls for (`transcodePurposeFor`).
   * A resubmission names the purpose of the job it replaces: its video already waits in
   * `Transcoding` or `Retranscoding`.
   */
  readonly purpose?: EncodeJobPurpose;
}

/**
 * The transcode job for a video (upstream `transcode_video` and the MediaConvert group
 * settings). A first transcode writes straight into the live prefixes of the video's key
 * space; a retranscode writes into staging folders, which replace the live outputs only once
 * the job completes, so viewers keep the old outputs meanwhile.
 */
export const transcodeRequestFor = (input: TranscodeRequestInput): TranscodeRequest => {
  const { video, buckets } = input;
  const hex = hexKey(video.key);
  const space = mediaKeySpaceOf(video, input.collection);
  const purpose = input.purpose ?? transcodePurposeFor(video);
  const retranscode = purpose === "retranscode";
  return {
    videoKey: video.key,
    purpose,
    input: input.original,
    destination: {
      bucket: buckets.transcode,
      prefix: retranscode ? retranscodeStagingPrefix(hex) : transcodePrefix(hex, space),
    },
    thumbnail: !retranscode
      ? { bucket: buckets.thumbnail, prefix: thumbnailPrefix(hex, space) }
      : input.retranscodeThumbnail
        ? { bucket: buckets.thumbnail, prefix: retranscodeThumbnailStagingPrefix(hex) }
        : null,
    includeMp4: !input.fromWatchBucket,
    orientation: input.collection.forShorts ? "portrait" : "landscape",
  };
};
