import type { Duration } from "effect";
import { Effect, Option } from "effect";
import { describe, expect, it } from "vitest";
import type { Collection } from "../../model/collection.js";
import type { EncodeJobPurpose } from "../../model/encode-job.js";
import { hexKey } from "../../model/keys.js";
import { originalKey } from "../../model/storage-keys.js";
import type { Video, VideoStatus } from "../../model/video.js";
import { aVideo, anEncodeJob } from "../../testing/builders.js";
import { storeIn } from "../../testing/stored-test-data.js";
import type { InMemoryHarness } from "../../testing/in-memory-harness.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import { ReconcileTranscodes } from "./reconcile-transcodes.js";
import { SubmitTranscode } from "./submit-transcode.js";

const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect);

const settings = testSettings({ transcode: { reconcileAfter: "30 minutes" } });

/** A stored video with its original, ready for a transcode. */
const uploadedVideo = async (harness: InMemoryHarness, collection: Collection): Promise<Video> => {
  const video = await storeIn(harness).video(
    collection,
    aVideo().withStatus("Uploading").createdAt(harness.clock.now()),
  );
  const original = { bucket: settings.buckets.upload, key: originalKey(hexKey(video.key), video.sourceUrl) };
  harness.objectStore.putBytes(original, "original bytes");
  await run(
    harness.videoFiles.insert(
      { videoKey: video.key, s3ObjectKey: original.key, bucketName: original.bucket, encoding: "original" },
      harness.clock.now(),
    ),
  );
  return video;
};

const setUp = async () => {
  const harness = makeInMemoryHarness();
  const collection = await storeIn(harness).collection();
  const submitTranscode = new SubmitTranscode(harness.ports, settings);
  const reconcile = new ReconcileTranscodes(harness.ports, settings);
  /** A video whose transcode was submitted; returns it with the job id. */
  const transcoding = async () => {
    const video = await uploadedVideo(harness, collection);
    const result = await run(submitTranscode.run({ videoKey: video.key }));
    if (result._tag !== "Submitted") throw new Error(`expected a submission, got ${result._tag}`);
    return { video, jobId: result.jobId };
  };
  /** A video waiting in `status` for a job the transcoder never heard of. */
  const waitingForUnknownJob = async (status: VideoStatus, purpose: EncodeJobPurpose) => {
    const video = await storeIn(harness).video(
      collection,
      aVideo().withStatus(status).createdAt(harness.clock.now()),
    );
    const job = anEncodeJob().forVideo(video).createdAt(harness.clock.now()).with({ purpose }).build();
    await run(harness.encodeJobs.insert(job));
    return { video, jobId: job.id };
  };
  const statusOf = (video: Video) =>
    run(harness.videos.findByKey(video.key)).then((found) => Option.getOrThrow(found).status);
  const job = (id: string) => run(harness.encodeJobs.findById(id)).then(Option.getOrThrow);
  const templates = () =>
    run(harness.mailOutbox.listUnsent(100)).then((entries) => entries.map((entry) => entry.template));
  const reconcileLater = (after: Duration.DurationInput = "31 minutes") => {
    harness.clock.advance(after);
    return run(reconcile.run());
  };
  return { harness, collection, transcoding, waitingForUnknownJob, statusOf, job, templates, reconcileLater };
};

describe("reconciling transcodes whose events never arrived", () => {
  it("completes a video whose job finished while the COMPLETE event was lost", async () => {
    const { harness, transcoding, statusOf, job, templates, reconcileLater } = await setUp();
    const { video, jobId } = await transcoding();
    harness.transcoder.complete(jobId, { durationSeconds: 90 });

    const report = await reconcileLater();

    expect(report.jobs).toEqual([
      {
        _tag: "Applied",
        jobId,
        result: {
          _tag: "Completed",
          jobId,
          videoKey: video.key,
          purpose: "transcode",
        },
      },
    ]);
    expect(report.failures).toEqual([]);
    expect(await statusOf(video)).toBe("Complete");
    expect((await job(jobId)).state).toBe("Complete");
    expect((await run(harness.videoFiles.listForVideo(video.key))).map((file) => file.encoding)).toEqual([
      "original",
      "HLS",
      "desktop_mp4",
    ]);
    expect(await templates()).toEqual(["success"]);
  });

  it("fails a video whose job ended in ERROR, with the invalid-format email", async () => {
    const { harness, transcoding, statusOf, job, templates, reconcileLater } = await setUp();
    const { video, jobId } = await transcoding();
    harness.transcoder.fail(jobId, 1040, "unsupported codec");

    await reconcileLater();

    expect(await statusOf(video)).toBe("Transcode failed video error");
    expect(await job(jobId)).toMatchObject({
      state: "Error",
      errorCode: 1040,
      errorMessage: "unsupported codec",
    });
    expect(await templates()).toEqual(["invalid_format_error"]);
  });

  it("only refreshes the state of a job that is still running", async () => {
    const { harness, transcoding, statusOf, job, templates, reconcileLater } = await setUp();
    const { video, jobId } = await transcoding();
    harness.transcoder.progress(jobId);

    const first = await reconcileLater();
    const second = await reconcileLater("5 minutes");

    expect(first.jobs).toEqual([{ _tag: "StillRunning", jobId, stateChanged: true }]);
    expect(second.jobs).toEqual([{ _tag: "StillRunning", jobId, stateChanged: false }]);
    expect((await job(jobId)).state).toBe("Progressing");
    expect(await statusOf(video)).toBe("Transcoding");
    expect(await templates()).toEqual([]);
  });

  it("leaves a job alone that is younger than the reconciliation delay", async () => {
    const { harness, transcoding, job, reconcileLater } = await setUp();
    const { jobId } = await transcoding();
    harness.transcoder.complete(jobId);

    const report = await reconcileLater("29 minutes");

    expect(report).toEqual({ jobs: [], videosWithoutJob: [], failures: [] });
    expect((await job(jobId)).state).toBe("Submitted");
  });

  it("fails a video whose job the transcoder has no record of, with the internal-error emails", async () => {
    const { waitingForUnknownJob, statusOf, job, templates, reconcileLater } = await setUp();
    const { video, jobId } = await waitingForUnknownJob("Transcoding", "transcode");

    const report = await reconcileLater();

    expect(report.jobs).toEqual([{ _tag: "Lost", jobId, videoKey: video.key, videoFailed: true }]);
    expect(await job(jobId)).toMatchObject({
      state: "Error",
      errorMessage: "the transcoder has no record of this job",
    });
    expect(await statusOf(video)).toBe("Transcode failed internal error");
    expect(await templates()).toEqual(["other_error"]);
  });

  it("fails a lost retranscode silently", async () => {
    const { waitingForUnknownJob, statusOf, templates, reconcileLater } = await setUp();
    const { video } = await waitingForUnknownJob("Retranscoding", "retranscode");

    await reconcileLater();

    expect(await statusOf(video)).toBe("Retranscode failed error");
    expect(await templates()).toEqual([]);
  });

  it("marks a lost job Error without touching a video that no longer waits for it", async () => {
    const { waitingForUnknownJob, statusOf, job, templates, reconcileLater } = await setUp();
    const { video, jobId } = await waitingForUnknownJob("Complete", "transcode");

    const report = await reconcileLater();

    expect(report.jobs).toEqual([{ _tag: "Lost", jobId, videoKey: video.key, videoFailed: false }]);
    expect((await job(jobId)).state).toBe("Error");
    expect(await statusOf(video)).toBe("Complete");
    expect(await templates()).toEqual([]);
  });

  it("goes on with the other jobs when the transcoder cannot describe one", async () => {
    const { harness, transcoding, statusOf, job, reconcileLater } = await setUp();
    const first = await transcoding();
    harness.clock.advance("1 second");
    const second = await transcoding();
    harness.transcoder.complete(first.jobId);
    harness.transcoder.complete(second.jobId);
    harness.transcoder.failNext("describe", { transient: true, reason: "throttled" });

    const report = await reconcileLater();

    expect(report.failures).toMatchObject([
      {
        jobId: first.jobId,
        videoKey: first.video.key,
        error: { _tag: "TranscoderFailure", operation: "describe" },
      },
    ]);
    expect(report.jobs.map((entry) => entry.jobId)).toEqual([second.jobId]);
    expect(await statusOf(first.video)).toBe("Transcoding");
    expect((await job(first.jobId)).state).toBe("Submitted");
    expect(await statusOf(second.video)).toBe("Complete");

    const retry = await reconcileLater("5 minutes");
    expect(retry.failures).toEqual([]);
    expect(await statusOf(first.video)).toBe("Complete");
  });

  it("lists an outcome that cannot be applied as a failure and goes on", async () => {
    const { harness, transcoding, statusOf, reconcileLater } = await setUp();
    const first = await transcoding();
    harness.clock.advance("1 second");
    const second = await transcoding();
    harness.transcoder.complete(first.jobId, {
      hlsPlaylist: { bucket: "elsewhere", key: "video__index.m3u8" },
    });
    harness.transcoder.complete(second.jobId);

    const report = await reconcileLater();

    expect(report.failures).toMatchObject([
      { jobId: first.jobId, error: { _tag: "UnexpectedTranscodeOutput", bucket: "elsewhere" } },
    ]);
    expect(await statusOf(first.video)).toBe("Transcoding");
    expect(await statusOf(second.video)).toBe("Complete");
  });

  it("fails a video stuck in Transcoding that has no job at all", async () => {
    const { harness, collection, statusOf, templates, reconcileLater } = await setUp();
    const video = await storeIn(harness).video(
      collection,
      aVideo().withStatus("Transcoding").createdAt(harness.clock.now()),
    );

    const report = await reconcileLater();

    expect(report.videosWithoutJob).toEqual([video.key]);
    expect(await statusOf(video)).toBe("Transcode failed internal error");
    expect(await templates()).toEqual(["other_error"]);
  });

  it("fails a video stuck in Retranscoding whose newest job is already finished", async () => {
    const { harness, collection, statusOf, reconcileLater } = await setUp();
    const video = await storeIn(harness).video(
      collection,
      aVideo().withStatus("Retranscoding").createdAt(harness.clock.now()),
    );
    await run(
      harness.encodeJobs.insert(
        anEncodeJob()
          .forVideo(video)
          .retranscode()
          .createdAt(harness.clock.now())
          .with({ state: "Complete" })
          .build(),
      ),
    );

    const report = await reconcileLater();

    expect(report.videosWithoutJob).toEqual([video.key]);
    expect(await statusOf(video)).toBe("Retranscode failed error");
  });

  it("does not fail a video that only just started transcoding", async () => {
    const { harness, collection, statusOf, reconcileLater } = await setUp();
    const video = await storeIn(harness).video(
      collection,
      aVideo().withStatus("Transcoding").createdAt(harness.clock.now()),
    );

    const report = await reconcileLater("10 minutes");

    expect(report.videosWithoutJob).toEqual([]);
    expect(await statusOf(video)).toBe("Transcoding");
  });
});
