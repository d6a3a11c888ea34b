import { Either, Schema } from "effect";
import { describe, expect, it } from "vitest";
import { aVideo } from "../testing/builders.js";
import { VIDEO_STATUSES, Video, flagsForVisibilityChoice, visibilityChoiceOf } from "./video.js";

const decode = Schema.decodeUnknownEither(Video);
const encode = Schema.encodeSync(Video);
const valid = () => encode(aVideo().build());

const problemWith = (input: unknown): string => {
  const result = decode(input);
  return Either.isLeft(result) ? String(result.left) : "";
};

describe("Video validation (upstream models_test)", () => {
  it("accepts a valid video", () => {
    expect(Either.isRight(decode(valid()))).toBe(true);
  });

  it.each(VIDEO_STATUSES)("accepts the status %j (test_video_status)", (status) => {
    expect(Either.isRight(decode({ ...valid(), status }))).toBe(true);
  });

  it("refuses an unknown status", () => {
    expect(problemWith({ ...valid(), status: "foostatus" })).toContain("foostatus");
  });

  it("keeps the exact upstream status strings in upstream order", () => {
    expect(VIDEO_STATUSES).toEqual([
      "Created",
      "Uploading",
      "Upload failed",
      "Transcoding",
      "Transcode failed internal error",
      "Transcode failed video error",
      "Retranscoding",
      "Retranscode failed error",
      "Retranscode scheduled",
      "Complete",
      "Error",
    ]);
  });

  it("requires a title of at most 250 characters", () => {
    expect(Either.isRight(decode({ ...valid(), title: "x".repeat(250) }))).toBe(true);
    expect(problemWith({ ...valid(), title: "x".repeat(251) })).toContain("at most 250");
    expect(problemWith({ ...valid(), title: "   " })).toContain("blank");
  });

  it("accepts a 2000-character source URL and refuses 2001 (test_video_source_url)", () => {
    const base = "https://example.edu/";
    expect(Either.isRight(decode({ ...valid(), sourceUrl: base + "a".repeat(2000 - base.length) }))).toBe(
      true,
    );
    expect(problemWith({ ...valid(), sourceUrl: base + "a".repeat(2001 - base.length) })).toContain("2000");
  });

  it.each(["ftp://files.example.edu/a.mp4", "ftps://files.example.edu/a.mp4", "http://x.edu/a"])(
    "accepts the source URL %s",
    (sourceUrl) => {
      expect(Either.isRight(decode({ ...valid(), sourceUrl }))).toBe(true);
    },
  );

  it.each(["not a url", "javascript:alert(1)", "file:///etc/passwd", "https://"])(
    "refuses the source URL %j",
    (sourceUrl) => {
      expect(problemWith({ ...valid(), sourceUrl })).toContain("valid");
    },
  );

  it("takes an http(s) call-to-action link or none", () => {
    expect(Either.isRight(decode({ ...valid(), ctaLink: null }))).toBe(true);
    expect(Either.isRight(decode({ ...valid(), ctaLink: "https://learn.mit.edu/c/1" }))).toBe(true);
    expect(problemWith({ ...valid(), ctaLink: "ftp://x.edu/" })).toContain("http");
  });

  it("refuses a negative duration and a fractional custom order", () => {
    expect(Either.isLeft(decode({ ...valid(), duration: -1 }))).toBe(true);
    expect(Either.isLeft(decode({ ...valid(), customOrder: 1.5 }))).toBe(true);
  });
});

describe("visibility choice (the edit dialog's vocabulary)", () => {
  it.each([
    [{ isPrivate: true, isPublic: true, isLoggedInOnly: true, viewLists: ["a"] }, "AdminsOnly"],
    [{ isPrivate: false, isPublic: true, isLoggedInOnly: true, viewLists: ["a"] }, "Public"],
    [{ isPrivate: false, isPublic: false, isLoggedInOnly: true, viewLists: ["a"] }, "LoggedIn"],
    [{ isPrivate: false, isPublic: false, isLoggedInOnly: false, viewLists: ["a"] }, "Lists"],
    [{ isPrivate: false, isPublic: false, isLoggedInOnly: false, viewLists: [] }, "InheritFromCollection"],
  ])("reads %j as %s (private > public > logged in > lists > collection)", (flags, choice) => {
    expect(visibilityChoiceOf(flags)._tag).toBe(choice);
  });

  it("writes mutually exclusive flags for each choice and reads them back", () => {
    for (const choice of [
      { _tag: "InheritFromCollection" },
      { _tag: "Public" },
      { _tag: "AdminsOnly" },
      { _tag: "LoggedIn" },
      { _tag: "Lists", viewLists: ["g"] },
    ] as const) {
      expect(visibilityChoiceOf(flagsForVisibilityChoice(choice))).toEqual(choice);
    }
  });
});
