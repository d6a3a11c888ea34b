import { describe, expect, it } from "vitest";
import type { HexKey } from "./keys.js";
import {
  compactUtcTimestamp,
  folderOf,
  hlsPlaylistKey,
  keyInSpace,
  liveKeyForStagedKey,
  mp4Key,
  originalKey,
  protectedResourcePattern,
  retranscodeStagingPrefix,
  servedPrefixes,
  sourceExtension,
  spaceOfKey,
  subtitleKey,
  thumbnailKey,
  transcodeDestination,
  transcodePrefix,
} from "./storage-keys.js";

const hex = "96fb932aa5644d8e8f6a5fafe42caa87" as HexKey;

describe("original upload key (upstream Video.get_s3_key)", () => {
  it.each([
    ["https://www.dropbox.com/s/x/lecture.mp4", "/video.mp4"],
    // test_get_s3_key_strips_query_string
    ["https://www.dropbox.com/scl/fi/x/lecture.mp4?rlkey=abc&dl=0", "/video.mp4"],
    ["https://host/path/Lecture.MOV#t=10", "/video.MOV"],
    ["https://host/path/archive.tar.gz", "/video.gz"],
    ["https://host/path/no-extension", "/video"],
    ["https://host/path/.hidden", "/video"],
    ["https://host/path/..double", "/video"],
    ["https://host/path/trailing.", "/video."],
    ["https://host/dotted.dir/file", "/video"],
    ["https://host/", "/video"],
    ["https://s3.amazonaws.com/watch/MIT-6.046-lec-mit-0000-2017apr06-0404-L01.mp4", "/video.mp4"],
  ])("%s → <hex>%s", (sourceUrl, suffix) => {
    expect(originalKey(hex, sourceUrl)).toBe(`${hex}${suffix}`);
  });

  it("keeps the extension's case and dot", () => {
    expect(sourceExtension("https://h/a/b.Mp4?x=1")).toBe(".Mp4");
  });
});

describe("transcode outputs (docs/architecture.md §5.3)", () => {
  it("uses the upstream layout for public videos", () => {
    expect(transcodePrefix(hex, "public")).toBe(`transcoded/${hex}`);
    expect(transcodeDestination(transcodePrefix(hex, "public"))).toBe(`transcoded/${hex}/video`);
    expect(hlsPlaylistKey(hex, "public")).toBe(`transcoded/${hex}/video__index.m3u8`);
    expect(mp4Key(hex, "public")).toBe(`transcoded/${hex}/video_custom.mp4`);
    expect(thumbnailKey(hex, "public")).toBe(`thumbnails/${hex}/video_thumbnail.0000000.jpg`);
  });

  it("puts the same names under restricted/ for protected videos", () => {
    expect(hlsPlaylistKey(hex, "restricted")).toBe(`restricted/transcoded/${hex}/video__index.m3u8`);
    expect(thumbnailKey(hex, "restricted")).toBe(`restricted/thumbnails/${hex}/video_thumbnail.0000000.jpg`);
    expect(servedPrefixes(hex, "restricted")).toEqual([
      `restricted/transcoded/${hex}`,
      `restricted/thumbnails/${hex}`,
      `restricted/subtitles/${hex}`,
    ]);
  });

  it("stages retranscodes outside the served prefixes and maps staged keys onto the live ones", () => {
    expect(retranscodeStagingPrefix(hex)).toBe(`retranscode/transcoded/${hex}`);
    const staged = `retranscode/transcoded/${hex}/video_HLS2M_00001.ts`;
    expect(liveKeyForStagedKey(staged, hex, "public")).toBe(`transcoded/${hex}/video_HLS2M_00001.ts`);
    expect(liveKeyForStagedKey(staged, hex, "restricted")).toBe(
      `restricted/transcoded/${hex}/video_HLS2M_00001.ts`,
    );
    expect(liveKeyForStagedKey(`transcoded/${hex}/video.m3u8`, hex, "public")).toBeUndefined();
  });

  it("removes a whole HLS folder from its playlist key, without a trailing slash", () => {
    expect(folderOf(hlsPlaylistKey(hex, "public"))).toBe(`transcoded/${hex}`);
  });
});

describe("subtitle keys (upstream Video.subtitle_key)", () => {
  it("carries the UTC time to the second and the language, and always ends in .vtt", () => {
    const at = new Date("2020-03-23T16:17:15.987Z");
    expect(compactUtcTimestamp(at)).toBe("20200323161715");
    expect(subtitleKey(hex, at, "en", "public")).toBe(
      `subtitles/${hex}/subtitles_${hex}_20200323161715_en.vtt`,
    );
    expect(subtitleKey(hex, at, "fr", "restricted")).toBe(
      `restricted/subtitles/${hex}/subtitles_${hex}_20200323161715_fr.vtt`,
    );
  });
});

describe("key spaces", () => {
  it("moves keys between spaces and tells which space a key is in", () => {
    const key = thumbnailKey(hex, "public");
    expect(keyInSpace(key, "restricted")).toBe(thumbnailKey(hex, "restricted"));
    expect(keyInSpace(keyInSpace(key, "restricted"), "public")).toBe(key);
    expect(keyInSpace(key, "public")).toBe(key);
    expect(spaceOfKey(key)).toBe("public");
    expect(spaceOfKey(keyInSpace(key, "restricted"))).toBe("restricted");
  });

  it("grants one wildcard over every protected object of a video", () => {
    const pattern = protectedResourcePattern(hex);
    expect(pattern).toBe(`restricted/*/${hex}/*`);
    const asRegExp = new RegExp(`^${pattern.replaceAll("*", ".*")}$`);
    for (const prefix of servedPrefixes(hex, "restricted")) expect(asRegExp.test(`${prefix}/x`)).toBe(true);
    expect(asRegExp.test(`transcoded/${hex}/video.m3u8`)).toBe(false);
  });
});
