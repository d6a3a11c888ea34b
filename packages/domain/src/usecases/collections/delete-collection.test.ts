import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { anonymous, userPrincipal } from "../../model/user.js";
import type { Video } from "../../model/video.js";
import { QueueFailure } from "../../ports/job-queue.js";
import type { JobQueue } from "../../ports/job-queue.js";
import { aCollection, aVideo } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import { DeleteStoredObjects } from "../storage/delete-stored-objects.js";
import { DeleteCollection } from "./delete-collection.js";

const settings = testSettings();

const setUp = async () => {
  const harness = makeInMemoryHarness();
  const store = storeIn(harness);
  const owner = await store.user();
  const collection = await store.collection(
    aCollection().withAdminLists("admins").withViewLists("viewers"),
    owner,
  );
  /** Puts the objects a transcoded video has (original, HLS, MP4, thumbnail, subtitle) and their rows. */
  const withObjects = async (video: Video) => {
    const hex = hexKey(video.key);
    const space = video.isPublic ? "" : "restricted/";
    const at = harness.clock.now();
    const objects = [
      [settings.buckets.upload, `${hex}/video.mp4`],
      [settings.buckets.transcode, `${space}transcoded/${hex}/video__index.m3u8`],
      [settings.buckets.transcode, `${space}transcoded/${hex}/video_HLS2M_00001.ts`],
      [settings.buckets.transcode, `${space}transcoded/${hex}/video_custom.mp4`],
      [settings.buckets.transcode, `retranscode/transcoded/${hex}/video__index.m3u8`],
      [settings.buckets.thumbnail, `${space}thumbnails/${hex}/video_thumbnail.0000000.jpg`],
      [settings.buckets.subtitle, `${space}subtitles/${hex}/subtitles_${hex}_20260101000000_en.vtt`],
    ] as const;
    for (const [bucket, key] of objects) harness.objectStore.putBytes({ bucket, key }, "bytes");
    await Effect.runPromise(
      harness.videoFiles.insert(
        {
          videoKey: video.key,
          s3ObjectKey: `${hex}/video.mp4`,
          bucketName: settings.buckets.upload,
          encoding: "original",
        },
        at,
      ),
    );
    await Effect.runPromise(
      harness.videoFiles.insert(
        {
          videoKey: video.key,
          s3ObjectKey: `${space}transcoded/${hex}/video__index.m3u8`,
          bucketName: settings.buckets.transcode,
          encoding: "HLS",
        },
        at,
      ),
    );
    return video;
  };
  const allObjects = () =>
    Object.values(settings.buckets).flatMap((bucket) =>
      harness.objectStore.keys(bucket).map((key) => `${bucket}/${key}`),
    );
  const runStorageJobs = () =>
    Effect.runPromise(
      harness.jobs.drain({
        "storage.delete": (payload) => new DeleteStoredObjects(harness.ports).run(payload),
      }),
    );
  return {
    harness,
    store,
    owner,
    collection,
    withObjects,
    allObjects,
    runStorageJobs,
    deleteCollection: new DeleteCollection(harness.ports, settings),
  };
};

describe("deleting a collection", () => {
  it("an admin deletes it with its videos, and the queued storage jobs remove every object of those videos and nothing else", async () => {
    const { harness, store, collection, withObjects, allObjects, runStorageJobs, deleteCollection } =
      await setUp();
    const restricted = await withObjects(await store.video(collection));
    const open = await withObjects(await store.video(collection, aVideo().public()));
    const survivor = await withObjects(await store.video(await store.collection()));
    const survivorObjects = allObjects().filter((object) => object.includes(hexKey(survivor.key)));

    const result = await Effect.runPromise(
      deleteCollection.run(userPrincipal(await store.user(), ["admins"]), collection.key),
    );

    expect(result.videoCount).toBe(2);
    expect(harness.database.tables.collections.has(collection.key)).toBe(false);
    expect(harness.database.tables.videos.has(restricted.key)).toBe(false);
    expect(harness.database.tables.videos.has(open.key)).toBe(false);
    expect(
      [...harness.database.tables.videoFiles.values()].filter((file) => file.videoKey !== survivor.key),
    ).toEqual([]);
    expect(harness.jobs.pending("storage.delete")).toHaveLength(result.storageDeletions);
    // Nothing is deleted from storage until the jobs run: the rows and jobs commit together.
    expect(allObjects().some((object) => object.includes(hexKey(open.key)))).toBe(true);

    await runStorageJobs();

    expect(allObjects()).toEqual(survivorObjects);
    expect(harness.database.tables.videos.has(survivor.key)).toBe(true);
  });

  it("refuses a viewer, hides the collection from a stranger, asks an anonymous visitor to sign in, and deletes nothing", async () => {
    const { harness, store, collection, deleteCollection } = await setUp();
    await store.video(collection);
    const viewer = userPrincipal(await store.user(), ["viewers"]);
    const stranger = userPrincipal(await store.user());

    expect(await failureOf(deleteCollection.run(viewer, collection.key))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: false,
    });
    expect(await failureOf(deleteCollection.run(stranger, collection.key))).toMatchObject({
      _tag: "CollectionNotFound",
    });
    expect(await failureOf(deleteCollection.run(anonymous, collection.key))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: true,
    });
    expect(harness.database.tables.collections.has(collection.key)).toBe(true);
    expect(harness.database.tables.videos.size).toBe(1);
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("reports an unknown collection as not found", async () => {
    const { owner, deleteCollection } = await setUp();

    expect(
      await failureOf(deleteCollection.run(userPrincipal(owner), aCollection().build().key)),
    ).toMatchObject({
      _tag: "CollectionNotFound",
    });
  });

  it("keeps the collection when its cleanup jobs cannot be queued", async () => {
    const { harness, store, owner, collection, withObjects } = await setUp();
    await withObjects(await store.video(collection));
    let enqueued = 0;
    const failingQueue: JobQueue = {
      enqueue: (queue, payload, options) => {
        enqueued += 1;
        return enqueued < 3
          ? harness.jobs.enqueue(queue, payload, options)
          : Effect.fail(new QueueFailure({ queue, cause: new Error("queue down") }));
      },
    };

    const error = await failureOf(
      new DeleteCollection({ ...harness.ports, jobs: failingQueue }, settings).run(
        userPrincipal(owner),
        collection.key,
      ),
    );

    expect(error).toMatchObject({ _tag: "QueueFailure" });
    expect(harness.database.tables.collections.has(collection.key)).toBe(true);
    expect(harness.database.tables.videos.size).toBe(1);
    expect(harness.database.tables.videoFiles.size).toBe(2);
    expect(harness.jobs.pending()).toEqual([]);
  });
});
