import { Either } from "effect";
import { describe, expect, it } from "vitest";
import { VIDEO_STATUSES, type VideoStatus } from "../model/video.js";
import {
  IllegalTransition,
  VIDEO_EVENTS,
  type VideoEvent,
  nextStatus,
  statusesAccepting,
} from "./video-status.js";

/**
 * The lifecycle written out by hand, independently of the implementation's table: every
 * (status, event) pair not listed here must be refused.
 */
const LEGAL: ReadonlyArray<readonly [VideoStatus, VideoEvent, VideoStatus]> = [
  ["Created", "IngestStarted", "Uploading"],
  ["Uploading", "IngestStarted", "Uploading"],
  ["Uploading", "IngestFailed", "Upload failed"],
  ["Uploading", "StuckUploadReaped", "Upload failed"],
  ["Created", "TranscodeSubmitted", "Transcoding"],
  ["Uploading", "TranscodeSubmitted", "Transcoding"],
  ["Created", "SubmitFailed", "Transcode failed internal error"],
  ["Uploading", "SubmitFailed", "Transcode failed internal error"],
  ["Retranscode scheduled", "SubmitFailed", "Retranscode failed error"],
  ["Transcoding", "TranscodeCompleted", "Complete"],
  ["Retranscoding", "TranscodeCompleted", "Complete"],
  ["Transcoding", "TranscodeErrored", "Transcode failed video error"],
  ["Retranscoding", "TranscodeErrored", "Retranscode failed error"],
  ["Transcoding", "TranscodeJobLost", "Transcode failed internal error"],
  ["Retranscoding", "TranscodeJobLost", "Retranscode failed error"],
  ["Complete", "RetranscodeScheduled", "Retranscode scheduled"],
  ["Retranscode failed error", "RetranscodeScheduled", "Retranscode scheduled"],
  ["Uploading", "RetranscodeScheduled", "Retranscode scheduled"],
  ["Retranscode scheduled", "RetranscodeSubmitted", "Retranscoding"],
  ["Upload failed", "UploadRetried", "Created"],
  ["Complete", "Replaced", "Created"],
  ["Upload failed", "Replaced", "Created"],
  ["Transcode failed internal error", "Replaced", "Created"],
  ["Transcode failed video error", "Replaced", "Created"],
  ["Retranscode failed error", "Replaced", "Created"],
  ["Error", "Replaced", "Created"],
];

const expected = new Map(LEGAL.map(([from, event, to]) => [`${from}|${event}`, to]));

const everyPair = VIDEO_STATUSES.flatMap((from) => VIDEO_EVENTS.map((event) => [from, event] as const));

describe("video status state machine", () => {
  it("covers the full status × event product", () => {
    expect(everyPair).toHaveLength(11 * VIDEO_EVENTS.length);
  });

  it.each(LEGAL)("%s --%s--> %s", (from, event, to) => {
    expect(nextStatus(from, event)).toEqual(Either.right(to));
  });

  it.each(everyPair.filter(([from, event]) => !expected.has(`${from}|${event}`)))(
    "refuses %s --%s-->",
    (from, event) => {
      const result = nextStatus(from, event);
      expect(Either.isLeft(result)).toBe(true);
      const error = Either.getLeft(result);
      expect(error._tag).toBe("Some");
      if (error._tag === "Some") {
        expect(error.value).toBeInstanceOf(IllegalTransition);
        expect(error.value).toMatchObject({ from, event });
        expect(error.value.message).toContain(from);
      }
    },
  );

  it("never leads to the legacy Error status and never leaves a video without a status", () => {
    for (const [from, event] of everyPair) {
      const result = nextStatus(from, event);
      if (Either.isRight(result)) expect(result.right).not.toBe("Error");
    }
  });

  it("lists the statuses each event accepts, for compare-and-set writes", () => {
    expect([...statusesAccepting("TranscodeCompleted")].sort()).toEqual(["Retranscoding", "Transcoding"]);
    expect(statusesAccepting("UploadRetried")).toEqual(["Upload failed"]);
  });

  it("refuses to replace a video while work is in flight", () => {
    for (const status of [
      "Created",
      "Uploading",
      "Transcoding",
      "Retranscode scheduled",
      "Retranscoding",
    ] as const) {
      expect(Either.isLeft(nextStatus(status, "Replaced"))).toBe(true);
    }
  });
});
