import { describe, expect, it } from "vitest";
import type { VideoKey } from "../../model/keys.js";
import { hexKey } from "../../model/keys.js";
import type { VideoStatus } from "../../model/video.js";
import {
  liveThumbnailKeyForStagedKey,
  retranscodeNeedsThumbnail,
  transcodeRequestFor,
} from "./transcode-request.js";

const videoKey = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d" as VideoKey;
const hex = hexKey(videoKey);
const buckets = { transcode: "out-bucket", thumbnail: "thumb-bucket" };
const original = { bucket: "upload-bucket", key: `${hex}/video.mov` };

const requestFor = (overrides: {
  readonly status?: VideoStatus;
  readonly isPublic?: boolean;
  readonly forShorts?: boolean;
  readonly edxCourseId?: string;
  readonly fromWatchBucket?: boolean;
  readonly retranscodeThumbnail?: boolean;
}) =>
  transcodeRequestFor({
    video: { key: videoKey, status: overrides.status ?? "Uploading", isPublic: overrides.isPublic ?? true },
    collection: { forShorts: overrides.forShorts ?? false, edxCourseId: overrides.edxCourseId ?? null },
    original,
    fromWatchBucket: overrides.fromWatchBucket ?? false,
    retranscodeThumbnail: overrides.retranscodeThumbnail ?? false,
    buckets,
  });

describe("the transcode request for a video", () => {
  it.each([
    {
      case: "a public upload is transcoded into the public prefixes with MP4 and thumbnail",
      given: { status: "Uploading", isPublic: true },
      expected: {
        purpose: "transcode",
        destination: { bucket: "out-bucket", prefix: `transcoded/${hex}` },
        thumbnail: { bucket: "thumb-bucket", prefix: `thumbnails/${hex}` },
        includeMp4: true,
        orientation: "landscape",
      },
    },
    {
      case: "a protected upload goes into the restricted space",
      given: { status: "Uploading", isPublic: false },
      expected: {
        purpose: "transcode",
        destination: { bucket: "out-bucket", prefix: `restricted/transcoded/${hex}` },
        thumbnail: { bucket: "thumb-bucket", prefix: `restricted/thumbnails/${hex}` },
      },
    },
    {
      case: "a protected upload in a collection linked to an edX course goes into the public space",
      given: { status: "Uploading", isPublic: false, edxCourseId: "course-v1:MITx+8.01+2026" },
      expected: {
        purpose: "transcode",
        destination: { bucket: "out-bucket", prefix: `transcoded/${hex}` },
        thumbnail: { bucket: "thumb-bucket", prefix: `thumbnails/${hex}` },
      },
    },
    {
      case: "a watch-bucket recording (Created, straight from the copy) gets no MP4",
      given: { status: "Created", fromWatchBucket: true },
      expected: { purpose: "transcode", includeMp4: false },
    },
    {
      case: "a collection of shorts gets the portrait template",
      given: { forShorts: true },
      expected: { orientation: "portrait" },
    },
    {
      case: "a plain retranscode writes to staging and keeps the thumbnail",
      given: { status: "Retranscode scheduled", isPublic: false },
      expected: {
        purpose: "retranscode",
        destination: { bucket: "out-bucket", prefix: `retranscode/transcoded/${hex}` },
        thumbnail: null,
        includeMp4: true,
      },
    },
    {
      case: "a retranscode after a replacement stages a new thumbnail too",
      given: { status: "Retranscode scheduled", retranscodeThumbnail: true },
      expected: {
        purpose: "retranscode",
        destination: { bucket: "out-bucket", prefix: `retranscode/transcoded/${hex}` },
        thumbnail: { bucket: "thumb-bucket", prefix: `retranscode/thumbnails/${hex}` },
      },
    },
    {
      case: "the thumbnail wish of a first transcode is irrelevant: it always gets one",
      given: { status: "Uploading", retranscodeThumbnail: false },
      expected: { thumbnail: { bucket: "thumb-bucket", prefix: `thumbnails/${hex}` } },
    },
  ] as const)("$case", ({ given, expected }) => {
    const request = requestFor(given);
    expect(request).toMatchObject(expected);
    expect(request.videoKey).toBe(videoKey);
    expect(request.input).toEqual(original);
  });
});

describe("whether a retranscode needs a new thumbnail", () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));
  it.each([
    { case: "original unchanged since the thumbnail", original: at(0), thumbnails: [at(30)], needs: false },
    { case: "original replaced after the thumbnail", original: at(45), thumbnails: [at(30)], needs: true },
    {
      case: "an admin uploaded a thumbnail after the replacement",
      original: at(45),
      thumbnails: [at(30), at(50)],
      needs: false,
    },
    {
      case: "written at the same instant counts as unchanged",
      original: at(30),
      thumbnails: [at(30)],
      needs: false,
    },
    { case: "no thumbnail at all", original: at(0), thumbnails: [], needs: true },
    {
      case: "the store cannot tell when the original was written",
      original: null,
      thumbnails: [at(30)],
      needs: false,
    },
  ])("$case → $needs", ({ original: originalWrittenAt, thumbnails, needs }) => {
    expect(retranscodeNeedsThumbnail({ originalWrittenAt, thumbnailsWrittenAt: thumbnails })).toBe(needs);
  });
});

describe("where a staged thumbnail goes live", () => {
  it("swaps the staging folder for the live thumbnail prefix of the space", () => {
    const staged = `retranscode/thumbnails/${hex}/video_thumbnail.0000000.jpg`;
    expect(liveThumbnailKeyForStagedKey(staged, hex, "public")).toBe(
      `thumbnails/${hex}/video_thumbnail.0000000.jpg`,
    );
    expect(liveThumbnailKeyForStagedKey(staged, hex, "restricted")).toBe(
      `restricted/thumbnails/${hex}/video_thumbnail.0000000.jpg`,
    );
  });

  it("refuses keys outside this video's staging folder", () => {
    expect(liveThumbnailKeyForStagedKey(`thumbnails/${hex}/x.jpg`, hex, "public")).toBeUndefined();
    expect(
      liveThumbnailKeyForStagedKey(`retranscode/thumbnails/${hex}0/x.jpg`, hex, "public"),
    ).toBeUndefined();
  });
});
