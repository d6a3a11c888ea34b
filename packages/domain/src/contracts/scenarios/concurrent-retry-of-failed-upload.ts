import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { originalKey } from "../../model/storage-keys.js";
import { Encoding } from "../../model/video-file.js";
import { aCollection, aUser, aVideo } from "../../testing/builders.js";
import { storeIn } from "../../testing/stored-test-data.js";
import type { MakeScenarioHarness } from "../../testing/scenario-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import { RetryFailedUpload } from "../../usecases/replace/retry-failed-upload.js";
import { onFreshHarness, run } from "./scenario-support.js";

const SOURCE = "https://www.dropbox.com/s/abc/lecture.mp4?dl=0";
const ROUNDS = 5;

/**
 * Two admins press "retry" on the same failed upload at the same moment. The status write is a
 * compare-and-set inside the unit of work that also queues the ingest, so exactly one retry
 * wins and exactly one `video.ingest` job exists; the loser reports that it was skipped.
 */
export const describeConcurrentRetryScenarios = (name: string, makeHarness: MakeScenarioHarness): void => {
  const scenario = onFreshHarness(makeHarness);

  describe(`${name}: two admins retry the same failed upload at once`, () => {
    it("retries it once, skips the other request and queues one ingest", () =>
      scenario(async (harness) => {
        const settings = testSettings();
        const store = storeIn(harness);
        const collection = await store.collection(aCollection().withAdminLists("lecturers"));
        const admins = [aUser().principal("lecturers"), aUser().principal("lecturers")] as const;
        for (let round = 0; round < ROUNDS; round += 1) {
          const video = await store.video(
            collection,
            aVideo().fromSource(SOURCE).withStatus("Upload failed"),
          );
          await run(
            harness.videoFiles.insert(
              {
                videoKey: video.key,
                s3ObjectKey: originalKey(hexKey(video.key), SOURCE),
                bucketName: settings.buckets.upload,
                encoding: Encoding.original,
              },
              harness.clock.now(),
            ),
          );
          // One use case per request, as two HTTP requests would have.
          const outcomes = await run(
            Effect.all(
              admins.map((admin) => new RetryFailedUpload(harness).run(admin, hexKey(video.key))),
              { concurrency: "unbounded" },
            ),
          );
          const tally = outcomes.map((outcome) => outcome.outcome).sort();
          expect(tally).toHaveLength(2);
          expect(tally.filter((outcome) => outcome === "retried")).toHaveLength(1);
          expect(tally.filter((outcome) => outcome !== "retried")).toEqual([
            expect.stringMatching(/^skipped_(conflict|status)$/),
          ]);
          const stored = await run(harness.videos.findByKey(video.key));
          expect(stored._tag === "Some" ? stored.value.status : "gone").toBe("Created");
          const ingests = (await harness.jobs.pending("video.ingest")).filter(
            (job) => (job.payload as { readonly videoKey?: string }).videoKey === video.key,
          );
          expect(ingests).toHaveLength(1);
        }
        expect(await harness.jobs.pending("video.ingest")).toHaveLength(ROUNDS);
      }));
  });
};
