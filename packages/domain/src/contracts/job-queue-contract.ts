import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import type { JobQueue } from "../ports/job-queue.js";
import { aVideoKey } from "../testing/builders.js";

export interface JobQueueContractSubject {
  readonly queue: JobQueue;
  /** Payloads of the jobs waiting in a queue, oldest first. */
  readonly pendingPayloads: (queue: "video.ingest") => Promise<ReadonlyArray<unknown>>;
  readonly dispose?: () => Promise<void>;
}

/**
 * What every JobQueue must do. Run it with a factory that returns a fresh, empty queue:
 * `describeJobQueueContract("pg-boss", async () => ({ queue, pendingPayloads }))`.
 */
export const describeJobQueueContract = (
  name: string,
  make: () => Promise<JobQueueContractSubject>,
): void => {
  describe(`JobQueue contract: ${name}`, () => {
    const withSubject = async (test: (subject: JobQueueContractSubject) => Promise<void>): Promise<void> => {
      const subject = await make();
      try {
        await test(subject);
      } finally {
        await subject.dispose?.();
      }
    };

    it("enqueues a job and reports its id", () =>
      withSubject(async ({ queue, pendingPayloads }) => {
        const videoKey = aVideoKey();
        const result = await Effect.runPromise(queue.enqueue("video.ingest", { videoKey }));
        expect(result._tag).toBe("Enqueued");
        expect(await pendingPayloads("video.ingest")).toEqual([{ videoKey }]);
      }));

    it("answers AlreadyQueued for a second job with the same singleton key, and keeps one", () =>
      withSubject(async ({ queue, pendingPayloads }) => {
        const videoKey = aVideoKey();
        const first = await Effect.runPromise(
          queue.enqueue("video.ingest", { videoKey }, { singletonKey: videoKey }),
        );
        const second = await Effect.runPromise(
          queue.enqueue("video.ingest", { videoKey }, { singletonKey: videoKey }),
        );
        expect(first._tag).toBe("Enqueued");
        expect(second).toEqual({ _tag: "AlreadyQueued", singletonKey: videoKey });
        expect(await pendingPayloads("video.ingest")).toHaveLength(1);
      }));

    it("keeps jobs with different singleton keys apart", () =>
      withSubject(async ({ queue, pendingPayloads }) => {
        const a = aVideoKey();
        const b = aVideoKey();
        await Effect.runPromise(queue.enqueue("video.ingest", { videoKey: a }, { singletonKey: a }));
        await Effect.runPromise(queue.enqueue("video.ingest", { videoKey: b }, { singletonKey: b }));
        expect(await pendingPayloads("video.ingest")).toHaveLength(2);
      }));
  });
};
