import { Effect, Option } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { userPrincipal } from "../../model/user.js";
import type { TranscodeOutcome } from "../../ports/transcoder.js";
import type { VideoKey } from "../../model/keys.js";
import { aCollection, aUser } from "../../testing/builders.js";
import { storeIn } from "../../testing/contracts/repository-contract-support.js";
import { collectBytes, patternedBytes } from "../../testing/in-memory/byte-streams.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import { makeJobHandlers } from "../job-handlers.js";
import { UploadVideosFromSource } from "../upload/upload-videos-from-source.js";

/**
 * The whole first flow of the product, one step at a time: an admin picks two Dropbox files,
 * workers stream them into storage and submit transcodes, the transcoder's completion events
 * arrive (as the webhook would enqueue them), and the admin gets one "ready" email per video.
 */
const setUp = async () => {
  const harness = makeInMemoryHarness();
  const settings = testSettings();
  const handlers = makeJobHandlers(harness.ports, settings);
  const owner = await storeIn(harness).user(aUser().named("instructor@example.edu"));
  const collection = await storeIn(harness).collection(aCollection().titled("18.06 Linear Algebra"), owner);
  const lectures = [
    {
      name: "Lecture 1.mp4",
      link: "https://www.dropbox.com/s/aaa/Lecture%201.mp4?dl=0",
      bytes: patternedBytes(3_000_000, 1),
    },
    {
      name: "Lecture 2.mov",
      link: "https://www.dropbox.com/s/bbb/Lecture%202.mov?dl=0",
      bytes: patternedBytes(1_500_000, 2),
    },
  ];
  for (const lecture of lectures) {
    harness.videoSource.register(lecture.link, {
      content: lecture.bytes,
      name: lecture.name,
      contentType: "video/mp4",
    });
  }
  const upload = new UploadVideosFromSource(harness.ports, settings);
  const uploaded = await Effect.runPromise(
    upload.run(userPrincipal(owner), {
      collection: hexKey(collection.key),
      files: lectures.map(({ name, link }) => ({ name, link })),
    }),
  );
  const drain = () => Effect.runPromise(harness.jobs.drain(handlers));
  /** What the webhook does for every job the transcoder finishes. */
  const completeAllTranscodes = async (): Promise<ReadonlyArray<TranscodeOutcome>> => {
    const outcomes: Array<TranscodeOutcome> = [];
    for (const { jobId } of harness.transcoder.submissions) {
      const outcome = harness.transcoder.complete(jobId);
      outcomes.push(outcome);
      await Effect.runPromise(
        harness.jobs.enqueue("transcode.outcome", { jobId, outcome }, { singletonKey: jobId }),
      );
    }
    return outcomes;
  };
  return { harness, owner, collection, lectures, uploaded, drain, completeAllTranscodes };
};

const videoOf = async (harness: ReturnType<typeof makeInMemoryHarness>, key: VideoKey) => {
  const details = await Effect.runPromise(harness.videos.findDetailsByKey(key));
  if (Option.isNone(details)) throw new Error(`video ${key} is gone`);
  return details.value;
};

describe("an admin uploads two Dropbox files", () => {
  it("streams both into storage, transcodes them and marks them Complete with one email each", async () => {
    const { harness, owner, lectures, uploaded, drain, completeAllTranscodes } = await setUp();
    const keys = (
      await Effect.runPromise(
        harness.videos.list(
          { visibility: { _tag: "Everything" } },
          { _tag: "After", cursor: null, size: 10 },
        ),
      )
    ).items.map((video) => video.key);
    expect(Object.keys(uploaded)).toHaveLength(2);
    expect(keys).toHaveLength(2);

    const ingestAndSubmit = await drain();
    expect(ingestAndSubmit.filter(({ error }) => error !== undefined)).toEqual([]);
    expect(harness.transcoder.submissions).toHaveLength(2);
    for (const key of keys) expect((await videoOf(harness, key)).video.status).toBe("Transcoding");

    await completeAllTranscodes();
    const completion = await drain();
    expect(completion.filter(({ error }) => error !== undefined)).toEqual([]);

    for (const key of keys) {
      const details = await videoOf(harness, key);
      expect(details.video.status).toBe("Complete");
      expect(details.files.map((file) => file.encoding).sort()).toEqual(["HLS", "desktop_mp4", "original"]);
      expect(details.thumbnails).toHaveLength(1);
      const original = details.files.find((file) => file.encoding === "original");
      const stored = await Effect.runPromise(
        harness.objectStore.get({ bucket: "ovs-uploads", key: original?.s3ObjectKey ?? "" }),
      );
      const expected = lectures.find((lecture) => lecture.name === details.video.title)?.bytes;
      expect(await collectBytes(stored.body)).toEqual(expected);
    }
    const mails = harness.mailer.sentTo(owner.email);
    expect(mails.map((mail) => mail.subject).sort()).toEqual([
      'Video "Lecture 1.mp4" is ready in collection "18.06 Linear Algebra"',
      'Video "Lecture 2.mov" is ready in collection "18.06 Linear Algebra"',
    ]);
    expect(await Effect.runPromise(harness.mailOutbox.listUnsent(10))).toEqual([]);
  });

  it("changes nothing and mails nobody when the same completions are delivered twice more", async () => {
    const { harness, owner, drain, completeAllTranscodes } = await setUp();
    await drain();
    const outcomes = await completeAllTranscodes();
    await drain();
    const before = harness.database.snapshot();

    for (let replay = 0; replay < 2; replay += 1) {
      for (const outcome of outcomes) {
        await Effect.runPromise(harness.jobs.enqueue("transcode.outcome", { jobId: outcome.jobId, outcome }));
      }
      const replayed = await drain();
      expect(replayed.filter(({ error }) => error !== undefined)).toEqual([]);
    }

    expect(harness.mailer.sentTo(owner.email)).toHaveLength(2);
    expect([...harness.database.tables.videoFiles.values()]).toEqual([...before.videoFiles.values()]);
  });
});
