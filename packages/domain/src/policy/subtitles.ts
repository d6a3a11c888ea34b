import { Data, Either } from "effect";

/**
 * Subtitle upload policy (docs/upstream.md §6, docs/upstream.md §6): uploads
 * are `.srt` or `.vtt`, storage is always WebVTT. Upstream converted SRT with two regular
 * expressions and stored whatever came out; here the text is checked so that a broken file is
 * refused at upload instead of silently showing no captions in the player.
 */

export type SubtitleFormat = "srt" | "vtt";

export class UnsupportedSubtitleFile extends Data.TaggedError("UnsupportedSubtitleFile")<{
  readonly filename: string;
}> {
  override get message(): string {
    return `'${this.filename}' is not a subtitle file (expected a name ending in .srt or .vtt)`;
  }
}

export class InvalidSubtitles extends Data.TaggedError("InvalidSubtitles")<{
  /** The format the text was read as. */
  readonly format: SubtitleFormat;
  /** Human-readable, starting with `line N:` when one line is at fault. */
  readonly reason: string;
  /** 1-based line of the problem, counted after line endings are normalised; null for the whole file. */
  readonly line: number | null;
}> {
  override get message(): string {
    return `invalid ${this.format.toUpperCase()} subtitles: ${this.reason}`;
  }
}

export const subtitleFormatFromFilename = (
  filename: string,
): Either.Either<SubtitleFormat, UnsupportedSubtitleFile> => {
  const lowered = filename.toLowerCase();
  if (lowered.endsWith(".srt")) return Either.right("srt");
  if (lowered.endsWith(".vtt")) return Either.right("vtt");
  return Either.left(new UnsupportedSubtitleFile({ filename }));
};

const BYTE_ORDER_MARK = "\uFEFF";

/** Lines of the text without a leading byte order mark, splitting on CRLF, CR and LF alike. */
const splitLines = (text: string): Array<string> =>
  (text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text).split(/\r\n|\r|\n/);

const isBlank = (line: string): boolean => /^[ \t]*$/.test(line);

const QUOTED_LINE_LIMIT = 60;

// Reasons end up in API responses and logs; a binary file can have one enormous "line".
const quoteLine = (line: string): string =>
  `'${line.length > QUOTED_LINE_LIMIT ? `${line.slice(0, QUOTED_LINE_LIMIT)}…` : line}'`;

interface Timestamp {
  readonly milliseconds: number;
  readonly text: string;
}

const timestamp = (
  hours: string | undefined,
  minutes: string,
  seconds: string,
  fraction: string,
): Timestamp => {
  const paddedHours = (hours ?? "").padStart(2, "0");
  return {
    milliseconds:
      ((Number(hours ?? "0") * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 + Number(fraction),
    text: `${paddedHours}:${minutes}:${seconds}.${fraction}`,
  };
};

// A cue timing line is any line containing the arrow: VTT forbids "-->" in cue text and SRT uses
// it only as the timing separator, so such a line is either a timing or an error, never text.
const ARROW = "-->";

// SRT always writes hours; one-digit hours (`0:00:01,000`) are common enough from tools to accept
// and are padded on output. Anything after the end time (the `X1:… Y2:…` position extension) has
// no WebVTT meaning and is dropped.
const SRT_TIMESTAMP = String.raw`(\d+):([0-5]\d):([0-5]\d)[,.](\d{3})`;
const SRT_TIMING_LINE = new RegExp(
  String.raw`^[ \t]*${SRT_TIMESTAMP}[ \t]*-->[ \t]*${SRT_TIMESTAMP}(?:[ \t].*)?$`,
);

// WebVTT parser rules: hours are optional and may have any number of digits; minutes and seconds
// are two digits up to 59; the separator is a period. Spaces around the arrow are optional for
// browsers, so they are optional here too; cue settings must be separated by whitespace.
const VTT_TIMESTAMP = String.raw`(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})`;
const VTT_TIMING_LINE = new RegExp(
  String.raw`^[ \t]*${VTT_TIMESTAMP}[ \t]*-->[ \t]*${VTT_TIMESTAMP}(?:[ \t].*)?$`,
);

const VTT_HEADER = /^WEBVTT(?:[ \t].*)?$/;

const SRT_CUE_NUMBER = /^[ \t]*\d+[ \t]*$/;

interface CueTiming {
  readonly start: Timestamp;
  readonly end: Timestamp;
}

const parseTimingLine = (
  format: SubtitleFormat,
  line: string,
  lineNumber: number,
): Either.Either<CueTiming, InvalidSubtitles> => {
  const match = (format === "srt" ? SRT_TIMING_LINE : VTT_TIMING_LINE).exec(line);
  if (match === null) {
    return Either.left(
      new InvalidSubtitles({
        format,
        reason: `line ${lineNumber}: malformed timing ${quoteLine(line)}`,
        line: lineNumber,
      }),
    );
  }
  const [, startHours, startMinutes = "", startSeconds = "", startFraction = ""] = match;
  const [endHours, endMinutes = "", endSeconds = "", endFraction = ""] = match.slice(5);
  const start = timestamp(startHours, startMinutes, startSeconds, startFraction);
  const end = timestamp(endHours, endMinutes, endSeconds, endFraction);
  if (end.milliseconds < start.milliseconds) {
    return Either.left(
      new InvalidSubtitles({
        format,
        reason: `line ${lineNumber}: cue ends (${end.text}) before it starts (${start.text})`,
        line: lineNumber,
      }),
    );
  }
  return Either.right({ start, end });
};

const noCueFound = (format: SubtitleFormat): InvalidSubtitles =>
  new InvalidSubtitles({ format, reason: "no cue timing line found", line: null });

interface SrtCue {
  readonly timing: CueTiming;
  readonly text: Array<string>;
}

/**
 * Converts SubRip text to WebVTT. Cue numbers are dropped only where a timing line follows, so a
 * caption line that is just a number ("42") survives. WebVTT ends a cue at its first blank line,
 * so text that an SRT cue spreads over blank lines is joined into one block instead of being lost.
 */
export const srtToVtt = (text: string): Either.Either<string, InvalidSubtitles> => {
  const lines = splitLines(text);
  // Checked first so that a file that is not subtitles at all gets that reason, not a complaint
  // about its first line.
  if (!lines.some((line) => line.includes(ARROW))) return Either.left(noCueFound("srt"));
  const cues: Array<SrtCue> = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? "";
    const lineNumber = index + 1;
    if (line.includes(ARROW)) {
      const timing = parseTimingLine("srt", line, lineNumber);
      if (Either.isLeft(timing)) return Either.left(timing.left);
      cues.push({ timing: timing.right, text: [] });
      continue;
    }
    if (isBlank(line)) continue;
    if (SRT_CUE_NUMBER.test(line) && (lines[index + 1] ?? "").includes(ARROW)) continue;
    const currentCue = cues.at(-1);
    if (currentCue === undefined) {
      return Either.left(
        new InvalidSubtitles({
          format: "srt",
          reason: `line ${lineNumber}: text before the first cue timing line ${quoteLine(line)}`,
          line: lineNumber,
        }),
      );
    }
    currentCue.text.push(line);
  }
  const blocks = cues.map((cue) =>
    [`${cue.timing.start.text} --> ${cue.timing.end.text}`, ...cue.text].join("\n"),
  );
  return Either.right(`WEBVTT\n\n${blocks.join("\n\n")}\n`);
};

/** Whether the text opens with a WebVTT signature line (after an optional byte order mark). */
export const hasVttHeader = (text: string): boolean => VTT_HEADER.test(splitLines(text)[0] ?? "");

/**
 * Checks WebVTT text and returns it with the byte order mark removed, LF line endings and exactly
 * one trailing newline. A file without any cue is refused: it would be stored and offered as a
 * caption track that never shows anything.
 */
export const validateVtt = (text: string): Either.Either<string, InvalidSubtitles> => {
  const lines = splitLines(text);
  const header = lines[0] ?? "";
  if (!VTT_HEADER.test(header)) {
    return Either.left(
      new InvalidSubtitles({
        format: "vtt",
        reason: `line 1: missing WEBVTT header, found ${quoteLine(header)}`,
        line: 1,
      }),
    );
  }
  if (header.includes(ARROW)) {
    return Either.left(
      new InvalidSubtitles({ format: "vtt", reason: "line 1: the WEBVTT header contains '-->'", line: 1 }),
    );
  }
  let cueCount = 0;
  for (let index = 1; index < lines.length; index += 1) {
    const line = lines[index] ?? "";
    if (!line.includes(ARROW)) continue;
    const timing = parseTimingLine("vtt", line, index + 1);
    if (Either.isLeft(timing)) return Either.left(timing.left);
    cueCount += 1;
  }
  if (cueCount === 0) return Either.left(noCueFound("vtt"));
  while (lines.length > 1 && isBlank(lines.at(-1) ?? "")) lines.pop();
  return Either.right(`${lines.join("\n")}\n`);
};

export interface NormalisedSubtitles {
  readonly vtt: string;
  /** The format the content was read as, which can differ from the file's extension. */
  readonly format: SubtitleFormat;
}

/**
 * Turns an uploaded subtitle file into the WebVTT text to store. The extension decides only
 * whether the file is accepted; the content decides how it is read, because mislabelled files are
 * common (an `.srt` that is really WebVTT, a `.vtt` that is really SubRip).
 */
export const normaliseSubtitles = (
  filename: string,
  text: string,
): Either.Either<NormalisedSubtitles, UnsupportedSubtitleFile | InvalidSubtitles> =>
  Either.flatMap(
    subtitleFormatFromFilename(filename),
    (declaredFormat): Either.Either<NormalisedSubtitles, InvalidSubtitles> => {
      if (hasVttHeader(text)) {
        return Either.map(validateVtt(text), (vtt) => ({ vtt, format: "vtt" as const }));
      }
      const converted = Either.map(srtToVtt(text), (vtt) => ({ vtt, format: "srt" as const }));
      if (declaredFormat === "srt") return converted;
      // The uploader said WebVTT, so the missing header is the first thing to tell them about.
      return Either.mapLeft(
        converted,
        (srtError) =>
          new InvalidSubtitles({
            format: "vtt",
            reason: `line 1: missing WEBVTT header, and the text is not SRT either (${srtError.reason})`,
            line: 1,
          }),
      );
    },
  );
