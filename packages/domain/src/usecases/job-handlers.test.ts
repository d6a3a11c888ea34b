import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { CdnInvalidationFailure } from "../ports/cdn-invalidator.js";
import { QUEUE_NAMES } from "../ports/job-queue.js";
import { StorageFailure } from "../ports/object-store.js";
import { PersistenceFailure } from "../ports/persistence-errors.js";
import { aVideo } from "../testing/builders.js";
import { makeInMemoryHarness } from "../testing/in-memory-harness.js";
import { storeIn } from "../testing/stored-test-data.js";
import { testSettings } from "../testing/test-settings.js";
import { CdnPathsNotInvalidated } from "./cdn/invalidate-cdn-paths.js";
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
