import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { failureOf } from "../../testing/effect-outcomes.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { DeleteStoredObjects, StoredObjectsNotDeleted } from "./delete-stored-objects.js";

const setUp = () => {
  const harness = makeInMemoryHarness();
  const deleteObjects = new DeleteStoredObjects(harness.ports);
  return { harness, deleteObjects, store: harness.objectStore };
};

describe("deleting stored objects", () => {
  it("deletes one object and leaves its neighbours", async () => {
    const { deleteObjects, store } = setUp();
    store.putBytes({ bucket: "subs", key: "subtitles/abc/en.vtt" }, "WEBVTT");
    store.putBytes({ bucket: "subs", key: "subtitles/abc/fr.vtt" }, "WEBVTT");

    const result = await Effect.runPromise(
      deleteObjects.run({ bucket: "subs", key: "subtitles/abc/en.vtt", prefix: false }),
    );

    expect(result).toEqual({ deleted: 1 });
    expect(store.keys("subs")).toEqual(["subtitles/abc/fr.vtt"]);
  });

  it("deletes every object under a prefix, and nothing beside it", async () => {
    const { deleteObjects, store } = setUp();
    for (const key of [
      "transcoded/abc/video.m3u8",
      "transcoded/abc/video_00001.ts",
      "transcoded/abd/video.m3u8",
    ]) {
      store.putBytes({ bucket: "out", key }, "bytes");
    }

    const result = await Effect.runPromise(
      deleteObjects.run({ bucket: "out", key: "transcoded/abc/", prefix: true }),
    );

    expect(result).toEqual({ deleted: 2 });
    expect(store.keys("out")).toEqual(["transcoded/abd/video.m3u8"]);
  });

  it("is content when the objects are already gone, so a second run changes nothing", async () => {
    const { deleteObjects, store } = setUp();
    store.putBytes({ bucket: "out", key: "transcoded/abc/video.m3u8" }, "bytes");
    const job = { bucket: "out", key: "transcoded/abc/", prefix: true };

    await Effect.runPromise(deleteObjects.run(job));
    const again = await Effect.runPromise(deleteObjects.run(job));
    const single = await Effect.runPromise(
      deleteObjects.run({ bucket: "out", key: "gone.vtt", prefix: false }),
    );

    expect(again).toEqual({ deleted: 0 });
    expect(single).toEqual({ deleted: 1 });
    expect(store.keys("out")).toEqual([]);
  });

  it("reports a transient storage failure as retryable and deletes nothing", async () => {
    const { deleteObjects, store } = setUp();
    store.putBytes({ bucket: "out", key: "transcoded/abc/video.m3u8" }, "bytes");
    store.failNext("deletePrefix", { transient: true, reason: "SlowDown" });

    const error = await failureOf(deleteObjects.run({ bucket: "out", key: "transcoded/abc/", prefix: true }));

    expect(error).toBeInstanceOf(StoredObjectsNotDeleted);
    expect(error).toMatchObject({ retryable: true, bucket: "out", key: "transcoded/abc/", prefix: true });
    expect(error.message).toContain("SlowDown");
    expect(store.keys("out")).toEqual(["transcoded/abc/video.m3u8"]);
  });

  it("reports a permanent storage failure as not retryable", async () => {
    const { deleteObjects, store } = setUp();
    store.failNext("delete", { transient: false, reason: "AccessDenied" });

    const error = await failureOf(deleteObjects.run({ bucket: "out", key: "a/b.jpg", prefix: false }));

    expect(error).toMatchObject({ _tag: "StoredObjectsNotDeleted", retryable: false });
  });

  it("refuses a prefix deletion without a key instead of emptying the bucket", async () => {
    const { deleteObjects, store } = setUp();
    store.putBytes({ bucket: "out", key: "transcoded/abc/video.m3u8" }, "bytes");

    const error = await failureOf(deleteObjects.run({ bucket: "out", key: "", prefix: true }));

    expect(error).toMatchObject({ _tag: "InvalidInput", problems: [{ field: "key" }] });
    expect(store.keys("out")).toEqual(["transcoded/abc/video.m3u8"]);
  });

  it("refuses a malformed payload", async () => {
    const { deleteObjects } = setUp();

    const error = await failureOf(deleteObjects.run({ bucket: "out" }));

    expect(error).toMatchObject({ _tag: "InvalidInput" });
    expect(error._tag === "InvalidInput" && error.problems.map((problem) => problem.field).sort()).toEqual([
      "key",
      "prefix",
    ]);
  });
});
