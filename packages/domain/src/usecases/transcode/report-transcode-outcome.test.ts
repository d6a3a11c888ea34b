import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { aCollection, aVideo } from "../../testing/builders.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { testSettings } from "../../testing/test-settings.js";
import { ApplyTranscodeOutcome } from "./apply-transcode-outcome.js";
import { ReportTranscodeOutcome } from "./report-transcode-outcome.js";
import { SubmitTranscode } from "./submit-transcode.js";

const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect);

describe("reporting a finished transcode", () => {
  it("queues one transcode.outcome job per transcoder job, however often the event arrives while it waits", async () => {
    const harness = makeInMemoryHarness();
    const report = new ReportTranscodeOutcome(harness.ports);
    const outcome = {
      _tag: "TranscodeFailed" as const,
      jobId: "1700000000000-abcdef",
      errorCode: 1010,
      errorMessage: "Unsupported codec",
    };

    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => run(report.run(outcome))));

    expect(answers.filter((answer) => answer === "queued")).toHaveLength(1);
    expect(answers.filter((answer) => answer === "already-queued")).toHaveLength(4);
    expect(harness.jobs.pending("transcode.outcome").map((job) => job.payload)).toEqual([
      { jobId: outcome.jobId, outcome },
    ]);
  });

  it("queues a payload the outcome job decodes and applies", async () => {
    const harness = makeInMemoryHarness();
    const settings = testSettings();
    const video = await storeIn(harness).video(
      await storeIn(harness).collection(aCollection()),
      aVideo().withStatus("Uploading"),
    );
    await run(
      harness.videoFiles.insert(
        {
          videoKey: video.key,
          s3ObjectKey: "original.mp4",
          bucketName: settings.buckets.upload,
          encoding: "original",
        },
        harness.clock.now(),
      ),
    );
    harness.objectStore.putBytes(
      { bucket: settings.buckets.upload, key: "original.mp4" },
      "bytes",
      "video/mp4",
    );
    const submitted = await run(new SubmitTranscode(harness.ports, settings).run({ videoKey: video.key }));
    if (submitted._tag !== "Submitted") throw new Error(`expected a submission, got ${submitted._tag}`);

    await run(new ReportTranscodeOutcome(harness.ports).run(harness.transcoder.complete(submitted.jobId)));
    const apply = new ApplyTranscodeOutcome(harness.ports, settings);
    const ran = await run(harness.jobs.drain({ "transcode.outcome": (payload) => apply.run(payload) }));

    expect(ran.map((job) => job.error)).toEqual([undefined]);
    expect(harness.database.tables.videos.get(video.key)?.status).toBe("Complete");
  });
});
