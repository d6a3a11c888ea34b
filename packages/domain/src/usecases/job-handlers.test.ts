import { describe, expect, it } from "vitest";
import { StorageFailure } from "../ports/object-store.js";
import { PersistenceFailure } from "../ports/persistence-errors.js";
import { invalidField } from "./errors.js";
import { isRetryableJobFailure } from "./job-handlers.js";
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
