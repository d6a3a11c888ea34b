import { describe, expect, it } from "vitest";
import type { EdxPost } from "../api/schema-types.js";
import { edxAnswerText, postTimes, syncProgressText, videosAnswered } from "./edx-post-text.js";

const A = "a".repeat(32);
const B = "b".repeat(32);

const post = (videoKey: string, endpointId: number, postedAt: string): EdxPost => ({
  video_key: videoKey,
  video_title: videoKey === A ? "First" : "Second",
  endpoint_id: endpointId,
  endpoint_name: `edX ${endpointId}`,
  outcome: "Created",
  status: 201,
  detail: null,
  retrying: false,
  attempt: 1,
  posted_at: postedAt,
});

describe("the edX results", () => {
  it("say what edxval answered, or a dash when nothing", () => {
    expect(edxAnswerText({ status: 400, detail: '{"error":"bad course"}' })).toBe(
      'HTTP 400: {"error":"bad course"}',
    );
    expect(edxAnswerText({ status: 201, detail: null })).toBe("HTTP 201");
    expect(edxAnswerText({ status: null, detail: "edX did not answer" })).toBe("edX did not answer");
    expect(edxAnswerText({ status: null, detail: null })).toBe("—");
  });

  it("count a video answered once one of its records is newer than the click", () => {
    const click = Date.parse("2026-01-01T10:00:00Z");
    const before = [post(A, 1, "2025-12-31T09:00:00Z"), post(B, 1, "2025-12-31T09:00:00Z")];
    expect(videosAnswered([A, B], before, postTimes(before), click).size).toBe(0);
    const after = [post(A, 1, "2026-01-01T10:00:01Z"), post(B, 1, "2025-12-31T09:00:00Z")];
    expect([...videosAnswered([A, B], after, postTimes(before), click)]).toEqual([A]);
    // Only the videos the sync said it would post count.
    expect(videosAnswered([B], after, postTimes(before), click).size).toBe(0);
  });

  it("see a changed record as new even when the browser's clock runs ahead", () => {
    const click = Date.parse("2026-01-01T10:05:00Z");
    const before = [post(A, 1, "2025-12-31T09:00:00Z")];
    const after = [post(A, 1, "2026-01-01T10:00:00Z"), post(A, 2, "2026-01-01T10:00:00Z")];
    expect([...videosAnswered([A], after, postTimes(before), click)]).toEqual([A]);
    expect(videosAnswered([A], after, null, click).size).toBe(0);
  });

  it("tell the progress in words", () => {
    expect(syncProgressText(1, 3, true)).toBe("Posting to edX: 1 of 3 videos answered so far…");
    expect(syncProgressText(1, 1, true)).toBe("edX answered for the video.");
    expect(syncProgressText(2, 3, false)).toMatch(
      /^Stopped watching after 30 seconds: 2 of 3 videos answered\./,
    );
    expect(syncProgressText(3, 3, true)).toBe("edX answered for all 3 videos.");
    expect(syncProgressText(0, 0, false)).toBe("Nothing was queued for edX.");
  });
});
