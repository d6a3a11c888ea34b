import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { anonymous, userPrincipal } from "../../model/user.js";
import type { Video } from "../../model/video.js";
import type { JobQueue } from "../../ports/job-queue.js";
import { QueueFailure } from "../../ports/job-queue.js";
import { aCollection, aVideo } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import { DeleteStoredObjects } from "../storage/delete-stored-objects.js";
import { DeleteVideo } from "./delete-video.js";

const settings = testSettings();
const { buckets } = settings;

const setUp = async () => {
  const harness = makeInMemoryHarness();
  const store = storeIn(harness);
  const collection = await store.collection(aCollection().withViewLists("viewers").withAdminLists("admins"));
  const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect);
  /** Objects in every place a video can have them, and rows for some of them. */
  const withObjects = async (video: Video) => {
    const hex = hexKey(video.key);
    const at = harness.clock.now();
    const objects: ReadonlyArray<readonly [string, string]> = [
      [buckets.upload, `${hex}/video.mov`],
      [buckets.transcode, `transcoded/${hex}/video__index.m3u8`],
      [buckets.transcode, `restricted/transcoded/${hex}/video__index.m3u8`],
      [buckets.transcode, `restricted/transcoded/${hex}/video_HLS400k_00001.ts`],
      [buckets.transcode, `retranscode/transcoded/${hex}/video__index.m3u8`],
      [buckets.thumbnail, `restricted/thumbnails/${hex}/video_thumbnail.0000000.jpg`],
      [buckets.subtitle, `subtitles/${hex}/subtitles_${hex}_20260101000000_en.vtt`],
      // A row from before this layout, in a bucket of its own.
      ["legacy-bucket", `old/${hex}/HD.mp4`],
    ];
    for (const [bucket, key] of objects) harness.objectStore.putBytes({ bucket, key }, "bytes");
    await run(
      harness.videoFiles.insert(
        {
          videoKey: video.key,
          s3ObjectKey: `${hex}/video.mov`,
          bucketName: buckets.upload,
          encoding: "original",
        },
        at,
      ),
    );
    await run(
      harness.videoFiles.insert(
        {
          videoKey: video.key,
          s3ObjectKey: `old/${hex}/HD.mp4`,
          bucketName: "legacy-bucket",
          encoding: "HD",
        },
        at,
      ),
    );
    await run(
      harness.videoThumbnails.upsertByKey(
        {
          videoKey: video.key,
          s3ObjectKey: `restricted/thumbnails/${hex}/video_thumbnail.0000000.jpg`,
          bucketName: buckets.thumbnail,
          maxWidth: null,
          maxHeight: null,
        },
        at,
      ),
    );
    return video;
  };
  const allObjects = () =>
    [...Object.values(buckets), "legacy-bucket"].flatMap((bucket) =>
      harness.objectStore.keys(bucket).map((key) => `${bucket}/${key}`),
    );
  const admin = userPrincipal(await store.user(), ["admins"]);
  return {
    harness,
    store,
    collection,
    withObjects,
    allObjects,
    admin,
    run,
    deleteVideo: new DeleteVideo(harness.ports, settings),
  };
};

describe("deleting a video", () => {
  it("an admin deletes it, and the queued storage jobs remove every object it had and nothing of its neighbours", async () => {
    const { harness, store, collection, withObjects, allObjects, admin, run, deleteVideo } = await setUp();
    const doomed = await withObjects(await store.video(collection));
    const neighbour = await withObjects(await store.video(collection));
    const neighbourObjects = allObjects().filter((object) => object.includes(hexKey(neighbour.key)));

    const result = await run(deleteVideo.run(admin, hexKey(doomed.key)));

    expect(harness.database.tables.videos.has(doomed.key)).toBe(false);
    expect(
      [...harness.database.tables.videoFiles.values()].every((file) => file.videoKey === neighbour.key),
    ).toBe(true);
    expect(
      [...harness.database.tables.videoThumbnails.values()].every((row) => row.videoKey === neighbour.key),
    ).toBe(true);
    expect(harness.jobs.pending("storage.delete")).toHaveLength(result.storageDeletions);

    await run(
      harness.jobs.drain({
        "storage.delete": (payload) => new DeleteStoredObjects(harness.ports).run(payload),
      }),
    );

    expect(allObjects()).toEqual(neighbourObjects);
  });

  it("refuses a viewer, hides the video from a stranger, asks an anonymous visitor to sign in, and deletes nothing", async () => {
    const { harness, store, collection, deleteVideo, run } = await setUp();
    const video = await store.video(collection);
    const viewer = userPrincipal(await store.user(), ["viewers"]);

    expect(await failureOf(deleteVideo.run(viewer, video.key))).toMatchObject({ _tag: "Forbidden" });
    expect(await failureOf(deleteVideo.run(userPrincipal(await store.user()), video.key))).toMatchObject({
      _tag: "VideoNotFound",
    });
    expect(await failureOf(deleteVideo.run(anonymous, video.key))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: true,
    });
    expect(await run(harness.videos.findByKey(video.key))).toMatchObject({ _tag: "Some" });
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("reports an unknown video", async () => {
    const { admin, deleteVideo } = await setUp();

    expect(await failureOf(deleteVideo.run(admin, aVideo().build().key))).toMatchObject({
      _tag: "VideoNotFound",
    });
  });

  it("keeps the video when its cleanup jobs cannot be queued", async () => {
    const { harness, store, collection, withObjects, admin } = await setUp();
    const video = await withObjects(await store.video(collection));
    const brokenQueue: JobQueue = {
      enqueue: (queue) => Effect.fail(new QueueFailure({ queue, cause: new Error("queue down") })),
    };

    const error = await failureOf(
      new DeleteVideo({ ...harness.ports, jobs: brokenQueue }, settings).run(admin, video.key),
    );

    expect(error).toMatchObject({ _tag: "QueueFailure" });
    expect(harness.database.tables.videos.has(video.key)).toBe(true);
    expect(harness.database.tables.videoFiles.size).toBe(2);
  });
});
