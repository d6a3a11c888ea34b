import { GOLDEN_VIDEO_HEX, GOLDEN_VIDEO_KEY } from "@ovs/domain/testing";
import { Effect, Either } from "effect";
import { describe, expect, it } from "vitest";
import type { MediaConvertEventSettings } from "../src/mediaconvert-events.js";
import { readMediaConvertEvent } from "../src/mediaconvert-events.js";
import { parseS3Uri } from "../src/mediaconvert-outputs.js";

const SETTINGS: MediaConvertEventSettings = {
  accountId: "123456789012",
  queueFilter: "ovs-production-mediaconvert-queue",
  buckets: { transcode: "ovs-transcoded", thumbnail: "ovs-thumbnails" },
};

const JOB_ID = "1744859690632-5mqqzu";
const HLS = `s3://ovs-transcoded/transcoded/${GOLDEN_VIDEO_HEX}/video`;

/** The envelope EventBridge delivers (through SNS with raw delivery) for a job of this environment. */
const eventOf = (
  detail: Readonly<Record<string, unknown>>,
  envelope: Readonly<Record<string, unknown>> = {},
) => ({
  version: "0",
  id: "c8b4d1f2-3c55-6d8e-9a0b-1c2d3e4f5a6b",
  "detail-type": "MediaConvert Job State Change",
  source: "aws.mediaconvert",
  account: "123456789012",
  time: "2026-04-17T03:14:50Z",
  region: "us-east-1",
  resources: [`arn:aws:mediaconvert:us-east-1:123456789012:jobs/${JOB_ID}`],
  detail: {
    timestamp: 1744859690632,
    accountId: "123456789012",
    queue: "arn:aws:mediaconvert:us-east-1:123456789012:queues/ovs-production-mediaconvert-queue",
    jobId: JOB_ID,
    userMetadata: { filter: "ovs-production-mediaconvert-queue", videoKey: GOLDEN_VIDEO_KEY },
    ...detail,
  },
  ...envelope,
});

const completeDetail = (overrides: { readonly hlsBase?: string; readonly thumbnail?: string } = {}) => {
  const hlsBase = overrides.hlsBase ?? HLS;
  return {
    status: "COMPLETE",
    warnings: [
      { code: 230001, count: 1 },
      { code: 230005, count: 1 },
    ],
    paddingInserted: 0,
    blackVideoDetected: 0,
    outputGroupDetails: [
      {
        type: "HLS_GROUP",
        outputDetails: [
          {
            durationInMs: 5280,
            videoDetails: { widthInPx: 1024, heightInPx: 576, averageBitrate: 2148515 },
            outputFilePaths: [`${hlsBase}_HLS2M.m3u8`],
          },
          {
            durationInMs: 5280,
            videoDetails: { widthInPx: 960, heightInPx: 540, averageBitrate: 1687472 },
            outputFilePaths: [`${hlsBase}_HLS1.5M.m3u8`],
          },
          {
            durationInMs: 5280,
            videoDetails: { widthInPx: 400, heightInPx: 224, averageBitrate: 478263 },
            outputFilePaths: [`${hlsBase}_HLS400k.m3u8`],
          },
        ],
        playlistFilePaths: [`${hlsBase}.m3u8`, `${hlsBase}__index.m3u8`],
      },
      {
        type: "FILE_GROUP",
        outputDetails: [
          {
            durationInMs: 5280,
            videoDetails: { widthInPx: 1280, heightInPx: 720, averageBitrate: 2026268 },
            outputFilePaths: [`${hlsBase}_custom.mp4`],
          },
        ],
      },
      {
        type: "FILE_GROUP",
        outputDetails: [
          {
            durationInMs: 1000,
            videoDetails: { widthInPx: 1920, heightInPx: 1080, averageBitrate: 914280 },
            outputFilePaths: [
              overrides.thumbnail ??
                `s3://ovs-thumbnails/thumbnails/${GOLDEN_VIDEO_HEX}/video_thumbnail.0000000.jpg`,
            ],
          },
        ],
      },
    ],
  };
};

const read = (input: unknown) => Effect.runPromise(Effect.either(readMediaConvertEvent(input, SETTINGS)));

/** The outcome of an event that finished a job. */
const finishedOutcomeOf = async (input: unknown) => {
  const result = await read(input);
  if (Either.isLeft(result) || result.right._tag !== "JobFinished") {
    throw new Error(`expected a finished job, got ${JSON.stringify(result)}`);
  }
  return result.right.outcome;
};

const rejectionOf = async (input: unknown): Promise<string> => {
  const result = await read(input);
  if (Either.isRight(result)) throw new Error(`expected a rejection, got ${JSON.stringify(result.right)}`);
  expect(result.left._tag).toBe("MediaConvertEventRejected");
  return result.left.reason;
};

describe("MediaConvert Job State Change events", () => {
  it("reads a COMPLETE event with all groups into the outcome: __index playlist, MP4, thumbnail and its size, duration", async () => {
    const result = await read(eventOf(completeDetail()));
    expect(result).toEqual(
      Either.right({
        _tag: "JobFinished",
        outcome: {
          _tag: "TranscodeSucceeded",
          jobId: JOB_ID,
          videoKey: GOLDEN_VIDEO_KEY,
          hlsPlaylist: { bucket: "ovs-transcoded", key: `transcoded/${GOLDEN_VIDEO_HEX}/video__index.m3u8` },
          mp4: { bucket: "ovs-transcoded", key: `transcoded/${GOLDEN_VIDEO_HEX}/video_custom.mp4` },
          thumbnails: [
            {
              bucket: "ovs-thumbnails",
              key: `thumbnails/${GOLDEN_VIDEO_HEX}/video_thumbnail.0000000.jpg`,
              width: 1920,
              height: 1080,
            },
          ],
          durationSeconds: 5.28,
        },
        event: expect.objectContaining({ account: "123456789012" }),
      }),
    );
  });

  it("reads the event from its JSON text, as a raw SNS delivery or a notification's Message carries it", async () => {
    const result = await read(JSON.stringify(eventOf(completeDetail())));
    expect(Either.isRight(result) && result.right._tag).toBe("JobFinished");
  });

  it("reads a COMPLETE retranscode without MP4 or thumbnail, keeping the staging paths for the domain to move", async () => {
    const detail = completeDetail({
      hlsBase: `s3://ovs-transcoded/retranscode/transcoded/${GOLDEN_VIDEO_HEX}/video`,
    });
    const onlyHls = { ...detail, outputGroupDetails: detail.outputGroupDetails.slice(0, 1) };
    const result = await read(eventOf(onlyHls));
    expect(result).toMatchObject(
      Either.right({
        _tag: "JobFinished",
        outcome: {
          hlsPlaylist: { key: `retranscode/transcoded/${GOLDEN_VIDEO_HEX}/video__index.m3u8` },
          mp4: null,
          thumbnails: [],
        },
      }),
    );
  });

  it("reads an ERROR event into the failure, with MediaConvert's error code and message", async () => {
    const result = await read(
      eventOf({
        status: "ERROR",
        errorCode: 1030,
        errorMessage: "Video codec [indeo4] is not a supported input video codec",
      }),
    );
    expect(result).toEqual(
      Either.right({
        _tag: "JobFinished",
        outcome: {
          _tag: "TranscodeFailed",
          jobId: JOB_ID,
          videoKey: GOLDEN_VIDEO_KEY,
          errorCode: 1030,
          errorMessage: "Video codec [indeo4] is not a supported input video codec",
        },
        event: expect.objectContaining({ detail: expect.objectContaining({ status: "ERROR" }) }),
      }),
    );
  });

  it.each(["PROGRESSING", "STATUS_UPDATE", "INPUT_INFORMATION", "NEW_WARNING", "CANCELED"])(
    "ignores a %s event",
    async (status) => {
      const result = await read(
        eventOf({
          status,
          framesDecoded: 1200,
          jobProgress: { phaseProgress: { PROBING: { status: "COMPLETE" } } },
        }),
      );
      expect(result).toEqual(
        Either.right({
          _tag: "EventIgnored",
          jobId: JOB_ID,
          status,
          reason: `status ${status} does not finish a job`,
        }),
      );
    },
  );

  describe("of jobs the previous system submitted, which name no video", () => {
    it("reads a COMPLETE event whose metadata has only the queue filter into an outcome without a video key", async () => {
      const outcome = await finishedOutcomeOf(
        eventOf({ ...completeDetail(), userMetadata: { filter: "ovs-production-mediaconvert-queue" } }),
      );

      expect(outcome).toStrictEqual({
        _tag: "TranscodeSucceeded",
        jobId: JOB_ID,
        hlsPlaylist: { bucket: "ovs-transcoded", key: `transcoded/${GOLDEN_VIDEO_HEX}/video__index.m3u8` },
        mp4: { bucket: "ovs-transcoded", key: `transcoded/${GOLDEN_VIDEO_HEX}/video_custom.mp4` },
        thumbnails: [
          {
            bucket: "ovs-thumbnails",
            key: `thumbnails/${GOLDEN_VIDEO_HEX}/video_thumbnail.0000000.jpg`,
            width: 1920,
            height: 1080,
          },
        ],
        durationSeconds: 5.28,
      });
    });

    it("reads an ERROR event without any user metadata into a failure without a video key", async () => {
      const { userMetadata: _, ...withoutMetadata } = eventOf({
        status: "ERROR",
        errorCode: 1010,
        errorMessage: "no video stream",
      }).detail;

      const outcome = await finishedOutcomeOf(eventOf({}, { detail: withoutMetadata }));

      expect(outcome).toStrictEqual({
        _tag: "TranscodeFailed",
        jobId: JOB_ID,
        errorCode: 1010,
        errorMessage: "no video stream",
      });
    });
  });

  it("ignores the events of another environment's queue", async () => {
    const result = await read(
      eventOf({
        ...completeDetail(),
        userMetadata: { filter: "ovs-staging-mediaconvert-queue", videoKey: GOLDEN_VIDEO_KEY },
      }),
    );
    expect(Either.isRight(result) && result.right._tag).toBe("EventIgnored");
  });

  it("rejects malformed events", async () => {
    expect(await rejectionOf("{not json")).toContain("not JSON");
    expect(await rejectionOf(eventOf({ status: "COMPLETE", jobId: undefined }))).toContain("jobId");
    expect(
      await rejectionOf(
        eventOf(completeDetail(), { "detail-type": "EC2 Instance State-change Notification" }),
      ),
    ).toContain("detail-type");
    expect(await rejectionOf(eventOf(completeDetail(), { source: "aws.s3" }))).toContain("source");
    expect(await rejectionOf({ ...eventOf(completeDetail()), detail: "COMPLETE" })).toContain("detail");
    expect(await rejectionOf(eventOf({ ...completeDetail(), outputGroupDetails: [] }))).toContain(
      "__index.m3u8",
    );
    expect(
      await rejectionOf(
        eventOf({
          ...completeDetail(),
          userMetadata: { filter: "ovs-production-mediaconvert-queue", videoKey: "nope" },
        }),
      ),
    ).toContain("nope");
  });

  it("rejects an event of another account", async () => {
    expect(await rejectionOf(eventOf(completeDetail(), { account: "999999999999" }))).toContain(
      "999999999999",
    );
  });

  it("rejects outputs in a bucket that is not the configured one for them", async () => {
    expect(
      await rejectionOf(
        eventOf(completeDetail({ hlsBase: `s3://attacker-bucket/transcoded/${GOLDEN_VIDEO_HEX}/video` })),
      ),
    ).toContain("attacker-bucket");
    // A frame written to the transcode bucket is still a foreign bucket for thumbnails.
    expect(
      await rejectionOf(
        eventOf(
          completeDetail({
            thumbnail: `s3://ovs-transcoded/thumbnails/${GOLDEN_VIDEO_HEX}/video_thumbnail.0000000.jpg`,
          }),
        ),
      ),
    ).toContain("ovs-thumbnails");
  });

  it("rejects paths that are not strict s3://bucket/key URIs", async () => {
    for (const hlsBase of [
      `https://ovs-transcoded.s3.amazonaws.com/transcoded/${GOLDEN_VIDEO_HEX}/video`,
      `s3://ovs-transcoded//transcoded/${GOLDEN_VIDEO_HEX}/video`,
      `s3://ovs-transcoded/transcoded/../${GOLDEN_VIDEO_HEX}/video`,
      `s3://OVS-Transcoded/transcoded/${GOLDEN_VIDEO_HEX}/video`,
    ]) {
      expect(await rejectionOf(eventOf(completeDetail({ hlsBase })))).toMatch(
        /s3:\/\/bucket\/key|invalid key|relative key/,
      );
    }
  });
});

describe("parseS3Uri", () => {
  it.each([
    [
      "s3://ovs-transcoded/transcoded/abc/video__index.m3u8",
      { bucket: "ovs-transcoded", key: "transcoded/abc/video__index.m3u8" },
    ],
    ["s3://my.bucket-1/a b/c.jpg", { bucket: "my.bucket-1", key: "a b/c.jpg" }],
  ])("reads %s", (uri, location) => {
    expect(parseS3Uri(uri)).toEqual(Either.right(location));
  });

  it.each([
    "s3://ovs-transcoded",
    "s3://ovs-transcoded/",
    "s3://a/key",
    "s3://bad..bucket/key",
    "s3://b-1/x\ny",
    "S3://ovs/x",
    "s3:/ovs/x",
  ])("refuses %j", (uri) => {
    expect(Either.isLeft(parseS3Uri(uri))).toBe(true);
  });
});
