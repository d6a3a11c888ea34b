import { Effect, Either } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../model/keys.js";
import type { VideoKey } from "../model/keys.js";
import { CdnInvalidationFailure } from "../ports/cdn-invalidator.js";
import type { QueueName } from "../ports/job-queue.js";
import { QUEUE_NAMES } from "../ports/job-queue.js";
import { StorageFailure } from "../ports/object-store.js";
import { PersistenceFailure } from "../ports/persistence-errors.js";
import { aVideo } from "../testing/builders.js";
import { makeInMemoryHarness } from "../testing/in-memory-harness.js";
import { storeIn } from "../testing/stored-test-data.js";
import { testSettings } from "../testing/test-settings.js";
import { CdnPathsNotInvalidated } from "./cdn/invalidate-cdn-paths.js";
import type { DomainPorts } from "./domain-ports.js";
import { invalidField } from "./errors.js";
import { isRetryableJobFailure, makeJobHandlers } from "./job-handlers.js";
import type { JobHandlers } from "./job-handlers.js";
import { StoredObjectsNotDeleted } from "./storage/delete-stored-objects.js";

const storageFailure = (transient: boolean): StorageFailure =>
  new StorageFailure({ operation: "delete", bucket: "b", key: "k", transient, reason: "no" });
const notDeleted = (retryable: boolean): StoredObjectsNotDeleted =>
  new StoredObjectsNotDeleted({ bucket: "b", key: "k", prefix: false, retryable, reason: "no" });

describe("isRetryableJobFailure", () => {
  it("retries what says it is transient or retryable", () => {
    expect(isRetryableJobFailure(storageFailure(true))).toBe(true);
    expect(isRetryableJobFailure(notDeleted(true))).toBe(true);
  });

  it("does not retry what says a retry would fail the same way", () => {
    expect(isRetryableJobFailure(storageFailure(false))).toBe(false);
    expect(isRetryableJobFailure(notDeleted(false))).toBe(false);
  });

  it("retries a CDN invalidation the CDN refused, whatever the CDN called its failure", () => {
    for (const transient of [true, false]) {
      const cause = new CdnInvalidationFailure({ paths: ["a/*"], transient, reason: "no" });
      expect(isRetryableJobFailure(new CdnPathsNotInvalidated({ paths: ["a/*"], reason: "no", cause }))).toBe(
        true,
      );
    }
  });

  it("does not retry a payload that does not validate", () => {
    expect(isRetryableJobFailure(invalidField("videoKey", "is not a key"))).toBe(false);
  });

  it("retries everything that carries no verdict", () => {
    expect(isRetryableJobFailure(new PersistenceFailure({ operation: "read", cause: "down" }))).toBe(true);
    expect(isRetryableJobFailure("a string")).toBe(true);
    expect(isRetryableJobFailure(null)).toBe(true);
    expect(isRetryableJobFailure({ transient: "maybe" })).toBe(true);
  });
});

describe("makeJobHandlers", () => {
  it("has a handler for every queue", () => {
    const handlers = makeJobHandlers(makeInMemoryHarness().ports, testSettings());
    expect(Object.keys(handlers).sort()).toEqual([...QUEUE_NAMES].sort());
  });

  it("has cdn.invalidate jobs tell the CDN to forget their paths", async () => {
    const harness = makeInMemoryHarness();
    const handlers = makeJobHandlers(harness.ports, testSettings());

    await Effect.runPromise(handlers["cdn.invalidate"]({ paths: ["a/b", "a/*"], reason: "retranscode" }));

    expect(harness.cdnInvalidator.invalidatedPaths).toEqual(["a/b", "a/*"]);
  });

  it("has mail.sweep jobs queue the unsent status emails again, which mail.send then sends", async () => {
    const harness = makeInMemoryHarness();
    const handlers = makeJobHandlers(harness.ports, testSettings());
    const video = await storeIn(harness).video(
      await storeIn(harness).collection(),
      aVideo().withStatus("Complete"),
    );
    await Effect.runPromise(
      harness.mailOutbox.add({
        id: "entry-1",
        dedupeKey: `notification|${video.key}|Transcoding->Complete|job:1`,
        videoKey: video.key,
        template: "success",
        fromStatus: "Transcoding",
        toStatus: "Complete",
        createdAt: harness.clock.now(),
      }),
    );

    const swept = await Effect.runPromise(handlers["mail.sweep"]({}));
    await Effect.runPromise(harness.jobs.drain({ "mail.send": handlers["mail.send"] } as JobHandlers));

    expect(swept).toEqual({ enqueued: ["entry-1"], alreadyQueued: [], givenUp: [] });
    expect(harness.mailer.outbox).toHaveLength(1);
  });
});

/** A payload of every queue that its handler must refuse; keys that are no UUID would fail a uuid cast on Postgres. */
const MALFORMED: { readonly [Q in QueueName]: unknown } = {
  "video.ingest": { videoKey: "not-a-key" },
  "video.transcode": { videoKey: "not-a-key", fromWatchBucket: true },
  "transcode.outcome": { jobId: "mc-job-1", outcome: { _tag: "TranscodeFinished", jobId: "mc-job-1" } },
  "transcode.reconcile": "run now",
  "watch-bucket.poll": ["now"],
  "uploads.fail-stuck": 42,
  "retranscode.schedule": true,
  "video.visibility": { videoKey: "not-a-key" },
  "mail.send": { outboxId: "" },
  "mail.sweep": "sweep",
  "edx.post-video": { videoKey: "not-a-key" },
  "edx.sync-collection": { collectionKey: "not-a-key" },
  "storage.delete": { bucket: "ovs-uploads", key: "", prefix: true },
  "cdn.invalidate": { paths: ["/videos/a/*"] },
};

/** More malformed payloads of the queues whose jobs carry data. */
const MORE_MALFORMED: ReadonlyArray<readonly [QueueName, unknown]> = [
  ["video.ingest", { videoKey: "08131e29-343f-4a55-a06b-768100000068", attempt: "2" }],
  ["video.ingest", {}],
  ["video.transcode", { videoKey: "08131e29-343f-4a55-a06b-768100000068", fromWatchBucket: "yes" }],
  ["video.transcode", { videoKey: 42 }],
  ["video.visibility", { videoKey: null }],
  ["video.visibility", "08131e29-343f-4a55-a06b-768100000068"],
];

/**
 * The ports with every method call recorded: a use case that refused its payload must not have
 * read, written, queued, sent, asked the time or made an id.
 */
const recordingCalls = (ports: DomainPorts, calls: Array<string>): DomainPorts =>
  Object.fromEntries(
    Object.entries(ports).map(([name, port]) => [
      name,
      new Proxy(port as object, {
        get: (target, property) => {
          const value: unknown = Reflect.get(target, property);
          if (typeof value !== "function") return value;
          return (...args: ReadonlyArray<unknown>): unknown => {
            calls.push(`${name}.${String(property)}`);
            return Reflect.apply(value, target, args);
          };
        },
      }),
    ]),
  ) as unknown as DomainPorts;

describe("every queue's payload is decoded before anything is done", () => {
  const setUp = () => {
    const harness = makeInMemoryHarness();
    const calls: Array<string> = [];
    const handlers = makeJobHandlers(recordingCalls(harness.ports, calls), testSettings());
    const runJob = (queue: QueueName, payload: unknown) =>
      Effect.runPromise(
        Effect.either((handlers[queue] as (payload: unknown) => Effect.Effect<unknown, unknown>)(payload)),
      );
    return { harness, calls, runJob };
  };

  const cases: ReadonlyArray<readonly [QueueName, unknown]> = [
    ...QUEUE_NAMES.map((queue) => [queue, MALFORMED[queue]] as const),
    ...QUEUE_NAMES.map((queue) => [queue, null] as const),
    ...MORE_MALFORMED,
  ];

  it.each(cases)(
    "refuses a malformed %s payload (%j) with InvalidInput, not retried, touching nothing",
    async (queue, payload) => {
      const { harness, calls, runJob } = setUp();

      const outcome = await runJob(queue, payload);

      expect(Either.isLeft(outcome)).toBe(true);
      const error = Either.isLeft(outcome) ? outcome.left : undefined;
      expect(error).toMatchObject({ _tag: "InvalidInput" });
      expect(isRetryableJobFailure(error)).toBe(false);
      expect(calls).toEqual([]);
      expect(harness.jobs.pending()).toEqual([]);
    },
  );

  it("takes a video key in either form and works with the canonical one", async () => {
    const { calls, runJob } = setUp();
    const key = "08131e29-343f-4a55-a06b-768100000068" as VideoKey;

    const outcome = await runJob("video.transcode", { videoKey: hexKey(key) });

    expect(outcome).toEqual(Either.left(expect.objectContaining({ _tag: "VideoNotFound", key })));
    expect(calls).toContain("videos.findByKey");
  });

  it("runs a scheduled queue's job whatever fields its payload object has", async () => {
    const { runJob } = setUp();

    const outcome = await runJob("transcode.reconcile", { from: "a newer release" });

    expect(outcome).toEqual(Either.right({ jobs: [], videosWithoutJob: [], failures: [] }));
  });
});
