import { readFileSync } from "node:fs";
import {
  CreateJobCommand,
  ForbiddenException,
  GetJobCommand,
  MediaConvertClient,
  NotFoundException,
  TooManyRequestsException,
} from "@aws-sdk/client-mediaconvert";
import type { CreateJobCommandInput, GetJobCommandInput, Job } from "@aws-sdk/client-mediaconvert";
import type { TranscodeRequest, VideoKey } from "@ovs/domain";
import {
  hexKey,
  originalKey,
  retranscodeStagingPrefix,
  THUMBNAIL_NAME,
  thumbnailPrefix,
  TRANSCODE_OUTPUT_NAMES,
  transcodePrefix,
} from "@ovs/domain";
import { failureOf, GOLDEN_VIDEO_KEY } from "@ovs/domain/testing";
import { describeTranscoderContract } from "@ovs/domain/contracts";
import { mockClient } from "aws-sdk-client-mock";
import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import type { MediaConvertJobSettings } from "../src/mediaconvert-job.js";
import { mediaConvertJobFor } from "../src/mediaconvert-job.js";
import { MediaConvertTranscoder, reportedOutputsOfJob } from "../src/mediaconvert-transcoder.js";

const SETTINGS: MediaConvertJobSettings = {
  region: "us-east-1",
  accountId: "123456789012",
  roleName: "ovs-production-mediaconvert-role",
  queueName: "ovs-production-mediaconvert-queue",
};

const PORTRAIT_VIDEO_KEY = "5b1e1a4c-2d3f-4e5a-8b6c-7d8e9f0a1b2c" as VideoKey;

const golden = (name: string): CreateJobCommandInput =>
  JSON.parse(
    readFileSync(new URL(`./golden/create-job-${name}.json`, import.meta.url), "utf8"),
  ) as CreateJobCommandInput;

/** Requests as the domain makes them (`transcodeRequestFor`), spelled out with its key layout. */
const requestFor = (videoKey: VideoKey, overrides: Partial<TranscodeRequest> = {}): TranscodeRequest => {
  const hex = hexKey(videoKey);
  return {
    videoKey,
    purpose: "transcode",
    input: { bucket: "ovs-uploads", key: originalKey(hex, "https://www.dropbox.com/s/abc/lecture.mp4?dl=0") },
    destination: { bucket: "ovs-transcoded", prefix: transcodePrefix(hex, "public") },
    thumbnail: { bucket: "ovs-thumbnails", prefix: thumbnailPrefix(hex, "public") },
    includeMp4: true,
    orientation: "landscape",
    ...overrides,
  };
};

const GOLDEN_HEX = hexKey(GOLDEN_VIDEO_KEY);
const PORTRAIT_HEX = hexKey(PORTRAIT_VIDEO_KEY);

const CASES: ReadonlyArray<{ readonly name: string; readonly request: TranscodeRequest }> = [
  { name: "landscape", request: requestFor(GOLDEN_VIDEO_KEY) },
  {
    name: "portrait",
    request: requestFor(PORTRAIT_VIDEO_KEY, {
      orientation: "portrait",
      input: { bucket: "ovs-uploads", key: originalKey(PORTRAIT_HEX, "https://example.edu/short.MOV") },
      destination: { bucket: "ovs-transcoded", prefix: transcodePrefix(PORTRAIT_HEX, "restricted") },
      thumbnail: { bucket: "ovs-thumbnails", prefix: thumbnailPrefix(PORTRAIT_HEX, "restricted") },
    }),
  },
  { name: "watch-bucket", request: requestFor(GOLDEN_VIDEO_KEY, { includeMp4: false }) },
  {
    name: "retranscode",
    request: requestFor(GOLDEN_VIDEO_KEY, {
      purpose: "retranscode",
      destination: { bucket: "ovs-transcoded", prefix: retranscodeStagingPrefix(GOLDEN_HEX) },
      thumbnail: null,
    }),
  },
];

/** A MediaConvert that keeps the jobs it is given, as `GetJob` would show them. */
const fakeMediaConvert = () => {
  const client = new MediaConvertClient({
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "y" },
  });
  const mock = mockClient(client);
  const jobs = new Map<string, Job>();
  let sequence = 0;
  mock.on(CreateJobCommand).callsFake((input: CreateJobCommandInput) => {
    sequence += 1;
    const id = `1700000000${String(sequence).padStart(3, "0")}-a1b2c3`;
    const job: Job = {
      Id: id,
      Status: "SUBMITTED",
      Queue: input.Queue,
      Role: input.Role,
      Settings: input.Settings,
      UserMetadata: input.UserMetadata,
    };
    jobs.set(id, job);
    return Promise.resolve({ Job: job });
  });
  mock.on(GetJobCommand).callsFake((input: GetJobCommandInput) => {
    const job = jobs.get(input.Id ?? "");
    return job === undefined
      ? Promise.reject(
          new NotFoundException({
            message: "The specified job was not found.",
            $metadata: { httpStatusCode: 404 },
          }),
        )
      : Promise.resolve({ Job: job });
  });
  return { client, mock, jobs, transcoder: new MediaConvertTranscoder(client, SETTINGS) };
};

describeTranscoderContract("MediaConvert (aws-sdk-client-mock)", async () => ({
  transcoder: fakeMediaConvert().transcoder,
}));

describe("MediaConvert CreateJob", () => {
  it.each(CASES)("sends the golden CreateJob input for a $name job", async ({ name, request }) => {
    const { mock, transcoder } = fakeMediaConvert();
    const { jobId } = await Effect.runPromise(transcoder.submit(request));
    expect(jobId).toMatch(/^1700000000\d{3}-a1b2c3$/);
    const calls = mock.commandCalls(CreateJobCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual(golden(name));
  });

  it("names its outputs as the domain's key layout expects", () => {
    const input = mediaConvertJobFor(requestFor(GOLDEN_VIDEO_KEY), SETTINGS);
    const groups = reportedOutputsOfJob({ Role: input.Role, Settings: input.Settings });
    const prefix = `s3://ovs-transcoded/${transcodePrefix(GOLDEN_HEX, "public")}/`;
    const hls = groups[0];
    expect(hls?.playlistFilePaths).toEqual([
      `${prefix}${TRANSCODE_OUTPUT_NAMES.hlsMaster}`,
      `${prefix}${TRANSCODE_OUTPUT_NAMES.hlsPlaylist}`,
    ]);
    expect(hls?.outputs.flatMap((output) => output.filePaths)).toEqual(
      TRANSCODE_OUTPUT_NAMES.hlsVariants.map((variant) => `${prefix}${variant}`),
    );
    expect(groups[1]?.outputs.flatMap((output) => output.filePaths)).toEqual([
      `${prefix}${TRANSCODE_OUTPUT_NAMES.mp4}`,
    ]);
    expect(groups[2]?.outputs.flatMap((output) => output.filePaths)).toEqual([
      `s3://ovs-thumbnails/${thumbnailPrefix(GOLDEN_HEX, "public")}/${THUMBNAIL_NAME}`,
    ]);
  });

  it("reports a throttled submission as transient and a refused one as permanent", async () => {
    const { mock, transcoder } = fakeMediaConvert();
    mock
      .on(CreateJobCommand)
      .rejectsOnce(
        new TooManyRequestsException({ message: "Too many requests", $metadata: { httpStatusCode: 429 } }),
      )
      .rejectsOnce(
        new ForbiddenException({
          message: "not allowed to pass the role",
          $metadata: { httpStatusCode: 403 },
        }),
      );
    const request = requestFor(GOLDEN_VIDEO_KEY);
    expect(await failureOf(transcoder.submit(request))).toMatchObject({
      _tag: "TranscoderFailure",
      operation: "submit",
      transient: true,
    });
    expect(await failureOf(transcoder.submit(request))).toMatchObject({
      _tag: "TranscoderFailure",
      operation: "submit",
      transient: false,
    });
  });
});

describe("MediaConvert GetJob → outcome", () => {
  /** The job MediaConvert shows once it is done: the settings it ran with and its output group details. */
  const finishedJob = (request: TranscodeRequest, job: Partial<Job>): Job => {
    const input = mediaConvertJobFor(request, SETTINGS);
    return {
      Id: "1700000000123-fin1sh",
      Queue: input.Queue,
      Role: input.Role,
      Settings: input.Settings,
      UserMetadata: input.UserMetadata,
      ...job,
    };
  };
  const hlsDetails = {
    OutputDetails: [
      { DurationInMs: 3_661_045, VideoDetails: { WidthInPx: 1024, HeightInPx: 576 } },
      { DurationInMs: 3_661_045, VideoDetails: { WidthInPx: 960, HeightInPx: 540 } },
      { DurationInMs: 3_661_045, VideoDetails: { WidthInPx: 400, HeightInPx: 224 } },
    ],
  };
  const mp4Details = {
    OutputDetails: [{ DurationInMs: 3_661_100, VideoDetails: { WidthInPx: 1280, HeightInPx: 720 } }],
  };
  const frameDetails = {
    OutputDetails: [{ DurationInMs: 1_000, VideoDetails: { WidthInPx: 1920, HeightInPx: 1080 } }],
  };

  const describeWith = async (job: Job) => {
    const { mock, transcoder } = fakeMediaConvert();
    mock.on(GetJobCommand, { Id: job.Id }).resolves({ Job: job });
    return Effect.runPromise(transcoder.describe(job.Id ?? ""));
  };

  it("maps a COMPLETE job to the outputs it really wrote, with its duration and frame size", async () => {
    const request = requestFor(GOLDEN_VIDEO_KEY);
    const description = await describeWith(
      finishedJob(request, {
        Status: "COMPLETE",
        OutputGroupDetails: [hlsDetails, mp4Details, frameDetails],
      }),
    );
    expect(description).toEqual({
      _tag: "Finished",
      outcome: {
        _tag: "TranscodeSucceeded",
        jobId: "1700000000123-fin1sh",
        videoKey: GOLDEN_VIDEO_KEY,
        hlsPlaylist: { bucket: "ovs-transcoded", key: `transcoded/${GOLDEN_HEX}/video__index.m3u8` },
        mp4: { bucket: "ovs-transcoded", key: `transcoded/${GOLDEN_HEX}/video_custom.mp4` },
        thumbnails: [
          {
            bucket: "ovs-thumbnails",
            key: `thumbnails/${GOLDEN_HEX}/video_thumbnail.0000000.jpg`,
            width: 1920,
            height: 1080,
          },
        ],
        durationSeconds: 3661.045,
      },
    });
  });

  it("reports no MP4 for a watch-bucket job and no thumbnail for a retranscode, which wrote to staging", async () => {
    const watch = await describeWith(
      finishedJob(requestFor(GOLDEN_VIDEO_KEY, { includeMp4: false }), {
        Status: "COMPLETE",
        OutputGroupDetails: [hlsDetails, frameDetails],
      }),
    );
    expect(watch).toMatchObject({ _tag: "Finished", outcome: { mp4: null, thumbnails: [{ width: 1920 }] } });

    const retranscode = await describeWith(
      finishedJob(CASES[3]?.request ?? requestFor(GOLDEN_VIDEO_KEY), {
        Status: "COMPLETE",
        OutputGroupDetails: [hlsDetails, mp4Details],
      }),
    );
    expect(retranscode).toMatchObject({
      _tag: "Finished",
      outcome: {
        hlsPlaylist: { key: `retranscode/transcoded/${GOLDEN_HEX}/video__index.m3u8` },
        mp4: { key: `retranscode/transcoded/${GOLDEN_HEX}/video_custom.mp4` },
        thumbnails: [],
      },
    });
  });

  it("maps an ERROR job to its error code and message, and a canceled one to a failure", async () => {
    const request = requestFor(GOLDEN_VIDEO_KEY);
    expect(
      await describeWith(
        finishedJob(request, {
          Status: "ERROR",
          ErrorCode: 1010,
          ErrorMessage:
            "Unable to open input file [s3://ovs-uploads/x/video.mp4]: [Failed probe/open: [No such file]]",
        }),
      ),
    ).toEqual({
      _tag: "Finished",
      outcome: {
        _tag: "TranscodeFailed",
        jobId: "1700000000123-fin1sh",
        videoKey: GOLDEN_VIDEO_KEY,
        errorCode: 1010,
        errorMessage:
          "Unable to open input file [s3://ovs-uploads/x/video.mp4]: [Failed probe/open: [No such file]]",
      },
    });
    expect(await describeWith(finishedJob(request, { Status: "CANCELED" }))).toMatchObject({
      _tag: "Finished",
      outcome: {
        _tag: "TranscodeFailed",
        errorCode: null,
        errorMessage: "the MediaConvert job was canceled",
      },
    });
  });

  it("maps a PROGRESSING job to in progress", async () => {
    expect(await describeWith(finishedJob(requestFor(GOLDEN_VIDEO_KEY), { Status: "PROGRESSING" }))).toEqual({
      _tag: "InProgress",
      jobId: "1700000000123-fin1sh",
      state: "Progressing",
    });
  });

  it("maps a finished job the previous system submitted, without a video key in its metadata, to an outcome naming no video", async () => {
    const legacy = await describeWith(
      finishedJob(requestFor(GOLDEN_VIDEO_KEY), {
        Status: "COMPLETE",
        UserMetadata: { filter: SETTINGS.queueName },
        OutputGroupDetails: [hlsDetails, mp4Details, frameDetails],
      }),
    );
    expect(legacy).toMatchObject({
      _tag: "Finished",
      outcome: { _tag: "TranscodeSucceeded", jobId: "1700000000123-fin1sh" },
    });
    expect(legacy._tag === "Finished" && legacy.outcome).not.toHaveProperty("videoKey");

    const failed = await describeWith(
      finishedJob(requestFor(GOLDEN_VIDEO_KEY), { Status: "ERROR", ErrorCode: 1010, UserMetadata: {} }),
    );
    expect(failed).toMatchObject({ _tag: "Finished", outcome: { _tag: "TranscodeFailed", errorCode: 1010 } });
    expect(failed._tag === "Finished" && failed.outcome).not.toHaveProperty("videoKey");
  });

  it("refuses a finished job with a malformed video key, and classifies GetJob failures", async () => {
    const malformed = finishedJob(requestFor(GOLDEN_VIDEO_KEY), {
      Status: "COMPLETE",
      UserMetadata: { filter: SETTINGS.queueName, videoKey: "not-a-key" },
      OutputGroupDetails: [hlsDetails, mp4Details, frameDetails],
    });
    const { mock, transcoder } = fakeMediaConvert();
    mock.on(GetJobCommand, { Id: malformed.Id }).resolves({ Job: malformed });
    expect(await failureOf(transcoder.describe(malformed.Id ?? ""))).toMatchObject({
      _tag: "TranscoderFailure",
      operation: "describe",
      transient: false,
    });

    mock
      .on(GetJobCommand, { Id: "throttled" })
      .rejects(new TooManyRequestsException({ message: "slow down", $metadata: { httpStatusCode: 429 } }));
    expect(await failureOf(transcoder.describe("throttled"))).toMatchObject({ transient: true });
  });
});
