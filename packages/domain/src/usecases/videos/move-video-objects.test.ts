import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import type { KeySpace } from "../../model/storage-keys.js";
import {
  hlsPlaylistKey,
  mp4Key,
  subtitleKey,
  subtitlePrefix,
  thumbnailKey,
  thumbnailPrefix,
  transcodePrefix,
} from "../../model/storage-keys.js";
import type { Video } from "../../model/video.js";
import type { JobQueue } from "../../ports/job-queue.js";
import { QueueFailure } from "../../ports/job-queue.js";
import type { ObjectStore } from "../../ports/object-store.js";
import { StorageFailure } from "../../ports/object-store.js";
import { aVideo } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { storeIn } from "../../testing/stored-test-data.js";
import type { InMemoryHarness } from "../../testing/in-memory-harness.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import { InvalidateCdnPaths } from "../cdn/invalidate-cdn-paths.js";
import { mediaAccessFor } from "../playback/media-access.js";
import { MoveVideoObjects, visibilityMoveLeaseName } from "./move-video-objects.js";

const settings = testSettings();

/** The store with some operations replaced, to fail or interfere at a chosen moment. */
const storeWith = (store: ObjectStore, overrides: Partial<ObjectStore>): ObjectStore => ({
  put: (location, body, options) => store.put(location, body, options),
  get: (location, range) => store.get(location, range),
  head: (location) => store.head(location),
  copy: (from, to) => store.copy(from, to),
  delete: (location) => store.delete(location),
  deletePrefix: (bucket, prefix) => store.deletePrefix(bucket, prefix),
  list: (bucket, prefix, options) => store.list(bucket, prefix, options),
  ...overrides,
});
const { buckets } = settings;

/** The paths of every `cdn.invalidate` job waiting, in order. */
const queuedInvalidations = (harness: InMemoryHarness): ReadonlyArray<string> =>
  harness.jobs.pending("cdn.invalidate").flatMap((job) => job.payload.paths);

const setUp = async (start: "public" | "restricted") => {
  const harness = makeInMemoryHarness({ cdnHost: "d111.cloudfront.net" });
  const store = storeIn(harness);
  const collection = await store.collection();
  const video = await store.video(collection, start === "public" ? aVideo().public() : aVideo());
  const hex = hexKey(video.key);
  const at = harness.clock.now();
  const subtitleAt = new Date("2026-01-10T08:00:00Z");
  /** What a transcoded video has in a space: playlists, a segment, the MP4, a thumbnail, a subtitle. */
  const servedKeys = (space: KeySpace) => ({
    [buckets.transcode]: [
      hlsPlaylistKey(hex, space),
      `${transcodePrefix(hex, space)}/video_HLS2M_00001.ts`,
      mp4Key(hex, space),
    ].sort(),
    [buckets.thumbnail]: [thumbnailKey(hex, space)],
    [buckets.subtitle]: [subtitleKey(hex, subtitleAt, "en", space)],
  });
  for (const [bucket, keys] of Object.entries(servedKeys(start))) {
    for (const key of keys) harness.objectStore.putBytes({ bucket, key }, `bytes of ${key}`);
  }
  harness.objectStore.putBytes({ bucket: buckets.upload, key: `${hex}/video.mp4` }, "original");
  const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect);
  await run(
    harness.videoFiles.insert(
      {
        videoKey: video.key,
        s3ObjectKey: `${hex}/video.mp4`,
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
        s3ObjectKey: hlsPlaylistKey(hex, start),
        bucketName: buckets.transcode,
        encoding: "HLS",
      },
      at,
    ),
  );
  await run(
    harness.videoFiles.insert(
      {
        videoKey: video.key,
        s3ObjectKey: mp4Key(hex, start),
        bucketName: buckets.transcode,
        encoding: "desktop_mp4",
      },
      at,
    ),
  );
  await run(
    harness.videoThumbnails.upsertByKey(
      {
        videoKey: video.key,
        s3ObjectKey: thumbnailKey(hex, start),
        bucketName: buckets.thumbnail,
        maxWidth: 640,
        maxHeight: 360,
      },
      at,
    ),
  );
  await run(
    harness.videoSubtitles.upsertForLanguage(
      {
        videoKey: video.key,
        language: "en",
        filename: "lecture.srt",
        s3ObjectKey: subtitleKey(hex, subtitleAt, "en", start),
        bucketName: buckets.subtitle,
      },
      at,
    ),
  );
  const setFlags = (flags: Partial<Pick<Video, "isPublic" | "isPrivate">>) => {
    const current = harness.database.tables.videos.get(video.key);
    if (current === undefined) throw new Error("video gone");
    harness.database.tables.videos.set(video.key, { ...current, ...flags });
  };
  const stored = (space: KeySpace) =>
    Object.fromEntries(
      Object.keys(servedKeys(space)).map((bucket) => [
        bucket,
        harness.objectStore
          .keys(bucket)
          .filter((key) => key.startsWith("restricted/") === (space === "restricted")),
      ]),
    );
  const rowKeys = () => [
    ...[...harness.database.tables.videoFiles.values()].map((row) => row.s3ObjectKey),
    ...[...harness.database.tables.videoThumbnails.values()].map((row) => row.s3ObjectKey),
    ...[...harness.database.tables.videoSubtitles.values()].map((row) => row.s3ObjectKey),
  ];
  const expectAllIn = (space: KeySpace) => {
    expect(stored(space)).toEqual(servedKeys(space));
    expect(stored(space === "public" ? "restricted" : "public")).toEqual({
      [buckets.transcode]: [],
      [buckets.thumbnail]: [],
      [buckets.subtitle]: [],
    });
    expect(rowKeys().sort()).toEqual(
      [
        `${hex}/video.mp4`,
        hlsPlaylistKey(hex, space),
        mp4Key(hex, space),
        thumbnailKey(hex, space),
        subtitleKey(hex, subtitleAt, "en", space),
      ].sort(),
    );
    // The original upload is never served and never moves.
    expect(harness.objectStore.keys(buckets.upload)).toEqual([`${hex}/video.mp4`]);
  };
  const setCourse = (edxCourseId: string | null) => {
    const current = harness.database.tables.collections.get(collection.key);
    if (current === undefined) throw new Error("collection gone");
    harness.database.tables.collections.set(collection.key, { ...current, edxCourseId });
  };
  const move = (ports = harness.ports) => new MoveVideoObjects(ports, settings);
  return { harness, collection, video, hex, setFlags, setCourse, expectAllIn, servedKeys, move, run };
};

describe("moving a video's objects to the key space of its visibility", () => {
  it("moves a video made public out of the protected space, repoints its rows and has the CDN forget the old paths", async () => {
    const { harness, collection, video, hex, setFlags, expectAllIn, move, run } = await setUp("restricted");
    setFlags({ isPublic: true });
    const oldPaths = [
      `${transcodePrefix(hex, "restricted")}/*`,
      `${thumbnailPrefix(hex, "restricted")}/*`,
      `${subtitlePrefix(hex, "restricted")}/*`,
    ];

    const result = await run(move().run(video.key));

    expect(result).toEqual({
      _tag: "Moved",
      space: "public",
      copied: 5,
      repointed: 4,
      deleted: 5,
      invalidationPaths: oldPaths,
    });
    expectAllIn("public");
    expect(
      harness.objectStore.readText({ bucket: buckets.thumbnail, key: thumbnailKey(hex, "public") }),
    ).toBe(`bytes of ${thumbnailKey(hex, "restricted")}`);
    expect(harness.jobs.pending("cdn.invalidate").map((job) => job.payload)).toEqual([
      { paths: oldPaths, reason: "visibility-move" },
    ]);
    expect(harness.cdnInvalidator.invalidations).toEqual([]);
    await run(
      harness.jobs.drain({
        "cdn.invalidate": (payload) => new InvalidateCdnPaths(harness.ports).run(payload),
      }),
    );
    expect(harness.cdnInvalidator.invalidatedPaths).toEqual(oldPaths);
    const access = await run(
      mediaAccessFor(
        harness.cdnUrls,
        { video: { key: video.key, isPublic: true }, files: [], thumbnails: [], subtitles: [] },
        collection,
      ),
    );
    expect(access.url(hlsPlaylistKey(hex, "public"))).toBe(
      `https://d111.cloudfront.net/${hlsPlaylistKey(hex, "public")}`,
    );
  });

  it("moves a protected video into the public space once its collection is linked to an edX course, and back once unlinked", async () => {
    const { video, setCourse, expectAllIn, move, run } = await setUp("restricted");

    setCourse("course-v1:MITx+8.01+2026");
    const linked = await run(move().run(video.key));
    expectAllIn("public");
    setCourse(null);
    const unlinked = await run(move().run(video.key));

    expect(linked).toMatchObject({ _tag: "Moved", space: "public", copied: 5 });
    expect(unlinked).toMatchObject({ _tag: "Moved", space: "restricted", copied: 5 });
    expectAllIn("restricted");
  });

  it("moves a video made private into the protected space", async () => {
    const { harness, video, hex, setFlags, expectAllIn, move, run } = await setUp("public");
    setFlags({ isPublic: false, isPrivate: true });

    const result = await run(move().run(video.key));

    expect(result).toMatchObject({ _tag: "Moved", space: "restricted", copied: 5 });
    expectAllIn("restricted");
    expect(queuedInvalidations(harness)).toContain(`${transcodePrefix(hex, "public")}/*`);
  });

  it("changes nothing more when run a second time", async () => {
    const { harness, video, setFlags, expectAllIn, move, run } = await setUp("restricted");
    setFlags({ isPublic: true });
    await run(move().run(video.key));

    const again = await run(move().run(video.key));

    expect(again).toMatchObject({ _tag: "Moved", copied: 0, repointed: 0, deleted: 0 });
    expectAllIn("public");
    expect(harness.lease.holderOf(visibilityMoveLeaseName(video.key))).toBeUndefined();
  });

  it("ends in the right space when the video is flipped back and forth and both jobs run", async () => {
    const { harness, video, setFlags, expectAllIn, move, run } = await setUp("public");
    setFlags({ isPublic: false });
    setFlags({ isPublic: true });
    setFlags({ isPublic: false });

    await run(move().run(video.key));
    await run(move().run(video.key));
    setFlags({ isPublic: true });
    await run(move().run(video.key));

    expectAllIn("public");
    expect(harness.lease.holderOf(visibilityMoveLeaseName(video.key))).toBeUndefined();
  });

  it("finishes the move when run again after failing half-way through the copies, and deletes nothing before the rows moved", async () => {
    const { harness, video, hex, setFlags, expectAllIn, servedKeys, move, run } = await setUp("restricted");
    setFlags({ isPublic: true });
    let copies = 0;
    const flakyStore = storeWith(harness.objectStore, {
      copy: (from, to) => {
        copies += 1;
        return copies === 3
          ? Effect.fail(
              new StorageFailure({ operation: "copy", ...to, transient: true, reason: "connection reset" }),
            )
          : harness.objectStore.copy(from, to);
      },
    });

    const error = await failureOf(move({ ...harness.ports, objectStore: flakyStore }).run(video.key));

    expect(error).toMatchObject({ _tag: "StorageFailure", transient: true });
    // Every original is still there and every row still points at one.
    for (const [bucket, keys] of Object.entries(servedKeys("restricted"))) {
      for (const key of keys) expect(harness.objectStore.has({ bucket, key })).toBe(true);
    }
    expect(harness.database.tables.videoThumbnails.values().next().value?.s3ObjectKey).toBe(
      thumbnailKey(hex, "restricted"),
    );
    expect(harness.jobs.pending("cdn.invalidate")).toEqual([]);
    expect(harness.lease.holderOf(visibilityMoveLeaseName(video.key))).toBeUndefined();

    await run(move().run(video.key));

    expectAllIn("public");
  });

  it("is repaired by running it again when the process dies between the copies and the deletes", async () => {
    const { harness, video, setFlags, expectAllIn, servedKeys, move, run } = await setUp("public");
    setFlags({ isPublic: false });
    // The process dies at its first delete: every copy is made and every row already points at it.
    const dyingStore = storeWith(harness.objectStore, {
      delete: (location) =>
        Effect.fail(
          new StorageFailure({ operation: "delete", ...location, transient: true, reason: "killed" }),
        ),
    });

    const error = await failureOf(move({ ...harness.ports, objectStore: dyingStore }).run(video.key));

    expect(error).toMatchObject({ _tag: "StorageFailure", operation: "delete" });
    // Both copies exist: the old public objects are still reachable, and nothing asked the CDN
    // to forget them yet.
    for (const space of ["public", "restricted"] as const) {
      for (const [bucket, keys] of Object.entries(servedKeys(space))) {
        for (const key of keys) expect(harness.objectStore.has({ bucket, key })).toBe(true);
      }
    }
    expect(harness.jobs.pending("cdn.invalidate")).toEqual([]);
    expect(harness.lease.holderOf(visibilityMoveLeaseName(video.key))).toBeUndefined();

    const rerun = await run(move().run(video.key));

    expect(rerun).toMatchObject({ _tag: "Moved", space: "restricted", copied: 0 });
    expectAllIn("restricted");
    expect(harness.jobs.pending("cdn.invalidate")).toHaveLength(1);
  });

  it("leaves the rows alone when the video changes space during the copy, and the job that change queued cleans up", async () => {
    const { harness, video, setFlags, expectAllIn, move, run } = await setUp("public");
    setFlags({ isPublic: false });
    let flipped = false;
    const storeThatFlips = storeWith(harness.objectStore, {
      copy: (from, to) => {
        if (!flipped) {
          flipped = true;
          setFlags({ isPublic: true });
        }
        return harness.objectStore.copy(from, to);
      },
    });

    const result = await run(move({ ...harness.ports, objectStore: storeThatFlips }).run(video.key));

    expect(result).toEqual({ _tag: "Superseded" });
    expect(harness.jobs.pending("cdn.invalidate")).toEqual([]);

    await run(move().run(video.key));

    expectAllIn("public");
  });

  it("defers while another move of the same video holds the lease, queueing itself for later", async () => {
    const { harness, video, setFlags, move, run } = await setUp("restricted");
    setFlags({ isPublic: true });
    await run(harness.lease.acquire(visibilityMoveLeaseName(video.key), "other-worker", "10 minutes"));

    const result = await run(move().run(video.key));

    expect(result).toEqual({ _tag: "Deferred" });
    const [queued] = harness.jobs.pending("video.visibility");
    expect(queued?.payload).toEqual({ videoKey: video.key });
    expect(queued?.startAfter?.getTime()).toBe(harness.clock.now().getTime() + 60_000);
    expect(harness.jobs.pending("cdn.invalidate")).toEqual([]);
  });

  it("does nothing for a video that was deleted", async () => {
    const { harness, video, move, run } = await setUp("restricted");
    await run(harness.videos.delete(video.key));

    expect(await run(move().run(video.key))).toEqual({ _tag: "VideoGone" });
    expect(harness.jobs.pending("cdn.invalidate")).toEqual([]);
  });

  it("reports a storage listing failure for the queue to retry, having changed nothing", async () => {
    const { harness, video, hex, setFlags, move } = await setUp("restricted");
    setFlags({ isPublic: true });
    harness.objectStore.failNext("list", { transient: true, reason: "SlowDown" });

    const error = await failureOf(move().run(video.key));

    expect(error).toMatchObject({ _tag: "StorageFailure", transient: true });
    expect(harness.objectStore.has({ bucket: buckets.thumbnail, key: thumbnailKey(hex, "restricted") })).toBe(
      true,
    );
    expect(harness.objectStore.has({ bucket: buckets.thumbnail, key: thumbnailKey(hex, "public") })).toBe(
      false,
    );
  });

  it("queues the invalidation only once the old objects are gone, and a run that could not queue it does on its retry", async () => {
    const { harness, video, hex, setFlags, expectAllIn, servedKeys, move, run } = await setUp("restricted");
    setFlags({ isPublic: true });
    const oldObjectsLeft: Array<number> = [];
    let refusals = 1;
    const jobs: JobQueue = {
      enqueue: (queue, payload, options) => {
        if (queue !== "cdn.invalidate") return harness.jobs.enqueue(queue, payload, options);
        // An invalidation the CDN ran while an old object was still there could cache it again.
        oldObjectsLeft.push(
          Object.entries(servedKeys("restricted")).flatMap(([bucket, keys]) =>
            keys.filter((key) => harness.objectStore.has({ bucket, key })),
          ).length,
        );
        if (refusals > 0) {
          refusals -= 1;
          return Effect.fail(new QueueFailure({ queue, cause: new Error("connection lost") }));
        }
        return harness.jobs.enqueue(queue, payload, options);
      },
    };

    const error = await failureOf(move({ ...harness.ports, jobs }).run(video.key));

    expect(error).toMatchObject({ _tag: "QueueFailure", queue: "cdn.invalidate" });
    expectAllIn("public");
    expect(harness.jobs.pending("cdn.invalidate")).toEqual([]);

    const retry = await run(move({ ...harness.ports, jobs }).run(video.key));

    expect(retry).toMatchObject({ _tag: "Moved", copied: 0, repointed: 0, deleted: 0 });
    expect(queuedInvalidations(harness)).toEqual([
      `${transcodePrefix(hex, "restricted")}/*`,
      `${thumbnailPrefix(hex, "restricted")}/*`,
      `${subtitlePrefix(hex, "restricted")}/*`,
    ]);
    expect(oldObjectsLeft).toEqual([0, 0]);
  });

  it("drops a stale row when a newer one already points at the copy", async () => {
    const { harness, video, hex, setFlags, move, run } = await setUp("restricted");
    setFlags({ isPublic: true });
    // A thumbnail uploaded after the flip was written straight into the public space.
    harness.objectStore.putBytes({ bucket: buckets.thumbnail, key: thumbnailKey(hex, "public") }, "newer");
    await run(
      harness.videoThumbnails.upsertByKey(
        {
          videoKey: video.key,
          s3ObjectKey: thumbnailKey(hex, "public"),
          bucketName: buckets.thumbnail,
          maxWidth: 320,
          maxHeight: 180,
        },
        harness.clock.now(),
      ),
    );

    await run(move().run(video.key));

    const thumbnails = await run(harness.videoThumbnails.listForVideo(video.key));
    expect(thumbnails.map((thumbnail) => [thumbnail.s3ObjectKey, thumbnail.maxWidth])).toEqual([
      [thumbnailKey(hex, "public"), 320],
    ]);
    // The newer image is not overwritten by the older one it replaced, which is deleted.
    expect(
      harness.objectStore.readText({ bucket: buckets.thumbnail, key: thumbnailKey(hex, "public") }),
    ).toBe("newer");
    expect(harness.objectStore.has({ bucket: buckets.thumbnail, key: thumbnailKey(hex, "restricted") })).toBe(
      false,
    );
  });
});
