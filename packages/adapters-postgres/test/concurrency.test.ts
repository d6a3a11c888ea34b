import { Effect, Either } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aCollection, aVideo, aVideoKey, storeIn } from "@ovs/domain/testing";
import { PostgresLease } from "../src/postgres-lease.js";
import { SqlContext } from "../src/sql-context.js";
import type { TestBackend } from "./support/test-backends.js";
import { backendsToRun, openTestBackend } from "./support/test-backends.js";

for (const backendName of backendsToRun()) {
  describe(`concurrency on ${backendName}`, () => {
    let backend: TestBackend | undefined;
    const current = (): TestBackend => {
      if (backend === undefined) throw new Error(`the ${backendName} backend did not open`);
      return backend;
    };
    beforeAll(async () => {
      backend = await openTestBackend(backendName);
    }, 60_000);
    afterAll(async () => {
      await backend?.close();
    });

    it("lets exactly one of two workers racing for a video's lease ingest", async () => {
      const { database } = current();
      // Two workers: two lease adapters, as two processes would have.
      const workers = ["worker-a", "worker-b"].map((owner) => ({
        owner,
        lease: new PostgresLease(new SqlContext(database.knex, database.kind)),
      }));
      for (let round = 0; round < 10; round += 1) {
        const name = `video-ingest:${aVideoKey()}`;
        const outcomes = await Effect.runPromise(
          Effect.all(
            workers.map(({ owner, lease }) => Effect.either(lease.acquire(name, owner, "1 minute"))),
            { concurrency: "unbounded" },
          ),
        );
        expect(outcomes.filter(Either.isRight)).toHaveLength(1);
      }
    });

    it("lets exactly one of two concurrent compare-and-set writes win", async () => {
      const opened = current();
      await opened.reset();
      const { adapters } = opened;
      const store = storeIn(adapters);
      const video = await store.video(
        await store.collection(aCollection()),
        aVideo().withStatus("Transcoding"),
      );
      const outcomes = await Effect.runPromise(
        Effect.all(
          (["Complete", "Transcode failed video error"] as const).map((next) =>
            Effect.either(adapters.videos.compareAndSetStatus(video.key, ["Transcoding"], next, new Date())),
          ),
          { concurrency: "unbounded" },
        ),
      );
      expect(outcomes.filter(Either.isRight)).toHaveLength(1);
      expect(outcomes.filter(Either.isLeft).map((outcome) => outcome.left._tag)).toEqual(["StatusConflict"]);
    });

    it("never delivers a job enqueued in a unit of work that rolled back", async () => {
      const opened = current();
      await opened.reset();
      const { adapters, boss } = opened;
      const store = storeIn(adapters);
      const collection = await store.collection();
      const video = aVideo().inCollection(collection).build();
      await Effect.runPromiseExit(
        adapters.unitOfWork.transaction(
          Effect.gen(function* () {
            yield* adapters.videos.insert(video);
            yield* adapters.jobs.enqueue("video.ingest", { videoKey: video.key });
            return yield* Effect.fail("rolled back");
          }),
        ),
      );
      const delivered = await boss.fetch("video.ingest", { batchSize: 10 });
      expect(delivered ?? []).toEqual([]);

      await Effect.runPromise(
        adapters.unitOfWork.transaction(
          Effect.andThen(adapters.videos.insert(video), () =>
            adapters.jobs.enqueue("video.ingest", { videoKey: video.key }),
          ),
        ),
      );
      const committed = await boss.fetch("video.ingest", { batchSize: 10 });
      expect((committed ?? []).map((job) => job.data)).toEqual([{ videoKey: video.key }]);
    });
  });
}
