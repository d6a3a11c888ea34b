import { Effect, Option } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { originalKey } from "../../model/storage-keys.js";
import { userPrincipal } from "../../model/user.js";
import type { VideoBuilder } from "../../testing/builders.js";
import { aVideo } from "../../testing/builders.js";
import { storeIn } from "../../testing/stored-test-data.js";
import type { JobHandlers } from "../../testing/in-memory/in-memory-job-queue.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import { InvalidateCdnPaths } from "../cdn/invalidate-cdn-paths.js";
import { ApplyTranscodeOutcome } from "../transcode/apply-transcode-outcome.js";
import { SubmitTranscode } from "../transcode/submit-transcode.js";
import { RecordVideoEvent } from "../video-lifecycle/record-video-event.js";
import { ScheduleRetranscode } from "./schedule-retranscode.js";
import { ScheduleRetranscodes } from "./schedule-retranscodes.js";

const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect);

/** A video taken through upload, first transcode and completion, with the workers wired to the queue. */
const aCompletedVideo = async (builder: VideoBuilder = aVideo()) => {
  const harness = makeInMemoryHarness();
  const settings = testSettings();
  const owner = await storeIn(harness).user();
  const collection = await storeIn(harness).collection(undefined, owner);
  const video = await storeIn(harness).video(collection, builder.withStatus("Uploading"));
  const hex = hexKey(video.key);
  const original = { bucket: settings.buckets.upload, key: originalKey(hex, video.sourceUrl) };
  harness.objectStore.putBytes(original, "the first recording", "video/mp4");
  await run(
    harness.videoFiles.insert(
      { videoKey: video.key, s3ObjectKey: original.key, bucketName: original.bucket, encoding: "original" },
      harness.clock.now(),
    ),
  );
  const handlers: JobHandlers = {
    "video.transcode": (payload) => new SubmitTranscode(harness.ports, settings).run(payload),
    "transcode.outcome": (payload) => new ApplyTranscodeOutcome(harness.ports, settings).run(payload),
    "retranscode.schedule": () => new ScheduleRetranscodes(harness.ports, settings).run(),
    "storage.delete": (payload) =>
      payload.prefix
        ? harness.objectStore.deletePrefix(payload.bucket, payload.key)
        : harness.objectStore.delete({ bucket: payload.bucket, key: payload.key }),
    "cdn.invalidate": (payload) => new InvalidateCdnPaths(harness.ports).run(payload),
  };
  const drain = async () => {
    const ran = await run(harness.jobs.drain(handlers));
    const failed = ran.filter((entry) => entry.error !== undefined);
    if (failed.length > 0)
      throw new Error(`jobs failed: ${failed.map((entry) => entry.job.queue).join(", ")}`);
    return ran.map((entry) => entry.job.queue);
  };
  /** The transcoder finishes the video's newest job and its completion event is delivered. */
  const transcoderFinishesLatestJob = async () => {
    const job = Option.getOrThrow(await run(harness.encodeJobs.latestForVideo(video.key)));
    harness.clock.advance("15 minutes");
    const outcome = harness.transcoder.complete(job.id);
    await run(harness.jobs.enqueue("transcode.outcome", { jobId: job.id, outcome }));
    return job;
  };

  await run(harness.jobs.enqueue("video.transcode", { videoKey: video.key }));
  await drain();
  await transcoderFinishesLatestJob();
  await drain();

  const videoNow = () => run(harness.videos.findByKey(video.key)).then(Option.getOrThrow);
  const templates = () =>
    run(harness.mailOutbox.listUnsent(100)).then((entries) => entries.map((entry) => entry.template));
  const live = (name: string) => ({
    bucket: settings.buckets.transcode,
    key: `restricted/transcoded/${hex}/${name}`,
  });
  const liveThumbnail = {
    bucket: settings.buckets.thumbnail,
    key: `restricted/thumbnails/${hex}/video_thumbnail.0000000.jpg`,
  };
  return {
    harness,
    settings,
    owner,
    video,
    hex,
    original,
    drain,
    transcoderFinishesLatestJob,
    videoNow,
    templates,
    live,
    liveThumbnail,
  };
};

describe("a full retranscode cycle", () => {
  it("retranscodes a flagged Complete video into staging and swaps the outputs in only when it completes", async () => {
    const {
      harness,
      settings,
      owner,
      video,
      hex,
      drain,
      transcoderFinishesLatestJob,
      videoNow,
      templates,
      live,
      liveThumbnail,
    } = await aCompletedVideo();
    expect((await videoNow()).status).toBe("Complete");
    const filesBefore = await run(harness.videoFiles.listForVideo(video.key));
    const [thumbnailBefore] = await run(harness.videoThumbnails.listForVideo(video.key));
    harness.objectStore.putBytes(live("video_HLS2M_00001.ts"), "segment of the old encoding");
    harness.objectStore.putBytes(liveThumbnail, "the old frame");

    // An admin flags the video; the scheduler picks it up on its next run.
    await run(
      new ScheduleRetranscode(harness.ports, settings).forVideo(userPrincipal(owner), video.key, {
        schedule_retranscode: true,
      }),
    );
    harness.clock.advance("10 minutes");
    await run(harness.jobs.enqueue("retranscode.schedule", {}));
    expect(await drain()).toEqual(["retranscode.schedule", "video.transcode"]);

    expect(await videoNow()).toMatchObject({ status: "Retranscoding", scheduleRetranscode: false });
    const request = harness.transcoder.submissions[1]?.request;
    expect(request).toMatchObject({
      purpose: "retranscode",
      destination: { prefix: `retranscode/transcoded/${hex}` },
      thumbnail: null,
      includeMp4: true,
    });

    const job = await transcoderFinishesLatestJob();
    // Finished but not yet applied: viewers still get the old encoding.
    expect(harness.objectStore.readText(live("video_HLS2M_00001.ts"))).toBe("segment of the old encoding");

    expect(await drain()).toEqual(["transcode.outcome", "storage.delete", "cdn.invalidate"]);

    expect((await videoNow()).status).toBe("Complete");
    expect(harness.objectStore.readText(live("video_HLS2M_00001.ts"))).toBe("segment of video_HLS2M.m3u8");
    expect(harness.objectStore.keys(settings.buckets.transcode, "retranscode/")).toEqual([]);
    expect(harness.cdnInvalidator.invalidations.map((invalidation) => invalidation.paths)).toEqual([
      [
        `restricted/transcoded/${hex}/video__index.m3u8`,
        `restricted/transcoded/${hex}/*`,
        `restricted/transcoded/${hex}/video_custom.mp4`,
      ],
    ]);
    const filesAfter = await run(harness.videoFiles.listForVideo(video.key));
    expect(filesAfter.map((file) => [file.id, file.encoding, file.s3ObjectKey])).toEqual(
      filesBefore.map((file) => [file.id, file.encoding, file.s3ObjectKey]),
    );
    expect(await run(harness.videoThumbnails.listForVideo(video.key))).toEqual([thumbnailBefore]);
    expect(harness.objectStore.readText(liveThumbnail)).toBe("the old frame");
    expect(Option.getOrThrow(await run(harness.encodeJobs.findById(job.id)))).toMatchObject({
      purpose: "retranscode",
      state: "Complete",
    });
    expect(await templates()).toEqual(["success", "success"]);
  });

  it("brings a replaced video's new thumbnail live together with its new outputs", async () => {
    const {
      harness,
      settings,
      video,
      hex,
      original,
      drain,
      transcoderFinishesLatestJob,
      videoNow,
      templates,
      liveThumbnail,
    } = await aCompletedVideo();
    harness.objectStore.putBytes(liveThumbnail, "a frame of the first recording");
    const [thumbnailBefore] = await run(harness.videoThumbnails.listForVideo(video.key));

    // The replacement, as the replace and ingest use cases record it: the new source is
    // streamed over the original, then the video waits for a retranscode.
    harness.clock.advance("1 day");
    const record = new RecordVideoEvent(harness.ports);
    await run(record.run(video.key, "Replaced"));
    await run(record.run(video.key, "IngestStarted"));
    harness.objectStore.putBytes(original, "the replacement recording", "video/mp4");
    await run(record.run(video.key, "RetranscodeScheduled", { fields: { scheduleRetranscode: false } }));
    await run(harness.jobs.enqueue("video.transcode", { videoKey: video.key }));
    await drain();

    expect(harness.transcoder.submissions[1]?.request.thumbnail).toEqual({
      bucket: settings.buckets.thumbnail,
      prefix: `retranscode/thumbnails/${hex}`,
    });
    await transcoderFinishesLatestJob();
    expect(harness.objectStore.readText(liveThumbnail)).toBe("a frame of the first recording");

    expect(await drain()).toEqual([
      "transcode.outcome",
      "storage.delete",
      "storage.delete",
      "cdn.invalidate",
    ]);

    expect((await videoNow()).status).toBe("Complete");
    expect(harness.objectStore.readText(liveThumbnail)).toBe("jpeg bytes");
    const [thumbnailAfter] = await run(harness.videoThumbnails.listForVideo(video.key));
    expect(thumbnailAfter).toMatchObject({ id: thumbnailBefore?.id, s3ObjectKey: liveThumbnail.key });
    expect(thumbnailAfter?.updatedAt.getTime()).toBeGreaterThan(
      thumbnailBefore?.updatedAt.getTime() ?? Infinity,
    );
    expect(harness.cdnInvalidator.invalidatedPaths).toContain(liveThumbnail.key);
    expect(harness.objectStore.keys(settings.buckets.thumbnail, "retranscode/")).toEqual([]);
    expect(await templates()).toEqual(["success", "success"]);
  });

  it("makes a public video's retranscode go live in the public prefix", async () => {
    const { harness, settings, video, hex, drain, transcoderFinishesLatestJob, videoNow } =
      await aCompletedVideo(aVideo().public());
    await run(
      new RecordVideoEvent(harness.ports).run(video.key, "RetranscodeScheduled", {
        fields: { scheduleRetranscode: false },
      }),
    );
    await run(harness.jobs.enqueue("video.transcode", { videoKey: video.key }));
    await drain();
    await transcoderFinishesLatestJob();
    await drain();

    expect((await videoNow()).status).toBe("Complete");
    expect(harness.objectStore.keys(settings.buckets.transcode, "restricted/")).toEqual([]);
    expect(harness.cdnInvalidator.invalidatedPaths).toContain(`transcoded/${hex}/*`);
  });
});
