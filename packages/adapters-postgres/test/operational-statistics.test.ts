import { Effect } from "effect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { JobHandlers, QueueName } from "@ovs/domain";
import { InvalidInput, QUEUE_NAMES } from "@ovs/domain";
import { aCollection, aVideo, storeIn } from "@ovs/domain/testing";
import { readFailedJobs, readOperationalStatistics } from "../src/operational-statistics.js";
import { startWorkers } from "../src/pg-boss-workers.js";
import type { TestBackend } from "./support/test-backends.js";
import { backendsToRun, openTestBackend } from "./support/test-backends.js";

const silent = { error: () => undefined };

/** Handlers that fail every job as a retry would repeat it: the worker completes them `notRetried`. */
const refusingHandlers = Object.fromEntries(
  QUEUE_NAMES.map((queue) => [
    queue,
    () => Effect.fail(new InvalidInput({ problems: [{ field: "x", message: "bad" }] })),
  ]),
) as unknown as JobHandlers;

describe.each(backendsToRun())("operational statistics on %s", (name) => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await openTestBackend(name);
  });
  afterAll(async () => {
    await backend.close();
  });
  beforeEach(async () => {
    await backend.reset();
  });

  it("counts videos per status, open jobs per queue and state, and unsent mail", async () => {
    const store = storeIn(backend.adapters);
    const collection = await store.collection(aCollection());
    await store.video(collection, aVideo().withStatus("Complete"));
    await store.video(collection, aVideo().withStatus("Complete"));
    await store.video(collection, aVideo().withStatus("Uploading"));
    await Effect.runPromise(
      backend.adapters.jobs.enqueue("storage.delete", { bucket: "b", key: "k", prefix: false }),
    );

    const statistics = await readOperationalStatistics(backend.database);

    expect(statistics.videosByStatus).toEqual({ Complete: 2, Uploading: 1 });
    expect(statistics.jobsByQueueAndState).toEqual([{ queue: "storage.delete", state: "created", count: 1 }]);
    expect(statistics.unsentMail).toBe(0);
  });

  it("lists a job failed with no retries left and one a retry would repeat, newest first, with their failures", async () => {
    const { boss, database } = backend;
    const exhaustedId = await boss.send(
      "edx.sync-collection" satisfies QueueName,
      { collectionKey: "c" },
      { retryLimit: 0 },
    );
    if (exhaustedId === null) throw new Error("pg-boss did not queue the job");
    const [fetched] = await boss.fetch("edx.sync-collection", { includeMetadata: false });
    expect(fetched?.id).toBe(exhaustedId);
    await boss.fail("edx.sync-collection", exhaustedId, {
      tag: "EdxUnavailable",
      message: "edX answered 503",
    });

    await Effect.runPromise(backend.adapters.jobs.enqueue("mail.send", { outboxId: "o-1" }));
    const workers = await startWorkers(boss, refusingHandlers, {
      logger: silent,
      queues: ["mail.send"],
      pollingIntervalSeconds: 0.5,
    });
    for (let attempt = 0; attempt < 200; attempt += 1) {
      if ((await readFailedJobs(database, 10)).length === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await workers.stop();

    const failed = await readFailedJobs(database, 10);
    expect(failed.map((job) => [job.queue, job.end, job.failure])).toEqual([
      ["mail.send", "not_retried", { tag: "InvalidInput", message: expect.any(String) }],
      ["edx.sync-collection", "exhausted", { tag: "EdxUnavailable", message: "edX answered 503" }],
    ]);
    expect(failed[0]?.payload).toEqual({ outboxId: "o-1" });
    expect(await readFailedJobs(database, 1)).toHaveLength(1);
    expect((await readOperationalStatistics(database)).jobsByQueueAndState).toContainEqual({
      queue: "edx.sync-collection",
      state: "failed",
      count: 1,
    });
  });
});
