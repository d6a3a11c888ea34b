import { Schema } from "effect";
import { VideoKeySchema } from "./keys.js";
import { BucketName, ObjectKey, Timestamps } from "./fields.js";

/**
 * Encoding names (upstream `ui/encodings.py`). The pipeline produces `original`, `HLS` and
 * `desktop_mp4`; the rest are legacy Elastic Transcoder renditions that old rows still carry.
 * Case matters.
 */
export const Encoding = {
  original: "original",
  hls: "HLS",
  desktopMp4: "desktop_mp4",
  hd: "HD",
  large: "large",
  medium: "medium",
  basic: "basic",
  small: "small",
} as const;

/** Legacy MP4 ladder, best first; `download` and `sources` order by it. */
export const LEGACY_MP4_LADDER: ReadonlyArray<string> = ["HD", "large", "medium", "basic", "small"];

/** Common to every object OVS tracks in a bucket. */
const StoredObjectFields = {
  id: Schema.Int.pipe(Schema.positive()),
  videoKey: VideoKeySchema,
  /** Unique within each kind of stored object. */
  s3ObjectKey: ObjectKey,
  bucketName: BucketName,
  /** Legacy transcoder preset; transcode outputs store "". */
  presetId: Schema.NullOr(Schema.String),
  ...Timestamps,
};

export const VideoFile = Schema.Struct({
  ...StoredObjectFields,
  encoding: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(128)),
});
export type VideoFile = typeof VideoFile.Type;

export const VideoThumbnail = Schema.Struct({
  ...StoredObjectFields,
  maxWidth: Schema.NullOr(Schema.Int.pipe(Schema.positive())),
  maxHeight: Schema.NullOr(Schema.Int.pipe(Schema.positive())),
});
export type VideoThumbnail = typeof VideoThumbnail.Type;

export const VideoSubtitle = Schema.Struct({
  ...StoredObjectFields,
  /** The name the file was uploaded with (may end in .srt; the stored object is always VTT). */
  filename: Schema.String.pipe(Schema.maxLength(1024)),
  language: Schema.String.pipe(Schema.pattern(/^[a-z]{2}$/)),
});
export type VideoSubtitle = typeof VideoSubtitle.Type;

/** Rank of an encoding in the legacy ladder; anything else ranks `otherwise` (upstream tie rules). */
const ladderRank = (encoding: string, otherwise: number): number => {
  const index = LEGACY_MP4_LADDER.indexOf(encoding);
  return index === -1 ? otherwise : index;
};

/** The first `original` file, if any (upstream `Video.original_video`). */
export const originalFileOf = (files: ReadonlyArray<VideoFile>): VideoFile | undefined =>
  files.find((file) => file.encoding === Encoding.original);

/**
 * Every file but the original, in the legacy ladder order; HLS and desktop_mp4 tie with HD,
 * and ties keep their given order (stable sort), as upstream `Video.transcoded_videos`.
 */
export const transcodedFilesOf = (files: ReadonlyArray<VideoFile>): ReadonlyArray<VideoFile> =>
  files
    .filter((file) => file.encoding !== Encoding.original)
    .map((file, index) => ({ file, index, rank: ladderRank(file.encoding, 0) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ file }) => file);

/**
 * The file to download: every file but HLS, legacy ladder first, anything else (original,
 * desktop_mp4) after it in given order (upstream `Video.download`).
 */
export const downloadFileOf = (files: ReadonlyArray<VideoFile>): VideoFile | undefined =>
  files
    .filter((file) => file.encoding !== Encoding.hls)
    .map((file, index) => ({ file, index, rank: ladderRank(file.encoding, 5) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ file }) => file)[0];
