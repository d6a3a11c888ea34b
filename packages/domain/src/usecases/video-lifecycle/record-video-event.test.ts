import { Effect, Either } from "effect";
import { describe, expect, it } from "vitest";
import type { VideoStatus } from "../../model/video.js";
import { aVideo } from "../../testing/builders.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { RecordVideoEvent } from "./record-video-event.js";

const setUp = async (status: VideoStatus) => {
  const harness = makeInMemoryHarness();
  const collection = await storeIn(harness).collection();
  const video = await storeIn(harness).video(collection, aVideo().withStatus(status));
  return { harness, video, recordEvent: new RecordVideoEvent(harness.ports) };
};

describe("recording a video event", () => {
  it("moves the video on and queues the success email with its mail job", async () => {
    const { harness, video, recordEvent } = await setUp("Transcoding");

    const recorded = await Effect.runPromise(
      recordEvent.run(video.key, "TranscodeCompleted", { occurrence: { _tag: "EncodeJob", jobId: "job-1" } }),
    );

    expect(recorded).toMatchObject({ from: "Transcoding", to: "Complete", notified: true });
    expect(recorded.video.status).toBe("Complete");
    const [entry] = await Effect.runPromise(harness.mailOutbox.listUnsent(10));
    expect(entry).toMatchObject({ videoKey: video.key, template: "success", toStatus: "Complete" });
    expect(harness.jobs.pending("mail.send").map((job) => job.payload)).toEqual([{ outboxId: entry?.id }]);
  });

  it("refuses an event the status does not take, and changes nothing", async () => {
    const { harness, video, recordEvent } = await setUp("Complete");

    const result = await Effect.runPromise(Effect.either(recordEvent.run(video.key, "TranscodeCompleted")));

    expect(Either.isLeft(result) && result.left._tag).toBe("IllegalTransition");
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("queues one email for an occurrence however often it is recorded", async () => {
    const { harness, video, recordEvent } = await setUp("Transcoding");
    const occurrence = { _tag: "EncodeJob", jobId: "job-7" } as const;
    await Effect.runPromise(recordEvent.run(video.key, "TranscodeCompleted", { occurrence }));
    // Even if the video is driven back through the same transition, the same job's outcome
    // does not mail twice; a new job's outcome does.
    const rewind = () =>
      Effect.runPromise(
        harness.videos.compareAndSetStatus(video.key, ["Complete"], "Transcoding", harness.clock.now()),
      );
    await rewind();
    const replay = await Effect.runPromise(recordEvent.run(video.key, "TranscodeCompleted", { occurrence }));
    expect(replay.notified).toBe(false);

    await rewind();
    const next = await Effect.runPromise(
      recordEvent.run(video.key, "TranscodeCompleted", { occurrence: { _tag: "EncodeJob", jobId: "job-8" } }),
    );
    expect(next.notified).toBe(true);
    expect(harness.jobs.pending("mail.send")).toHaveLength(2);
  });

  it("sends nothing for a change that has no email", async () => {
    const { harness, video, recordEvent } = await setUp("Created");
    const recorded = await Effect.runPromise(recordEvent.run(video.key, "IngestStarted"));
    expect(recorded).toMatchObject({ to: "Uploading", notified: false });
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("reports a missing video", async () => {
    const { recordEvent } = await setUp("Created");
    const result = await Effect.runPromise(
      Effect.either(recordEvent.run(aVideo().build().key, "IngestStarted")),
    );
    expect(Either.isLeft(result) && result.left._tag).toBe("VideoNotFound");
  });
});
