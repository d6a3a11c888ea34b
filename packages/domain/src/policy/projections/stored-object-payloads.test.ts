import { describe, expect, it } from "vitest";
import { apiTimestamp } from "./api-timestamp.js";
import {
  thumbnailsNewestFirst,
  videoFilePayload,
  videoSubtitlePayload,
  videoThumbnailPayload,
} from "./stored-object-payloads.js";
import {
  GOLDEN_VIDEO_HEX,
  fileOf,
  goldenVideo,
  plainUrl,
  subtitleOf,
  thumbnailOf,
} from "../../testing/golden-fixtures.js";

const video = goldenVideo();

describe("apiTimestamp — DRF datetimes in UTC", () => {
  it.each([
    ["2020-03-23T15:14:38.254Z", "2020-03-23T15:14:38.254000Z"],
    ["2020-03-23T15:14:38.000Z", "2020-03-23T15:14:38.000000Z"],
    ["2026-12-31T23:59:59.999Z", "2026-12-31T23:59:59.999000Z"],
  ])("%s → %s", (input, expected) => {
    expect(apiTimestamp(new Date(input))).toBe(expected);
  });

  it("renders any offset in UTC", () => {
    expect(apiTimestamp(new Date("2020-03-23T17:14:38.254+02:00"))).toBe("2020-03-23T15:14:38.254000Z");
  });
});

describe("videoFilePayload — VideoFileSerializer", () => {
  it("has exactly the upstream fields, in order", () => {
    const payload = videoFilePayload(fileOf(video, 2, "HLS"), plainUrl);
    expect(payload).toEqual({
      id: 2,
      created_at: "2020-03-23T15:14:38.254000Z",
      s3_object_key: `transcoded/${GOLDEN_VIDEO_HEX}/video__index.m3u8`,
      encoding: "HLS",
      bucket_name: "ovs-transcoded",
      cloudfront_url: `https://d3tsb3m56iwvoq.cloudfront.net/transcoded/${GOLDEN_VIDEO_HEX}/video__index.m3u8`,
    });
    expect(Object.keys(payload)).toEqual([
      "id",
      "created_at",
      "s3_object_key",
      "encoding",
      "bucket_name",
      "cloudfront_url",
    ]);
  });

  it("takes its URL from the caller's media URL function", () => {
    const signed = (key: string) => `https://cdn.example/${key}?Signature=abc`;
    expect(videoFilePayload(fileOf(video, 3, "desktop_mp4"), signed).cloudfront_url).toBe(
      `https://cdn.example/transcoded/${GOLDEN_VIDEO_HEX}/video_custom.mp4?Signature=abc`,
    );
  });
});

describe("videoThumbnailPayload — VideoThumbnailSerializer", () => {
  it("has exactly the upstream fields, in order", () => {
    const payload = videoThumbnailPayload(thumbnailOf(video, 1315), plainUrl);
    expect(payload).toEqual({
      id: 1315,
      created_at: "2020-03-23T15:14:38.254000Z",
      s3_object_key: `thumbnails/${GOLDEN_VIDEO_HEX}/video_thumbnail.0000000.jpg`,
      bucket_name: "ovs-thumbnails",
      cloudfront_url: `https://d3tsb3m56iwvoq.cloudfront.net/thumbnails/${GOLDEN_VIDEO_HEX}/video_thumbnail.0000000.jpg`,
    });
    expect(Object.keys(payload)).toEqual([
      "id",
      "created_at",
      "s3_object_key",
      "bucket_name",
      "cloudfront_url",
    ]);
  });
});

describe("videoSubtitlePayload — VideoSubtitleSerializer", () => {
  it("has exactly the upstream fields, in order, and no URL", () => {
    const payload = videoSubtitlePayload(subtitleOf(video, 20, "en"));
    expect(payload).toEqual({
      id: 20,
      created_at: "2020-03-23T16:17:15.000000Z",
      filename: "lecture1_en.vtt",
      s3_object_key: `subtitles/${GOLDEN_VIDEO_HEX}/subtitles_${GOLDEN_VIDEO_HEX}_20200323161715_en.vtt`,
      bucket_name: "ovs-subtitles",
      language: "en",
      language_name: "English",
    });
    expect(Object.keys(payload)).toEqual([
      "id",
      "created_at",
      "filename",
      "s3_object_key",
      "bucket_name",
      "language",
      "language_name",
    ]);
  });

  it("names languages as pycountry does", () => {
    expect(videoSubtitlePayload(subtitleOf(video, 21, "el")).language_name).toBe("Modern Greek (1453-)");
  });

  it("gives a null language_name for an unknown code", () => {
    expect(videoSubtitlePayload(subtitleOf(video, 22, "xx")).language_name).toBeNull();
  });
});

describe("thumbnailsNewestFirst", () => {
  it("orders by creation time, newest first, then by id", () => {
    const older = thumbnailOf(video, 1, { createdAt: new Date("2020-01-01T00:00:00Z") });
    const newer = thumbnailOf(video, 2, { createdAt: new Date("2021-01-01T00:00:00Z") });
    const sameTimeHigherId = thumbnailOf(video, 3, { createdAt: new Date("2020-01-01T00:00:00Z") });
    expect(thumbnailsNewestFirst([older, newer, sameTimeHigherId]).map(({ id }) => id)).toEqual([2, 3, 1]);
  });
});
