import { Either } from "effect";
import { describe, expect, it } from "vitest";
import type { Collection } from "../model/collection.js";
import type { VideoKey } from "../model/keys.js";
import { hexKey } from "../model/keys.js";
import type { Video, VideoStatus } from "../model/video.js";
import type { VideoFile } from "../model/video-file.js";
import { aCollection, aVideo } from "../testing/builders.js";
import { EdxNotEligible, edxQualifyingFiles, edxVideoPayload, edxVideoUpdatePayload } from "./edx-payload.js";

const expectRight = <A, E>(result: Either.Either<A, E>): A => {
  if (Either.isLeft(result)) throw new Error(`expected Right, got Left ${JSON.stringify(result.left)}`);
  return result.right;
};

const expectLeft = <A, E>(result: Either.Either<A, E>): E => {
  if (Either.isRight(result)) throw new Error(`expected Left, got Right ${JSON.stringify(result.right)}`);
  return result.left;
};

// The example of docs/upstream.md §9 (ui/api_test.py::test_post_video_to_edx).
const VIDEO_KEY = "3f2a9c1e-8b7d-4e6f-9a01-23456789abcd" as VideoKey;
const HEX = "3f2a9c1e8b7d4e6f9a0123456789abcd";
const COURSE = "course-v1:MITxT+7.00x+3T2024";
const cloudfront = (file: VideoFile) => `https://d111.cloudfront.net/${file.s3ObjectKey}`;

const video: Video = aVideo()
  .with({ key: VIDEO_KEY })
  .titled("Lecture 1")
  .withDuration(3661)
  .withStatus("Complete")
  .build();
const collection: Collection = aCollection().withEdxCourse(COURSE).build();

const file = (id: number, encoding: string, s3ObjectKey: string): VideoFile => ({
  id,
  videoKey: VIDEO_KEY,
  s3ObjectKey,
  bucketName: encoding === "original" ? "ovs-uploads" : "ovs-transcoded",
  presetId: "",
  encoding,
  createdAt: video.createdAt,
  updatedAt: video.createdAt,
});

const original = file(1, "original", `${HEX}/video.mp4`);
const hls = file(2, "HLS", `transcoded/${HEX}/video__index.m3u8`);
const mp4 = file(3, "desktop_mp4", `transcoded/${HEX}/video_custom.mp4`);

describe("edxVideoPayload — the edxval create body (integrations §1.5–1.6)", () => {
  it("builds the reference example body", () => {
    const payload = expectRight(edxVideoPayload(video, collection, [original, hls, mp4], cloudfront));
    expect(payload).toEqual({
      client_video_id: "Lecture 1",
      edx_video_id: "3f2a9c1e-8b7d-4e6f-9a01-23456789abcd",
      encoded_videos: [
        {
          url: "https://d111.cloudfront.net/transcoded/3f2a9c1e8b7d4e6f9a0123456789abcd/video__index.m3u8",
          file_size: 0,
          bitrate: 0,
          profile: "hls",
        },
        {
          url: "https://d111.cloudfront.net/transcoded/3f2a9c1e8b7d4e6f9a0123456789abcd/video_custom.mp4",
          file_size: 0,
          bitrate: 0,
          profile: "desktop_mp4",
        },
      ],
      courses: [{ "course-v1:MITxT+7.00x+3T2024": null }],
      status: "file_complete",
      duration: 3661,
    });
    expect(JSON.parse(JSON.stringify(payload))).toEqual(payload);
  });

  it("sends the dashed key as edx_video_id while URLs keep the hex key", () => {
    const payload = expectRight(edxVideoPayload(video, collection, [hls], cloudfront));
    expect(payload.edx_video_id).toHaveLength(36);
    expect(payload.edx_video_id).toBe(VIDEO_KEY);
    expect(payload.encoded_videos[0]?.url).toContain(hexKey(VIDEO_KEY));
  });

  it("orders encodings by ascending file id, like upstream", () => {
    const mp4First = file(2, "desktop_mp4", mp4.s3ObjectKey);
    const hlsLater = file(5, "HLS", hls.s3ObjectKey);
    const payload = expectRight(edxVideoPayload(video, collection, [hlsLater, mp4First], cloudfront));
    expect(payload.encoded_videos.map(({ profile }) => profile)).toEqual(["desktop_mp4", "hls"]);
  });

  it("collapses duplicate profiles to the newest file, which edxval would otherwise reject", () => {
    const olderHls = file(2, "HLS", `transcoded/${HEX}/old/video__index.m3u8`);
    const newerHls = file(7, "HLS", `transcoded/${HEX}/video__index.m3u8`);
    const olderMp4 = file(3, "desktop_mp4", `transcoded/${HEX}/old/video_custom.mp4`);
    const newerMp4 = file(6, "desktop_mp4", `transcoded/${HEX}/video_custom.mp4`);
    const payload = expectRight(
      edxVideoPayload(video, collection, [olderHls, newerHls, olderMp4, newerMp4], cloudfront),
    );
    expect(payload.encoded_videos).toEqual([
      {
        url: `https://d111.cloudfront.net/transcoded/${HEX}/video_custom.mp4`,
        file_size: 0,
        bitrate: 0,
        profile: "desktop_mp4",
      },
      {
        url: `https://d111.cloudfront.net/transcoded/${HEX}/video__index.m3u8`,
        file_size: 0,
        bitrate: 0,
        profile: "hls",
      },
    ]);
  });

  it("skips the original and legacy renditions instead of failing like upstream's assert", () => {
    const legacy = ["HD", "large", "medium", "basic", "small"].map((encoding, index) =>
      file(10 + index, encoding, `transcoded/${HEX}/video_${encoding}.mp4`),
    );
    expect(edxQualifyingFiles([original, ...legacy, hls])).toEqual([hls]);
    const payload = expectRight(edxVideoPayload(video, collection, [original, ...legacy, hls], cloudfront));
    expect(payload.encoded_videos.map(({ profile }) => profile)).toEqual(["hls"]);
  });

  it("takes the duration as float seconds", () => {
    const payload = expectRight(
      edxVideoPayload({ ...video, duration: 12.345 }, collection, [hls], cloudfront),
    );
    expect(payload.duration).toBe(12.345);
  });

  describe("says why a video is not eligible", () => {
    it.each<[string, string | null]>([
      ["no course id", null],
      ["an empty course id", ""],
      ["a blank course id", "   "],
    ])("a collection with %s", (_case, edxCourseId) => {
      const error = expectLeft(edxVideoPayload(video, { edxCourseId }, [hls, mp4], cloudfront));
      expect(error).toBeInstanceOf(EdxNotEligible);
      expect(error.reason).toContain("course id");
    });

    it.each<VideoStatus>([
      "Created",
      "Uploading",
      "Upload failed",
      "Transcoding",
      "Transcode failed internal error",
      "Transcode failed video error",
      "Retranscode scheduled",
      "Retranscoding",
      "Retranscode failed error",
      "Error",
    ])("a video in status %s", (status) => {
      const error = expectLeft(edxVideoPayload({ ...video, status }, collection, [hls, mp4], cloudfront));
      expect(error.reason).toContain(status);
    });

    it("a video without HLS or MP4 outputs", () => {
      expect(expectLeft(edxVideoPayload(video, collection, [], cloudfront)).reason).toContain(
        "no HLS or MP4",
      );
      expect(
        expectLeft(
          edxVideoPayload(
            video,
            collection,
            [original, file(4, "HD", `transcoded/${HEX}/hd.mp4`)],
            cloudfront,
          ),
        ).message,
      ).toBe("the video cannot be sent to edX: the video has no HLS or MP4 output");
    });

    it("a video whose outputs are still in the restricted space, where plain URLs are refused", () => {
      const restrictedHls = file(2, "HLS", `restricted/transcoded/${HEX}/video__index.m3u8`);
      expect(expectLeft(edxVideoPayload(video, collection, [restrictedHls, mp4], cloudfront)).reason).toBe(
        "the video's files are still being moved to the public key space",
      );
    });
  });
});

describe("edxVideoUpdatePayload — the PATCH body", () => {
  it("keeps every field and both encodings but never sends courses", () => {
    const payload = expectRight(edxVideoPayload(video, collection, [hls, mp4], cloudfront));
    const update = edxVideoUpdatePayload(payload);
    expect(update).toEqual({
      edx_video_id: VIDEO_KEY,
      client_video_id: "Lecture 1",
      duration: 3661,
      status: "file_complete",
      encoded_videos: payload.encoded_videos,
    });
    expect(update).not.toHaveProperty("courses");
    expect(update.encoded_videos.map(({ profile }) => profile)).toEqual(["hls", "desktop_mp4"]);
    expect(Object.keys(JSON.parse(JSON.stringify(update)) as object)).not.toContain("courses");
  });
});
