import { describe, expect, it } from "vitest";
import type { VideoKey } from "./keys.js";
import { type VideoFile, downloadFileOf, originalFileOf, transcodedFilesOf } from "./video-file.js";

let id = 0;
const file = (encoding: string): VideoFile => {
  id += 1;
  const at = new Date("2026-01-01T00:00:00Z");
  return {
    id,
    videoKey: "3f2a9c1e-8b7d-4e6f-9a01-23456789abcd" as VideoKey,
    s3ObjectKey: `k/${id}`,
    bucketName: "b",
    presetId: "",
    encoding,
    createdAt: at,
    updatedAt: at,
  };
};
const encodings = (files: ReadonlyArray<VideoFile>) => files.map((f) => f.encoding);

describe("which file to download (upstream test_download_mp4)", () => {
  it.each([
    [["original", "small", "HD", "HLS"], "HD"],
    [["original", "HLS"], "original"],
    [["original", "large"], "large"],
    [["small", "HD"], "HD"],
    [["original", "desktop_mp4"], "original"],
  ])("%j → %s", (given, expected) => {
    expect(downloadFileOf(given.map(file))?.encoding).toBe(expected);
  });

  it("offers nothing without files", () => {
    expect(downloadFileOf([])).toBeUndefined();
  });
});

describe("transcoded files (upstream test_transcoded_mp4_video, test_transcoded_hls_video)", () => {
  it("orders the legacy ladder best first and drops the original", () => {
    expect(encodings(transcodedFilesOf(["small", "original", "basic", "HD"].map(file)))).toEqual([
      "HD",
      "basic",
      "small",
    ]);
  });

  it("ties HLS and desktop_mp4 with HD, keeping their given order", () => {
    expect(encodings(transcodedFilesOf(["medium", "HLS", "desktop_mp4"].map(file)))).toEqual([
      "HLS",
      "desktop_mp4",
      "medium",
    ]);
    expect(encodings(transcodedFilesOf(["desktop_mp4", "HLS"].map(file)))).toEqual(["desktop_mp4", "HLS"]);
  });

  it("finds the original", () => {
    expect(originalFileOf(["HLS", "original"].map(file))?.encoding).toBe("original");
    expect(originalFileOf(["HLS"].map(file))).toBeUndefined();
  });
});
