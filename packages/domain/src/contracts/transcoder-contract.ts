import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../model/keys.js";
import { originalKey, thumbnailPrefix, transcodePrefix } from "../model/storage-keys.js";
import type { TranscodeRequest, Transcoder } from "../ports/transcoder.js";
import { aVideoKey } from "../testing/builders.js";
import type { Disposable } from "../testing/fresh-subject.js";
import { withFreshSubject } from "../testing/fresh-subject.js";

export interface TranscoderContractSubject extends Disposable {
  readonly transcoder: Transcoder;
  /**
   * A request the transcoder will accept, for a new video each call; a transcoder that reads
   * its input at once (ffmpeg) places the input object first. Defaults to `aTranscodeRequest()`.
   */
  readonly newRequest?: () => Promise<TranscodeRequest>;
}

/** A first-time transcode of a new public video, with the upstream key layout. */
export const aTranscodeRequest = (overrides: Partial<TranscodeRequest> = {}): TranscodeRequest => {
  const videoKey = overrides.videoKey ?? aVideoKey();
  const hex = hexKey(videoKey);
  return {
    videoKey,
    purpose: "transcode",
    input: { bucket: "ovs-uploads", key: originalKey(hex, "https://example.edu/lecture.mp4") },
    destination: { bucket: "ovs-transcoded", prefix: transcodePrefix(hex, "public") },
    thumbnail: { bucket: "ovs-thumbnails", prefix: thumbnailPrefix(hex, "public") },
    includeMp4: true,
    orientation: "landscape",
    ...overrides,
  };
};

/**
 * What every Transcoder must do (MediaConvert, ffmpeg, memory) right after a submission; how
 * jobs finish is each adapter's own test:
 * `describeTranscoderContract("mediaconvert", async () => ({ transcoder }))`.
 */
export const describeTranscoderContract = (
  name: string,
  make: () => Promise<TranscoderContractSubject>,
): void => {
  describe(`Transcoder contract: ${name}`, () => {
    const withSubject = withFreshSubject(make);
    const run = Effect.runPromise;
    const requestFor = (subject: TranscoderContractSubject): Promise<TranscodeRequest> =>
      subject.newRequest?.() ?? Promise.resolve(aTranscodeRequest());

    it("gives every submission a job id of its own", () =>
      withSubject(async (subject) => {
        const jobIds: Array<string> = [];
        for (let index = 0; index < 3; index += 1) {
          const { jobId } = await run(subject.transcoder.submit(await requestFor(subject)));
          expect(jobId.length).toBeGreaterThan(0);
          jobIds.push(jobId);
        }
        expect(new Set(jobIds).size).toBe(3);
      }));

    it("describes a job it never ran as Unknown", () =>
      withSubject(async ({ transcoder }) => {
        const jobId = "1700000000000-nosuchjob";
        expect(await run(transcoder.describe(jobId))).toEqual({ _tag: "Unknown", jobId });
      }));

    it("describes a job it was just given as in progress, under the same id", () =>
      withSubject(async (subject) => {
        const { jobId } = await run(subject.transcoder.submit(await requestFor(subject)));
        expect(await run(subject.transcoder.describe(jobId))).toMatchObject({ _tag: "InProgress", jobId });
      }));
  });
};
