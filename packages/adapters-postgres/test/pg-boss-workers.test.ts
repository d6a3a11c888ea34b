import { Effect } from "effect";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { JobHandlers, QueueName } from "@ovs/domain";
import { PersistenceFailure, QUEUE_NAMES, StoredObjectsNotDeleted } from "@ovs/domain";
import { startPgBoss } from "../src/pg-boss-job-queue.js";
import { startWorkers } from "../src/pg-boss-workers.js";
import type { QueueLogger } from "../src/queue-logger.js";
import type { TestBackend } from "./support/test-backends.js";
import { backendsToRun, openTestBackend } from "./support/test-backends.js";

/** A bound on every wait, so a job that never runs fails the test instead of hanging it. */
const WAIT_BOUND_MS = 20_000;

const eventually = async (what: string, check: () => boolean | Promise<boolean>): Promise<void> => {
  const deadline = Date.now() + WAIT_BOUND_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** Lets every callback queued so far run, without waiting for any clock. */
const settle = async (): Promise<void> => {
  for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
};

interface RecordingLogger extends QueueLogger {
  readonly errors: Array<{ readonly message: string; readonly details: unknown }>;
  readonly infos: Array<string>;
}

const recordingLogger = (): RecordingLogger => {
  const errors: Array<{ readonly message: string; readonly details: unknown }> = [];
  const infos: Array<string> = [];
  return {
    errors,
    infos,
    error: (message, details) => errors.push({ message, details }),
    info: (message) => infos.push(message),
  };
};

/** Handlers for every queue; the ones a test does not give fail the test if they run. */
const handlersWith = (given: {
  readonly [Q in QueueName]?: (payload: unknown) => Effect.Effect<unknown, unknown>;
}): JobHandlers =>
  Object.fromEntries(
    QUEUE_NAMES.map((queue) => [
      queue,
      given[queue] ?? (() => Effect.die(new Error(`unexpected ${queue} job`))),
    ]),
  ) as unknown as JobHandlers;

/** Fast polling: pg-boss's minimum. */
const POLLING = { pollingIntervalSeconds: 0.5 } as const;

/** Retries due at once, so a retried job comes back within the test. */
const RETRY_AT_ONCE = { retryDelay: 0, retryBackoff: false } as const;

for (const backendName of backendsToRun()) {
  describe(`pg-boss workers on ${backendName}`, () => {
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
    beforeEach(async () => {
      await current().reset();
    });

    const jobRow = async (
      id: string,
    ): Promise<
      { readonly state: string; readonly retry_count: number; readonly output: unknown } | undefined
    > => current().database.knex("pgboss.job").where("id", id).first("state", "retry_count", "output");
    const stateOf = async (id: string): Promise<string | undefined> => (await jobRow(id))?.state;
    const send = async (
      boss: PgBoss,
      queue: QueueName,
      payload: object,
      options: PgBoss.SendOptions = {},
    ): Promise<string> => {
      const id = await boss.send(queue, payload, options);
      if (id === null) throw new Error("pg-boss refused the job");
      return id;
    };

    it("runs each job enqueued in a unit of work with its own queue's handler, then completes it", async () => {
      const { adapters, boss, database } = current();
      const ran: Array<{ readonly queue: QueueName; readonly payload: unknown }> = [];
      const recordRun = (queue: QueueName) => (payload: unknown) =>
        Effect.sync(() => {
          ran.push({ queue, payload });
          return { _tag: "Done" };
        });
      const logger = recordingLogger();
      const mail = { outboxId: "outbox-1" };
      const deletion = { bucket: "videos", key: "gone/", prefix: true };
      await Effect.runPromise(
        adapters.unitOfWork.transaction(
          Effect.all([
            adapters.jobs.enqueue("mail.send", mail),
            adapters.jobs.enqueue("storage.delete", deletion),
          ]),
        ),
      );
      const workers = await startWorkers(
        boss,
        handlersWith({ "mail.send": recordRun("mail.send"), "storage.delete": recordRun("storage.delete") }),
        { ...POLLING, logger },
      );
      try {
        await eventually("both jobs completed", async () => {
          const states: ReadonlyArray<{ readonly state: string }> = await database
            .knex("pgboss.job")
            .whereIn("name", ["mail.send", "storage.delete"])
            .select("state");
          return states.length === 2 && states.every(({ state }) => state === "completed");
        });
      } finally {
        await workers.stop();
      }
      expect([...ran].sort((a, b) => a.queue.localeCompare(b.queue))).toEqual([
        { queue: "mail.send", payload: mail },
        { queue: "storage.delete", payload: deletion },
      ]);
      expect(logger.errors).toEqual([]);
      expect(logger.infos).toHaveLength(2);
    });

    it("fails a job whose handler fails, so pg-boss runs it again, and logs the failure", async () => {
      const { boss } = current();
      const logger = recordingLogger();
      let runs = 0;
      const flaky = () =>
        Effect.suspend(() => {
          runs += 1;
          return runs === 1
            ? Effect.fail(
                new PersistenceFailure({ operation: "find outbox entry", cause: "connection reset" }),
              )
            : Effect.succeed({ _tag: "Sent" });
        });
      const id = await send(boss, "mail.send", { outboxId: "outbox-2" }, { ...RETRY_AT_ONCE, retryLimit: 2 });
      const workers = await startWorkers(boss, handlersWith({ "mail.send": flaky }), {
        ...POLLING,
        logger,
        queues: ["mail.send"],
      });
      try {
        await eventually("the retried job completed", async () => (await stateOf(id)) === "completed");
      } finally {
        await workers.stop();
      }
      expect(runs).toBe(2);
      expect((await jobRow(id))?.retry_count).toBe(1);
      expect(logger.errors).toHaveLength(1);
      const [failure] = logger.errors;
      expect(failure?.message).toContain(
        `mail.send job ${id} failed with PersistenceFailure, retry 1 of 2 follows`,
      );
      expect(failure?.details).toMatchObject({ queue: "mail.send", jobId: id, tag: "PersistenceFailure" });
    });

    it("completes, without retrying, a job whose failure says a retry would fail the same way", async () => {
      const { boss } = current();
      const logger = recordingLogger();
      let runs = 0;
      const hopeless = () =>
        Effect.suspend(() => {
          runs += 1;
          return Effect.fail(
            new StoredObjectsNotDeleted({
              bucket: "videos",
              key: "a",
              prefix: false,
              retryable: false,
              reason: "no such bucket",
            }),
          );
        });
      const id = await send(
        boss,
        "storage.delete",
        { bucket: "videos", key: "a", prefix: false },
        { ...RETRY_AT_ONCE, retryLimit: 3 },
      );
      const workers = await startWorkers(boss, handlersWith({ "storage.delete": hopeless }), {
        ...POLLING,
        logger,
        queues: ["storage.delete"],
      });
      try {
        // Completed is final: pg-boss never hands the job out again.
        await eventually("the job ended", async () => (await stateOf(id)) === "completed");
      } finally {
        await workers.stop();
      }
      expect(runs).toBe(1);
      expect((await jobRow(id))?.output).toMatchObject({ notRetried: { tag: "StoredObjectsNotDeleted" } });
      expect(logger.errors.map(({ message }) => message)).toEqual([
        expect.stringContaining(`storage.delete job ${id} failed with StoredObjectsNotDeleted, not retried`),
      ]);
    });

    it("runs the jobs of one batch together", async () => {
      const { boss } = current();
      let started = 0;
      let release: () => void = () => undefined;
      const bothStarted = new Promise<void>((resolve) => {
        release = resolve;
      });
      // Each run waits for the other to start: only concurrent runs can both finish.
      const meeting = () =>
        Effect.promise(() => {
          started += 1;
          if (started === 2) release();
          return bothStarted;
        });
      const ids = [
        await send(boss, "mail.send", { outboxId: "outbox-a" }),
        await send(boss, "mail.send", { outboxId: "outbox-b" }),
      ];
      const workers = await startWorkers(boss, handlersWith({ "mail.send": meeting }), {
        ...POLLING,
        logger: recordingLogger(),
        perQueue: { "mail.send": { batchSize: 2 } },
        queues: ["mail.send"],
      });
      try {
        await eventually("both jobs completed", async () =>
          (await Promise.all(ids.map(stateOf))).every((state) => state === "completed"),
        );
      } finally {
        release();
        await workers.stop();
      }
      expect(started).toBe(2);
    });

    it("stops taking jobs, and resolves stop only after the running handler finished", async () => {
      const { boss } = current();
      const events: Array<string> = [];
      let running = false;
      let finish: () => void = () => undefined;
      const finished = new Promise<void>((resolve) => {
        finish = resolve;
      });
      const slow = () =>
        Effect.promise(async () => {
          running = true;
          await finished;
          events.push("handler finished");
        });
      const id = await send(boss, "mail.send", { outboxId: "outbox-3" });
      const workers = await startWorkers(boss, handlersWith({ "mail.send": slow }), {
        ...POLLING,
        logger: recordingLogger(),
        queues: ["mail.send"],
      });
      try {
        await eventually("the handler is running", () => running);
        const stopped = workers.stop().then(() => events.push("stopped"));
        await settle();
        expect(events).toEqual([]);
        finish();
        await stopped;
      } finally {
        finish();
        await workers.stop();
      }
      expect(events).toEqual(["handler finished", "stopped"]);
      expect(await stateOf(id)).toBe("completed");
    });

    it("passes pg-boss's error events to the logger", async () => {
      const { database } = current();
      const logger = recordingLogger();
      // pg-boss swallows failed polls; its events come from maintenance, cron and its own pool,
      // none of which a test can break on cue, so the event is raised as pg-boss raises it.
      const boss = await startPgBoss(database, { supervise: false, logger });
      try {
        boss.emit(
          "error",
          Object.assign(new Error("Connection terminated unexpectedly"), { queue: "mail.send" }),
        );
      } finally {
        await boss.stop({ graceful: false, close: database.executor === null, wait: true });
      }
      expect(logger.errors).toEqual([
        {
          message: "pg-boss error: Connection terminated unexpectedly",
          details: expect.objectContaining({ queue: "mail.send" }),
        },
      ]);
    });
  });
}
