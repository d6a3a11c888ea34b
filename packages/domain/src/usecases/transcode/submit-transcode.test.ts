import { Effect, Either, Fiber, Option, Schedule, TestClock, TestContext } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { originalKey } from "../../model/storage-keys.js";
import type { VideoStatus } from "../../model/video.js";
import { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { Transcoder } from "../../ports/transcoder.js";
import type { CollectionBuilder, VideoBuilder } from "../../testing/builders.js";
import { aCollection, aVideo } from "../../testing/builders.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import type { SubmitTranscodeOptions } from "./submit-transcode.js";
import { SubmitTranscode } from "./submit-transcode.js";

const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect);

/** Runs an effect on a test clock moved far ahead, so backoff sleeps pass at once. */
const runPastBackoff = <A, E>(effect: Effect.Effect<A, E>): Promise<A> =>
  Effect.runPromise(
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(effect);
      yield* TestClock.adjust("1 hour");
      return yield* Fiber.join(fiber);
    }).pipe(Effect.provide(TestContext.TestContext)),
  );

const NO_BACKOFF: SubmitTranscodeOptions = { retrySchedule: Schedule.recurs(3) };

interface SetUpOptions {
  readonly status?: VideoStatus;
  readonly collection?: CollectionBuilder;
  readonly video?: VideoBuilder;
  /** Store the original's row (default true) and its object (default true). */
  readonly originalRow?: boolean;
  readonly originalObject?: boolean;
  /** Wraps the harness transcoder, to count or script calls. */
  readonly transcoder?: (inner: Transcoder) => Transcoder;
}

const setUp = async (options: SetUpOptions = {}) => {
  const harness = makeInMemoryHarness();
  const settings = testSettings();
  const collection = await storeIn(harness).collection(options.collection ?? aCollection());
  const video = await storeIn(harness).video(
    collection,
    (options.video ?? aVideo()).withStatus(options.status ?? "Uploading"),
  );
  const hex = hexKey(video.key);
  const original = { bucket: settings.buckets.upload, key: originalKey(hex, video.sourceUrl) };
  if (options.originalRow ?? true) {
    await run(
      harness.videoFiles.insert(
        { videoKey: video.key, s3ObjectKey: original.key, bucketName: original.bucket, encoding: "original" },
        harness.clock.now(),
      ),
    );
  }
  if (options.originalObject ?? true) harness.objectStore.putBytes(original, "original bytes", "video/mp4");
  let submitAttempts = 0;
  const inner = options.transcoder?.(harness.transcoder) ?? harness.transcoder;
  const transcoder: Transcoder = {
    submit: (request) =>
      Effect.suspend(() => {
        submitAttempts += 1;
        return inner.submit(request);
      }),
    describe: (jobId) => inner.describe(jobId),
  };
  const submit = (submitOptions: SubmitTranscodeOptions = NO_BACKOFF) =>
    new SubmitTranscode({ ...harness.ports, transcoder }, settings, submitOptions);
  const videoNow = () => run(harness.videos.findByKey(video.key)).then(Option.getOrThrow);
  const latestJob = () => run(harness.encodeJobs.latestForVideo(video.key));
  const outbox = () => run(harness.mailOutbox.listUnsent(100));
  return {
    harness,
    settings,
    collection,
    video,
    hex,
    original,
    submit,
    videoNow,
    latestJob,
    outbox,
    submitAttempts: () => submitAttempts,
  };
};

describe("submitting a transcode", () => {
  it("sends an uploaded video to the transcoder and records its job with the Transcoding status", async () => {
    const { harness, video, hex, original, submit, videoNow, latestJob, outbox } = await setUp();

    const result = await run(submit().run({ videoKey: video.key }));

    expect(result._tag).toBe("Submitted");
    const [submission] = harness.transcoder.submissions;
    expect(submission?.request).toEqual({
      videoKey: video.key,
      purpose: "transcode",
      input: original,
      destination: { bucket: "ovs-transcoded", prefix: `restricted/transcoded/${hex}` },
      thumbnail: { bucket: "ovs-thumbnails", prefix: `restricted/thumbnails/${hex}` },
      includeMp4: true,
      orientation: "landscape",
    });
    expect((await videoNow()).status).toBe("Transcoding");
    const job = Option.getOrThrow(await latestJob());
    expect(job).toMatchObject({
      id: submission?.jobId,
      videoKey: video.key,
      purpose: "transcode",
      state: "Submitted",
      message: submission?.request,
    });
    expect(await outbox()).toEqual([]);
  });

  it("transcodes a public video into the public prefixes", async () => {
    const { harness, video, hex, submit } = await setUp({ video: aVideo().public() });
    await run(submit().run({ videoKey: video.key }));
    expect(harness.transcoder.submissions[0]?.request).toMatchObject({
      destination: { prefix: `transcoded/${hex}` },
      thumbnail: { prefix: `thumbnails/${hex}` },
    });
  });

  it("transcodes a watch-bucket recording straight from Created, without an MP4", async () => {
    const { harness, video, submit, videoNow } = await setUp({ status: "Created" });
    await run(submit().run({ videoKey: video.key, fromWatchBucket: true }));
    expect(harness.transcoder.submissions[0]?.request.includeMp4).toBe(false);
    expect((await videoNow()).status).toBe("Transcoding");
  });

  it("transcodes a video of a collection of shorts in portrait", async () => {
    const { harness, video, submit } = await setUp({ collection: aCollection().forShorts() });
    await run(submit().run({ videoKey: video.key }));
    expect(harness.transcoder.submissions[0]?.request.orientation).toBe("portrait");
  });

  it("sends a scheduled retranscode to an emptied staging folder and keeps the thumbnail", async () => {
    const { harness, settings, video, hex, submit, videoNow, latestJob } = await setUp({
      status: "Retranscode scheduled",
    });
    await run(
      harness.videoThumbnails.upsertByKey(
        {
          videoKey: video.key,
          s3ObjectKey: `restricted/thumbnails/${hex}/video_thumbnail.0000000.jpg`,
          bucketName: settings.buckets.thumbnail,
          maxWidth: 1920,
          maxHeight: 1080,
        },
        harness.clock.advance("1 hour"),
      ),
    );
    const leftover = {
      bucket: settings.buckets.transcode,
      key: `retranscode/transcoded/${hex}/video_HLS2M_00001.ts`,
    };
    const neighbour = { bucket: settings.buckets.transcode, key: `retranscode/transcoded/${hex}0/keep.ts` };
    harness.objectStore.putBytes(leftover, "old attempt");
    harness.objectStore.putBytes(neighbour, "not this video");

    const result = await run(submit().run({ videoKey: video.key }));

    expect(result).toMatchObject({ _tag: "Submitted", purpose: "retranscode" });
    expect(harness.transcoder.submissions[0]?.request).toMatchObject({
      purpose: "retranscode",
      destination: { bucket: settings.buckets.transcode, prefix: `retranscode/transcoded/${hex}` },
      thumbnail: null,
      includeMp4: true,
    });
    expect(harness.objectStore.has(leftover)).toBe(false);
    expect(harness.objectStore.has(neighbour)).toBe(true);
    expect((await videoNow()).status).toBe("Retranscoding");
    expect(Option.getOrThrow(await latestJob()).purpose).toBe("retranscode");
  });

  it("captures a new thumbnail, in staging, when the original was replaced after the thumbnail", async () => {
    const { harness, settings, video, hex, original, submit } = await setUp({
      status: "Retranscode scheduled",
    });
    await run(
      harness.videoThumbnails.upsertByKey(
        {
          videoKey: video.key,
          s3ObjectKey: `restricted/thumbnails/${hex}/video_thumbnail.0000000.jpg`,
          bucketName: settings.buckets.thumbnail,
          maxWidth: 1920,
          maxHeight: 1080,
        },
        harness.clock.now(),
      ),
    );
    harness.clock.advance("1 day");
    harness.objectStore.putBytes(original, "the replacement's bytes", "video/mp4");

    await run(submit().run({ videoKey: video.key }));

    expect(harness.transcoder.submissions[0]?.request.thumbnail).toEqual({
      bucket: settings.buckets.thumbnail,
      prefix: `retranscode/thumbnails/${hex}`,
    });
  });

  it.each<VideoStatus>([
    "Transcoding",
    "Retranscoding",
    "Complete",
    "Upload failed",
    "Transcode failed internal error",
    "Retranscode failed error",
  ])("leaves a video in %s alone (a redelivered job)", async (status) => {
    const { harness, video, submit, videoNow, latestJob } = await setUp({ status });

    const result = await run(submit().run({ videoKey: video.key }));

    expect(result).toEqual({ _tag: "NotAwaitingTranscode", videoKey: video.key, status });
    expect(harness.transcoder.submissions).toEqual([]);
    expect((await videoNow()).status).toBe(status);
    expect(Option.isNone(await latestJob())).toBe(true);
  });

  it("reports a video that does not exist", async () => {
    const { submit } = await setUp();
    const result = await run(Effect.either(submit().run({ videoKey: aVideo().build().key })));
    expect(Either.isLeft(result) && result.left._tag).toBe("VideoNotFound");
  });
});

describe("a submission that fails", () => {
  it("retries a briefly unavailable transcoder with backoff, then transcodes", async () => {
    const { harness, video, submit, videoNow, submitAttempts } = await setUp();
    harness.transcoder.failNext("submit", { transient: true, reason: "throttled", times: 2 });

    const result = await runPastBackoff(submit({}).run({ videoKey: video.key }));

    expect(result._tag).toBe("Submitted");
    expect(submitAttempts()).toBe(3);
    expect((await videoNow()).status).toBe("Transcoding");
  });

  it("fails the video with the internal-error emails once the retries are used up", async () => {
    const { harness, video, submit, videoNow, latestJob, outbox, submitAttempts } = await setUp();
    harness.transcoder.failNext("submit", { transient: true, reason: "service unavailable", times: 10 });

    const result = await runPastBackoff(submit({}).run({ videoKey: video.key }));

    expect(result).toMatchObject({
      _tag: "SubmitFailed",
      status: "Transcode failed internal error",
      problem: { transient: true },
    });
    expect(submitAttempts()).toBe(4);
    expect((await videoNow()).status).toBe("Transcode failed internal error");
    expect(Option.isNone(await latestJob())).toBe(true);
    expect((await outbox()).map((entry) => entry.template)).toEqual(["other_error"]);
    expect(harness.jobs.pending("mail.send")).toHaveLength(1);
  });

  it("does not retry a refusal and fails the video at once", async () => {
    const { harness, video, submit, videoNow, latestJob, outbox, submitAttempts } = await setUp();
    harness.transcoder.failNext("submit", { transient: false, reason: "invalid job settings" });

    const result = await run(submit().run({ videoKey: video.key }));

    expect(result).toMatchObject({ _tag: "SubmitFailed", problem: { transient: false } });
    expect(submitAttempts()).toBe(1);
    expect((await videoNow()).status).toBe("Transcode failed internal error");
    expect(Option.isNone(await latestJob())).toBe(true);
    expect((await outbox()).map((entry) => entry.template)).toEqual(["other_error"]);
  });

  it("fails a video that has no original file row instead of leaving it waiting", async () => {
    const { video, submit, videoNow, outbox, submitAttempts } = await setUp({ originalRow: false });

    const result = await run(submit().run({ videoKey: video.key }));

    expect(result).toMatchObject({
      _tag: "SubmitFailed",
      problem: { reason: "the video has no original file" },
    });
    expect(submitAttempts()).toBe(0);
    expect((await videoNow()).status).toBe("Transcode failed internal error");
    expect((await outbox()).map((entry) => entry.template)).toEqual(["other_error"]);
  });

  it("fails a video whose original object is missing from storage", async () => {
    const { video, original, submit, videoNow, submitAttempts } = await setUp({ originalObject: false });

    const result = await run(submit().run({ videoKey: video.key }));

    expect(result).toMatchObject({
      _tag: "SubmitFailed",
      problem: {
        transient: false,
        reason: `the original file ${original.bucket}/${original.key} is missing`,
      },
    });
    expect(submitAttempts()).toBe(0);
    expect((await videoNow()).status).toBe("Transcode failed internal error");
  });

  it("retries storage that is briefly unavailable while checking the original", async () => {
    const { harness, video, submit, videoNow } = await setUp();
    harness.objectStore.failNext("head", { transient: true, times: 1 });
    await run(submit().run({ videoKey: video.key }));
    expect((await videoNow()).status).toBe("Transcoding");
  });

  it("fails a retranscode the transcoder refuses as Retranscode failed error, without email", async () => {
    const { harness, video, submit, videoNow, latestJob, outbox } = await setUp({
      status: "Retranscode scheduled",
    });
    harness.transcoder.failNext("submit", { transient: false });

    const result = await run(submit().run({ videoKey: video.key }));

    expect(result).toMatchObject({ _tag: "SubmitFailed", status: "Retranscode failed error" });
    expect((await videoNow()).status).toBe("Retranscode failed error");
    expect(Option.isNone(await latestJob())).toBe(true);
    expect(await outbox()).toEqual([]);
  });

  it("fails a retranscode whose staging folder cannot be cleared, and submits nothing", async () => {
    const { harness, video, submit, videoNow, submitAttempts } = await setUp({
      status: "Retranscode scheduled",
    });
    harness.objectStore.failNext("deletePrefix", { transient: false, reason: "access denied" });

    const result = await run(submit().run({ videoKey: video.key }));

    expect(result).toMatchObject({ _tag: "SubmitFailed", problem: { transient: false } });
    expect(submitAttempts()).toBe(0);
    expect((await videoNow()).status).toBe("Retranscode failed error");
  });

  it("records nothing when the video moved on while its job was being submitted", async () => {
    const { harness, video, submit, videoNow, latestJob } = await setUp({
      transcoder: (inner) => ({
        submit: (request) =>
          Effect.zipLeft(
            inner.submit(request),
            harness.videos.compareAndSetStatus(
              video.key,
              ["Uploading"],
              "Upload failed",
              harness.clock.now(),
            ),
          ).pipe(Effect.orDie),
        describe: (jobId) => inner.describe(jobId),
      }),
    });

    const result = await run(submit().run({ videoKey: video.key }));

    expect(result).toEqual({
      _tag: "Superseded",
      videoKey: video.key,
      orphanedJobId: harness.transcoder.submissions[0]?.jobId,
    });
    expect((await videoNow()).status).toBe("Upload failed");
    expect(Option.isNone(await latestJob())).toBe(true);
  });

  it("reports a database failure while recording, and leaves the video for the redelivery", async () => {
    const { harness, video, videoNow } = await setUp();
    const jobs = harness.encodeJobs;
    const failing = new SubmitTranscode(
      {
        ...harness.ports,
        encodeJobs: {
          insert: () =>
            Effect.fail(new PersistenceFailure({ operation: "insert encode job", cause: "connection lost" })),
          findById: (id) => jobs.findById(id),
          compareAndSetState: (id, expected, update, at) => jobs.compareAndSetState(id, expected, update, at),
          latestForVideo: (key) => jobs.latestForVideo(key),
          listInFlightSince: (before, limit) => jobs.listInFlightSince(before, limit),
        },
      },
      testSettings(),
      NO_BACKOFF,
    );

    const result = await run(Effect.either(failing.run({ videoKey: video.key })));

    expect(Either.isLeft(result) && result.left._tag).toBe("PersistenceFailure");
    expect((await videoNow()).status).toBe("Uploading");
  });
});
