import { describe, expect, it } from "vitest";
import { failureOf, run } from "../../testing/effect-outcomes.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { isRetryableJobFailure } from "../job-handlers.js";
import { InvalidateCdnPaths } from "./invalidate-cdn-paths.js";

const setUp = () => {
  const harness = makeInMemoryHarness();
  return { harness, invalidate: new InvalidateCdnPaths(harness.ports) };
};

describe("the cdn.invalidate job", () => {
  it("has the CDN forget the paths of its payload, in one invalidation", async () => {
    const { harness, invalidate } = setUp();
    const paths = ["transcoded/abc/video__index.m3u8", "transcoded/abc/*"];

    const result = await run(invalidate.run({ paths, reason: "retranscode" }));

    expect(result).toEqual({ paths: 2, invalidationIds: ["I-IN-MEMORY-1"] });
    expect(harness.cdnInvalidator.invalidations).toEqual([{ invalidationId: "I-IN-MEMORY-1", paths }]);
  });

  it("takes a payload without a reason, and one with a reason it does not know", async () => {
    const { harness, invalidate } = setUp();
    await run(invalidate.run({ paths: ["a/b"] }));
    await run(invalidate.run({ paths: ["a/c"], reason: "a reason of a newer release" }));
    expect(harness.cdnInvalidator.invalidatedPaths).toEqual(["a/b", "a/c"]);
  });

  it("asks the CDN nothing for no paths", async () => {
    const { harness, invalidate } = setUp();
    expect(await run(invalidate.run({ paths: [] }))).toEqual({ paths: 0, invalidationIds: [] });
    expect(harness.cdnInvalidator.invalidations).toEqual([]);
  });

  it("fails retryably when the CDN refuses, transient or not, having invalidated nothing", async () => {
    const { harness, invalidate } = setUp();
    for (const transient of [true, false]) {
      harness.cdnInvalidator.failNext({ transient, reason: transient ? "Throttling" : "AccessDenied" });

      const error = await failureOf(invalidate.run({ paths: ["a/b", "a/*"], reason: "visibility-move" }));

      expect(error).toMatchObject({
        _tag: "CdnPathsNotInvalidated",
        paths: ["a/b", "a/*"],
        reason: transient ? "Throttling" : "AccessDenied",
      });
      expect(error.message).toContain("will be retried");
      expect(isRetryableJobFailure(error)).toBe(true);
    }
    expect(harness.cdnInvalidator.invalidations).toEqual([]);

    // The retry the queue makes of the same job.
    await run(invalidate.run({ paths: ["a/b", "a/*"], reason: "visibility-move" }));
    expect(harness.cdnInvalidator.invalidatedPaths).toEqual(["a/b", "a/*"]);
  });

  it("refuses a malformed payload, which no retry would heal, and asks the CDN nothing", async () => {
    const { harness, invalidate } = setUp();

    for (const payload of [{}, { paths: "a/b" }, { paths: ["/a/b"] }, { paths: [""] }, { paths: [7] }]) {
      const error = await failureOf(invalidate.run(payload));
      expect(error._tag).toBe("InvalidInput");
      expect(isRetryableJobFailure(error)).toBe(false);
    }
    const error = await failureOf(invalidate.run({ paths: ["a/b", "/a/c"] }));
    expect(error._tag === "InvalidInput" && error.problems).toEqual([
      { field: "paths.1", message: "must not start with a slash" },
    ]);
    expect(harness.cdnInvalidator.invalidations).toEqual([]);
  });
});
