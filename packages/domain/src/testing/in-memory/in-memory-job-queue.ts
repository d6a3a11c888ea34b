import { Effect } from "effect";
import type {
  EnqueueOptions,
  EnqueueResult,
  JobPayloads,
  JobQueue,
  QueueName,
} from "../../ports/job-queue.js";
import type { Clock } from "../../ports/clock.js";
import type { InMemoryDatabase, QueuedJob } from "./in-memory-database.js";

export type JobHandlers = {
  readonly [Q in QueueName]?: (payload: JobPayloads[Q], job: QueuedJob<Q>) => Effect.Effect<unknown, unknown>;
};

/**
 * A job queue held in the in-memory tables, so jobs enqueued inside a unit of work vanish
 * when it rolls back. Nothing runs by itself: tests take jobs one at a time (`takeNext`) or
 * drain the queue through handlers, which lets a scenario stop between any two steps.
 */
export class InMemoryJobQueue implements JobQueue {
  private readonly running = new Set<string>();

  constructor(
    private readonly database: InMemoryDatabase,
    private readonly clock: Clock,
  ) {}

  enqueue<Q extends QueueName>(
    queue: Q,
    payload: JobPayloads[Q],
    options: EnqueueOptions = {},
  ): Effect.Effect<EnqueueResult> {
    return Effect.sync(() => {
      const jobs = this.database.tables.jobs;
      const singletonKey = options.singletonKey ?? null;
      if (singletonKey !== null) {
        for (const job of jobs.values()) {
          if (job.queue === queue && job.singletonKey === singletonKey) {
            return { _tag: "AlreadyQueued", singletonKey } as const;
          }
        }
      }
      const id = `job-${this.database.nextId()}`;
      const job: QueuedJob<Q> = {
        id,
        queue,
        payload,
        singletonKey,
        startAfter: options.startAfter ?? null,
        enqueuedAt: this.clock.now(),
      };
      jobs.set(id, job as unknown as QueuedJob);
      return { _tag: "Enqueued", jobId: id } as const;
    });
  }

  /** Jobs waiting, oldest first, optionally of one queue (including those not yet due). */
  pending<Q extends QueueName>(queue?: Q): ReadonlyArray<QueuedJob<Q>> {
    return [...this.database.tables.jobs.values()].filter(
      (job) => !this.running.has(job.id) && (queue === undefined || job.queue === queue),
    ) as unknown as ReadonlyArray<QueuedJob<Q>>;
  }

  /** Removes and returns the oldest job that is due now, optionally of one queue. */
  takeNext<Q extends QueueName>(queue?: Q): QueuedJob<Q> | undefined {
    const now = this.clock.now().getTime();
    const job = this.pending(queue).find((candidate) => (candidate.startAfter?.getTime() ?? 0) <= now);
    if (job !== undefined) this.database.tables.jobs.delete(job.id);
    return job;
  }

  /**
   * Runs due jobs through the handlers until none is left (jobs the handlers enqueue run too).
   * A job without a handler stays queued; a failing handler's error is returned with its job,
   * and the job is dropped (retries are the real queue's business). Returns what ran.
   */
  drain(
    handlers: JobHandlers,
    options: { readonly maxJobs?: number } = {},
  ): Effect.Effect<ReadonlyArray<{ readonly job: QueuedJob; readonly error?: unknown }>> {
    const maxJobs = options.maxJobs ?? 10_000;
    return Effect.gen(this, function* () {
      const ran: Array<{ readonly job: QueuedJob; readonly error?: unknown }> = [];
      while (ran.length < maxJobs) {
        const now = this.clock.now().getTime();
        const next = this.pending().find(
          (job) => handlers[job.queue] !== undefined && (job.startAfter?.getTime() ?? 0) <= now,
        );
        if (next === undefined) break;
        const handler = handlers[next.queue] as (
          payload: unknown,
          job: QueuedJob,
        ) => Effect.Effect<unknown, unknown>;
        // The job stays in the table while its handler runs, as a running job does in the real
        // queue: its singleton key keeps blocking duplicates until it finishes.
        this.running.add(next.id);
        const exit = yield* Effect.exit(
          Effect.ensuring(
            handler(next.payload, next),
            Effect.sync(() => this.running.delete(next.id)),
          ),
        );
        this.database.tables.jobs.delete(next.id);
        ran.push(exit._tag === "Success" ? { job: next } : { job: next, error: exit.cause });
      }
      return ran;
    });
  }
}
