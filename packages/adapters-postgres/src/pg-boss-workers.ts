import { Cause, Effect, Exit, Option } from "effect";
import type PgBoss from "pg-boss";
import type { JobHandlers, QueueName } from "@ovs/domain";
import { QUEUE_NAMES, isRetryableJobFailure } from "@ovs/domain";
import type { QueueLogger } from "./queue-logger.js";
import { stderrQueueLogger } from "./queue-logger.js";

export interface WorkerPolling {
  /**
   * How many jobs of the queue this process runs at once: that many pg-boss workers on the
   * queue, each with its own fetch loop, so a slot frees as soon as its own job ends (a long
   * ingest holds one slot, not the others). 0 leaves the queue to other processes. 1 by default.
   *
   * pg-boss 10 has no `localConcurrency` (it came in later majors) and dropped `teamSize`; a
   * `batchSize` of n also runs n jobs together, but fetches again only once the whole batch has
   * ended, so one slow job idles the other n - 1 slots. Independent workers cost one fetch per
   * idle worker per polling interval instead.
   */
  readonly concurrency?: number;
  /** Jobs taken per fetch and run together, by each worker; the next fetch waits for all of them. pg-boss's default is 1. */
  readonly batchSize?: number;
  /** Pause between fetches that found nothing; pg-boss's default is 2, its minimum 0.5. */
  readonly pollingIntervalSeconds?: number;
}

/** How a job ended: done, failed to be retried, failed with a retry that would fail the same way, or failed with no retries left. */
export type JobEnd = "completed" | "retried" | "not_retried" | "exhausted";

export interface EndedJob {
  readonly queue: QueueName;
  readonly jobId: string;
  readonly end: JobEnd;
  readonly seconds: number;
}

export interface WorkerOptions extends WorkerPolling {
  /** Receives every failed job; `info`, if given, every finished one. stderr by default. */
  readonly logger?: QueueLogger;
  /** The queues to work; every queue of `QUEUE_NAMES` by default. */
  readonly queues?: ReadonlyArray<QueueName>;
  /** `concurrency`, `batchSize` and `pollingIntervalSeconds` of some queues, over the ones above. */
  readonly perQueue?: Partial<Readonly<Record<QueueName, WorkerPolling>>>;
  /** Hears how every job run ended and how long it ran (for metrics). */
  readonly onJobEnd?: (ended: EndedJob) => void;
}

export interface PgBossWorkers {
  /**
   * Stops fetching and resolves once every job already handed to a handler has finished. A
   * fetch that was under way when `stop` was called may still return jobs: they are failed back
   * to pg-boss unrun, so they retry by their queue's policy.
   */
  stop(): Promise<void>;
}

type AnyHandler = (payload: unknown) => Effect.Effect<unknown, unknown>;
type Job = PgBoss.JobWithMetadata<unknown>;

interface FailureReport {
  readonly tag: string;
  readonly message: string;
  readonly retryable: boolean;
}

const messageOf = (value: unknown): string =>
  typeof value === "object" && value !== null && typeof (value as { message?: unknown }).message === "string"
    ? (value as { message: string }).message
    : String(value);

/** What a job is about, for its log lines: the video or collection key its payload names. */
const subjectOf = (payload: unknown): { readonly videoKey?: string; readonly collectionKey?: string } => {
  if (typeof payload !== "object" || payload === null) return {};
  const { videoKey, collectionKey } = payload as { videoKey?: unknown; collectionKey?: unknown };
  return {
    ...(typeof videoKey === "string" ? { videoKey } : {}),
    ...(typeof collectionKey === "string" ? { collectionKey } : {}),
  };
};

const reportOf = (cause: Cause.Cause<unknown>): FailureReport => {
  const failure = Cause.failureOption(cause);
  if (Option.isSome(failure)) {
    const error = failure.value;
    const tag =
      typeof error === "object" && error !== null && typeof (error as { _tag?: unknown })._tag === "string"
        ? (error as { _tag: string })._tag
        : typeof error;
    return { tag, message: messageOf(error), retryable: isRetryableJobFailure(error) };
  }
  const defect = Cause.dieOption(cause);
  if (Option.isSome(defect)) return { tag: "Defect", message: messageOf(defect.value), retryable: true };
  return { tag: "Interrupted", message: "the handler was interrupted", retryable: true };
};

/**
 * Runs one job and records how it ended: completed on success, failed (so pg-boss retries it by
 * the queue's policy) on a failure worth retrying, completed with the failure as its output
 * (so operators still see it) on one a retry would repeat. Resolves to whether that record was
 * written; a job whose record was not is still active.
 */
const runJob = async (
  boss: PgBoss,
  queue: QueueName,
  handler: AnyHandler,
  job: Job,
  logger: QueueLogger,
  onJobEnd: (ended: EndedJob) => void,
): Promise<boolean> => {
  const where = { queue, jobId: job.id, ...subjectOf(job.data) };
  const started = process.hrtime.bigint();
  const ended = (end: JobEnd) =>
    onJobEnd({ queue, jobId: job.id, end, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
  const record = async (end: () => Promise<unknown>): Promise<boolean> => {
    try {
      await end();
      return true;
    } catch (error) {
      logger.error(`${queue} job ${job.id}: could not record its outcome: ${messageOf(error)}`, {
        ...where,
        error,
      });
      return false;
    }
  };
  const exit = await Effect.runPromiseExit(Effect.suspend(() => handler(job.data)));
  if (Exit.isSuccess(exit)) {
    ended("completed");
    const recorded = await record(() => boss.complete(queue, job.id));
    logger.info?.(`${queue} job ${job.id} done`, { ...where, result: exit.value });
    return recorded;
  }
  const { tag, message, retryable } = reportOf(exit.cause);
  const details = { ...where, tag, cause: Cause.pretty(exit.cause) };
  if (!retryable) {
    ended("not_retried");
    logger.error(
      `${queue} job ${job.id} failed with ${tag}, not retried (a retry would fail the same way): ${message}`,
      details,
    );
    return record(() => boss.complete(queue, job.id, { notRetried: { tag, message } }));
  }
  const next =
    job.retryCount < job.retryLimit
      ? `retry ${job.retryCount + 1} of ${job.retryLimit} follows`
      : `no retries left (limit ${job.retryLimit})`;
  ended(job.retryCount < job.retryLimit ? "retried" : "exhausted");
  logger.error(`${queue} job ${job.id} failed with ${tag}, ${next}: ${message}`, details);
  return record(() => boss.fail(queue, job.id, { tag, message }));
};

/**
 * Works the queues with the domain's job handlers, `concurrency` pg-boss workers per queue
 * (none for a queue at 0). Each job's payload (the JSON the queue stored) goes to its queue's
 * handler; success completes the job, whatever typed outcome it returned (`LeaseHeld`,
 * `NothingToIngest`: the use case decided, nothing to retry); a failure or a defect fails it,
 * so pg-boss retries it by the queue's policy, unless the failure says a retry would end the
 * same way (`isRetryableJobFailure`): that job is completed with the failure as its output
 * (`notRetried`). Every failure is logged with its queue, job id and tag.
 *
 * The jobs of a batch run concurrently. pg-boss records a batch as a whole once the callback
 * returns: it completes the jobs still active, or fails them if the callback threw. Here each
 * job's end is recorded as soon as it is known, so the only jobs still active by then are those
 * whose record could not be written, and the callback throws so that they retry rather than
 * pass for done.
 *
 * Call `stop` before stopping pg-boss.
 */
export const startWorkers = async (
  boss: PgBoss,
  handlers: JobHandlers,
  options: WorkerOptions = {},
): Promise<PgBossWorkers> => {
  const logger = options.logger ?? stderrQueueLogger;
  const inFlight = new Set<Promise<unknown>>();
  const workerIds: Array<string> = [];
  let stopping = false;

  const runBatch = async (queue: QueueName, jobs: ReadonlyArray<Job>): Promise<void> => {
    const ids = jobs.map((job) => job.id);
    if (stopping) {
      logger.info?.(`${queue}: jobs fetched while the workers stopped go back to the queue unrun`, {
        queue,
        jobIds: ids,
      });
      const unrun = { message: "the workers stopped before this job ran" };
      await Promise.all(ids.map((id) => boss.fail(queue, id, unrun)));
      return;
    }
    // The payload is JSON from the queue: the handlers validate what they read from it.
    const handler = handlers[queue] as AnyHandler;
    const recorded = await Promise.all(
      jobs.map((job) => runJob(boss, queue, handler, job, logger, options.onJobEnd ?? (() => undefined))),
    );
    const unrecorded = ids.filter((_, index) => recorded[index] !== true);
    if (unrecorded.length > 0) throw new Error(`could not record the outcome of ${unrecorded.join(", ")}`);
  };

  const work = (queue: QueueName, jobs: ReadonlyArray<Job>): Promise<void> => {
    const batch = runBatch(queue, jobs);
    const settled = batch.catch(() => undefined);
    inFlight.add(settled);
    void settled.then(() => inFlight.delete(settled));
    return batch;
  };

  const stopWorking = async (): Promise<void> => {
    stopping = true;
    await Promise.all(workerIds.map((id) => boss.offWork({ id })));
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  };

  try {
    for (const queue of options.queues ?? QUEUE_NAMES) {
      const polling = options.perQueue?.[queue];
      const concurrency = polling?.concurrency ?? options.concurrency ?? 1;
      if (!Number.isInteger(concurrency) || concurrency < 0) {
        throw new Error(
          `${queue}: concurrency must be a whole number of workers, 0 or more, got ${concurrency}`,
        );
      }
      const batchSize = polling?.batchSize ?? options.batchSize;
      const pollingIntervalSeconds = polling?.pollingIntervalSeconds ?? options.pollingIntervalSeconds;
      for (let slot = 0; slot < concurrency; slot += 1) {
        workerIds.push(
          await boss.work<unknown>(
            queue,
            {
              includeMetadata: true,
              ...(batchSize === undefined ? {} : { batchSize }),
              ...(pollingIntervalSeconds === undefined ? {} : { pollingIntervalSeconds }),
            },
            (jobs) => work(queue, jobs),
          ),
        );
      }
    }
  } catch (error) {
    await stopWorking();
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    stop: () => {
      stopped ??= stopWorking();
      return stopped;
    },
  };
};
