import type { ObjectLocation, TranscodedThumbnail, TranscodeOutcome, VideoKey } from "@ovs/domain";
import { HLS_PLAYLIST_SUFFIX } from "@ovs/domain";
import { Either } from "effect";

/**
 * What a finished MediaConvert job wrote, in one shape whether it came from a completion event
 * (paths as MediaConvert reports them) or from `GetJob` (paths from the job's own destinations
 * and name modifiers), and how that becomes the domain's successful outcome. Which of these
 * paths belong to the video is the domain's call; here they are only read strictly.
 */

export type TranscodeSucceeded = Extract<TranscodeOutcome, { readonly _tag: "TranscodeSucceeded" }>;
export type TranscodeFailed = Extract<TranscodeOutcome, { readonly _tag: "TranscodeFailed" }>;

export interface ReportedOutput {
  readonly filePaths: ReadonlyArray<string>;
  readonly durationMs: number | null;
  readonly width: number | null;
  readonly height: number | null;
}

export interface ReportedOutputGroup {
  /** `HLS_GROUP` or `FILE_GROUP`, as the events name them. */
  readonly type: string;
  readonly playlistFilePaths: ReadonlyArray<string>;
  readonly outputs: ReadonlyArray<ReportedOutput>;
}

/** The buckets outputs may land in; anything else is refused. */
export interface OutputBuckets {
  /** `VIDEO_S3_TRANSCODE_BUCKET`: HLS and MP4. */
  readonly transcode: string;
  /** `VIDEO_S3_THUMBNAIL_BUCKET`: captured frames. */
  readonly thumbnail: string;
}

const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * `s3://bucket/key`, strictly: a DNS-valid bucket name, a non-empty key that does not start
 * with `/`, no control characters, nothing URL-encoded or relative (`.`/`..` segments).
 */
export const parseS3Uri = (uri: string): Either.Either<ObjectLocation, string> => {
  const match = S3_URI.exec(uri);
  const bucket = match?.[1];
  const key = match?.[2];
  if (bucket === undefined || key === undefined) return Either.left(`'${uri}' is not an s3://bucket/key URI`);
  if (bucket.includes("..")) return Either.left(`'${uri}' names an invalid bucket`);
  if (key.startsWith("/") || CONTROL_CHARACTERS.test(key)) return Either.left(`'${uri}' has an invalid key`);
  if (key.split("/").some((segment) => segment === "." || segment === "..")) {
    return Either.left(`'${uri}' has a relative key`);
  }
  return Either.right({ bucket, key });
};

const isType = (group: ReportedOutputGroup, type: "HLS_GROUP" | "FILE_GROUP"): boolean =>
  group.type.toUpperCase().includes(type);

const located = (
  uri: string,
  expectedBucket: string | null,
  what: string,
): Either.Either<ObjectLocation, string> =>
  Either.flatMap(parseS3Uri(uri), (location) =>
    expectedBucket !== null && location.bucket !== expectedBucket
      ? Either.left(`the ${what} ${uri} is not in the configured bucket '${expectedBucket}'`)
      : Either.right(location),
  );

/**
 * The successful outcome (upstream `process_transcode_results`): the HLS group's `…__index.m3u8`
 * playlist, the first `.mp4` and every `.jpg` of the file groups (a frame's size from its
 * output's video details), and the duration of the first output of the first group. With
 * `buckets`, an output outside the configured buckets refuses the whole report.
 */
export const succeededOutcome = (input: {
  readonly jobId: string;
  /** Absent for jobs the previous system submitted, which named no video. */
  readonly videoKey: VideoKey | undefined;
  readonly groups: ReadonlyArray<ReportedOutputGroup>;
  readonly buckets: OutputBuckets | null;
}): Either.Either<TranscodeSucceeded, string> =>
  Either.gen(function* () {
    const { groups, buckets } = input;
    const playlistUri = groups
      .filter((group) => isType(group, "HLS_GROUP"))
      .flatMap((group) => group.playlistFilePaths)
      .find((path) => path.endsWith(HLS_PLAYLIST_SUFFIX));
    if (playlistUri === undefined) {
      return yield* Either.left(
        `job ${input.jobId} reported no HLS playlist ending in ${HLS_PLAYLIST_SUFFIX}`,
      );
    }
    const hlsPlaylist = yield* located(playlistUri, buckets?.transcode ?? null, "HLS playlist");

    const fileOutputs = groups
      .filter((group) => isType(group, "FILE_GROUP"))
      .flatMap((group) => group.outputs);
    const mp4Uri = fileOutputs.flatMap((output) => output.filePaths).find((path) => path.endsWith(".mp4"));
    const mp4 = mp4Uri === undefined ? null : yield* located(mp4Uri, buckets?.transcode ?? null, "MP4");

    const thumbnails: Array<TranscodedThumbnail> = [];
    for (const output of fileOutputs) {
      for (const path of output.filePaths.filter((candidate) => candidate.endsWith(".jpg"))) {
        const location = yield* located(path, buckets?.thumbnail ?? null, "thumbnail");
        thumbnails.push({ ...location, width: output.width, height: output.height });
      }
    }

    const firstDuration = groups[0]?.outputs[0]?.durationMs ?? null;
    return {
      _tag: "TranscodeSucceeded" as const,
      jobId: input.jobId,
      ...(input.videoKey === undefined ? {} : { videoKey: input.videoKey }),
      hlsPlaylist,
      mp4,
      thumbnails,
      durationSeconds: firstDuration === null ? null : firstDuration / 1000,
    };
  });
