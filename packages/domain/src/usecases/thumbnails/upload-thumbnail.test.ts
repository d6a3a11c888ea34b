import { Effect, Option } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { thumbnailKey } from "../../model/storage-keys.js";
import { anonymous, userPrincipal } from "../../model/user.js";
import { videoPayload } from "../../policy/projections/video-payload.js";
import type { JobQueue } from "../../ports/job-queue.js";
import { QueueFailure } from "../../ports/job-queue.js";
import { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { VideoThumbnailRepository } from "../../ports/video-thumbnail-repository.js";
import { aCollection, aVideo } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { storeIn } from "../../testing/stored-test-data.js";
import type { InMemoryHarness } from "../../testing/in-memory-harness.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import { InvalidateCdnPaths } from "../cdn/invalidate-cdn-paths.js";
import { ThumbnailTooLarge, UploadThumbnail, uploadLimitLabel } from "./upload-thumbnail.js";
import { jpegBytes, pngBytes } from "../../testing/image-bytes.js";

const settings = testSettings();
const bucket = settings.buckets.thumbnail;

const queuedInvalidations = (harness: InMemoryHarness) =>
  harness.jobs.pending("cdn.invalidate").map((job) => job.payload);

const setUp = async () => {
  const harness = makeInMemoryHarness({ cdnHost: "d111.cloudfront.net" });
  const store = storeIn(harness);
  const collection = await store.collection(aCollection().withAdminLists("admins").withViewLists("viewers"));
  const video = await store.video(collection, aVideo().withStatus("Complete"));
  const admin = userPrincipal(await store.user(), ["admins"]);
  const key = thumbnailKey(hexKey(video.key), "restricted");
  /** The thumbnail the transcode made, at the same key an upload uses. */
  const withTranscodedThumbnail = async () => {
    harness.objectStore.putBytes({ bucket, key }, jpegBytes(1280, 720), "image/jpeg");
    return Effect.runPromise(
      harness.videoThumbnails.upsertByKey(
        { videoKey: video.key, s3ObjectKey: key, bucketName: bucket, maxWidth: 1280, maxHeight: 720 },
        harness.clock.now(),
      ),
    );
  };
  const nothingStored = () => {
    expect(harness.objectStore.keys(bucket)).toEqual([]);
    expect(harness.database.tables.videoThumbnails.size).toBe(0);
    expect(harness.jobs.pending("cdn.invalidate")).toEqual([]);
  };
  return {
    harness,
    store,
    collection,
    video,
    admin,
    key,
    withTranscodedThumbnail,
    nothingStored,
    upload: new UploadThumbnail(harness.ports, settings),
  };
};

describe("uploading a thumbnail", () => {
  it("an admin's PNG becomes the video's thumbnail at its stable key, and the CDN is to forget that key", async () => {
    const { harness, video, admin, key, upload } = await setUp();
    const png = pngBytes(320, 180);

    const result = await Effect.runPromise(
      upload.run(admin, hexKey(video.key), { contentType: "image/png", bytes: png }),
    );

    expect(result.outcome).toBe("Created");
    expect(result.thumbnail).toMatchObject({
      s3ObjectKey: key,
      bucketName: bucket,
      maxWidth: 320,
      maxHeight: 180,
    });
    expect(harness.objectStore.read({ bucket, key })).toEqual(png);
    const info = await Effect.runPromise(harness.objectStore.head({ bucket, key }));
    expect(Option.map(info, (object) => object.contentType)).toEqual(Option.some("image/png"));
    expect(queuedInvalidations(harness)).toEqual([{ paths: [key], reason: "thumbnail-upload" }]);
    const payload = videoPayload(result.video.details, result.video.principal, result.video.mediaUrl);
    expect(payload.videothumbnail_set.map((thumbnail) => thumbnail.s3_object_key)).toEqual([key]);
    expect(payload.videothumbnail_set[0]?.cloudfront_url).toMatch(/Signature=/);
  });

  it("replaces the transcoded thumbnail in place, keeping its row and its URL", async () => {
    const { harness, video, admin, key, withTranscodedThumbnail, upload } = await setUp();
    const before = await withTranscodedThumbnail();
    harness.clock.advance("1 day");
    const jpeg = jpegBytes(640, 360);

    const result = await Effect.runPromise(
      upload.run(admin, video.key, { contentType: "image/jpeg", bytes: jpeg }),
    );

    expect(result.outcome).toBe("Replaced");
    expect(result.thumbnail).toMatchObject({
      id: before.id,
      s3ObjectKey: key,
      maxWidth: 640,
      maxHeight: 360,
    });
    expect(harness.database.tables.videoThumbnails.size).toBe(1);
    expect(harness.objectStore.read({ bucket, key })).toEqual(jpeg);
    expect(queuedInvalidations(harness)).toEqual([{ paths: [key], reason: "thumbnail-upload" }]);
  });

  it("stores a public video's thumbnail in the public key space, with the type its bytes really have", async () => {
    const { harness, store, collection, admin, upload } = await setUp();
    const video = await store.video(collection, aVideo().public());
    const key = thumbnailKey(hexKey(video.key), "public");

    await Effect.runPromise(
      upload.run(admin, video.key, { contentType: "image/PNG; charset=binary", bytes: jpegBytes(64, 36) }),
    );

    const info = await Effect.runPromise(harness.objectStore.head({ bucket, key }));
    expect(Option.map(info, (object) => object.contentType)).toEqual(Option.some("image/jpeg"));
  });

  it("refuses a viewer, hides the video from strangers, and asks anonymous visitors to sign in", async () => {
    const { store, collection, video, upload, nothingStored } = await setUp();
    const publicVideo = await store.video(collection, aVideo().public());
    const file = { contentType: "image/png", bytes: pngBytes(10, 10) };

    expect(
      await failureOf(upload.run(userPrincipal(await store.user(), ["viewers"]), video.key, file)),
    ).toMatchObject({
      _tag: "Forbidden",
      signInRequired: false,
    });
    expect(await failureOf(upload.run(userPrincipal(await store.user()), video.key, file))).toMatchObject({
      _tag: "VideoNotFound",
    });
    expect(await failureOf(upload.run(anonymous, publicVideo.key, file))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: true,
    });
    nothingStored();
  });

  it("checks in upstream's order: a file, a JPEG or PNG type, the size, then the bytes", async () => {
    const { harness, video, admin, upload, nothingStored } = await setUp();
    const tooBig = new Uint8Array(settings.thumbnails.maxUploadBytes + 1);

    expect(await failureOf(upload.run(admin, video.key, null))).toMatchObject({
      _tag: "InvalidInput",
      problems: [{ field: "thumbnail", message: "No thumbnail file provided." }],
    });
    for (const contentType of ["image/gif", "text/plain", null]) {
      expect(await failureOf(upload.run(admin, video.key, { contentType, bytes: tooBig }))).toMatchObject({
        problems: [{ message: "Only JPEG and PNG image files are allowed." }],
      });
    }
    const tooLarge = await failureOf(
      upload.run(admin, video.key, { contentType: "image/jpg", bytes: tooBig }),
    );
    expect(tooLarge).toBeInstanceOf(ThumbnailTooLarge);
    expect(tooLarge.message).toBe("The uploaded image is too large (max 1 MB).");
    expect(
      await failureOf(
        upload.run(admin, video.key, {
          contentType: "image/png",
          bytes: new TextEncoder().encode("not an image"),
        }),
      ),
    ).toMatchObject({ problems: [{ field: "thumbnail", message: "Invalid thumbnail data provided." }] });
    nothingStored();
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("names the limit in the largest unit it reaches, in whole units", () => {
    expect(uploadLimitLabel(1024 * 1024)).toBe("1 MB");
    expect(uploadLimitLabel(5 * 1024 * 1024 + 1)).toBe("5 MB");
    expect(uploadLimitLabel(1536 * 1024 - 1)).toBe("1 MB");
    expect(uploadLimitLabel(512 * 1024)).toBe("512 KB");
    expect(uploadLimitLabel(1500)).toBe("1 KB");
    expect(uploadLimitLabel(800)).toBe("800 bytes");
  });

  it("writes no row when storing the image fails", async () => {
    const { harness, video, admin, upload, nothingStored } = await setUp();
    harness.objectStore.failNext("put", { transient: true });

    const error = await failureOf(
      upload.run(admin, video.key, { contentType: "image/png", bytes: pngBytes(8, 8) }),
    );

    expect(error).toMatchObject({ _tag: "StorageFailure" });
    nothingStored();
  });

  it("deletes a newly stored image when its row cannot be written", async () => {
    const { harness, video, admin, nothingStored } = await setUp();
    const thumbnails = harness.videoThumbnails;
    const failing: VideoThumbnailRepository = {
      upsertByKey: () =>
        Effect.fail(new PersistenceFailure({ operation: "upsert thumbnail", cause: "down" })),
      listForVideo: (key) => thumbnails.listForVideo(key),
      repoint: (id, location, at) => thumbnails.repoint(id, location, at),
      delete: (id) => thumbnails.delete(id),
    };

    const error = await failureOf(
      new UploadThumbnail({ ...harness.ports, videoThumbnails: failing }, settings).run(admin, video.key, {
        contentType: "image/png",
        bytes: pngBytes(8, 8),
      }),
    );

    expect(error).toMatchObject({ _tag: "PersistenceFailure" });
    nothingStored();
  });

  it("rolls the row back and deletes the new image when the invalidation cannot be queued", async () => {
    const { harness, video, admin, nothingStored } = await setUp();
    const jobs: JobQueue = {
      enqueue: (queue, payload, options) =>
        queue === "cdn.invalidate"
          ? Effect.fail(new QueueFailure({ queue, cause: new Error("connection lost") }))
          : harness.jobs.enqueue(queue, payload, options),
    };

    const error = await failureOf(
      new UploadThumbnail({ ...harness.ports, jobs }, settings).run(admin, video.key, {
        contentType: "image/png",
        bytes: pngBytes(8, 8),
      }),
    );

    expect(error).toMatchObject({ _tag: "QueueFailure", queue: "cdn.invalidate" });
    nothingStored();
  });

  it("stands whatever the CDN says: a refused invalidation is its own job's to retry", async () => {
    const { harness, video, admin, key, upload } = await setUp();
    harness.cdnInvalidator.failNext({ transient: true });
    const file = { contentType: "image/png", bytes: pngBytes(8, 8) };

    const result = await Effect.runPromise(upload.run(admin, video.key, file));

    expect(result.outcome).toBe("Created");
    expect(harness.database.tables.videoThumbnails.size).toBe(1);
    const invalidate = {
      "cdn.invalidate": (payload: unknown) => new InvalidateCdnPaths(harness.ports).run(payload),
    };
    const [refused] = await Effect.runPromise(harness.jobs.drain(invalidate));
    expect(refused?.error).toBeDefined();
    expect(harness.database.tables.videoThumbnails.size).toBe(1);

    // The queue's retry of that job.
    await Effect.runPromise(
      harness.jobs.enqueue("cdn.invalidate", { paths: [key], reason: "thumbnail-upload" }),
    );
    await Effect.runPromise(harness.jobs.drain(invalidate));
    expect(harness.cdnInvalidator.invalidatedPaths).toEqual([key]);
  });
});
