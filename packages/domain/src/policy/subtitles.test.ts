import { Either } from "effect";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  InvalidSubtitles,
  UnsupportedSubtitleFile,
  hasVttHeader,
  normaliseSubtitles,
  srtToVtt,
  subtitleFormatFromFilename,
  validateVtt,
} from "./subtitles.js";

const expectRight = <A, E>(result: Either.Either<A, E>): A => {
  if (Either.isLeft(result)) throw new Error(`expected Right, got Left ${JSON.stringify(result.left)}`);
  return result.right;
};

const expectLeft = <A, E>(result: Either.Either<A, E>): E => {
  if (Either.isRight(result)) throw new Error(`expected Left, got Right ${JSON.stringify(result.right)}`);
  return result.left;
};

const lines = (...content: Array<string>): string => content.join("\n");

const LECTURE_SRT = lines(
  "1",
  "00:00:01,000 --> 00:00:04,000",
  "Welcome to 6.046.",
  "",
  "2",
  "00:00:04,500 --> 00:00:07,250",
  "Today we cover",
  "divide and conquer.",
  "",
  "3",
  "00:01:10,000 --> 00:01:12,345",
  "<i>The answer is</i>",
  "42",
  "",
  "",
);

// What upstream's convert_srt_to_vtt produces for LECTURE_SRT (run in Python).
const LECTURE_VTT =
  "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nWelcome to 6.046.\n\n00:00:04.500 --> 00:00:07.250\n" +
  "Today we cover\ndivide and conquer.\n\n00:01:10.000 --> 00:01:12.345\n<i>The answer is</i>\n42\n";

const ONE_CUE_VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n";

describe("subtitleFormatFromFilename", () => {
  it.each([
    ["captions.srt", "srt"],
    ["CAPTIONS.SRT", "srt"],
    ["lecture 1 (en).Srt", "srt"],
    ["captions.vtt", "vtt"],
    ["captions.VTT", "vtt"],
    ["folder/captions.vtt", "vtt"],
    ["captions.vtt.srt", "srt"],
  ])("%s is %s", (filename, format) => {
    expect(subtitleFormatFromFilename(filename)).toEqual(Either.right(format));
  });

  it.each([
    "captions.txt",
    "captions.srt.txt",
    "captions",
    "",
    "captionssrt",
    "captions.vtt ",
    "captions.sub",
  ])("refuses %j", (filename) => {
    const error = expectLeft(subtitleFormatFromFilename(filename));
    expect(error).toBeInstanceOf(UnsupportedSubtitleFile);
    expect(error._tag).toBe("UnsupportedSubtitleFile");
    expect(error.filename).toBe(filename);
    expect(error.message).toContain(".srt or .vtt");
  });
});

describe("srtToVtt", () => {
  it("converts a well-formed file exactly as upstream did", () => {
    expect(srtToVtt(LECTURE_SRT)).toEqual(Either.right(LECTURE_VTT));
  });

  it.each([
    ["a byte order mark", `\uFEFF${LECTURE_SRT}`],
    ["CRLF line endings", LECTURE_SRT.replaceAll("\n", "\r\n")],
    ["CR line endings", LECTURE_SRT.replaceAll("\n", "\r")],
    ["no trailing newline", LECTURE_SRT.trimEnd()],
    ["many trailing blank lines", `${LECTURE_SRT}\n\n  \n\t\n`],
    ["leading blank lines", `\n\n${LECTURE_SRT}`],
    ["period millisecond separators", LECTURE_SRT.replaceAll(",", ".")],
    ["BOM, CRLF and no trailing newline together", `\uFEFF${LECTURE_SRT.trimEnd().replaceAll("\n", "\r\n")}`],
    ["whitespace around cue numbers", LECTURE_SRT.replace("\n2\n", "\n 2 \n")],
    ["several blank lines between cues", LECTURE_SRT.replace("\n\n2\n", "\n\n\n\n2\n")],
  ])("handles %s", (_description, input) => {
    const vtt = expectRight(srtToVtt(input));
    expect(vtt).toBe(LECTURE_VTT);
    expect(vtt.startsWith("WEBVTT\n\n")).toBe(true);
    expect(vtt.endsWith("\n")).toBe(true);
    expect(vtt.endsWith("\n\n")).toBe(false);
    expect(vtt).not.toContain("\r");
  });

  it("drops cue numbers only where a timing line follows", () => {
    const input = lines(
      "1",
      "00:00:01,000 --> 00:00:02,000",
      "How many?",
      "3",
      "",
      "2",
      "00:00:03,000 --> 00:00:04,000",
      "7",
      "00:00:05,000 --> 00:00:06,000",
      "",
    );
    expect(srtToVtt(input)).toEqual(
      Either.right(
        lines(
          "WEBVTT",
          "",
          "00:00:01.000 --> 00:00:02.000",
          "How many?",
          "3",
          "",
          "00:00:03.000 --> 00:00:04.000",
          "",
          "00:00:05.000 --> 00:00:06.000",
          "",
        ),
      ),
    );
  });

  it("keeps a caption that is only a number", () => {
    const input = lines(
      "1",
      "00:00:01,000 --> 00:00:02,000",
      "2017",
      "",
      "2",
      "00:00:03,000 --> 00:00:04,000",
      "Hi",
    );
    expect(expectRight(srtToVtt(input))).toBe(
      lines(
        "WEBVTT",
        "",
        "00:00:01.000 --> 00:00:02.000",
        "2017",
        "",
        "00:00:03.000 --> 00:00:04.000",
        "Hi",
        "",
      ),
    );
  });

  it("joins text that a cue spreads over blank lines, since WebVTT would end the cue there", () => {
    const input = lines(
      "1",
      "00:00:01,000 --> 00:00:02,000",
      "first part",
      "",
      "second part",
      "",
      "Credits: MIT",
    );
    expect(expectRight(srtToVtt(input))).toBe(
      lines("WEBVTT", "", "00:00:01.000 --> 00:00:02.000", "first part", "second part", "Credits: MIT", ""),
    );
  });

  it("pads one-digit hours and drops the SRT position extension", () => {
    const input = lines("1", "0:00:01,000 --> 0:00:02,500  X1:100 X2:600 Y1:50 Y2:80", "Hi");
    expect(expectRight(srtToVtt(input))).toBe(lines("WEBVTT", "", "00:00:01.000 --> 00:00:02.500", "Hi", ""));
  });

  it("accepts a cue without text and timings without spaces around the arrow", () => {
    const input = lines(
      "1",
      "00:00:01,000-->00:00:02,000",
      "",
      "2",
      "00:00:02,000 --> 00:00:02,000",
      "Same time",
    );
    expect(expectRight(srtToVtt(input))).toBe(
      lines(
        "WEBVTT",
        "",
        "00:00:01.000 --> 00:00:02.000",
        "",
        "00:00:02.000 --> 00:00:02.000",
        "Same time",
        "",
      ),
    );
  });

  it("keeps unicode and markup in cue text untouched", () => {
    const input = lines(
      "1",
      "00:00:01,000 --> 00:00:02,000",
      "<b>Théorème</b> — 定理 ✓",
      "  indented line  ",
    );
    expect(expectRight(srtToVtt(input))).toBe(
      lines(
        "WEBVTT",
        "",
        "00:00:01.000 --> 00:00:02.000",
        "<b>Théorème</b> — 定理 ✓",
        "  indented line  ",
        "",
      ),
    );
  });

  it.each([
    ["empty input", "", null, "no cue timing line found"],
    ["whitespace", " \n\t\n", null, "no cue timing line found"],
    ["garbage", "\u0000\u0001PK\u0003\u0004 binary junk", null, "no cue timing line found"],
    ["prose", "Hello,\nthis is not a subtitle file.\n", null, "no cue timing line found"],
    ["numbers only", "1\n2\n3\n", null, "no cue timing line found"],
    ["WebVTT text", ONE_CUE_VTT, 1, "line 1: text before the first cue timing line 'WEBVTT'"],
    [
      "a timing without milliseconds",
      lines("1", "00:00:01 --> 00:00:02", "Hi"),
      2,
      "line 2: malformed timing '00:00:01 --> 00:00:02'",
    ],
    [
      "a short MM:SS,mmm timing",
      lines("1", "00:01,000 --> 00:02,000", "Hi"),
      2,
      "line 2: malformed timing '00:01,000 --> 00:02,000'",
    ],
    [
      "minutes out of range",
      lines("1", "00:60:01,000 --> 00:61:02,000", "Hi"),
      2,
      "line 2: malformed timing '00:60:01,000 --> 00:61:02,000'",
    ],
    [
      "two-digit milliseconds",
      lines("1", "00:00:01,00 --> 00:00:02,000", "Hi"),
      2,
      "line 2: malformed timing '00:00:01,00 --> 00:00:02,000'",
    ],
    [
      "an arrow inside cue text",
      lines("1", "00:00:01,000 --> 00:00:02,000", "Hi", "", "2", "00:00:03,000 --> 00:00:04,000", "a --> b"),
      7,
      "line 7: malformed timing 'a --> b'",
    ],
    [
      "a cue that ends before it starts",
      lines(
        "1",
        "00:00:01,000 --> 00:00:02,000",
        "ok",
        "",
        "2",
        "00:00:05,000 --> 00:00:04,999",
        "backwards",
      ),
      6,
      "line 6: cue ends (00:00:04.999) before it starts (00:00:05.000)",
    ],
    [
      "a malformed timing after CRLF lines",
      "1\r\n00:00:01,000 --> 00:00:02,000\r\nHi\r\n\r\n2\r\n00:00:03;000 --> 00:00:04,000\r\n",
      6,
      "line 6: malformed timing '00:00:03;000 --> 00:00:04,000'",
    ],
  ])("refuses %s", (_description, input, line, reason) => {
    const error = expectLeft(srtToVtt(input));
    expect(error).toBeInstanceOf(InvalidSubtitles);
    expect(error._tag).toBe("InvalidSubtitles");
    expect(error).toMatchObject({ format: "srt", line, reason });
  });

  it("shortens a very long offending line in the reason", () => {
    const error = expectLeft(srtToVtt(`${"x".repeat(10_000)} --> y`));
    expect(error.reason.length).toBeLessThan(120);
    expect(error.reason).toMatch(/^line 1: malformed timing 'x+…'$/);
  });

  it("always yields valid WebVTT that round-trips through validateVtt", () => {
    const timestamp = fc
      .record({
        hours: fc.integer({ min: 0, max: 99 }),
        minutes: fc.integer({ min: 0, max: 59 }),
        seconds: fc.integer({ min: 0, max: 59 }),
        milliseconds: fc.integer({ min: 0, max: 999 }),
      })
      .map(
        ({ hours, minutes, seconds, milliseconds }) =>
          [hours, minutes, seconds].map((part) => String(part).padStart(2, "0")).join(":") +
          `,${String(milliseconds).padStart(3, "0")}`,
      );
    const textLine = fc
      .string({ minLength: 1, maxLength: 30, unit: "grapheme" })
      .filter((line) => !line.includes("-->") && !/[\r\n\u2028\u2029]/.test(line) && line.trim() !== "");
    const cue = fc.record({
      start: timestamp,
      end: timestamp,
      text: fc.array(textLine, { maxLength: 3 }),
    });
    fc.assert(
      fc.property(
        fc.array(cue, { minLength: 1, maxLength: 8 }),
        fc.constantFrom("\n", "\r\n"),
        (cues, newline) => {
          const ordered = cues.map(({ start, end, text }) =>
            start <= end ? { start, end, text } : { start: end, end: start, text },
          );
          const srt = ordered
            .map(({ start, end, text }, index) =>
              [String(index + 1), `${start} --> ${end}`, ...text].join(newline),
            )
            .join(newline + newline);
          const vtt = expectRight(srtToVtt(srt));
          expect(vtt.startsWith("WEBVTT\n\n")).toBe(true);
          expect(vtt.endsWith("\n")).toBe(true);
          expect(vtt.endsWith("\n\n")).toBe(false);
          expect(validateVtt(vtt)).toEqual(Either.right(vtt));
          for (const { start, end } of ordered) {
            expect(vtt).toContain(`${start.replace(",", ".")} --> ${end.replace(",", ".")}`);
          }
        },
      ),
    );
  });
});

describe("validateVtt", () => {
  const lectureVtt = lines(
    "WEBVTT - 6.046 Lecture 1",
    "Kind: captions",
    "Language: en",
    "",
    "STYLE",
    "::cue { color: yellow }",
    "",
    "NOTE recorded in 32-123",
    "",
    "intro",
    "00:00:01.000 --> 00:00:04.000 align:start position:10%",
    "Welcome to 6.046.",
    "",
    "00:04.500 --> 00:07.250",
    "Today we cover",
    "divide and conquer.",
    "",
    "101:00:00.000 --> 101:00:01.000 line:0",
    "42",
    "",
  );

  it("accepts a file with header text, blocks, identifiers, settings and both timestamp forms", () => {
    expect(validateVtt(lectureVtt)).toEqual(Either.right(lectureVtt));
  });

  it.each([
    ["a byte order mark", `\uFEFF${lectureVtt}`],
    ["CRLF line endings", lectureVtt.replaceAll("\n", "\r\n")],
    ["CR line endings", lectureVtt.replaceAll("\n", "\r")],
    ["no trailing newline", lectureVtt.trimEnd()],
    ["trailing blank lines", `${lectureVtt}\n\n \n`],
  ])("normalises %s", (_description, input) => {
    expect(validateVtt(input)).toEqual(Either.right(lectureVtt));
  });

  it.each([
    ["WEBVTT\n\n00:01.000 --> 00:02.000\nHi"],
    ["WEBVTT\tTab title\n\n00:01.000 --> 00:02.000\nHi\n"],
    ["WEBVTT\n00:01.000 --> 00:02.000\nHi\n"],
    ["WEBVTT\n\n00:01.000-->00:02.000\nHi\n"],
    ["WEBVTT\n\n  00:00:01.000   -->   00:00:01.000  \nzero length cue\n"],
    ["WEBVTT\n\n0:00:01.000 --> 0:00:02.000\none-digit hours, as browsers read them\n"],
  ])("accepts %j", (input) => {
    expect(Either.isRight(validateVtt(input))).toBe(true);
  });

  it.each([
    ["empty input", "", 1, "line 1: missing WEBVTT header, found ''"],
    ["SRT text", LECTURE_SRT, 1, "line 1: missing WEBVTT header, found '1'"],
    ["garbage", "\u0000\u0001PK junk", 1, "line 1: missing WEBVTT header, found '\u0000\u0001PK junk'"],
    [
      "a lower-case header",
      "webvtt\n\n00:01.000 --> 00:02.000\nHi\n",
      1,
      "line 1: missing WEBVTT header, found 'webvtt'",
    ],
    [
      "a glued header",
      "WEBVTTX\n\n00:01.000 --> 00:02.000\n",
      1,
      "line 1: missing WEBVTT header, found 'WEBVTTX'",
    ],
    [
      "a blank first line",
      "\nWEBVTT\n\n00:01.000 --> 00:02.000\n",
      1,
      "line 1: missing WEBVTT header, found ''",
    ],
    [
      "an arrow in the header",
      "WEBVTT --> x\n\n00:01.000 --> 00:02.000\n",
      1,
      "line 1: the WEBVTT header contains '-->'",
    ],
    ["no cue", "WEBVTT\n\nNOTE nothing here\n", null, "no cue timing line found"],
    ["only a header", "WEBVTT", null, "no cue timing line found"],
    [
      "comma milliseconds",
      "WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nHi\n",
      3,
      "line 3: malformed timing '00:00:01,000 --> 00:00:02,000'",
    ],
    [
      "one-digit minutes without hours",
      "WEBVTT\n\n1:01.000 --> 1:02.000\nHi\n",
      3,
      "line 3: malformed timing '1:01.000 --> 1:02.000'",
    ],
    [
      "seconds out of range",
      "WEBVTT\n\n00:00:60.000 --> 00:01:00.000\nHi\n",
      3,
      "line 3: malformed timing '00:00:60.000 --> 00:01:00.000'",
    ],
    [
      "settings glued to the end time",
      "WEBVTT\n\n00:01.000 --> 00:02.000align:start\nHi\n",
      3,
      "line 3: malformed timing '00:01.000 --> 00:02.000align:start'",
    ],
    [
      "an arrow in cue text",
      "WEBVTT\n\n00:01.000 --> 00:02.000\nHi\nx --> y\n",
      5,
      "line 5: malformed timing 'x --> y'",
    ],
    [
      "a cue that ends before it starts",
      "WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nok\r\n\r\n01:00.000 --> 00:59.999\r\nbackwards\r\n",
      6,
      "line 6: cue ends (00:00:59.999) before it starts (00:01:00.000)",
    ],
  ])("refuses %s", (_description, input, line, reason) => {
    const error = expectLeft(validateVtt(input));
    expect(error).toBeInstanceOf(InvalidSubtitles);
    expect(error).toMatchObject({ _tag: "InvalidSubtitles", format: "vtt", line, reason });
    expect(error.message).toBe(`invalid VTT subtitles: ${reason}`);
  });
});

describe("hasVttHeader", () => {
  it.each([
    ["WEBVTT\n", true],
    ["\uFEFFWEBVTT - title\r\n", true],
    ["WEBVTT", true],
    ["1\n00:00:01,000 --> 00:00:02,000\n", false],
    ["", false],
    [" WEBVTT\n", false],
  ])("%j is %s", (text, expected) => {
    expect(hasVttHeader(text)).toBe(expected);
  });
});

describe("normaliseSubtitles", () => {
  it.each([
    ["an SRT file", "lecture.srt", LECTURE_SRT, { vtt: LECTURE_VTT, format: "srt" }],
    ["an upper-case SRT name", "LECTURE.SRT", LECTURE_SRT, { vtt: LECTURE_VTT, format: "srt" }],
    ["a VTT file", "lecture.vtt", ONE_CUE_VTT, { vtt: ONE_CUE_VTT, format: "vtt" }],
    [
      "a VTT file with CRLF",
      "lecture.vtt",
      ONE_CUE_VTT.replaceAll("\n", "\r\n"),
      { vtt: ONE_CUE_VTT, format: "vtt" },
    ],
    ["an .srt holding WebVTT", "lecture.srt", `\uFEFF${ONE_CUE_VTT}`, { vtt: ONE_CUE_VTT, format: "vtt" }],
    ["a .vtt holding SRT", "lecture.vtt", LECTURE_SRT, { vtt: LECTURE_VTT, format: "srt" }],
  ])("reads %s", (_description, filename, text, expected) => {
    expect(normaliseSubtitles(filename, text)).toEqual(Either.right(expected));
  });

  it("refuses a file that is not .srt or .vtt before looking at its content", () => {
    const error = expectLeft(normaliseSubtitles("lecture.txt", ONE_CUE_VTT));
    expect(error).toBeInstanceOf(UnsupportedSubtitleFile);
    expect(error).toMatchObject({ _tag: "UnsupportedSubtitleFile", filename: "lecture.txt" });
  });

  it.each([
    ["empty .srt", "lecture.srt", "", { format: "srt", line: null, reason: "no cue timing line found" }],
    [
      "garbage .srt",
      "lecture.srt",
      "not subtitles",
      { format: "srt", line: null, reason: "no cue timing line found" },
    ],
    [
      "an .srt holding broken WebVTT",
      "lecture.srt",
      "WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nHi\n",
      { format: "vtt", line: 3, reason: "line 3: cue ends (00:00:01.000) before it starts (00:00:02.000)" },
    ],
    [
      "garbage .vtt",
      "lecture.vtt",
      "not subtitles",
      {
        format: "vtt",
        line: 1,
        reason: "line 1: missing WEBVTT header, and the text is not SRT either (no cue timing line found)",
      },
    ],
    [
      "a .vtt holding broken SRT",
      "lecture.vtt",
      lines("1", "00:00:01,000 --> 00:00:02", "Hi"),
      {
        format: "vtt",
        line: 1,
        reason:
          "line 1: missing WEBVTT header, and the text is not SRT either " +
          "(line 2: malformed timing '00:00:01,000 --> 00:00:02')",
      },
    ],
  ])("refuses %s", (_description, filename, text, expected) => {
    const error = expectLeft(normaliseSubtitles(filename, text));
    expect(error).toBeInstanceOf(InvalidSubtitles);
    expect(error).toMatchObject({ _tag: "InvalidSubtitles", ...expected });
  });
});
