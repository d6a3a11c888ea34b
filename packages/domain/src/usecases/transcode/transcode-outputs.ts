import { Either } from "effect";
import type { EncodeJobPurpose } from "../../model/encode-job.js";
import type { VideoKey } from "../../model/keys.js";
import { hexKey } from "../../model/keys.js";
import type { KeySpace } from "../../model/storage-keys.js";
import {
  folderOf,
  liveKeyForStagedKey,
  retranscodeStagingPrefix,
  thumbnailPrefix,
  transcodePrefix,
} from "../../model/storage-keys.js";
import type { ObjectLocation } from "../../ports/object-store.js";
import type { TranscodeOutcome } from "../../ports/transcoder.js";
import type { DomainSettings } from "../settings.js";
import { UnexpectedTranscodeOutput } from "./transcode-errors.js";
import { liveThumbnailKeyForStagedKey, retranscodeThumbnailStagingPrefix } from "./transcode-request.js";

export type TranscodeSucceeded = Extract<TranscodeOutcome, { readonly _tag: "TranscodeSucceeded" }>;
export type TranscodeFailed = Extract<TranscodeOutcome, { readonly _tag: "TranscodeFailed" }>;

export interface LiveThumbnail {
  readonly live: ObjectLocation;
  /** Where a retranscode left the new frame; null when the transcoder wrote it live. */
  readonly staged: ObjectLocation | null;
  readonly width: number | null;
  readonly height: number | null;
}

/** Where a successful job's outputs are served from once it is applied. */
export interface LiveOutputs {
  readonly hlsPlaylist: ObjectLocation;
  readonly mp4: ObjectLocation | null;
  readonly thumbnails: ReadonlyArray<LiveThumbnail>;
}

const SPACES: ReadonlyArray<KeySpace> = ["public", "restricted"];

/** Thumbnail rows store positive sizes or nothing; upstream's 0 for "not reported" becomes null. */
const frameSize = (size: number | null): number | null => (size !== null && size > 0 ? size : null);

/**
 * Checks every output a job reports against where it was sent, and says where each is served
 * from. A first transcode writes live, into the public or the restricted space (the video's
 * visibility may have changed while it ran; the visibility move takes care of that). A
 * retranscode writes into staging; its live keys are the staged ones under the live prefix of
 * `space`, the video's key space now.
 */
export const liveOutputsOf = (input: {
  readonly outcome: TranscodeSucceeded;
  readonly videoKey: VideoKey;
  readonly purpose: EncodeJobPurpose;
  readonly space: KeySpace;
  readonly buckets: Pick<DomainSettings["buckets"], "transcode" | "thumbnail">;
}): Either.Either<LiveOutputs, UnexpectedTranscodeOutput> => {
  const { outcome, buckets, space } = input;
  const hex = hexKey(input.videoKey);
  const retranscode = input.purpose === "retranscode";

  const unexpected = (location: ObjectLocation, bucket: string, prefixes: ReadonlyArray<string>) =>
    new UnexpectedTranscodeOutput({
      jobId: outcome.jobId,
      bucket: location.bucket,
      key: location.key,
      expected: prefixes.map((prefix) => `${bucket}/${prefix}/`).join(" or "),
    });

  const videoOutput = (
    location: ObjectLocation,
  ): Either.Either<ObjectLocation, UnexpectedTranscodeOutput> => {
    const prefixes = retranscode
      ? [retranscodeStagingPrefix(hex)]
      : SPACES.map((candidate) => transcodePrefix(hex, candidate));
    const inside =
      location.bucket === buckets.transcode &&
      prefixes.some((prefix) => location.key.startsWith(`${prefix}/`));
    if (!inside) return Either.left(unexpected(location, buckets.transcode, prefixes));
    if (!retranscode) return Either.right(location);
    const live = liveKeyForStagedKey(location.key, hex, space);
    return live === undefined
      ? Either.left(unexpected(location, buckets.transcode, prefixes))
      : Either.right({ bucket: buckets.transcode, key: live });
  };

  const thumbnailOutput = (
    thumbnail: TranscodeSucceeded["thumbnails"][number],
  ): Either.Either<LiveThumbnail, UnexpectedTranscodeOutput> => {
    const location = { bucket: thumbnail.bucket, key: thumbnail.key };
    const prefixes = retranscode
      ? [retranscodeThumbnailStagingPrefix(hex)]
      : SPACES.map((candidate) => thumbnailPrefix(hex, candidate));
    const inside =
      location.bucket === buckets.thumbnail &&
      prefixes.some((prefix) => location.key.startsWith(`${prefix}/`));
    const liveKey = !inside
      ? undefined
      : retranscode
        ? liveThumbnailKeyForStagedKey(location.key, hex, space)
        : location.key;
    if (liveKey === undefined) return Either.left(unexpected(location, buckets.thumbnail, prefixes));
    return Either.right({
      live: { bucket: buckets.thumbnail, key: liveKey },
      staged: retranscode ? location : null,
      width: frameSize(thumbnail.width),
      height: frameSize(thumbnail.height),
    });
  };

  return Either.gen(function* () {
    const hlsPlaylist = yield* videoOutput(outcome.hlsPlaylist);
    const mp4 = outcome.mp4 === null ? null : yield* videoOutput(outcome.mp4);
    const thumbnails: Array<LiveThumbnail> = [];
    for (const thumbnail of outcome.thumbnails) thumbnails.push(yield* thumbnailOutput(thumbnail));
    return { hlsPlaylist, mp4, thumbnails };
  });
};

/**
 * What the CDN must forget once a retranscode's outputs replaced the live ones (upstream
 * `_collect_output_keys` and `_invalidate_cloudfront_paths`): every output key, plus a wildcard
 * over the HLS folder for the variant playlists and segments the outcome does not list.
 */
export const retranscodeInvalidationPaths = (outputs: LiveOutputs): ReadonlyArray<string> => {
  const paths = [
    outputs.hlsPlaylist.key,
    `${folderOf(outputs.hlsPlaylist.key)}/*`,
    ...(outputs.mp4 === null ? [] : [outputs.mp4.key]),
    ...outputs.thumbnails.map((thumbnail) => thumbnail.live.key),
  ];
  return [...new Set(paths)];
};
