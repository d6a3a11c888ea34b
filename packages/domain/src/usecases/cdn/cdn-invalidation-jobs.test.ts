import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { run } from "../../testing/effect-outcomes.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import {
  CDN_PATHS_PER_INVALIDATION,
  CDN_WILDCARDS_PER_INVALIDATION,
  cdnInvalidationBatches,
  enqueueCdnInvalidation,
} from "./cdn-invalidation-jobs.js";

const keys = (count: number, prefix = "k") =>
  Array.from({ length: count }, (_, index) => `${prefix}/${index}`);
const wildcards = (count: number) => Array.from({ length: count }, (_, index) => `w${index}/*`);

describe("cdnInvalidationBatches", () => {
  it("keeps paths that fit one invalidation together, in order and without repeats", () => {
    expect(cdnInvalidationBatches(["a/b", "a/*", "a/b", "c"])).toEqual([["a/b", "a/*", "c"]]);
    expect(cdnInvalidationBatches([])).toEqual([]);
  });

  it("starts a new batch at CloudFront's limit on paths", () => {
    const batches = cdnInvalidationBatches(keys(CDN_PATHS_PER_INVALIDATION + 1));
    expect(batches.map((batch) => batch.length)).toEqual([CDN_PATHS_PER_INVALIDATION, 1]);
  });

  it("starts a new batch at CloudFront's limit on wildcards, however few paths it holds", () => {
    const paths = [...wildcards(CDN_WILDCARDS_PER_INVALIDATION), "plain/key", "w-last/*"];
    const batches = cdnInvalidationBatches(paths);
    expect(batches).toEqual([[...wildcards(CDN_WILDCARDS_PER_INVALIDATION), "plain/key"], ["w-last/*"]]);
    for (const batch of batches) {
      expect(batch.filter((path) => path.endsWith("*")).length).toBeLessThanOrEqual(
        CDN_WILDCARDS_PER_INVALIDATION,
      );
    }
  });
});

describe("enqueueCdnInvalidation", () => {
  it("queues one cdn.invalidate job per batch, with the reason", async () => {
    const harness = makeInMemoryHarness();
    const paths = [...wildcards(CDN_WILDCARDS_PER_INVALIDATION + 1), "a/b"];

    await run(enqueueCdnInvalidation(harness.jobs, paths, "visibility-move"));

    expect(harness.jobs.pending("cdn.invalidate").map((job) => job.payload)).toEqual([
      { paths: wildcards(CDN_WILDCARDS_PER_INVALIDATION), reason: "visibility-move" },
      { paths: [`w${CDN_WILDCARDS_PER_INVALIDATION}/*`, "a/b"], reason: "visibility-move" },
    ]);
  });

  it("queues nothing for nothing to forget", async () => {
    const harness = makeInMemoryHarness();
    await run(enqueueCdnInvalidation(harness.jobs, [], "thumbnail-upload"));
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("queues nothing when the unit of work it is part of rolls back", async () => {
    const harness = makeInMemoryHarness();
    await run(
      Effect.either(
        harness.unitOfWork.transaction(
          Effect.zipRight(
            enqueueCdnInvalidation(harness.jobs, ["a/b"], "thumbnail-upload"),
            Effect.fail("refused"),
          ),
        ),
      ),
    );
    expect(harness.jobs.pending()).toEqual([]);
  });
});
