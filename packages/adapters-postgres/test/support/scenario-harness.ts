import { Cause, Effect, Exit } from "effect";
import type { QueueName } from "@ovs/domain";
import { QUEUE_NAMES, RandomIdGenerator } from "@ovs/domain";
import type { DrainedJob, ScenarioHarness, ScenarioJobQueue } from "@ovs/domain/testing";
import {
  InMemoryCdnInvalidator,
  InMemoryCdnUrls,
  InMemoryClock,
  InMemoryEdxVideoApi,
  InMemoryGroupDirectory,
  InMemoryMailer,
  InMemoryObjectStore,
  InMemoryTranscoder,
  InMemoryVideoSource,
} from "@ovs/domain/testing";
import type { TestBackend } from "./test-backends.js";

/** A bound on one drain, so a handler that keeps re-queueing work fails the scenario instead of hanging. */
const MAX_JOBS_PER_DRAIN = 1_000;

type AnyHandler = (payload: unknown) => Effect.Effect<unknown, unknown>;

/**
 * The use-case scenarios' second harness configuration: persistence on the backend's database
 * (Postgres repositories, unit of work, `PgBossJobQueue`, `PostgresLease`, from
 * `makePostgresAdapters`), every other port an in-memory adapter sharing one `InMemoryClock`.
 *
 * Clocks. The repositories store the timestamps the use cases pass them (read from the
 * in-memory clock), but pg-boss decides when a job is due (`startAfter`) and the lease when it
 * expires by the database's own clock. The in-memory clock therefore starts at the real time,
 * so a job queued "now" is due at once and a job queued for later is not due within the drain
 * — as on the in-memory harness, where the clock stands still. Advancing the in-memory clock
 * does *not* make a delayed pg-boss job due: scenarios that need delayed jobs or lease expiry
 * belong to the in-memory harness.
 *
 * The drain takes the oldest due job of any queue that has a handler, fetches it from pg-boss
 * (`fetch`, which marks it active), runs it and `complete`s it; a failed job is `fail`ed (its
 * error recorded) and then cancelled, so it is reported once and not retried — the in-memory
 * drain's behaviour; retry policies are the queue contract's business.
 */
export const makePostgresScenarioHarness = (backend: TestBackend): ScenarioHarness => {
  const { adapters, boss, database } = backend;
  const knex = database.knex;
  const clock = new InMemoryClock(new Date());
  const objectStore = new InMemoryObjectStore({ clock });

  const nextDueQueue = async (queues: ReadonlyArray<QueueName>): Promise<QueueName | undefined> => {
    const row: { readonly name: QueueName } | undefined = await knex("pgboss.job")
      .whereIn("state", ["created", "retry"])
      .whereIn("name", [...queues])
      .where("start_after", "<=", knex.raw("now()"))
      .orderBy([{ column: "created_on" }, { column: "id" }])
      .first("name");
    return row?.name;
  };

  const drain = async (
    handlers: Readonly<Record<QueueName, AnyHandler>>,
  ): Promise<ReadonlyArray<DrainedJob>> => {
    const queues = QUEUE_NAMES.filter((queue) => handlers[queue] !== undefined);
    const ran: Array<DrainedJob> = [];
    while (ran.length < MAX_JOBS_PER_DRAIN) {
      const queue = await nextDueQueue(queues);
      if (queue === undefined) return ran;
      const [job] = await boss.fetch<unknown>(queue, { batchSize: 1 });
      if (job === undefined) continue;
      const exit = await Effect.runPromiseExit(handlers[queue](job.data));
      if (Exit.isSuccess(exit)) {
        await boss.complete(queue, job.id);
        ran.push({ job: { queue, payload: job.data } });
      } else {
        await boss.fail(queue, job.id, { error: Cause.pretty(exit.cause) });
        await boss.cancel(queue, job.id);
        ran.push({ job: { queue, payload: job.data }, error: exit.cause });
      }
    }
    throw new Error(`the drain ran ${MAX_JOBS_PER_DRAIN} jobs and the queue is still not empty`);
  };

  const jobs: ScenarioJobQueue = {
    enqueue: (queue, payload, options) => adapters.jobs.enqueue(queue, payload, options),
    pending: (queue) => backend.pendingJobs(queue),
    drain: (handlers) => Effect.promise(() => drain(handlers as unknown as Record<QueueName, AnyHandler>)),
  };

  return {
    ...adapters,
    jobs,
    objectStore,
    videoSource: new InMemoryVideoSource(),
    transcoder: new InMemoryTranscoder(objectStore),
    cdnUrls: new InMemoryCdnUrls({ clock }),
    cdnInvalidator: new InMemoryCdnInvalidator(),
    groupDirectory: new InMemoryGroupDirectory(),
    mailer: new InMemoryMailer(clock),
    edxVideoApi: new InMemoryEdxVideoApi(),
    clock,
    ids: new RandomIdGenerator(),
    // The backend outlives the scenario (one per test file, emptied before each scenario).
    dispose: () => Promise.resolve(),
  };
};
