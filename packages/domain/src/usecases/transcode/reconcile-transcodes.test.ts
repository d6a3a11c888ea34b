import type { Duration } from "effect";
import { Effect, Option, Schedule } from "effect";
import { describe, expect, it } from "vitest";
import type { Collection } from "../../model/collection.js";
import type { EncodeJobPurpose } from "../../model/encode-job.js";
import { hexKey } from "../../model/keys.js";
import { originalKey, retranscodeStagingPrefix } from "../../model/storage-keys.js";
import type { Video, VideoStatus } from "../../model/video.js";
import { aVideo, anEncodeJob } from "../../testing/builders.js";
import { storeIn } from "../../testing/stored-test-data.js";
import type { Transcoder } from "../../ports/transcoder.js";
import type { InMemoryHarness } from "../../testing/in-memory-harness.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import type { DomainSettings } from "../settings.js";
import { ReconcileTranscodes } from "./reconcile-transcodes.js";
import type { SubmitTranscodeOptions } from "./submit-transcode.js";
import { SubmitTranscode } from "./submit-transcode.js";

const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect);

const settingsWith = (resubmitLimit: number): DomainSettings =>
  testSettings({ transcode: { reconcileAfter: "30 minutes", resubmitLimit } });
const settings = settingsWith(2);

/** Resubmissions retry at once, not after seconds of backoff. */
const NO_BACKOFF: SubmitTranscodeOptions = { retrySchedule: Schedule.recurs(3) };

/** A stored video with its original, ready for a transcode (or, in `Retranscode scheduled`, a retranscode). */
const uploadedVideo = async (
  harness: InMemoryHarness,
  collection: Collection,
  status: VideoStatus = "Uploading",
): Promise<Video> => {
  const video = await storeIn(harness).video(
    collection,
    aVideo().withStatus(status).createdAt(harness.clock.now()),
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

const setUp = async (options: { readonly settings?: DomainSettings } = {}) => {
  const harness = makeInMemoryHarness();
  const collection = await storeIn(harness).collection();
  const used = options.settings ?? settings;
  const submitTranscode = new SubmitTranscode(harness.ports, used);
  /** A reconciler; `transcoder` wraps the harness's, to script what happens meanwhile. */
  const reconciler = (transcoder: (inner: Transcoder) => Transcoder = (inner) => inner) =>
    new ReconcileTranscodes(
      { ...harness.ports, transcoder: transcoder(harness.transcoder) },
      used,
      NO_BACKOFF,
    );
  const reconcile = reconciler();
  /** A video whose transcode (or retranscode, from `Retranscode scheduled`) was submitted; returns it with the job id. */
  const transcoding = async (
    from: { readonly status?: VideoStatus; readonly fromWatchBucket?: boolean } = {},
  ) => {
    const video = await uploadedVideo(harness, collection, from.status);
    const result = await run(
      submitTranscode.run(
        from.fromWatchBucket === undefined
          ? { videoKey: video.key }
          : { videoKey: video.key, fromWatchBucket: from.fromWatchBucket },
      ),
    );
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
  const reconcileLater = (
    after: Duration.DurationInput = "31 minutes",
    by: ReconcileTranscodes = reconcile,
  ) => {
    harness.clock.advance(after);
    return run(by.run());
  };
  /** The job the video waits for now. */
  const latestJobOf = (video: Video) =>
    run(harness.encodeJobs.latestForVideo(video.key)).then(Option.getOrThrow);
  return {
    harness,
    collection,
    reconciler,
    transcoding,
    waitingForUnknownJob,
    statusOf,
    job,
    latestJobOf,
    templates,
    reconcileLater,
  };
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

  it("resubmits a job the transcoder forgot: same key layout, the lost job closed, no status change, no email", async () => {
    const { harness, transcoding, statusOf, job, latestJobOf, templates, reconcileLater } = await setUp();
    const { video, jobId } = await transcoding();
    harness.transcoder.forget(jobId);

    const report = await reconcileLater();

    const [resubmission] = harness.transcoder.submissions.slice(1);
    if (resubmission === undefined) throw new Error("nothing was resubmitted");
    const newJobId = resubmission.jobId;
    expect(report).toEqual({
      jobs: [{ _tag: "Resubmitted", jobId, videoKey: video.key, newJobId, resubmission: 1 }],
      videosWithoutJob: [],
      failures: [],
    });
    expect(resubmission.request).toEqual(harness.transcoder.requestOf(jobId));
    expect(await job(jobId)).toMatchObject({
      state: "Error",
      errorMessage: `the transcoder lost the job; resubmitted as ${newJobId}`,
    });
    expect(await latestJobOf(video)).toMatchObject({
      id: newJobId,
      purpose: "transcode",
      state: "Submitted",
      message: { request: resubmission.request, resubmission: { of: jobId, number: 1 } },
    });
    expect(await statusOf(video)).toBe("Transcoding");
    expect(await templates()).toEqual([]);

    harness.transcoder.complete(newJobId);
    await reconcileLater();

    expect(await statusOf(video)).toBe("Complete");
    expect(await templates()).toEqual(["success"]);
  });

  it("fails the video, with the internal-error email, once the job was lost beyond the bound", async () => {
    const { harness, reconciler, transcoding, statusOf, job, templates, reconcileLater } = await setUp();
    const { video, jobId } = await transcoding();
    const lost = [jobId];

    // Each run is a new reconciler, as after a restart: the count lives on the job rows.
    for (const resubmission of [1, 2]) {
      harness.transcoder.restart();
      const report = await reconcileLater("31 minutes", reconciler());
      expect(report.jobs).toMatchObject([{ _tag: "Resubmitted", jobId: lost.at(-1), resubmission }]);
      expect(await statusOf(video)).toBe("Transcoding");
      lost.push(harness.transcoder.submissions.at(-1)?.jobId ?? "");
    }
    harness.transcoder.restart();
    const report = await reconcileLater("31 minutes", reconciler());

    const reason = "the transcoder has no record of this job; given up after 2 resubmission(s)";
    expect(report.jobs).toEqual([
      { _tag: "Lost", jobId: lost.at(-1), videoKey: video.key, videoFailed: true, reason },
    ]);
    expect(harness.transcoder.submissions).toHaveLength(3);
    expect(await job(lost.at(-1) ?? "")).toMatchObject({ state: "Error", errorMessage: reason });
    expect(await statusOf(video)).toBe("Transcode failed internal error");
    expect(await templates()).toEqual(["other_error"]);
  });

  it("fails a video whose job the transcoder has no record of at once when resubmissions are off", async () => {
    const { harness, waitingForUnknownJob, statusOf, job, templates, reconcileLater } = await setUp({
      settings: settingsWith(0),
    });
    const { video, jobId } = await waitingForUnknownJob("Transcoding", "transcode");

    const report = await reconcileLater();

    const reason = "the transcoder has no record of this job";
    expect(report.jobs).toEqual([{ _tag: "Lost", jobId, videoKey: video.key, videoFailed: true, reason }]);
    expect(await job(jobId)).toMatchObject({ state: "Error", errorMessage: reason });
    expect(harness.transcoder.submissions).toEqual([]);
    expect(await statusOf(video)).toBe("Transcode failed internal error");
    expect(await templates()).toEqual(["other_error"]);
  });

  it("resubmits a lost retranscode into emptied staging folders, silently", async () => {
    const { harness, transcoding, statusOf, latestJobOf, templates, reconcileLater } = await setUp();
    const { video, jobId } = await transcoding({ status: "Retranscode scheduled" });
    const staging = `${retranscodeStagingPrefix(hexKey(video.key))}/`;
    const leftover = { bucket: settings.buckets.transcode, key: `${staging}video_1280x720_00001.ts` };
    harness.objectStore.putBytes(leftover, "half a segment of the lost job");
    harness.transcoder.forget(jobId);

    const report = await reconcileLater();

    expect(report.jobs).toMatchObject([{ _tag: "Resubmitted", jobId, resubmission: 1 }]);
    const resubmitted = await latestJobOf(video);
    expect(resubmitted).toMatchObject({ purpose: "retranscode", state: "Submitted" });
    expect(harness.transcoder.requestOf(resubmitted.id)).toMatchObject({
      purpose: "retranscode",
      destination: {
        bucket: settings.buckets.transcode,
        prefix: retranscodeStagingPrefix(hexKey(video.key)),
      },
    });
    expect(harness.objectStore.has(leftover)).toBe(false);
    expect(await statusOf(video)).toBe("Retranscoding");
    expect(await templates()).toEqual([]);
  });

  it("fails a lost retranscode silently when resubmissions are off", async () => {
    const { waitingForUnknownJob, statusOf, templates, reconcileLater } = await setUp({
      settings: settingsWith(0),
    });
    const { video } = await waitingForUnknownJob("Retranscoding", "retranscode");

    await reconcileLater();

    expect(await statusOf(video)).toBe("Retranscode failed error");
    expect(await templates()).toEqual([]);
  });

  it("resubmits a lecture-capture recording's lost job without the MP4 again", async () => {
    const { harness, transcoding, latestJobOf, reconcileLater } = await setUp();
    const { video, jobId } = await transcoding({ fromWatchBucket: true });
    harness.transcoder.forget(jobId);

    await reconcileLater();
    const first = await latestJobOf(video);
    harness.transcoder.forget(first.id);
    await reconcileLater();
    const second = await latestJobOf(video);

    expect(harness.transcoder.requestOf(first.id).includeMp4).toBe(false);
    expect(harness.transcoder.requestOf(second.id).includeMp4).toBe(false);
    expect(second.message).toMatchObject({ resubmission: { of: first.id, number: 2 } });
  });

  it("fails the video when the resubmission is refused", async () => {
    const { harness, transcoding, statusOf, job, templates, reconcileLater } = await setUp();
    const { video, jobId } = await transcoding();
    harness.transcoder.forget(jobId);
    harness.transcoder.failNext("submit", { transient: false, reason: "the queue is gone" });

    const report = await reconcileLater();

    const reason =
      "the transcoder has no record of this job; its resubmission failed: transcoder submit failed: the queue is gone";
    expect(report.jobs).toEqual([{ _tag: "Lost", jobId, videoKey: video.key, videoFailed: true, reason }]);
    expect(report.videosWithoutJob).toEqual([]);
    expect(await job(jobId)).toMatchObject({ state: "Error", errorMessage: reason });
    expect(await statusOf(video)).toBe("Transcode failed internal error");
    expect(await templates()).toEqual(["other_error"]);
  });

  it("resubmits once when two reconcilers find the same lost job", async () => {
    const { harness, reconciler, transcoding, statusOf, latestJobOf, templates, reconcileLater } =
      await setUp();
    const { video, jobId } = await transcoding();
    harness.transcoder.forget(jobId);
    const other = reconciler();
    let otherReport: Awaited<ReturnType<typeof reconcileLater>> | undefined;
    // The other reconciler runs to the end between this one's describe and its claim.
    const racing = reconciler((inner) => ({
      submit: (request) => inner.submit(request),
      describe: (id) =>
        Effect.tap(inner.describe(id), () =>
          otherReport === undefined
            ? Effect.orDie(
                Effect.map(other.run(), (report) => {
                  otherReport = report;
                }),
              )
            : Effect.void,
        ),
    }));

    const report = await reconcileLater("31 minutes", racing);

    expect(otherReport?.jobs).toMatchObject([{ _tag: "Resubmitted", jobId }]);
    expect(report).toEqual({ jobs: [{ _tag: "AlreadyHandled", jobId }], videosWithoutJob: [], failures: [] });
    expect(harness.transcoder.submissions).toHaveLength(2);
    expect((await latestJobOf(video)).id).toBe(harness.transcoder.submissions[1]?.jobId);
    expect(await statusOf(video)).toBe("Transcoding");
    expect(await templates()).toEqual([]);
  });

  it("does not fail a video whose lost job another reconciler is resubmitting", async () => {
    const { harness, reconciler, transcoding, statusOf, templates, reconcileLater } = await setUp();
    const { video, jobId } = await transcoding();
    harness.transcoder.forget(jobId);
    const other = reconciler();
    let otherReport: Awaited<ReturnType<typeof reconcileLater>> | undefined;
    // The other reconciler runs to the end while this one submits the replacement.
    const slow = reconciler((inner) => ({
      submit: (request) =>
        Effect.zipRight(
          Effect.orDie(
            Effect.map(other.run(), (report) => {
              otherReport = report;
            }),
          ),
          inner.submit(request),
        ),
      describe: (id) => inner.describe(id),
    }));

    const report = await reconcileLater("31 minutes", slow);

    expect(otherReport).toEqual({ jobs: [], videosWithoutJob: [], failures: [] });
    expect(report.jobs).toMatchObject([{ _tag: "Resubmitted", jobId }]);
    expect(await statusOf(video)).toBe("Transcoding");
    expect(await templates()).toEqual([]);
  });

  it("fails a video whose resubmission never finished (a crash after the claim) once the delay passed", async () => {
    const { harness, transcoding, statusOf, templates, reconcileLater } = await setUp();
    const { video, jobId } = await transcoding();
    harness.clock.advance("31 minutes");
    await run(
      harness.encodeJobs.compareAndSetState(
        jobId,
        ["Submitted"],
        { state: "Error", errorMessage: "the transcoder lost the job; resubmitting it" },
        harness.clock.now(),
      ),
    );

    const soon = await reconcileLater("10 minutes");
    expect(soon.videosWithoutJob).toEqual([]);
    expect(await statusOf(video)).toBe("Transcoding");

    const later = await reconcileLater("21 minutes");
    expect(later.videosWithoutJob).toEqual([video.key]);
    expect(await statusOf(video)).toBe("Transcode failed internal error");
    expect(await templates()).toEqual(["other_error"]);
  });

  it("marks a lost job Error without touching a video that no longer waits for it", async () => {
    const { harness, waitingForUnknownJob, statusOf, job, templates, reconcileLater } = await setUp();
    const { video, jobId } = await waitingForUnknownJob("Complete", "transcode");

    const report = await reconcileLater();

    expect(report.jobs).toEqual([
      {
        _tag: "Lost",
        jobId,
        videoKey: video.key,
        videoFailed: false,
        reason: "the transcoder has no record of this job",
      },
    ]);
    expect((await job(jobId)).state).toBe("Error");
    expect(harness.transcoder.submissions).toEqual([]);
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
