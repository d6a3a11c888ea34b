import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SourceStreamFailed, StorageFailure } from "../ports/object-store.js";
import { PersistenceFailure } from "../ports/persistence-errors.js";
import { SourceRejected, SourceUnavailable } from "../ports/video-source.js";
import type { IngestFailure } from "./ingest-retry.js";
import {
  backoffCeilingSeconds,
  classifyIngestFailure,
  decideAfterFailure,
  MAX_RETRY_DELAY_SECONDS,
  priorRetries,
  retryDelaySeconds,
} from "./ingest-retry.js";

const url = "https://www.dropbox.com/s/abc/lecture.mp4";
const storage = (transient: boolean) =>
  new StorageFailure({ operation: "put", bucket: "uploads", key: "k/video.mp4", transient, reason: "boom" });
const brokenStream = (cause: unknown) =>
  new SourceStreamFailed({ bucket: "uploads", key: "k/video.mp4", cause });

describe("which ingest failures are worth retrying", () => {
  it.each([
    [
      "a source that is unavailable (5xx, 408, 429, reset)",
      new SourceUnavailable({ url, reason: "503" }),
      "Transient",
    ],
    [
      "a source that rejected the link (4xx, revoked, too large)",
      new SourceRejected({ url, reason: "404" }),
      "Permanent",
    ],
    ["a transient storage failure (throttling, 5xx)", storage(true), "Transient"],
    ["a permanent storage failure (no such bucket, access denied)", storage(false), "Permanent"],
    [
      "a transfer cut half-way by the source",
      brokenStream(new SourceUnavailable({ url, reason: "reset" })),
      "Transient",
    ],
    [
      "a transfer the source refused half-way (over the size limit)",
      brokenStream(new SourceRejected({ url, reason: "too large" })),
      "Permanent",
    ],
    ["a transfer the store gave up on permanently", brokenStream(storage(false)), "Permanent"],
    [
      "a transfer that broke for a reason nobody named",
      brokenStream(new Error("socket hang up")),
      "Transient",
    ],
    [
      "a database hiccup while heartbeating",
      new PersistenceFailure({ operation: "touch", cause: "timeout" }),
      "Transient",
    ],
  ] as const)("%s is %s", (_, error, kind) => {
    expect(classifyIngestFailure(error)._tag).toBe(kind);
  });

  it("keeps the source's Retry-After", () => {
    const failure = classifyIngestFailure(
      new SourceUnavailable({ url, reason: "429 Too Many Requests", retryAfterSeconds: 30 }),
    );
    expect(failure).toMatchObject({ _tag: "Transient", retryAfterSeconds: 30 });
  });

  it("says why a broken transfer failed", () => {
    expect(classifyIngestFailure(brokenStream(new Error("socket hang up"))).reason).toContain(
      "socket hang up",
    );
  });
});

describe("how long an ingest waits before its next attempt", () => {
  it.each([
    [0, 60],
    [1, 120],
    [2, 240],
    [3, 480],
    [4, 600],
    [40, 600],
  ])("after %i retries the backoff is drawn from [0, %i] seconds", (retries, ceiling) => {
    expect(backoffCeilingSeconds(retries)).toBe(ceiling);
    expect(retryDelaySeconds(retries, 0)).toBe(0);
    expect(retryDelaySeconds(retries, 0.999999)).toBe(ceiling);
  });

  it.each([
    ["a short Retry-After is waited at least", 0, 0.1, 45, 45],
    ["a Retry-After shorter than the jitter keeps the jitter", 1, 0.5, 5, 60],
    ["a huge Retry-After is capped at ten minutes", 0, 0.2, 99_999, 600],
    ["a fractional Retry-After is rounded up", 0, 0, 2.2, 3],
    ["a negative Retry-After is ignored", 0, 0.5, -10, 30],
    ["a Retry-After that is not a number is ignored", 0, 0.5, Number.NaN, 30],
  ])("%s", (_, retries, fraction, retryAfter, expected) => {
    expect(retryDelaySeconds(retries, fraction, retryAfter)).toBe(expected);
  });

  it("always waits a whole number of seconds between zero and the cap", () => {
    fc.assert(
      fc.property(
        fc.nat(50),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.option(fc.double({ noNaN: false }), { nil: undefined }),
        (retries, fraction, retryAfter) => {
          const delay = retryDelaySeconds(retries, fraction, retryAfter);
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(MAX_RETRY_DELAY_SECONDS);
          const asked = retryAfter !== undefined && Number.isFinite(retryAfter) ? Math.ceil(retryAfter) : 0;
          expect(delay).toBeLessThanOrEqual(Math.max(backoffCeilingSeconds(retries), asked));
        },
      ),
    );
  });
});

describe("whether an ingest is tried again", () => {
  const transientFailure: IngestFailure = { _tag: "Transient", reason: "503 from the source" };

  it.each([
    [0, { _tag: "RetryLater", nextAttempt: 1, delaySeconds: 30 }],
    [1, { _tag: "RetryLater", nextAttempt: 2, delaySeconds: 60 }],
    [2, { _tag: "GiveUp" }],
    [7, { _tag: "GiveUp" }],
  ] as const)("a transient failure after %i retries: %o", (retries, expected) => {
    expect(decideAfterFailure(retries, transientFailure, 0.5)).toMatchObject(expected);
  });

  it("gives up at once on a permanent failure, with its reason", () => {
    expect(decideAfterFailure(0, { _tag: "Permanent", reason: "404 from the source" }, 0.5)).toEqual({
      _tag: "GiveUp",
      reason: "404 from the source",
    });
  });

  it("says how many attempts were made when it gives up", () => {
    const decision = decideAfterFailure(2, transientFailure, 0.5);
    expect(decision._tag === "GiveUp" && decision.reason).toBe(
      "gave up after 3 attempts: 503 from the source",
    );
  });

  it.each([
    [undefined, 0],
    [0, 0],
    [1, 1],
    [2.7, 2],
    [-3, 0],
    [Number.NaN, 0],
  ])("reads attempt %s as %i retries so far", (attempt, expected) => {
    expect(priorRetries(attempt)).toBe(expected);
  });
});
