import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  UNSORTED_COLLECTION,
  describeLectureCapture,
  formatLectureDate,
  isIngestibleWatchKey,
  lectureCollectionSlug,
  lectureVideoTitle,
  parseLectureFilename,
  parsePythonYearMonthDay,
  type ParsedLectureFilename,
} from "./lecture-capture-names.js";

const date = (year: number, month: number, day: number) => ({ year, month, day });

describe("parseLectureFilename", () => {
  // Expected values were produced by running upstream's parse_lecture_video_filename in Python.
  it.each([
    // upstream cloudsync/api_test.py: test_parse_lecture_video_filename
    {
      key: "MIT-6.046-2017-Spring-lec-mit-0000-2017apr06-0404-L01.mp4",
      prefix: "MIT-6.046-2017-Spring",
      session: "L01",
      dateText: "2017apr06",
      time: "0404",
      recordDate: date(2017, 4, 6),
    },
    {
      key: "abcdefg-lec-mit-0000-2017apr06-0404-L01.mp4",
      prefix: "abcdefg",
      session: "L01",
      dateText: "2017apr06",
      time: "0404",
      recordDate: date(2017, 4, 6),
    },
    {
      key: "MIT-6.046-2017-Spring-lec-mit-0000-2017apr06-0404.mp4",
      prefix: "MIT-6.046-2017-Spring",
      session: "",
      dateText: "2017apr06",
      time: "0404",
      recordDate: date(2017, 4, 6),
    },
    {
      key: "MIT-6.046-2017-Spring-lec-mit-0000-2017apr06-0404-2-190.mp4",
      prefix: "MIT-6.046-2017-Spring",
      session: "2-190",
      dateText: "2017apr06",
      time: "0404",
      recordDate: date(2017, 4, 6),
    },
    {
      key: "/&*3:<>俺正和-lec-mit-0000-2017apr06-0404.mp4",
      prefix: "/&*3:<>俺正和",
      session: "",
      dateText: "2017apr06",
      time: "0404",
      recordDate: date(2017, 4, 6),
    },
    {
      key: "abcdefg-lec-mit-0000-2017badmonthvalue06-0404.mp4",
      prefix: "abcdefg",
      session: "",
      dateText: "2017badmonthvalue06",
      time: "0404",
      recordDate: null,
    },
    // odd names
    {
      key: "2017/spring/MIT-6.046-lec-mit-0000-2017apr06-0404-L01.mp4",
      prefix: "2017/spring/MIT-6.046",
      session: "L01",
      dateText: "2017apr06",
      time: "0404",
      recordDate: date(2017, 4, 6),
    },
    {
      key: "MIT 6.046 Spring-lec-mit-0000-2017apr06-0404-L01 (1).mp4",
      prefix: "MIT 6.046 Spring",
      session: "L01",
      dateText: "2017apr06",
      time: "0404",
      recordDate: date(2017, 4, 6),
    },
    {
      key: "Физика-lec-mit-0000-2017apr06-0404-L01.mp4",
      prefix: "Физика",
      session: "L01",
      dateText: "2017apr06",
      time: "0404",
      recordDate: date(2017, 4, 6),
    },
    {
      key: "MIT-6.046-lec-mit-0000-2017APR06-0404-L01.MP4",
      prefix: "MIT-6.046",
      session: "L01",
      dateText: "2017APR06",
      time: "0404",
      recordDate: date(2017, 4, 6),
    },
    {
      key: "MIT-6.046-lec-mit-0000-2017Apr6-0404.mp4",
      prefix: "MIT-6.046",
      session: "",
      dateText: "2017Apr6",
      time: "0404",
      recordDate: date(2017, 4, 6),
    },
    {
      key: "MIT-6.046-lec-mit-0000-2017feb30-0404.mp4",
      prefix: "MIT-6.046",
      session: "",
      dateText: "2017feb30",
      time: "0404",
      recordDate: null,
    },
    {
      key: "MIT-6.046-lec-mit-0000-2016feb29-0404.mp4",
      prefix: "MIT-6.046",
      session: "",
      dateText: "2016feb29",
      time: "0404",
      recordDate: date(2016, 2, 29),
    },
    {
      key: "x-lec-mit-0000-2017_apr06-0404.mp4",
      prefix: "x",
      session: "",
      dateText: "2017_apr06",
      time: "0404",
      recordDate: null,
    },
    {
      key: "MIT-6.046-lec-mit-0000-٢٠١٧apr06-٠٤٠٤-L٠١.mp4",
      prefix: "MIT-6.046",
      session: "L٠١",
      dateText: "٢٠١٧apr06",
      time: "٠٤٠٤",
      recordDate: date(2017, 4, 6),
    },
    // the prefix is greedy, so the last marker that still leaves a date and time wins
    {
      key: "A-lec-mit-0000-2017apr06-0404-B-lec-mit-0000-2018may07-0505-L02.mp4",
      prefix: "A-lec-mit-0000-2017apr06-0404-B",
      session: "L02",
      dateText: "2018may07",
      time: "0505",
      recordDate: date(2018, 5, 7),
    },
    // the session group swallows a trailing dash; kept because slugs must match upstream's
    {
      key: "MIT-6.046-lec-mit-0000-2017apr06-0404-L01-.mp4",
      prefix: "MIT-6.046",
      session: "L01-",
      dateText: "2017apr06",
      time: "0404",
      recordDate: date(2017, 4, 6),
    },
    // only an upper-case L belongs to a session
    {
      key: "MIT-lec-mit-0000-2017apr06-0404-l01.mp4",
      prefix: "MIT",
      session: "",
      dateText: "2017apr06",
      time: "0404",
      recordDate: date(2017, 4, 6),
    },
    // Python's `.` stops at "\n" but not at "\r"
    {
      key: "line\nbreak-lec-mit-0000-2017apr06-0404.mp4",
      prefix: "break",
      session: "",
      dateText: "2017apr06",
      time: "0404",
      recordDate: date(2017, 4, 6),
    },
    {
      key: "line\rbreak-lec-mit-0000-2017apr06-0404.mp4",
      prefix: "line\rbreak",
      session: "",
      dateText: "2017apr06",
      time: "0404",
      recordDate: date(2017, 4, 6),
    },
  ])("reads $key", ({ key, ...expected }) => {
    expect(parseLectureFilename(key)).toEqual({ _tag: "Matched", ...expected });
  });

  it.each([
    "MIT-6.046-1510-L01.mp4", // upstream: missing -lec-mit-0000
    "Completely random name.mp4", // upstream: no similarity to the expected format
    "MIT-6.046-lec-mit-0000-2017apr06-L01", // upstream: no extension (and no time)
    "MIT-6.046-lec-mit-0000-2017apr06-0404-L01", // no extension
    "MIT-6.046-lec-mit-0000-2017apr06-0404-L01.", // a dot but no extension
    "-lec-mit-0000-2017apr06-0404.mp4", // empty prefix
    "MIT-6.046-lec-mit-0000--0404.mp4", // empty date
    "",
  ])("does not match %j", (key) => {
    expect(parseLectureFilename(key)).toEqual({ _tag: "Unmatched" });
  });
});

describe("parsePythonYearMonthDay", () => {
  it.each([
    ["2017apr06", date(2017, 4, 6)],
    ["2017APR06", date(2017, 4, 6)],
    ["2017Apr6", date(2017, 4, 6)],
    ["2017dec31", date(2017, 12, 31)],
    ["2016feb29", date(2016, 2, 29)],
    ["2000feb29", date(2000, 2, 29)],
    ["0001jan01", date(1, 1, 1)],
    ["٢٠١٧apr06", date(2017, 4, 6)],
    ["𝟐𝟎𝟏𝟔feb2𝟗", date(2016, 2, 29)],
  ])("%s is %o", (text, expected) => {
    expect(parsePythonYearMonthDay(text)).toEqual(expected);
  });

  it.each([
    "2017feb30",
    "2017feb29",
    "1900feb29",
    "2017apr31",
    "2017apr00",
    "2017apr0",
    "2017apr32",
    "2017apr311",
    "0000apr06",
    "17apr06",
    "20170apr06",
    "2017april06",
    "2017ſep06",
    "2017apr06_",
    "",
  ])("%s does not parse", (text) => {
    expect(parsePythonYearMonthDay(text)).toBeNull();
  });
});

describe("lectureCollectionSlug", () => {
  it.each([
    ["MIT-6.046-2017-Spring-lec-mit-0000-2017apr06-0404-L01.mp4", "MIT-6.046-2017-Spring-L01"],
    ["MIT-6.046-2017-Spring-lec-mit-0000-2017apr06-0404.mp4", "MIT-6.046-2017-Spring"],
    ["MIT-6.046-2017-Spring-lec-mit-0000-2017apr06-0404-2-190.mp4", "MIT-6.046-2017-Spring-2-190"],
    ["abcdefg-lec-mit-0000-2017badmonthvalue06-0404.mp4", "abcdefg"],
    ["2017/spring/MIT-6.046-lec-mit-0000-2017apr06-0404-L01.mp4", "2017/spring/MIT-6.046-L01"],
    ["Completely random name.mp4", UNSORTED_COLLECTION],
  ])("%s goes to %s", (key, slug) => {
    expect(lectureCollectionSlug(parseLectureFilename(key))).toBe(slug);
  });

  it("uses the configured unsorted slug", () => {
    expect(lectureCollectionSlug({ _tag: "Unmatched" }, "Inbox")).toBe("Inbox");
  });

  it("is Unsorted by default", () => {
    expect(UNSORTED_COLLECTION).toBe("Unsorted");
  });
});

describe("lectureVideoTitle", () => {
  it.each([
    ["MIT-6.046-2017-Spring-lec-mit-0000-2017apr06-0404-L01.mp4", "Lecture - April 06, 2017"],
    ["MIT-6.046-lec-mit-0000-2017Dec1-0404.mp4", "Lecture - December 01, 2017"],
    ["MIT-6.046-lec-mit-0000-2016feb29-0404.mp4", "Lecture - February 29, 2016"],
    ["abcdefg-lec-mit-0000-2017badmonthvalue06-0404.mp4", "Lecture - 2017badmonthvalue06"],
    ["MIT-6.046-lec-mit-0000-2017feb30-0404.mp4", "Lecture - 2017feb30"],
    ["Completely random name.mp4", "Completely random name.mp4"],
    ["MIT-6.046-lec-mit-0000-2017apr06-L01", "MIT-6.046-lec-mit-0000-2017apr06-L01"],
  ])("%s is titled %j", (key, title) => {
    expect(lectureVideoTitle(parseLectureFilename(key), key)).toBe(title);
  });
});

describe("formatLectureDate", () => {
  it.each([
    [date(2017, 1, 9), "January 09, 2017"],
    [date(2017, 9, 30), "September 30, 2017"],
    [date(999, 12, 31), "December 31, 0999"],
  ])("%o is %s", (value, text) => {
    expect(formatLectureDate(value)).toBe(text);
  });
});

describe("describeLectureCapture", () => {
  it("combines slug and title", () => {
    expect(describeLectureCapture("MIT-6.046-2017-Spring-lec-mit-0000-2017apr06-0404-L01.mp4")).toEqual({
      slug: "MIT-6.046-2017-Spring-L01",
      title: "Lecture - April 06, 2017",
    });
  });

  it("falls back to the unsorted collection and the key as title", () => {
    expect(describeLectureCapture("uploads/random clip.mov")).toEqual({
      slug: "Unsorted",
      title: "uploads/random clip.mov",
    });
    expect(describeLectureCapture("random clip.mov", "Inbox")).toEqual({
      slug: "Inbox",
      title: "random clip.mov",
    });
  });

  it("never yields an empty slug or title for a non-empty key", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, unit: "grapheme" }), (key) => {
        const { slug, title } = describeLectureCapture(key);
        expect(slug).not.toBe("");
        expect(title).not.toBe("");
      }),
    );
  });

  it("reads back every well-formed name", () => {
    const wordCharacters = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom(..."aZ9._ -/俺") });
    fc.assert(
      fc.property(
        wordCharacters,
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.stringMatching(/^\d{1,4}$/),
        fc.option(fc.stringMatching(/^[L\d][L\d-]{0,5}[L\d]$/), { nil: undefined }),
        fc.constantFrom("mp4", "MOV", "mkv"),
        (prefix, year, month, day, time, session, extension) => {
          const monthText = [
            "jan",
            "feb",
            "mar",
            "apr",
            "may",
            "jun",
            "jul",
            "aug",
            "sep",
            "oct",
            "nov",
            "dec",
          ][month - 1];
          const dateText = `${String(year).padStart(4, "0")}${monthText}${String(day).padStart(2, "0")}`;
          const key = `${prefix}-lec-mit-0000-${dateText}-${time}${session === undefined ? "" : `-${session}`}.${extension}`;
          const parsed: ParsedLectureFilename = parseLectureFilename(key);
          expect(parsed).toEqual({
            _tag: "Matched",
            prefix,
            session: session ?? "",
            dateText,
            recordDate: { year, month, day },
            time,
          });
        },
      ),
    );
  });
});

describe("isIngestibleWatchKey", () => {
  it.each([
    "MIT-6.046-2017-Spring-lec-mit-0000-2017apr06-0404-L01.mp4",
    "lecture.MP4",
    "lecture.Mov",
    "2017/spring/lecture.mkv",
    "clip.m4v",
    "clip.avi",
    "clip.webm",
    "clip.mpg",
    "clip.mpeg",
    "clip.wmv",
    "clip.flv",
    "clip.ts",
    "clip.mts",
    "clip.M2TS",
    "a name with spaces.mp4",
    "俺正和.mp4",
    "..hidden.mp4",
  ])("ingests %j", (key) => {
    expect(isIngestibleWatchKey(key)).toBe(true);
  });

  it.each([
    "",
    "/",
    "lectures/",
    "lectures/2017/",
    "lecture.mp4/",
    "lecture",
    "lecture.",
    ".mp4",
    "..mp4",
    "lectures/.mp4",
    "Thumbs.db",
    ".DS_Store",
    "notes.txt",
    "lecture.mp4.part",
    "lecture.mp4.txt",
    "MIT-6.046-lec-mit-0000-2017apr06-0404-L01",
  ])("skips %j", (key) => {
    expect(isIngestibleWatchKey(key)).toBe(false);
  });
});
