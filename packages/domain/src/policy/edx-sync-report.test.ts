import { describe, expect, it } from "vitest";
import { hexKey } from "../model/keys.js";
import type { KeySpace } from "../model/storage-keys.js";
import { hlsPlaylistKey, mp4Key } from "../model/storage-keys.js";
import type { Video, VideoStatus } from "../model/video.js";
import type { VideoFile } from "../model/video-file.js";
import { aCollection, aVideo } from "../testing/builders.js";
import { edxSyncReport } from "./edx-sync-report.js";

const linked = aCollection().withEdxCourse("course-v1:MITx+8.01+2026").build();

const outputsOf = (video: Video, space: KeySpace, encodings = ["HLS", "desktop_mp4"]): Array<VideoFile> =>
  encodings.map((encoding, index) => ({
    id: index + 1,
    videoKey: video.key,
    s3ObjectKey:
      encoding === "HLS" ? hlsPlaylistKey(hexKey(video.key), space) : mp4Key(hexKey(video.key), space),
    bucketName: "ovs-transcoded",
    presetId: "",
    encoding,
    createdAt: video.createdAt,
    updatedAt: video.createdAt,
  }));

const aStoredVideo = (title: string, status: VideoStatus = "Complete") =>
  aVideo().titled(title).withStatus(status).build();

describe("the report of an edX sync", () => {
  it("posts each Complete video with outputs in the public space, protected or not, and says why it refuses the others", () => {
    const publicOne = aVideo().public().titled("Public").withStatus("Complete").build();
    const protectedOne = aStoredVideo("Protected");
    const transcoding = aStoredVideo("Transcoding", "Transcoding");
    const noOutputs = aStoredVideo("No outputs");
    const stillMoving = aStoredVideo("Still moving");

    const report = edxSyncReport(linked, [
      { video: publicOne, files: outputsOf(publicOne, "public") },
      { video: protectedOne, files: outputsOf(protectedOne, "public") },
      { video: transcoding, files: [] },
      { video: noOutputs, files: outputsOf(noOutputs, "public", ["original"]) },
      { video: stillMoving, files: outputsOf(stillMoving, "restricted") },
    ]);

    expect(report.toPost).toEqual([
      { videoKey: publicOne.key, title: "Public" },
      { videoKey: protectedOne.key, title: "Protected" },
    ]);
    expect(report.refused).toEqual([
      {
        videoKey: transcoding.key,
        title: "Transcoding",
        reason: "the video is 'Transcoding', not 'Complete'",
      },
      { videoKey: noOutputs.key, title: "No outputs", reason: "the video has no HLS or MP4 output" },
      {
        videoKey: stillMoving.key,
        title: "Still moving",
        reason: "the video's files are still being moved to the public key space",
      },
    ]);
  });

  it("refuses every video of a collection without a course id", () => {
    const video = aStoredVideo("Lecture");
    const report = edxSyncReport(aCollection().build(), [{ video, files: outputsOf(video, "public") }]);
    expect(report).toEqual({
      toPost: [],
      refused: [{ videoKey: video.key, title: "Lecture", reason: "the collection has no edX course id" }],
    });
  });
});
