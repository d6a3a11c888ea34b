import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { aVideoKey } from "../builders.js";
import { describeJobQueueContract } from "../../contracts/job-queue-contract.js";
import { InMemoryClock } from "./in-memory-clock.js";
import { InMemoryDatabase } from "./in-memory-database.js";
import { InMemoryJobQueue } from "./in-memory-job-queue.js";

const makeQueue = () => {
  const database = new InMemoryDatabase();
  const clock = new InMemoryClock();
  return { database, clock, queue: new InMemoryJobQueue(database, clock) };
};

describeJobQueueContract("in-memory", async () => {
  const { queue } = makeQueue();
  return { queue, pendingPayloads: async (name) => queue.pending(name).map((job) => job.payload) };
});

describe("InMemoryJobQueue", () => {
  it("holds a job back until its start time", async () => {
    const { queue, clock } = makeQueue();
    const videoKey = aVideoKey();
    await Effect.runPromise(
      queue.enqueue("video.ingest", { videoKey }, { startAfter: new Date(clock.now().getTime() + 60_000) }),
    );
    expect(queue.takeNext("video.ingest")).toBeUndefined();
    clock.advance("61 seconds");
    expect(queue.takeNext("video.ingest")?.payload).toEqual({ videoKey });
  });

  it("drains jobs that handlers enqueue, and leaves queues without a handler alone", async () => {
    const { queue } = makeQueue();
    const videoKey = aVideoKey();
    await Effect.runPromise(queue.enqueue("video.ingest", { videoKey }));
    const ran = await Effect.runPromise(
      queue.drain({ "video.ingest": (payload) => queue.enqueue("video.transcode", payload) }),
    );
    expect(ran.map(({ job }) => job.queue)).toEqual(["video.ingest"]);
    expect(queue.pending("video.transcode").map((job) => job.payload)).toEqual([{ videoKey }]);
  });

  it("reports a failing handler's error with its job", async () => {
    const { queue } = makeQueue();
    await Effect.runPromise(queue.enqueue("video.ingest", { videoKey: aVideoKey() }));
    const ran = await Effect.runPromise(queue.drain({ "video.ingest": () => Effect.fail("boom") }));
    expect(ran).toHaveLength(1);
    expect(ran[0]?.error).toBeDefined();
    expect(queue.pending()).toHaveLength(0);
  });
});

describe("InMemoryJobQueue singleton keys", () => {
  it("keeps blocking a key while its job runs, like the real queue", async () => {
    const { queue } = makeQueue();
    const videoKey = aVideoKey();
    await Effect.runPromise(queue.enqueue("video.ingest", { videoKey }, { singletonKey: "k" }));
    const answers: Array<string> = [];
    await Effect.runPromise(
      queue.drain({
        "video.ingest": (payload) =>
          Effect.map(queue.enqueue("video.ingest", payload, { singletonKey: "k" }), (result) => {
            answers.push(result._tag);
          }),
      }),
    );
    expect(answers).toEqual(["AlreadyQueued"]);
    expect(queue.pending()).toEqual([]);
  });
});
