import { Either } from "effect";
import { describe, expect, it } from "vitest";
import type { VideoKey } from "../../model/keys.js";
import { hexKey } from "../../model/keys.js";
import type { TranscodeSucceeded } from "./transcode-outputs.js";
import { liveOutputsOf, retranscodeInvalidationPaths } from "./transcode-outputs.js";

const videoKey = "11111111-2222-4333-8444-555555555555" as VideoKey;
const hex = hexKey(videoKey);
const buckets = { transcode: "out-bucket", thumbnail: "thumb-bucket" };

const succeeded = (overrides: Partial<TranscodeSucceeded> = {}): TranscodeSucceeded => ({
  _tag: "TranscodeSucceeded",
  jobId: "job-1",
  videoKey,
  hlsPlaylist: { bucket: "out-bucket", key: `transcoded/${hex}/video__index.m3u8` },
  mp4: { bucket: "out-bucket", key: `transcoded/${hex}/video_custom.mp4` },
  thumbnails: [
    {
      bucket: "thumb-bucket",
      key: `thumbnails/${hex}/video_thumbnail.0000000.jpg`,
      width: 1920,
      height: 1080,
    },
  ],
  durationSeconds: 12.5,
  ...overrides,
});

const staged = (overrides: Partial<TranscodeSucceeded> = {}): TranscodeSucceeded =>
  succeeded({
    hlsPlaylist: { bucket: "out-bucket", key: `retranscode/transcoded/${hex}/video__index.m3u8` },
    mp4: { bucket: "out-bucket", key: `retranscode/transcoded/${hex}/video_custom.mp4` },
    thumbnails: [],
    ...overrides,
  });

describe("the live outputs of a finished job", () => {
  it("keeps a first transcode's outputs where they were written, with positive sizes or none", () => {
    const outcome = succeeded({
      thumbnails: [
        {
          bucket: "thumb-bucket",
          key: `thumbnails/${hex}/video_thumbnail.0000000.jpg`,
          width: 0,
          height: 720,
        },
      ],
    });
    const outputs = liveOutputsOf({ outcome, videoKey, purpose: "transcode", space: "public", buckets });
    expect(outputs).toEqual(
      Either.right({
        hlsPlaylist: outcome.hlsPlaylist,
        mp4: outcome.mp4,
        thumbnails: [
          {
            live: { bucket: "thumb-bucket", key: `thumbnails/${hex}/video_thumbnail.0000000.jpg` },
            staged: null,
            width: null,
            height: 720,
          },
        ],
      }),
    );
  });

  it("accepts a first transcode written into the other key space (visibility changed meanwhile)", () => {
    const outcome = succeeded({
      hlsPlaylist: { bucket: "out-bucket", key: `restricted/transcoded/${hex}/video__index.m3u8` },
      mp4: null,
      thumbnails: [],
    });
    const outputs = liveOutputsOf({ outcome, videoKey, purpose: "transcode", space: "public", buckets });
    expect(Either.getOrThrow(outputs).hlsPlaylist.key).toBe(`restricted/transcoded/${hex}/video__index.m3u8`);
  });

  it("moves a retranscode's staged outputs to the live prefix of the video's space", () => {
    const outcome = staged({
      thumbnails: [
        {
          bucket: "thumb-bucket",
          key: `retranscode/thumbnails/${hex}/video_thumbnail.0000000.jpg`,
          width: 1080,
          height: 1920,
        },
      ],
    });
    const outputs = Either.getOrThrow(
      liveOutputsOf({ outcome, videoKey, purpose: "retranscode", space: "restricted", buckets }),
    );
    expect(outputs.hlsPlaylist).toEqual({
      bucket: "out-bucket",
      key: `restricted/transcoded/${hex}/video__index.m3u8`,
    });
    expect(outputs.mp4).toEqual({
      bucket: "out-bucket",
      key: `restricted/transcoded/${hex}/video_custom.mp4`,
    });
    expect(outputs.thumbnails).toEqual([
      {
        live: { bucket: "thumb-bucket", key: `restricted/thumbnails/${hex}/video_thumbnail.0000000.jpg` },
        staged: { bucket: "thumb-bucket", key: `retranscode/thumbnails/${hex}/video_thumbnail.0000000.jpg` },
        width: 1080,
        height: 1920,
      },
    ]);
  });

  it.each([
    {
      case: "an HLS playlist in another bucket",
      purpose: "transcode",
      outcome: succeeded({
        hlsPlaylist: { bucket: "someone-else", key: `transcoded/${hex}/video__index.m3u8` },
      }),
      refused: `someone-else/transcoded/${hex}/video__index.m3u8`,
    },
    {
      case: "an MP4 of another video",
      purpose: "transcode",
      outcome: succeeded({
        mp4: { bucket: "out-bucket", key: "transcoded/ffffffffffffffffffffffffffffffff/video_custom.mp4" },
      }),
      refused: "out-bucket/transcoded/ffffffffffffffffffffffffffffffff/video_custom.mp4",
    },
    {
      case: "a hex key that only starts like this video's",
      purpose: "transcode",
      outcome: succeeded({
        hlsPlaylist: { bucket: "out-bucket", key: `transcoded/${hex}0/video__index.m3u8` },
      }),
      refused: `out-bucket/transcoded/${hex}0/video__index.m3u8`,
    },
    {
      case: "a thumbnail in the transcode bucket",
      purpose: "transcode",
      outcome: succeeded({
        thumbnails: [{ bucket: "out-bucket", key: `thumbnails/${hex}/x.jpg`, width: null, height: null }],
      }),
      refused: `out-bucket/thumbnails/${hex}/x.jpg`,
    },
    {
      case: "a retranscode that wrote live instead of to staging",
      purpose: "retranscode",
      outcome: succeeded({ thumbnails: [] }),
      refused: `out-bucket/transcoded/${hex}/video__index.m3u8`,
    },
    {
      case: "a retranscode thumbnail written straight to the live prefix",
      purpose: "retranscode",
      outcome: staged({
        thumbnails: [
          {
            bucket: "thumb-bucket",
            key: `thumbnails/${hex}/video_thumbnail.0000000.jpg`,
            width: 1,
            height: 1,
          },
        ],
      }),
      refused: `thumb-bucket/thumbnails/${hex}/video_thumbnail.0000000.jpg`,
    },
    {
      case: "a first transcode that wrote into staging",
      purpose: "transcode",
      outcome: staged(),
      refused: `out-bucket/retranscode/transcoded/${hex}/video__index.m3u8`,
    },
  ] as const)("refuses $case", ({ purpose, outcome, refused }) => {
    const outputs = liveOutputsOf({ outcome, videoKey, purpose, space: "public", buckets });
    expect(Either.isLeft(outputs)).toBe(true);
    if (Either.isLeft(outputs)) {
      expect(outputs.left._tag).toBe("UnexpectedTranscodeOutput");
      expect(`${outputs.left.bucket}/${outputs.left.key}`).toBe(refused);
    }
  });
});

describe("what the CDN forgets after a retranscode", () => {
  it("lists every output key and the HLS folder once", () => {
    const outputs = Either.getOrThrow(
      liveOutputsOf({
        outcome: staged({
          thumbnails: [
            {
              bucket: "thumb-bucket",
              key: `retranscode/thumbnails/${hex}/video_thumbnail.0000000.jpg`,
              width: 1,
              height: 1,
            },
          ],
        }),
        videoKey,
        purpose: "retranscode",
        space: "public",
        buckets,
      }),
    );
    expect(retranscodeInvalidationPaths(outputs)).toEqual([
      `transcoded/${hex}/video__index.m3u8`,
      `transcoded/${hex}/*`,
      `transcoded/${hex}/video_custom.mp4`,
      `thumbnails/${hex}/video_thumbnail.0000000.jpg`,
    ]);
  });

  it("leaves out what a watch-bucket retranscode did not produce", () => {
    const outputs = Either.getOrThrow(
      liveOutputsOf({
        outcome: staged({ mp4: null }),
        videoKey,
        purpose: "retranscode",
        space: "restricted",
        buckets,
      }),
    );
    expect(retranscodeInvalidationPaths(outputs)).toEqual([
      `restricted/transcoded/${hex}/video__index.m3u8`,
      `restricted/transcoded/${hex}/*`,
    ]);
  });
});
