import { describe, expect, it } from "vitest";
import type { VideoStatus } from "../api/schema-types.js";
import { statusDisplay } from "./video-status-text.js";

const ALL: ReadonlyArray<VideoStatus> = [
  "Created",
  "Uploading",
  "Upload failed",
  "Transcoding",
  "Transcode failed internal error",
  "Transcode failed video error",
  "Retranscode scheduled",
  "Retranscoding",
  "Retranscode failed error",
  "Complete",
  "Error",
];

describe("statusDisplay", () => {
  it("explains every status but Complete in words, never with the raw status string", () => {
    for (const status of ALL) {
      const display = statusDisplay(status);
      expect(display.label, status).not.toBe("");
      if (status === "Complete") expect(display.explanation).toBe("");
      else expect(display.explanation, status).toMatch(/\.$/);
    }
  });

  it("polls only while something is under way", () => {
    expect(ALL.filter((status) => statusDisplay(status).inProgress)).toEqual([
      "Created",
      "Uploading",
      "Transcoding",
      "Retranscode scheduled",
      "Retranscoding",
    ]);
  });

  it("offers a retry for a failed upload only, the one retry_upload takes", () => {
    expect(ALL.filter((status) => statusDisplay(status).retryable)).toEqual(["Upload failed"]);
    expect(ALL.filter((status) => statusDisplay(status).tone === "failed")).toEqual([
      "Upload failed",
      "Transcode failed internal error",
      "Transcode failed video error",
      "Retranscode failed error",
      "Error",
    ]);
  });

  it("tells what to do about an unusable file", () => {
    expect(statusDisplay("Transcode failed video error").explanation).toContain("upload it again");
  });
});
