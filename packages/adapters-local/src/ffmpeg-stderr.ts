/**
 * What ffmpeg's diagnostics say: the input's streams and duration (from `ffmpeg -i <input>`,
 * which describes the input on stderr; no ffprobe is needed), and why a run failed (its last
 * meaningful lines, with the machine's temporary paths replaced by the object's name).
 */

export interface ProbedInput {
  /** `Duration:` of the container; null when ffmpeg says `N/A`. */
  readonly durationSeconds: number | null;
  /** The first video stream that is not cover art, by its absolute index; null when there is none. */
  readonly video: {
    readonly index: number;
    readonly width: number | null;
    readonly height: number | null;
  } | null;
  /** The first audio stream's absolute index. */
  readonly audioStream: number | null;
}

const DURATION = /^\s*Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/m;
// `Stream #0:1`, then an optional `[0x101]` id and `(und)` language, then the kind.
const STREAM = /^\s*Stream #0:(\d+)(?:\[[^\]]*\])?(?:\([^)]*\))?: (Video|Audio): (.*)$/gm;
// A frame size stands alone between separators; codec tags such as `0x31637661` do not match.
const FRAME_SIZE = /(?:^|[\s,])(\d{2,5})x(\d{2,5})(?=[\s,]|$)/;

/** The input as ffmpeg describes it; undefined when ffmpeg could not open it as media. */
export const parseProbe = (stderr: string): ProbedInput | undefined => {
  if (!/^Input #0/m.test(stderr)) return undefined;
  const duration = DURATION.exec(stderr);
  const durationSeconds =
    duration === null ? null : Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]);
  let video: ProbedInput["video"] = null;
  let audioStream: number | null = null;
  for (const match of stderr.matchAll(STREAM)) {
    const index = Number(match[1]);
    const kind = match[2];
    const details = match[3] ?? "";
    if (kind === "Video" && video === null && !details.includes("(attached pic)")) {
      const size = FRAME_SIZE.exec(details);
      video = {
        index,
        width: size === null ? null : Number(size[1]),
        height: size === null ? null : Number(size[2]),
      };
    }
    if (kind === "Audio" && audioStream === null) audioStream = index;
  }
  return { durationSeconds, video, audioStream };
};

/** Lines that say nothing about what went wrong. */
const NOISE: ReadonlyArray<RegExp> = [
  /^At least one output file must be specified$/,
  /^Conversion failed!$/,
  /Cannot use rename on non file protocol/,
  /^Exiting normally, received signal/,
];

const MAX_REASON_LINES = 4;
const MAX_REASON_LENGTH = 1000;

/**
 * ffmpeg's reason for a failure: its last meaningful stderr lines, joined, with each
 * `[from, to]` replacement applied (temporary paths become the object's `bucket/key`).
 */
export const failureReason = (
  stderr: string,
  replacements: ReadonlyArray<readonly [string, string]> = [],
): string => {
  const lines = stderr
    .split(/\r?\n|\r/)
    .map((line) => replacements.reduce((text, [from, to]) => text.split(from).join(to), line).trim())
    .filter((line) => line.length > 0);
  const meaningful = lines.filter((line) => !NOISE.some((noise) => noise.test(line)));
  const chosen = (meaningful.length > 0 ? meaningful : lines).slice(-MAX_REASON_LINES).join("; ");
  return chosen.length > MAX_REASON_LENGTH ? `…${chosen.slice(-MAX_REASON_LENGTH)}` : chosen;
};
