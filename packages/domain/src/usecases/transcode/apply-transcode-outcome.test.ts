import { Cause, Effect, Either, Option } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { originalKey } from "../../model/storage-keys.js";
import type { JobQueue } from "../../ports/job-queue.js";
import { QueueFailure } from "../../ports/job-queue.js";
import type { ObjectStore } from "../../ports/object-store.js";
import { StorageFailure } from "../../ports/object-store.js";
import type { CompletionOverrides } from "../../testing/in-memory/in-memory-transcoder.js";
import type { CollectionBuilder, VideoBuilder } from "../../testing/builders.js";
import { aCollection, aVideo } from "../../testing/builders.js";
import { storeIn } from "../../testing/stored-test-data.js";
import type { InMemoryHarness } from "../../testing/in-memory-harness.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import { isRetryableJobFailure, makeJobHandlers } from "../job-handlers.js";
import { RecordVideoEvent } from "../video-lifecycle/record-video-event.js";
import { ApplyTranscodeOutcome } from "./apply-transcode-outcome.js";
import { SubmitTranscode } from "./submit-transcode.js";

const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect);
const failureOf = async <A, E>(effect: Effect.Effect<A, E>): Promise<E> => {
  const result = await run(Effect.either(effect));
  if (Either.isRight(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.right)}`);
  return result.left;
};

const setUp = async (
  options: {
    readonly collection?: CollectionBuilder;
    readonly video?: VideoBuilder;
    /** Another set-up's harness, for a second video beside its own. */
    readonly harness?: InMemoryHarness;
  } = {},
) => {
  const harness = options.harness ?? makeInMemoryHarness();
  const settings = testSettings();
  const collection = await storeIn(harness).collection(options.collection ?? aCollection());
  const video = await storeIn(harness).video(collection, (options.video ?? aVideo()).withStatus("Uploading"));
  const hex = hexKey(video.key);
  const original = { bucket: settings.buckets.upload, key: originalKey(hex, video.sourceUrl) };
  await run(
    harness.videoFiles.insert(
      { videoKey: video.key, s3ObjectKey: original.key, bucketName: original.bucket, encoding: "original" },
      harness.clock.now(),
    ),
  );
  harness.objectStore.putBytes(original, "original bytes", "video/mp4");
  const applyOutcome = new ApplyTranscodeOutcome(harness.ports, settings);
  const submitTranscode = new SubmitTranscode(harness.ports, settings);

  /** Submits the video's (re)transcode and returns the job id. */
  const submit = async (fromWatchBucket = false): Promise<string> => {
    const result = await run(submitTranscode.run({ videoKey: video.key, fromWatchBucket }));
    if (result._tag !== "Submitted") throw new Error(`expected a submission, got ${result._tag}`);
    return result.jobId;
  };
  const deliver = (
    outcome: ReturnType<typeof harness.transcoder.complete> | ReturnType<typeof harness.transcoder.fail>,
  ) => run(applyOutcome.run({ jobId: outcome.jobId, outcome }));
  const complete = async (overrides: CompletionOverrides = {}) => {
    const jobId = await submit();
    harness.clock.advance("10 minutes");
    return deliver(harness.transcoder.complete(jobId, overrides));
  };
  const scheduleRetranscode = () =>
    run(
      new RecordVideoEvent(harness.ports).run(video.key, "RetranscodeScheduled", {
        fields: { scheduleRetranscode: false },
      }),
    );

  const videoNow = () => run(harness.videos.findByKey(video.key)).then(Option.getOrThrow);
  const files = () => run(harness.videoFiles.listForVideo(video.key));
  const thumbnails = () => run(harness.videoThumbnails.listForVideo(video.key));
  const job = (id: string) => run(harness.encodeJobs.findById(id)).then(Option.getOrThrow);
  const templates = () =>
    run(harness.mailOutbox.listUnsent(100)).then((entries) => entries.map((e) => e.template));
  return {
    harness,
    settings,
    collection,
    video,
    hex,
    original,
    applyOutcome,
    submit,
    deliver,
    complete,
    scheduleRetranscode,
    videoNow,
    files,
    thumbnails,
    job,
    templates,
  };
};

describe("a completed first transcode", () => {
  it("records one file per encoding, the thumbnail and the duration, and completes with the success email", async () => {
    const { harness, video, hex, submit, deliver, videoNow, files, thumbnails, job, templates } =
      await setUp();
    const jobId = await submit();
    const outcome = harness.transcoder.complete(jobId, { durationSeconds: 42.5 });

    const result = await deliver(outcome);

    expect(result).toEqual({
      _tag: "Completed",
      jobId,
      videoKey: video.key,
      purpose: "transcode",
    });
    expect(
      (await files()).map(({ encoding, bucketName, s3ObjectKey, presetId }) => ({
        encoding,
        bucketName,
        s3ObjectKey,
        presetId,
      })),
    ).toEqual([
      { encoding: "original", bucketName: "ovs-uploads", s3ObjectKey: `${hex}/video.mp4`, presetId: null },
      {
        encoding: "HLS",
        bucketName: "ovs-transcoded",
        s3ObjectKey: `restricted/transcoded/${hex}/video__index.m3u8`,
        presetId: "",
      },
      {
        encoding: "desktop_mp4",
        bucketName: "ovs-transcoded",
        s3ObjectKey: `restricted/transcoded/${hex}/video_custom.mp4`,
        presetId: "",
      },
    ]);
    expect(await thumbnails()).toMatchObject([
      {
        bucketName: "ovs-thumbnails",
        s3ObjectKey: `restricted/thumbnails/${hex}/video_thumbnail.0000000.jpg`,
        maxWidth: 1920,
        maxHeight: 1080,
      },
    ]);
    const completed = await videoNow();
    expect(completed).toMatchObject({ status: "Complete", duration: 42.5 });
    expect(await job(jobId)).toMatchObject({
      state: "Complete",
      message: { request: expect.anything(), outcome },
    });
    expect(await templates()).toEqual(["success"]);
    expect(harness.jobs.pending("edx.post-video")).toEqual([]);
    expect(harness.jobs.pending("storage.delete")).toEqual([]);
    expect(harness.jobs.pending("cdn.invalidate")).toEqual([]);
  });

  it("applies the same outcome delivered three times once: one set of files, one email", async () => {
    const { harness, submit, applyOutcome, files, thumbnails, templates } = await setUp();
    const jobId = await submit();
    const outcome = harness.transcoder.complete(jobId);
    for (let delivery = 0; delivery < 3; delivery += 1) {
      await run(harness.jobs.enqueue("transcode.outcome", { jobId, outcome }));
    }

    const ran = await run(
      harness.jobs.drain({ "transcode.outcome": (payload) => applyOutcome.run(payload) }),
    );

    expect(ran.map((entry) => entry.error)).toEqual([undefined, undefined, undefined]);
    expect((await files()).map((file) => file.encoding)).toEqual(["original", "HLS", "desktop_mp4"]);
    expect(await thumbnails()).toHaveLength(1);
    expect(await templates()).toEqual(["success"]);
    expect(harness.jobs.pending("mail.send")).toHaveLength(1);
  });

  it("says so when the outcome was already applied", async () => {
    const { harness, submit, deliver } = await setUp();
    const jobId = await submit();
    const outcome = harness.transcoder.complete(jobId);
    await deliver(outcome);
    expect(await deliver(outcome)).toEqual({
      _tag: "AlreadyApplied",
      jobId,
      state: "Complete",
    });
  });

  it("posts the video to edX when the collection has a course", async () => {
    const { harness, video, complete } = await setUp({
      collection: aCollection().withEdxCourse("course-v1:MITx+6.001x+2026"),
    });
    await complete();
    expect(harness.jobs.pending("edx.post-video").map((job) => job.payload)).toEqual([
      { videoKey: video.key },
    ]);
  });

  it("records HLS only for a watch-bucket recording", async () => {
    const { harness, submit, deliver, files } = await setUp();
    const jobId = await submit(true);
    await deliver(harness.transcoder.complete(jobId));
    expect((await files()).map((file) => file.encoding)).toEqual(["original", "HLS"]);
  });

  it("applies an outcome to a job the transcoder reported as progressing", async () => {
    const { harness, submit, deliver, videoNow } = await setUp();
    const jobId = await submit();
    await run(
      harness.encodeJobs.compareAndSetState(
        jobId,
        ["Submitted"],
        { state: "Progressing" },
        harness.clock.now(),
      ),
    );
    await deliver(harness.transcoder.complete(jobId));
    expect((await videoNow()).status).toBe("Complete");
  });

  it("keeps the duration the video had when the transcoder reports none", async () => {
    const { complete, videoNow } = await setUp({ video: aVideo().withDuration(12) });
    await complete({ durationSeconds: null });
    expect((await videoNow()).duration).toBe(12);
  });

  it("queues the move to the right key space when the visibility changed while transcoding", async () => {
    const { harness, video, submit, deliver, videoNow } = await setUp();
    const jobId = await submit();
    await run(harness.videos.update({ ...(await videoNow()), isPublic: true }));

    await deliver(harness.transcoder.complete(jobId));

    expect(harness.jobs.pending("video.visibility").map((job) => job.payload)).toEqual([
      { videoKey: video.key },
    ]);
  });

  it("deletes the objects of a replaced file row, but never a folder holding the new outputs", async () => {
    const { harness, settings, video, hex, submit, deliver, files } = await setUp();
    const at = harness.clock.now();
    await run(
      harness.videoFiles.insert(
        {
          videoKey: video.key,
          s3ObjectKey: `transcoded/${hex}/video__index.m3u8`,
          bucketName: settings.buckets.transcode,
          encoding: "HLS",
        },
        at,
      ),
    );
    await run(
      harness.videoFiles.insert(
        {
          videoKey: video.key,
          s3ObjectKey: `restricted/transcoded/${hex}/video.m3u8`,
          bucketName: settings.buckets.transcode,
          encoding: "HLS",
        },
        at,
      ),
    );
    await run(
      harness.videoFiles.insert(
        {
          videoKey: video.key,
          s3ObjectKey: `transcoded/${hex}/video_custom.mp4`,
          bucketName: settings.buckets.transcode,
          encoding: "desktop_mp4",
        },
        at,
      ),
    );
    const jobId = await submit();

    await deliver(harness.transcoder.complete(jobId));

    expect((await files()).map((file) => file.s3ObjectKey)).toEqual([
      `${hex}/video.mp4`,
      `restricted/transcoded/${hex}/video__index.m3u8`,
      `restricted/transcoded/${hex}/video_custom.mp4`,
    ]);
    expect(harness.jobs.pending("storage.delete").map((job) => job.payload)).toEqual([
      { bucket: settings.buckets.transcode, key: `transcoded/${hex}/`, prefix: true },
      { bucket: settings.buckets.transcode, key: `transcoded/${hex}/video_custom.mp4`, prefix: false },
    ]);
  });
});

describe("a failed transcode", () => {
  it("records the error on the job, fails the video with the invalid-format email and records no files", async () => {
    const { harness, submit, deliver, videoNow, files, thumbnails, job, templates } = await setUp();
    const jobId = await submit();
    const outcome = harness.transcoder.fail(jobId, 1010, "Invalid input: no video stream");

    const result = await deliver(outcome);

    expect(result).toMatchObject({ _tag: "Errored", status: "Transcode failed video error" });
    expect(await job(jobId)).toMatchObject({
      state: "Error",
      errorCode: 1010,
      errorMessage: "Invalid input: no video stream",
    });
    expect((await videoNow()).status).toBe("Transcode failed video error");
    expect((await files()).map((file) => file.encoding)).toEqual(["original"]);
    expect(await thumbnails()).toEqual([]);
    expect(await templates()).toEqual(["invalid_format_error"]);
    expect(harness.jobs.pending("edx.post-video")).toEqual([]);
  });

  it("fails a retranscode silently, leaving the live outputs and the staged leftovers where they are", async () => {
    const {
      harness,
      settings,
      hex,
      complete,
      scheduleRetranscode,
      submit,
      deliver,
      videoNow,
      files,
      templates,
    } = await setUp();
    await complete();
    const liveFiles = await files();
    await scheduleRetranscode();
    const jobId = await submit();
    const partial = {
      bucket: settings.buckets.transcode,
      key: `retranscode/transcoded/${hex}/video_HLS2M_00001.ts`,
    };
    harness.objectStore.putBytes(partial, "half a segment");
    const liveSegment = {
      bucket: settings.buckets.transcode,
      key: `restricted/transcoded/${hex}/video_HLS2M_00001.ts`,
    };
    const liveBefore = harness.objectStore.readText(liveSegment);

    const result = await deliver(harness.transcoder.fail(jobId, 1999, "decoder crashed"));

    expect(result).toMatchObject({ _tag: "Errored", status: "Retranscode failed error" });
    expect((await videoNow()).status).toBe("Retranscode failed error");
    expect(await files()).toEqual(liveFiles);
    expect(harness.objectStore.readText(liveSegment)).toBe(liveBefore);
    expect(harness.objectStore.has(partial)).toBe(true);
    expect(await templates()).toEqual(["success"]);
  });
});

describe("an outcome that cannot be applied", () => {
  it("refuses a malformed payload and changes nothing", async () => {
    const { harness, submit, applyOutcome, videoNow } = await setUp();
    const jobId = await submit();

    const error = await failureOf(
      applyOutcome.run({ jobId, outcome: { _tag: "TranscodeSucceeded", jobId, videoKey: "not-a-key" } }),
    );

    expect(error._tag).toBe("InvalidInput");
    if (error._tag === "InvalidInput") {
      expect(error.problems.map((problem) => problem.field)).toEqual(
        expect.arrayContaining(["outcome.videoKey", "outcome.hlsPlaylist"]),
      );
    }
    expect((await videoNow()).status).toBe("Transcoding");
    expect(harness.jobs.pending("mail.send")).toEqual([]);
  });

  it("refuses a payload whose job id differs from its outcome's", async () => {
    const { harness, submit, applyOutcome } = await setUp();
    const jobId = await submit();
    const outcome = harness.transcoder.complete(jobId);
    const error = await failureOf(applyOutcome.run({ jobId: "another-job", outcome }));
    expect(error._tag === "InvalidInput" && error.problems).toEqual([
      { field: "outcome.jobId", message: "does not match the job id another-job" },
    ]);
  });

  it("reports a job id OVS never recorded", async () => {
    const { harness, submit, applyOutcome } = await setUp();
    const jobId = await submit();
    const outcome = { ...harness.transcoder.complete(jobId), jobId: "never-submitted" };
    const error = await failureOf(applyOutcome.run({ jobId: "never-submitted", outcome }));
    expect(error).toMatchObject({ _tag: "UnknownEncodeJob", jobId: "never-submitted" });
  });

  it("refuses an outcome that names another video than its job", async () => {
    const { harness, submit, applyOutcome, videoNow } = await setUp();
    const jobId = await submit();
    const other = aVideo().build().key;
    const outcome = { ...harness.transcoder.complete(jobId), videoKey: other };
    const error = await failureOf(applyOutcome.apply(outcome));
    expect(error).toMatchObject({ _tag: "OutcomeDoesNotMatchJob", outcomeVideoKey: other });
    expect((await videoNow()).status).toBe("Transcoding");
  });

  it("refuses outputs outside the job's folder, recording nothing", async () => {
    const { harness, submit, applyOutcome, videoNow, files, job } = await setUp();
    const jobId = await submit();
    const outcome = harness.transcoder.complete(jobId, {
      hlsPlaylist: { bucket: "attacker-bucket", key: "evil/video__index.m3u8" },
    });

    const error = await failureOf(applyOutcome.run({ jobId, outcome }));

    expect(error).toMatchObject({ _tag: "UnexpectedTranscodeOutput", bucket: "attacker-bucket" });
    expect((await videoNow()).status).toBe("Transcoding");
    expect((await files()).map((file) => file.encoding)).toEqual(["original"]);
    expect((await job(jobId)).state).toBe("Submitted");
  });

  it("records an outcome the video no longer waits for on the job alone", async () => {
    const { harness, video, submit, deliver, videoNow, files, job, templates } = await setUp();
    const jobId = await submit();
    await run(new RecordVideoEvent(harness.ports).run(video.key, "TranscodeJobLost"));

    const result = await deliver(harness.transcoder.complete(jobId));

    expect(result).toEqual({
      _tag: "NoLongerAwaited",
      jobId,
      videoKey: video.key,
      status: "Transcode failed internal error",
    });
    expect((await job(jobId)).state).toBe("Complete");
    expect((await videoNow()).status).toBe("Transcode failed internal error");
    expect((await files()).map((file) => file.encoding)).toEqual(["original"]);
    expect(await templates()).toEqual(["other_error"]);
  });

  it("records the failure of a superseded job on the job alone", async () => {
    const { harness, video, complete, scheduleRetranscode, submit, deliver, videoNow, job } = await setUp();
    await complete();
    await scheduleRetranscode();
    const first = await submit();
    // The first retranscode is given up on and a second one submitted.
    await run(new RecordVideoEvent(harness.ports).run(video.key, "TranscodeJobLost"));
    await scheduleRetranscode();
    harness.clock.advance("1 second");
    await submit();

    const result = await deliver(harness.transcoder.fail(first, 1, "late failure"));

    expect(result._tag).toBe("NoLongerAwaited");
    expect(await job(first)).toMatchObject({ state: "Error", errorCode: 1, errorMessage: "late failure" });
    expect((await videoNow()).status).toBe("Retranscoding");
  });
});

describe("an outcome that names no video, as the jobs the previous system submitted report", () => {
  const withoutVideoKey = <O extends { readonly videoKey?: unknown }>({ videoKey: _, ...rest }: O) => rest;

  it("completes the video its job was submitted for, and leaves the other videos alone", async () => {
    const legacy = await setUp();
    const bystander = await setUp({ harness: legacy.harness });
    const jobId = await legacy.submit();
    const bystanderJobId = await bystander.submit();
    const outcome = withoutVideoKey(legacy.harness.transcoder.complete(jobId, { durationSeconds: 42.5 }));

    const result = await legacy.deliver(outcome);

    expect(result).toEqual({
      _tag: "Completed",
      jobId,
      videoKey: legacy.video.key,
      purpose: "transcode",
    });
    expect(await legacy.videoNow()).toMatchObject({ status: "Complete", duration: 42.5 });
    expect((await legacy.files()).map((file) => file.encoding)).toEqual(["original", "HLS", "desktop_mp4"]);
    expect(await legacy.thumbnails()).toHaveLength(1);
    expect(await legacy.job(jobId)).toMatchObject({ state: "Complete" });
    expect(await legacy.templates()).toEqual(["success"]);
    expect((await bystander.videoNow()).status).toBe("Transcoding");
    expect((await bystander.files()).map((file) => file.encoding)).toEqual(["original"]);
    expect((await bystander.job(bystanderJobId)).state).toBe("Submitted");
  });

  it("fails the video its job was submitted for when the job failed", async () => {
    const { harness, video, submit, deliver, videoNow, job, templates } = await setUp();
    const jobId = await submit();

    const result = await deliver(withoutVideoKey(harness.transcoder.fail(jobId, 1010, "no video stream")));

    expect(result).toMatchObject({
      _tag: "Errored",
      videoKey: video.key,
      status: "Transcode failed video error",
    });
    expect((await videoNow()).status).toBe("Transcode failed video error");
    expect(await job(jobId)).toMatchObject({ state: "Error", errorCode: 1010 });
    expect(await templates()).toEqual(["invalid_format_error"]);
  });

  it("fails with UnknownEncodeJob and changes nothing when no job has its id", async () => {
    const { harness, submit, applyOutcome, videoNow, files, thumbnails, job } = await setUp();
    const jobId = await submit();
    const unknownJobId = "1700000000000-unkn0w";
    const outcome = withoutVideoKey({ ...harness.transcoder.complete(jobId), jobId: unknownJobId });

    const error = await failureOf(applyOutcome.run({ jobId: unknownJobId, outcome }));

    expect(error).toMatchObject({ _tag: "UnknownEncodeJob", jobId: unknownJobId });
    expect(error.message).toContain("matches no video");
    expect((await videoNow()).status).toBe("Transcoding");
    expect((await files()).map((file) => file.encoding)).toEqual(["original"]);
    expect(await thumbnails()).toEqual([]);
    expect((await job(jobId)).state).toBe("Submitted");
    expect(harness.jobs.pending("mail.send")).toEqual([]);
    expect(harness.jobs.pending("storage.delete")).toEqual([]);
  });
});

describe("a completed retranscode that goes wrong half-way", () => {
  /** A store whose `copy` fails once, after `succeeding` copies went through. */
  const copyFailingAfter = (store: ObjectStore, succeeding: number): ObjectStore => {
    let copies = 0;
    return {
      put: (location, body, options) => store.put(location, body, options),
      get: (location, range) => store.get(location, range),
      head: (location) => store.head(location),
      delete: (location) => store.delete(location),
      deletePrefix: (bucket, prefix) => store.deletePrefix(bucket, prefix),
      list: (bucket, prefix, options) => store.list(bucket, prefix, options),
      copy: (from, to) =>
        Effect.suspend(() => {
          copies += 1;
          return copies === succeeding + 1
            ? Effect.fail(
                new StorageFailure({
                  operation: "copy",
                  bucket: to.bucket,
                  key: to.key,
                  transient: true,
                  reason: "connection reset",
                }),
              )
            : store.copy(from, to);
        }),
    };
  };

  it("commits nothing when copying the staged outputs breaks off, and the redelivery completes", async () => {
    const {
      harness,
      settings,
      hex,
      complete,
      scheduleRetranscode,
      submit,
      deliver,
      videoNow,
      job,
      templates,
    } = await setUp();
    await complete();
    await scheduleRetranscode();
    const jobId = await submit();
    const outcome = harness.transcoder.complete(jobId);
    const crashing = new ApplyTranscodeOutcome(
      { ...harness.ports, objectStore: copyFailingAfter(harness.objectStore, 3) },
      settings,
    );

    const error = await failureOf(crashing.run({ jobId, outcome }));

    expect(error).toMatchObject({ _tag: "StorageFailure", transient: true });
    expect((await videoNow()).status).toBe("Retranscoding");
    expect((await job(jobId)).state).toBe("Submitted");
    expect(harness.jobs.pending("storage.delete")).toEqual([]);
    expect(harness.jobs.pending("cdn.invalidate")).toEqual([]);
    expect(
      harness.objectStore.keys(settings.buckets.transcode, `retranscode/transcoded/${hex}/`),
    ).not.toEqual([]);

    expect((await deliver(outcome))._tag).toBe("Completed");
    expect(harness.jobs.pending("cdn.invalidate")).toHaveLength(1);
    expect((await videoNow()).status).toBe("Complete");
    expect(await templates()).toEqual(["success", "success"]);
  });

  it("fails the retranscode when the staged outputs it reports are not there, and moves nothing", async () => {
    const {
      harness,
      settings,
      hex,
      complete,
      scheduleRetranscode,
      submit,
      deliver,
      videoNow,
      job,
      templates,
    } = await setUp();
    await complete();
    await scheduleRetranscode();
    const jobId = await submit();
    const outcome = harness.transcoder.complete(jobId);
    const stagedPlaylist = {
      bucket: settings.buckets.transcode,
      key: `retranscode/transcoded/${hex}/video__index.m3u8`,
    };
    await run(harness.objectStore.delete(stagedPlaylist));
    const liveSegment = {
      bucket: settings.buckets.transcode,
      key: `restricted/transcoded/${hex}/video_HLS2M_00001.ts`,
    };
    harness.objectStore.putBytes(liveSegment, "the live segment");

    const result = await deliver(outcome);

    expect(result).toMatchObject({ _tag: "Errored", status: "Retranscode failed error" });
    expect((await job(jobId)).errorMessage).toContain(`${stagedPlaylist.bucket}/${stagedPlaylist.key}`);
    expect((await videoNow()).status).toBe("Retranscode failed error");
    expect(harness.objectStore.readText(liveSegment)).toBe("the live segment");
    expect(harness.jobs.pending("cdn.invalidate")).toEqual([]);
    expect(await templates()).toEqual(["success"]);
  });

  it("commits nothing when the CDN invalidation cannot be queued, and the redelivery completes", async () => {
    const { harness, settings, complete, scheduleRetranscode, submit, deliver, videoNow, job, templates } =
      await setUp();
    await complete();
    await scheduleRetranscode();
    const jobId = await submit();
    const outcome = harness.transcoder.complete(jobId);
    const jobsRefusingInvalidations: JobQueue = {
      enqueue: (queue, payload, options) =>
        queue === "cdn.invalidate"
          ? Effect.fail(new QueueFailure({ queue, cause: new Error("connection lost") }))
          : harness.jobs.enqueue(queue, payload, options),
    };
    const refusing = new ApplyTranscodeOutcome(
      { ...harness.ports, jobs: jobsRefusingInvalidations },
      settings,
    );

    const error = await failureOf(refusing.run({ jobId, outcome }));

    expect(error).toMatchObject({ _tag: "QueueFailure", queue: "cdn.invalidate" });
    expect((await videoNow()).status).toBe("Retranscoding");
    expect((await job(jobId)).state).toBe("Submitted");
    expect(harness.jobs.pending("storage.delete")).toEqual([]);
    expect(harness.jobs.pending("mail.send")).toHaveLength(1);
    expect(harness.jobs.pending("cdn.invalidate")).toEqual([]);

    expect((await deliver(outcome))._tag).toBe("Completed");
    expect(harness.jobs.pending("cdn.invalidate")).toHaveLength(1);
    expect(await templates()).toEqual(["success", "success"]);
  });
});

describe("the CDN invalidation of a completed retranscode", () => {
  const retranscoded = async () => {
    const context = await setUp();
    await context.complete();
    await context.scheduleRetranscode();
    const jobId = await context.submit();
    const outcome = context.harness.transcoder.complete(jobId);
    return { ...context, jobId, outcome };
  };

  it("is queued with the commit for the replaced outputs, and the CDN is told only by that job", async () => {
    const { harness, video, hex, jobId, outcome, deliver, job } = await retranscoded();

    const result = await deliver(outcome);

    expect(result).toEqual({ _tag: "Completed", jobId, videoKey: video.key, purpose: "retranscode" });
    expect(harness.jobs.pending("cdn.invalidate").map((queued) => queued.payload)).toEqual([
      {
        paths: [
          `restricted/transcoded/${hex}/video__index.m3u8`,
          `restricted/transcoded/${hex}/*`,
          `restricted/transcoded/${hex}/video_custom.mp4`,
        ],
        reason: "retranscode",
      },
    ]);
    expect(harness.cdnInvalidator.invalidations).toEqual([]);
    expect((await job(jobId)).message).not.toHaveProperty("cdnInvalidation");

    expect(await deliver(outcome)).toEqual({ _tag: "AlreadyApplied", jobId, state: "Complete" });
    expect(harness.jobs.pending("cdn.invalidate")).toHaveLength(1);
  });

  it("fails only its own job when the CDN refuses it: the retranscode stays complete and is not applied again", async () => {
    const { harness, hex, outcome, deliver, videoNow, templates } = await retranscoded();
    await deliver(outcome);
    harness.cdnInvalidator.failNext({ transient: false, reason: "AccessDenied" });
    const handlers = makeJobHandlers(harness.ports, testSettings());
    const invalidateOnly = { "cdn.invalidate": handlers["cdn.invalidate"] };

    const [refused] = await run(harness.jobs.drain(invalidateOnly));

    const error = Cause.squash(refused?.error as Cause.Cause<unknown>);
    expect(error).toMatchObject({ _tag: "CdnPathsNotInvalidated" });
    expect(isRetryableJobFailure(error)).toBe(true);
    expect((await videoNow()).status).toBe("Complete");
    expect(await templates()).toEqual(["success", "success"]);

    // The queue's retry of that one job, and nothing else, gets the CDN to forget the old outputs.
    await run(harness.jobs.enqueue("cdn.invalidate", refused?.job.payload as never));
    expect((await run(harness.jobs.drain(invalidateOnly))).map((ran) => ran.error)).toEqual([undefined]);
    expect(harness.cdnInvalidator.invalidatedPaths).toContain(`restricted/transcoded/${hex}/*`);
    expect((await deliver(outcome))._tag).toBe("AlreadyApplied");
    expect(harness.jobs.pending()).not.toContainEqual(expect.objectContaining({ queue: "cdn.invalidate" }));
  });
});
