import { Cause, Effect, Exit, Option } from "effect";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CollectionKey, JobHandlers, JobPayloads, QueueName, VideoKey } from "@ovs/domain";
import {
  PersistenceFailure,
  QUEUE_NAMES,
  StorageFailure,
  UploadVideosFromSource,
  hexKey,
  invalidField,
  makeJobHandlers,
  userPrincipal,
} from "@ovs/domain";
import { aCollection, aUser, collectBytes, patternedBytes, storeIn, testSettings } from "@ovs/domain/testing";
import { QUEUE_POLICIES, startPgBoss } from "../src/pg-boss-job-queue.js";
import { SCHEDULED_QUEUES, cronProblem, installSchedules } from "../src/pg-boss-schedules.js";
import type { QueueSchedules } from "../src/pg-boss-schedules.js";
import { startWorkers } from "../src/pg-boss-workers.js";
import type { PgBossWorkers } from "../src/pg-boss-workers.js";
import type { QueueLogger } from "../src/queue-logger.js";
import { makePostgresScenarioHarness } from "./support/scenario-harness.js";
import type { TestBackend } from "./support/test-backends.js";
import { backendsToRun, openTestBackend } from "./support/test-backends.js";

/**
 * The worker role on a real pg-boss: every queue reaches its use case, what each kind of
 * failure means for a job, per-queue concurrency (0 included), the `stately` sweeps, and the
 * schedules. Nothing here measures time: waits are bounded only so a job that never runs fails
 * the test instead of hanging it.
 */
const WAIT_BOUND_MS = 30_000;

const eventually = async (what: string, check: () => boolean | Promise<boolean>): Promise<void> => {
  const deadline = Date.now() + WAIT_BOUND_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const silent: QueueLogger = { error: () => undefined };

/** pg-boss's minimum polling interval, so jobs are picked up promptly. */
const POLLING = { pollingIntervalSeconds: 0.5 } as const;

/** Retries due at once, so a retried job comes back within the test. */
const RETRY_AT_ONCE = { retryDelay: 0, retryBackoff: false } as const;

type AnyHandler = (payload: unknown) => Effect.Effect<unknown, unknown>;

/** Handlers for every queue; the ones a test does not give fail the test if they run. */
const handlersWith = (given: { readonly [Q in QueueName]?: AnyHandler }): JobHandlers =>
  Object.fromEntries(
    QUEUE_NAMES.map((queue) => [
      queue,
      given[queue] ?? (() => Effect.die(new Error(`unexpected ${queue} job`))),
    ]),
  ) as unknown as JobHandlers;

/** A handler that blocks until released, counting how many of its jobs run at once. */
const gate = () => {
  let running = 0;
  let most = 0;
  let started = 0;
  const waiting: Array<() => void> = [];
  const handler: AnyHandler = () =>
    Effect.promise(async () => {
      running += 1;
      started += 1;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => waiting.push(resolve));
      running -= 1;
      return { _tag: "Done" };
    });
  return {
    handler,
    running: () => running,
    started: () => started,
    most: () => most,
    /** Lets the oldest blocked run finish. */
    releaseOne: () => waiting.shift()?.(),
    releaseAll: () => {
      while (waiting.length > 0) waiting.shift()?.();
    },
  };
};

const NO_VIDEO = "0b6f3c1e-5a7d-4c1b-9e2f-3d4a5b6c7d8e" as VideoKey;
const NO_COLLECTION = "1c7a4d2f-6b8e-4d2c-8f3a-4e5b6c7d8e9f" as CollectionKey;

/** A minimal valid payload of every queue, naming records that do not exist. */
const MINIMAL_PAYLOADS: { readonly [Q in QueueName]: JobPayloads[Q] } = {
  "video.ingest": { videoKey: NO_VIDEO },
  "video.transcode": { videoKey: NO_VIDEO },
  "transcode.outcome": {
    jobId: "mc-job-1",
    outcome: { _tag: "TranscodeFailed", jobId: "mc-job-1", errorCode: 1010, errorMessage: "bad input" },
  },
  "transcode.reconcile": {},
  "watch-bucket.poll": {},
  "uploads.fail-stuck": {},
  "retranscode.schedule": {},
  "video.visibility": { videoKey: NO_VIDEO },
  "mail.send": { outboxId: "no-such-entry" },
  "mail.sweep": {},
  "edx.post-video": { videoKey: NO_VIDEO },
  "edx.sync-collection": { collectionKey: NO_COLLECTION },
  "storage.delete": { bucket: "ovs-uploads", key: "gone/", prefix: true },
  "cdn.invalidate": { paths: ["videos/gone/*"], reason: "visibility-move" },
};

/** What each queue's use case answers to `MINIMAL_PAYLOADS`: proof that the job reached it. */
const EXPECTED_ENDS: { readonly [Q in QueueName]: string } = {
  "video.ingest": "succeeded NothingToIngest",
  "video.transcode": "failed VideoNotFound",
  "transcode.outcome": "failed UnknownEncodeJob",
  "transcode.reconcile": 'succeeded {"jobs":[],"videosWithoutJob":[],"failures":[]}',
  "watch-bucket.poll": "succeeded Polled",
  "uploads.fail-stuck": 'succeeded {"reaped":[],"stillIngesting":[],"movedOn":[],"failed":[]}',
  "retranscode.schedule": "succeeded Ran",
  "video.visibility": "succeeded VideoGone",
  "mail.send": "succeeded NothingToSend",
  "mail.sweep": 'succeeded {"enqueued":[],"alreadyQueued":[],"givenUp":[]}',
  "edx.post-video": "succeeded VideoGone",
  "edx.sync-collection": "succeeded NothingToSync",
  "storage.delete": 'succeeded {"deleted":0}',
  "cdn.invalidate": 'succeeded {"paths":1,"invalidationIds":["I-IN-MEMORY-1"]}',
};

/** How a run ended, for comparing: the success's or the failure's tag. */
const endOf = (exit: Exit.Exit<unknown, unknown>): string => {
  const tagOf = (value: unknown): string =>
    typeof value === "object" && value !== null && typeof (value as { _tag?: unknown })._tag === "string"
      ? (value as { _tag: string })._tag
      : JSON.stringify(value);
  if (Exit.isSuccess(exit)) return `succeeded ${tagOf(exit.value)}`;
  const failure = Cause.failureOption(exit.cause);
  return Option.isSome(failure) ? `failed ${tagOf(failure.value)}` : `died ${Cause.pretty(exit.cause)}`;
};

for (const backendName of backendsToRun()) {
  describe(`the worker role on ${backendName}`, () => {
    let backend: TestBackend | undefined;
    const current = (): TestBackend => {
      if (backend === undefined) throw new Error(`the ${backendName} backend did not open`);
      return backend;
    };
    /** Workers and extra pg-boss instances a test started, stopped after it whatever happened. */
    const started: Array<PgBossWorkers> = [];
    const extraBosses: Array<PgBoss> = [];
    const workers = async (...args: Parameters<typeof startWorkers>): Promise<PgBossWorkers> => {
      const running = await startWorkers(...args);
      started.push(running);
      return running;
    };
    beforeAll(async () => {
      backend = await openTestBackend(backendName);
    }, 60_000);
    afterAll(async () => {
      await backend?.close();
    });
    beforeEach(async () => {
      await current().reset();
      await current().database.knex.raw("DELETE FROM pgboss.schedule");
      return async () => {
        await Promise.all(started.splice(0).map((running) => running.stop()));
        for (const boss of extraBosses.splice(0)) {
          await boss.stop({ graceful: false, close: current().database.executor === null, wait: true });
        }
      };
    });

    const jobRow = async (
      id: string,
    ): Promise<{ readonly state: string; readonly retry_count: number; readonly output: unknown }> => {
      const row = await current()
        .database.knex("pgboss.job")
        .where("id", id)
        .first("state", "retry_count", "output");
      if (row === undefined) throw new Error(`no job ${id}`);
      return row;
    };
    const stateOf = async (id: string): Promise<string> => (await jobRow(id)).state;
    const send = async (
      queue: QueueName,
      payload: object,
      options: PgBoss.SendOptions = {},
    ): Promise<string> => {
      const id = await current().boss.send(queue, payload, options);
      if (id === null) throw new Error("pg-boss refused the job");
      return id;
    };

    describe("queues and handlers", () => {
      it("has every queue's policy, retry limit and expiry in the database", async () => {
        const rows: ReadonlyArray<{
          readonly name: string;
          readonly policy: string;
          readonly retry_limit: number;
          readonly retry_delay: number;
          readonly expire_seconds: number;
        }> = await current()
          .database.knex("pgboss.queue")
          .whereIn("name", [...QUEUE_NAMES])
          .select("name", "policy", "retry_limit", "retry_delay", "expire_seconds");
        expect(Object.fromEntries(rows.map(({ name, ...row }) => [name, row]))).toEqual(
          Object.fromEntries(
            QUEUE_NAMES.map((queue) => [
              queue,
              {
                policy: QUEUE_POLICIES[queue].policy,
                retry_limit: QUEUE_POLICIES[queue].retryLimit,
                retry_delay: QUEUE_POLICIES[queue].retryDelaySeconds,
                expire_seconds: QUEUE_POLICIES[queue].expireInSeconds,
              },
            ]),
          ),
        );
        for (const queue of SCHEDULED_QUEUES) expect(QUEUE_POLICIES[queue].policy).toBe("stately");
      });

      it("runs a job of every queue through makeJobHandlers' handler, which reaches its use case", async () => {
        const harness = makePostgresScenarioHarness(current());
        const real = makeJobHandlers(harness, testSettings());
        const reached = new Map<QueueName, { readonly payload: unknown; readonly end: string }>();
        const recording = Object.fromEntries(
          QUEUE_NAMES.map((queue) => [
            queue,
            (payload: unknown) =>
              Effect.exit((real[queue] as AnyHandler)(payload)).pipe(
                Effect.tap((exit) => Effect.sync(() => reached.set(queue, { payload, end: endOf(exit) }))),
                Effect.flatten,
              ),
          ]),
        ) as unknown as JobHandlers;
        const ids = new Map<QueueName, string>();
        for (const queue of QUEUE_NAMES) {
          const queued = await Effect.runPromise(
            harness.jobs.enqueue(queue, MINIMAL_PAYLOADS[queue] as never),
          );
          if (queued._tag !== "Enqueued") throw new Error(`${queue}: not enqueued`);
          ids.set(queue, queued.jobId);
        }

        await workers(current().boss, recording, { ...POLLING, logger: silent });
        await eventually("every queue's job ran", () => reached.size === QUEUE_NAMES.length);

        for (const queue of QUEUE_NAMES) {
          expect(reached.get(queue), queue).toEqual({
            payload: MINIMAL_PAYLOADS[queue],
            end: EXPECTED_ENDS[queue],
          });
        }
        // Each job ends as its outcome says: done, or retried after a failure worth retrying.
        await eventually("no job is running", async () => {
          const states = await Promise.all([...ids.values()].map(stateOf));
          return states.every((state) => state !== "active" && state !== "created");
        });
        for (const [queue, id] of ids) {
          expect(await stateOf(id), queue).toBe(
            EXPECTED_ENDS[queue].startsWith("succeeded") ? "completed" : "retry",
          );
        }
        expect(harness.cdnInvalidator.invalidatedPaths).toEqual(["videos/gone/*"]);
      });

      it("carries an upload from Dropbox to Complete and its email through the workers, end to end", async () => {
        const harness = makePostgresScenarioHarness(current());
        const settings = testSettings();
        const owner = await storeIn(harness).user(aUser().named("instructor@example.edu"));
        const collection = await storeIn(harness).collection(aCollection().titled("18.06"), owner);
        const link = "https://www.dropbox.com/s/aaa/Lecture%201.mp4?dl=0";
        const bytes = patternedBytes(300_000, 1);
        harness.videoSource.register(link, {
          content: bytes,
          name: "Lecture 1.mp4",
          contentType: "video/mp4",
        });
        await Effect.runPromise(
          new UploadVideosFromSource(harness, settings).run(userPrincipal(owner), {
            collection: hexKey(collection.key),
            files: [{ name: "Lecture 1.mp4", link }],
          }),
        );
        const [video] = (
          await Effect.runPromise(
            harness.videos.list(
              { visibility: { _tag: "Everything" } },
              { _tag: "After", cursor: null, size: 10 },
            ),
          )
        ).items;
        if (video === undefined) throw new Error("no video was created");
        const statusOf = async () => {
          const found = await Effect.runPromise(harness.videos.findByKey(video.key));
          return Option.isSome(found) ? found.value.status : "gone";
        };
        const logger = {
          errors: [] as Array<string>,
          error: (message: string) => logger.errors.push(message),
        };

        await workers(current().boss, makeJobHandlers(harness, settings), { ...POLLING, logger });
        // video.ingest streams the source into storage and queues video.transcode, which submits.
        await eventually("the transcode was submitted", () => harness.transcoder.submissions.length === 1);
        await eventually("the video is transcoding", async () => (await statusOf()) === "Transcoding");
        // The webhook's part: the transcoder finished, its outcome is queued.
        const jobId = harness.transcoder.submissions[0]?.jobId ?? "";
        await Effect.runPromise(
          harness.jobs.enqueue("transcode.outcome", { jobId, outcome: harness.transcoder.complete(jobId) }),
        );
        await eventually("the video is complete", async () => (await statusOf()) === "Complete");
        await eventually("the ready email went out", () => harness.mailer.outbox.length === 1);

        const files = await Effect.runPromise(harness.videoFiles.listForVideo(video.key));
        const original = files.find((file) => file.encoding === "original");
        const stored = await Effect.runPromise(
          harness.objectStore.get({ bucket: "ovs-uploads", key: original?.s3ObjectKey ?? "" }),
        );
        expect(Buffer.from(await collectBytes(stored.body)).equals(Buffer.from(bytes))).toBe(true);
        expect(logger.errors).toEqual([]);
      });
    });

    describe("what a job's outcome means for it", () => {
      const retriedOrNot = [
        {
          what: "a failure without a flag (a store outage)",
          failure: () => new PersistenceFailure({ operation: "find", cause: "connection reset" }),
          retried: true,
        },
        {
          what: "a transient failure",
          failure: () =>
            new StorageFailure({
              operation: "delete",
              bucket: "b",
              key: "k",
              transient: true,
              reason: "throttled",
            }),
          retried: true,
        },
        {
          what: "a permanent failure",
          failure: () =>
            new StorageFailure({
              operation: "delete",
              bucket: "b",
              key: "k",
              transient: false,
              reason: "no bucket",
            }),
          retried: false,
        },
        { what: "an InvalidInput", failure: () => invalidField("key", "is empty"), retried: false },
      ] as const;

      for (const { what, failure, retried } of retriedOrNot) {
        it(`${retried ? "retries" : "does not retry"} ${what}${retried ? " up to the retry limit, then fails the job" : ", and completes the job saying so"}`, async () => {
          let runs = 0;
          const failing: AnyHandler = () =>
            Effect.suspend(() => {
              runs += 1;
              return Effect.fail(failure());
            });
          const id = await send(
            "storage.delete",
            { bucket: "b", key: "k", prefix: false },
            { ...RETRY_AT_ONCE, retryLimit: 2 },
          );
          await workers(current().boss, handlersWith({ "storage.delete": failing }), {
            ...POLLING,
            logger: silent,
            queues: ["storage.delete"],
          });
          await eventually("the job ended", async () => ["failed", "completed"].includes(await stateOf(id)));

          const row = await jobRow(id);
          const tag = failure()._tag;
          if (retried) {
            expect({ state: row.state, runs, retries: row.retry_count }).toEqual({
              state: "failed",
              runs: 3,
              retries: 2,
            });
            expect(row.output).toMatchObject({ tag });
          } else {
            expect({ state: row.state, runs }).toEqual({ state: "completed", runs: 1 });
            expect(row.output).toMatchObject({ notRetried: { tag } });
          }
        });
      }

      it("completes, not retried, a job whose payload its use case refuses (InvalidInput)", async () => {
        const harness = makePostgresScenarioHarness(current());
        const id = await send(
          "storage.delete",
          { bucket: "ovs-uploads" },
          { ...RETRY_AT_ONCE, retryLimit: 3 },
        );
        await workers(current().boss, makeJobHandlers(harness, testSettings()), {
          ...POLLING,
          logger: silent,
        });
        await eventually("the job ended", async () => ["completed", "failed"].includes(await stateOf(id)));
        const row = await jobRow(id);
        expect({ state: row.state, retries: row.retry_count }).toEqual({ state: "completed", retries: 0 });
        expect(row.output).toMatchObject({ notRetried: { tag: "InvalidInput" } });
      });
    });

    describe("concurrency per queue", () => {
      it("runs up to `concurrency` jobs of a queue at once, each slot taking the next job as soon as its own ends", async () => {
        const mail = gate();
        const ids = [
          await send("mail.send", { outboxId: "a" }),
          await send("mail.send", { outboxId: "b" }),
          await send("mail.send", { outboxId: "c" }),
        ];
        await workers(current().boss, handlersWith({ "mail.send": mail.handler }), {
          ...POLLING,
          logger: silent,
          queues: ["mail.send"],
          perQueue: { "mail.send": { concurrency: 2 } },
        });
        try {
          await eventually("two jobs running", () => mail.running() === 2);
          // One ends: its slot takes the third job while the other still runs (no batch to wait for).
          mail.releaseOne();
          await eventually("the third job started", () => mail.started() === 3);
          expect(mail.running()).toBe(2);
        } finally {
          mail.releaseAll();
        }
        await eventually("every job completed", async () =>
          (await Promise.all(ids.map(stateOf))).every((state) => state === "completed"),
        );
        expect(mail.most()).toBe(2);
      });

      it("does not work a queue set to 0, and works the others", async () => {
        let deletions = 0;
        const mailId = await send("mail.send", { outboxId: "a" });
        const deleteId = await send("storage.delete", { bucket: "b", key: "k", prefix: false });
        await workers(
          current().boss,
          handlersWith({ "storage.delete": () => Effect.sync(() => (deletions += 1)) }),
          { ...POLLING, logger: silent, perQueue: { "mail.send": { concurrency: 0 } } },
        );
        await eventually("the deletion ran", async () => (await stateOf(deleteId)) === "completed");
        expect(deletions).toBe(1);
        // No worker of this process ever fetches mail.send: the job waits for another process.
        expect(await stateOf(mailId)).toBe("created");
      });

      it("refuses a concurrency that is not a whole number of workers", async () => {
        for (const concurrency of [-1, 1.5]) {
          await expect(
            startWorkers(current().boss, handlersWith({}), {
              logger: silent,
              queues: ["mail.send"],
              perQueue: { "mail.send": { concurrency } },
            }),
          ).rejects.toThrow("mail.send: concurrency must be a whole number");
        }
      });
    });

    describe("scheduled sweeps", () => {
      it("runs one sweep of a queue at a time across processes, with at most one more waiting", async () => {
        const { boss, database } = current();
        const other = await startPgBoss(database, { supervise: false, logger: silent });
        extraBosses.push(other);
        const reconcile = gate();
        const options = {
          ...POLLING,
          logger: silent,
          queues: ["transcode.reconcile"] as const,
          perQueue: { "transcode.reconcile": { concurrency: 2 } },
        };
        await workers(boss, handlersWith({ "transcode.reconcile": reconcile.handler }), options);
        await workers(other, handlersWith({ "transcode.reconcile": reconcile.handler }), options);

        const first = await send("transcode.reconcile", {});
        try {
          await eventually("the first sweep is running", () => reconcile.running() === 1);
          const second = await send("transcode.reconcile", {});
          // A third tick while one sweep runs and one waits adds nothing.
          expect(await boss.send("transcode.reconcile", {})).toBeNull();
          // Any process's fetch finds nothing while a sweep is active: the waiting one stays.
          expect(await other.fetch("transcode.reconcile")).toEqual([]);
          expect(await stateOf(second)).toBe("created");

          reconcile.releaseOne();
          await eventually("the second sweep started", () => reconcile.started() === 2);
          reconcile.releaseAll();
          await eventually("both sweeps completed", async () =>
            (await Promise.all([first, second].map(stateOf))).every((state) => state === "completed"),
          );
        } finally {
          reconcile.releaseAll();
        }
        expect(reconcile.most()).toBe(1);
      });

      const SCHEDULES: QueueSchedules = {
        "transcode.reconcile": "*/5 * * * *",
        "watch-bucket.poll": "*/15 * * * *",
        "uploads.fail-stuck": "0 * * * *",
        "retranscode.schedule": "*/10 * * * *",
        "mail.sweep": "*/30 * * * *",
      };
      const schedulesOf = async (boss: PgBoss) =>
        Object.fromEntries(
          (await boss.getSchedules())
            .map(
              ({ name, cron, options }) =>
                [name, { cron, tz: (options as { tz?: unknown } | undefined)?.tz }] as const,
            )
            .sort(([a], [b]) => a.localeCompare(b)),
        );

      it("creates each schedule with its cron, changes it, and removes the ones turned off", async () => {
        const { boss } = current();
        await installSchedules(boss, SCHEDULES);
        expect(await schedulesOf(boss)).toEqual(
          Object.fromEntries(
            [...SCHEDULED_QUEUES].sort().map((queue) => [queue, { cron: SCHEDULES[queue], tz: "UTC" }]),
          ),
        );

        await installSchedules(boss, {
          ...SCHEDULES,
          "transcode.reconcile": "*/2 * * * *",
          "watch-bucket.poll": null,
          "retranscode.schedule": null,
        });
        expect(await schedulesOf(boss)).toEqual({
          "mail.sweep": { cron: "*/30 * * * *", tz: "UTC" },
          "transcode.reconcile": { cron: "*/2 * * * *", tz: "UTC" },
          "uploads.fail-stuck": { cron: "0 * * * *", tz: "UTC" },
        });
      });

      it("keeps one schedule per queue however many worker processes install them", async () => {
        const { boss, database } = current();
        const other = await startPgBoss(database, { supervise: false, logger: silent });
        extraBosses.push(other);
        for (const process of [boss, other]) {
          await installSchedules(process, SCHEDULES);
          await workers(process, handlersWith({}), { ...POLLING, logger: silent, queues: [] });
        }
        const rows: ReadonlyArray<{ readonly name: string; readonly count: string | number }> = await database
          .knex("pgboss.schedule")
          .groupBy("name")
          .select("name")
          .count("* as count");
        expect(rows.map(({ name, count }) => [name, Number(count)]).sort()).toEqual(
          [...SCHEDULED_QUEUES].sort().map((queue) => [queue, 1]),
        );
      });
    });
  });
}

describe("cronProblem", () => {
  it("accepts the five-field expressions pg-boss accepts", () => {
    for (const cron of ["*/15 * * * *", "0 * * * *", "5,35 1-5 * * MON-FRI", " 0  3 1 * * ", "0 0 * * 7"]) {
      expect(cronProblem(cron), cron).toBeNull();
    }
  });

  it("says why it refuses the others", () => {
    expect(cronProblem("61 * * * *")).toContain("61");
    expect(cronProblem("*/0 * * * *")).not.toBeNull();
    expect(cronProblem("0 24 * * *")).not.toBeNull();
    expect(cronProblem("every hour * * *")).not.toBeNull();
    expect(cronProblem("* * * *")).toBe(
      "a cron expression has 5 fields (minute hour day-of-month month day-of-week), this one has 4",
    );
    expect(cronProblem("0 */5 * * * *")).toContain("this one has 6");
    expect(cronProblem("@hourly")).toContain("this one has 1");
  });
});
