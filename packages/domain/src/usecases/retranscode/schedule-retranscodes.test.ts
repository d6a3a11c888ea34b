import { Effect, Option } from "effect";
import { describe, expect, it } from "vitest";
import type { Collection } from "../../model/collection.js";
import type { Video, VideoStatus } from "../../model/video.js";
import type { JobQueue } from "../../ports/job-queue.js";
import { QueueFailure } from "../../ports/job-queue.js";
import { aCollection, aVideo } from "../../testing/builders.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import { ScheduleRetranscodes } from "./schedule-retranscodes.js";

const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect);

const setUp = async () => {
  const harness = makeInMemoryHarness();
  const flaggedCollection = (flagged = true) =>
    storeIn(harness).collection(aCollection().with({ scheduleRetranscode: flagged }));
  const flaggedVideo = (collection: Collection, status: VideoStatus, flagged = true) =>
    storeIn(harness).video(collection, aVideo().withStatus(status).with({ scheduleRetranscode: flagged }));
  const videoNow = (video: Video) => run(harness.videos.findByKey(video.key)).then(Option.getOrThrow);
  const collectionNow = (collection: Collection) =>
    run(harness.collections.findByKey(collection.key)).then(Option.getOrThrow);
  const scheduler = (enabled = true) =>
    new ScheduleRetranscodes(harness.ports, testSettings({ retranscodeEnabled: enabled }));
  const queuedTranscodes = () => harness.jobs.pending("video.transcode").map((job) => job.payload);
  return { harness, flaggedCollection, flaggedVideo, videoNow, collectionNow, scheduler, queuedTranscodes };
};

describe("the retranscode scheduler", () => {
  it("does nothing while retranscoding is disabled", async () => {
    const { flaggedCollection, flaggedVideo, videoNow, scheduler, queuedTranscodes } = await setUp();
    const video = await flaggedVideo(await flaggedCollection(), "Complete");

    const report = await run(scheduler(false).run());

    expect(report).toEqual({ _tag: "Disabled" });
    expect(await videoNow(video)).toMatchObject({ status: "Complete", scheduleRetranscode: true });
    expect(queuedTranscodes()).toEqual([]);
  });

  it("schedules every flagged video that has live outputs, clearing its flag and queueing its transcode", async () => {
    const { flaggedCollection, flaggedVideo, videoNow, scheduler, queuedTranscodes, harness } = await setUp();
    const collection = await flaggedCollection(false);
    const complete = await flaggedVideo(collection, "Complete");
    const failedBefore = await flaggedVideo(collection, "Retranscode failed error");
    const unflagged = await flaggedVideo(collection, "Complete", false);

    const report = await run(scheduler().run());

    expect(report).toMatchObject({
      _tag: "Ran",
      scheduled: [complete.key, failedBefore.key],
      skipped: [],
      failures: [],
    });
    for (const video of [complete, failedBefore]) {
      expect(await videoNow(video)).toMatchObject({
        status: "Retranscode scheduled",
        scheduleRetranscode: false,
      });
    }
    expect((await videoNow(unflagged)).status).toBe("Complete");
    expect(queuedTranscodes()).toEqual([{ videoKey: complete.key }, { videoKey: failedBefore.key }]);
    // Scheduling mails nobody: the video is still served as it was.
    expect(harness.jobs.pending("mail.send")).toEqual([]);
  });

  it.each<VideoStatus>([
    "Created",
    "Uploading",
    "Transcoding",
    "Retranscoding",
    "Upload failed",
    "Transcode failed video error",
  ])("leaves a flagged video in %s for a later run, keeping its flag", async (status) => {
    const { flaggedCollection, flaggedVideo, videoNow, scheduler, queuedTranscodes } = await setUp();
    const video = await flaggedVideo(await flaggedCollection(false), status);

    const report = await run(scheduler().run());

    expect(report).toMatchObject({ scheduled: [], skipped: [{ videoKey: video.key, status }] });
    expect(await videoNow(video)).toMatchObject({ status, scheduleRetranscode: true });
    expect(queuedTranscodes()).toEqual([]);
  });

  it("takes a video skipped while it was busy once it is Complete", async () => {
    const { harness, flaggedCollection, flaggedVideo, videoNow, scheduler } = await setUp();
    const video = await flaggedVideo(await flaggedCollection(false), "Transcoding");
    await run(scheduler().run());
    await run(
      harness.videos.compareAndSetStatus(video.key, ["Transcoding"], "Complete", harness.clock.now()),
    );

    const report = await run(scheduler().run());

    expect(report).toMatchObject({ scheduled: [video.key] });
    expect((await videoNow(video)).status).toBe("Retranscode scheduled");
  });

  it("resets the flag of collections none of whose videos is flagged any more", async () => {
    const { flaggedCollection, flaggedVideo, collectionNow, scheduler } = await setUp();
    const done = await flaggedCollection();
    await flaggedVideo(done, "Complete");
    await flaggedVideo(done, "Complete");
    const empty = await flaggedCollection();
    const waiting = await flaggedCollection();
    await flaggedVideo(waiting, "Transcoding");

    const report = await run(scheduler().run());

    expect(report).toMatchObject({ collectionsCleared: expect.arrayContaining([done.key, empty.key]) });
    expect(report._tag === "Ran" && report.collectionsCleared).toHaveLength(2);
    expect((await collectionNow(done)).scheduleRetranscode).toBe(false);
    expect((await collectionNow(empty)).scheduleRetranscode).toBe(false);
    expect((await collectionNow(waiting)).scheduleRetranscode).toBe(true);
  });

  it("goes on with the other videos when one cannot be scheduled, which stays as it was", async () => {
    const { harness, flaggedCollection, flaggedVideo, videoNow, queuedTranscodes } = await setUp();
    const collection = await flaggedCollection();
    const unlucky = await flaggedVideo(collection, "Complete");
    const lucky = await flaggedVideo(collection, "Complete");
    const jobs: JobQueue = {
      enqueue: (queue, payload, options) =>
        queue === "video.transcode" && "videoKey" in payload && payload.videoKey === unlucky.key
          ? Effect.fail(new QueueFailure({ queue, cause: "queue unavailable" }))
          : harness.jobs.enqueue(queue, payload, options),
    };

    const report = await run(
      new ScheduleRetranscodes({ ...harness.ports, jobs }, testSettings({ retranscodeEnabled: true })).run(),
    );

    expect(report).toMatchObject({
      scheduled: [lucky.key],
      failures: [{ key: unlucky.key, error: { _tag: "QueueFailure" } }],
      collectionsCleared: [],
    });
    expect(await videoNow(unlucky)).toMatchObject({ status: "Complete", scheduleRetranscode: true });
    expect(queuedTranscodes()).toEqual([{ videoKey: lucky.key }]);
  });
});
