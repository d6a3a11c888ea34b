import { Option } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import type { VideoKey } from "../../model/keys.js";
import { userPrincipal } from "../../model/user.js";
import type { TranscodeOutcome } from "../../ports/transcoder.js";
import { aCollection, aUser } from "../../testing/builders.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { collectBytes, patternedBytes } from "../../testing/in-memory/byte-streams.js";
import type { MakeScenarioHarness, ScenarioHarness } from "../../testing/scenario-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import { makeJobHandlers } from "../../usecases/job-handlers.js";
import { UploadVideosFromSource } from "../../usecases/upload/upload-videos-from-source.js";
import { detailsOf, onFreshHarness, run } from "./scenario-support.js";

/**
 * The whole first flow of the product, one step at a time: an admin picks two Dropbox files,
 * workers stream them into storage and submit transcodes, the transcoder's completion events
 * arrive (as the webhook would enqueue them), and the admin gets one "ready" email per video —
 * also when the transcoder forgets its jobs mid-transcode and reconciliation resubmits them.
 */
const setUp = async (harness: ScenarioHarness) => {
  const settings = testSettings();
  const handlers = makeJobHandlers(harness, settings);
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
  const upload = new UploadVideosFromSource(harness, settings);
  const uploaded = await run(
    upload.run(userPrincipal(owner), {
      collection: hexKey(collection.key),
      files: lectures.map(({ name, link }) => ({ name, link })),
    }),
  );
  const drain = () => run(harness.jobs.drain(handlers));
  /** What the webhook does for every job the transcoder finishes. */
  const completeAllTranscodes = async (): Promise<ReadonlyArray<TranscodeOutcome>> => {
    const outcomes: Array<TranscodeOutcome> = [];
    for (const { jobId } of harness.transcoder.submissions) {
      const outcome = harness.transcoder.complete(jobId);
      outcomes.push(outcome);
      await run(harness.jobs.enqueue("transcode.outcome", { jobId, outcome }, { singletonKey: jobId }));
    }
    return outcomes;
  };
  const videoKeys = async (): Promise<ReadonlyArray<VideoKey>> =>
    (
      await run(
        harness.videos.list(
          { visibility: { _tag: "Everything" } },
          { _tag: "After", cursor: null, size: 10 },
        ),
      )
    ).items.map((video) => video.key);
  /** Every video's files, read through the port, in a stable order. */
  const filesOfEveryVideo = async () => {
    const keys = [...(await videoKeys())].sort();
    return Promise.all(
      keys.map(async (key) =>
        [...(await run(harness.videoFiles.listForVideo(key)))].sort((a, b) =>
          a.s3ObjectKey < b.s3ObjectKey ? -1 : a.s3ObjectKey > b.s3ObjectKey ? 1 : 0,
        ),
      ),
    );
  };
  return { owner, lectures, uploaded, drain, completeAllTranscodes, videoKeys, filesOfEveryVideo };
};

/** The Dropbox upload flow from the admin's pick to the "ready" email, on the given harness. */
export const describeDropboxUploadScenarios = (name: string, makeHarness: MakeScenarioHarness): void => {
  const scenario = onFreshHarness(makeHarness);

  describe(`${name}: an admin uploads two Dropbox files`, () => {
    it("streams both into storage, transcodes them and marks them Complete with one email each", () =>
      scenario(async (harness) => {
        const { owner, lectures, uploaded, drain, completeAllTranscodes, videoKeys } = await setUp(harness);
        const keys = await videoKeys();
        expect(Object.keys(uploaded)).toHaveLength(2);
        expect(keys).toHaveLength(2);
        expect(await harness.jobs.pending("video.ingest")).toHaveLength(2);

        const ingestAndSubmit = await drain();
        expect(ingestAndSubmit.filter(({ error }) => error !== undefined)).toEqual([]);
        expect(harness.transcoder.submissions).toHaveLength(2);
        for (const key of keys) expect((await detailsOf(harness, key)).video.status).toBe("Transcoding");

        await completeAllTranscodes();
        const completion = await drain();
        expect(completion.filter(({ error }) => error !== undefined)).toEqual([]);

        for (const key of keys) {
          const details = await detailsOf(harness, key);
          expect(details.video.status).toBe("Complete");
          expect(details.files.map((file) => file.encoding).sort()).toEqual([
            "HLS",
            "desktop_mp4",
            "original",
          ]);
          expect(details.thumbnails).toHaveLength(1);
          const original = details.files.find((file) => file.encoding === "original");
          const stored = await run(
            harness.objectStore.get({ bucket: "ovs-uploads", key: original?.s3ObjectKey ?? "" }),
          );
          const expected = lectures.find((lecture) => lecture.name === details.video.title)?.bytes;
          // Compared by hand: `toEqual` on megabytes of bytes takes seconds.
          const bytes = await collectBytes(stored.body);
          expect(bytes.length).toBe(expected?.length);
          expect(bytes.every((byte, index) => byte === expected?.[index])).toBe(true);
        }
        const mails = harness.mailer.sentTo(owner.email);
        expect(mails.map((mail) => mail.subject).sort()).toEqual([
          'Video "Lecture 1.mp4" is ready in collection "18.06 Linear Algebra"',
          'Video "Lecture 2.mov" is ready in collection "18.06 Linear Algebra"',
        ]);
        expect(await run(harness.mailOutbox.listUnsent(10))).toEqual([]);
        expect(await harness.jobs.pending()).toEqual([]);
      }));

    it("keeps one set of files and one email per video when each completion is delivered three times", () =>
      scenario(async (harness) => {
        const { owner, drain, completeAllTranscodes, filesOfEveryVideo } = await setUp(harness);
        await drain();
        const outcomes = await completeAllTranscodes();
        await drain();
        const before = await filesOfEveryVideo();
        expect(before.map((files) => files.length)).toEqual([3, 3]);

        for (let replay = 0; replay < 2; replay += 1) {
          for (const outcome of outcomes) {
            await run(harness.jobs.enqueue("transcode.outcome", { jobId: outcome.jobId, outcome }));
          }
          const replayed = await drain();
          expect(replayed.filter(({ error }) => error !== undefined)).toEqual([]);
        }

        expect(harness.mailer.sentTo(owner.email)).toHaveLength(2);
        expect(await filesOfEveryVideo()).toEqual(before);
        expect(await run(harness.mailOutbox.listUnsent(10))).toEqual([]);
        expect(await harness.jobs.pending()).toEqual([]);
      }));

    it("ends Complete with one email each when the transcoder restarts mid-transcode: reconciliation resubmits", () =>
      scenario(async (harness) => {
        const { owner, drain, videoKeys } = await setUp(harness);
        await drain();
        const lost = harness.transcoder.submissions.map(({ jobId }) => jobId);
        expect(lost).toHaveLength(2);

        // A transcoder that keeps its jobs in memory (the local ffmpeg one) restarts: it knows none of them.
        harness.transcoder.restart();
        harness.clock.advance("31 minutes");
        await run(harness.jobs.enqueue("transcode.reconcile", {}));
        const reconciled = await drain();
        expect(reconciled.filter(({ error }) => error !== undefined)).toEqual([]);

        const resubmitted = harness.transcoder.submissions.slice(2);
        expect(resubmitted).toHaveLength(2);
        for (const [index, { request }] of resubmitted.entries()) {
          expect(request).toEqual(harness.transcoder.requestOf(lost[index] ?? ""));
        }
        for (const key of await videoKeys()) {
          expect((await detailsOf(harness, key)).video.status).toBe("Transcoding");
        }
        for (const jobId of lost) {
          const job = await run(harness.encodeJobs.findById(jobId));
          expect(Option.getOrThrow(job)).toMatchObject({ state: "Error" });
          expect(Option.getOrThrow(job).errorMessage).toMatch(
            /^the transcoder lost the job; resubmitted as /,
          );
        }
        expect(harness.mailer.sentTo(owner.email)).toEqual([]);

        for (const { jobId } of resubmitted) {
          const outcome = harness.transcoder.complete(jobId);
          await run(harness.jobs.enqueue("transcode.outcome", { jobId, outcome }, { singletonKey: jobId }));
        }
        const completion = await drain();
        expect(completion.filter(({ error }) => error !== undefined)).toEqual([]);

        for (const key of await videoKeys()) {
          const details = await detailsOf(harness, key);
          expect(details.video.status).toBe("Complete");
          expect(details.files.map((file) => file.encoding).sort()).toEqual([
            "HLS",
            "desktop_mp4",
            "original",
          ]);
        }
        expect(
          harness.mailer
            .sentTo(owner.email)
            .map((mail) => mail.subject)
            .sort(),
        ).toEqual([
          'Video "Lecture 1.mp4" is ready in collection "18.06 Linear Algebra"',
          'Video "Lecture 2.mov" is ready in collection "18.06 Linear Algebra"',
        ]);
        expect(await run(harness.mailOutbox.listUnsent(10))).toEqual([]);
        expect(await harness.jobs.pending()).toEqual([]);
      }));

    it("applies a completion once when it is queued three times before any delivery runs", () =>
      scenario(async (harness) => {
        const { owner, drain, filesOfEveryVideo } = await setUp(harness);
        await drain();
        const outcomes = harness.transcoder.submissions.map(({ jobId }) =>
          harness.transcoder.complete(jobId),
        );
        // Three deliveries of every outcome queued before any runs: no singleton key, as a
        // webhook retried by the sender would enqueue them.
        for (let delivery = 0; delivery < 3; delivery += 1) {
          for (const outcome of outcomes) {
            await run(harness.jobs.enqueue("transcode.outcome", { jobId: outcome.jobId, outcome }));
          }
        }
        expect(await harness.jobs.pending("transcode.outcome")).toHaveLength(6);
        const ran = await drain();
        expect(ran.filter(({ error }) => error !== undefined)).toEqual([]);

        expect((await filesOfEveryVideo()).map((files) => files.map((file) => file.encoding).sort())).toEqual(
          [
            ["HLS", "desktop_mp4", "original"],
            ["HLS", "desktop_mp4", "original"],
          ],
        );
        expect(harness.mailer.sentTo(owner.email)).toHaveLength(2);
      }));
  });
};
