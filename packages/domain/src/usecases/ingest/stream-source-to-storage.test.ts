import { Effect, Random } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { originalKey, thumbnailKey, hlsPlaylistKey, mp4Key } from "../../model/storage-keys.js";
import type { VideoStatus } from "../../model/video.js";
import { Encoding } from "../../model/video-file.js";
import type { VideoKey } from "../../model/keys.js";
import type { ObjectStore } from "../../ports/object-store.js";
import { StorageFailure } from "../../ports/object-store.js";
import { aVideo } from "../../testing/builders.js";
import { found } from "../../testing/effect-outcomes.js";
import { storeIn } from "../../testing/stored-test-data.js";
import type { VideoRepository } from "../../ports/video-repository.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { bytesEqual, bytesOfText, patternedBytes } from "../../testing/in-memory/byte-streams.js";
import { testSettings } from "../../testing/test-settings.js";
import type { DomainPorts } from "../domain-ports.js";
import { ingestLeaseName } from "./ingest-lease.js";
import type { IngestOutcome } from "./stream-source-to-storage.js";
import { StreamSourceToStorage } from "./stream-source-to-storage.js";

const settings = testSettings();
const SOURCE = "https://www.dropbox.com/s/abc123/lecture%2001.mp4?dl=0";
const CONTENT = patternedBytes(200_000, 7);

const setUp = async (
  options: {
    readonly status?: VideoStatus;
    readonly withOriginal?: boolean;
    /** Stands a test double in front of some ports. */
    readonly wrap?: (ports: DomainPorts) => Partial<DomainPorts>;
    /** The jitter draws; halfway by default, so backoff delays are predictable. */
    readonly random?: Random.Random;
  } = {},
) => {
  const harness = makeInMemoryHarness();
  const store = storeIn(harness);
  const collection = await store.collection();
  const video = await store.video(
    collection,
    aVideo()
      .fromSource(SOURCE)
      .withStatus(options.status ?? "Created"),
  );
  const location = { bucket: settings.buckets.upload, key: originalKey(hexKey(video.key), SOURCE) };
  if (options.withOriginal ?? true) {
    await Effect.runPromise(
      harness.videoFiles.insert(
        {
          videoKey: video.key,
          s3ObjectKey: location.key,
          bucketName: location.bucket,
          encoding: Encoding.original,
        },
        harness.clock.now(),
      ),
    );
  }
  const ports = { ...harness.ports, ...options.wrap?.(harness.ports) };
  const ingest = new StreamSourceToStorage(ports, settings);
  const random = options.random ?? Random.fixed([0.5]);
  const run = (attempt?: number): Promise<IngestOutcome> =>
    Effect.runPromise(
      Effect.withRandom(
        ingest.run(attempt === undefined ? { videoKey: video.key } : { videoKey: video.key, attempt }),
        random,
      ),
    );
  const current = () => found(harness.videos.findByKey(video.key));
  const statusNow = async () => (await current()).status;
  const drainIngest = () =>
    Effect.runPromise(
      harness.jobs.drain({ "video.ingest": (payload) => Effect.withRandom(ingest.run(payload), random) }),
    );
  const unsentMail = () => Effect.runPromise(harness.mailOutbox.listUnsent(10));
  return { harness, collection, video, location, ingest, run, current, statusNow, drainIngest, unsentMail };
};

/** A source whose chunks arrive while the test does things between them (moves the clock, …). */
const chunksWith = (steps: ReadonlyArray<Uint8Array | (() => void)>) => () => ({
  async *[Symbol.asyncIterator]() {
    for (const step of steps) {
      if (step instanceof Uint8Array) yield step;
      else step();
    }
  },
});

describe("streaming a video's source into the upload bucket", () => {
  it("stores the bytes at the original key and hands the video to the transcoder", async () => {
    const { harness, video, location, run, statusNow } = await setUp();
    harness.videoSource.register(SOURCE, { content: CONTENT, contentType: "video/mp4" });

    const outcome = await run();

    expect(outcome).toMatchObject({ _tag: "Ingested", next: "Transcode", stored: { size: CONTENT.length } });
    expect(await statusNow()).toBe("Uploading");
    expect(bytesEqual(harness.objectStore.read(location) ?? new Uint8Array(), CONTENT)).toBe(true);
    const head = await Effect.runPromise(harness.objectStore.head(location));
    expect(head._tag === "Some" && head.value.contentType).toBe("video/mp4");
    expect(harness.jobs.pending("video.transcode").map((job) => job.payload)).toEqual([
      { videoKey: video.key },
    ]);
    expect(harness.lease.holderOf(ingestLeaseName(video.key))).toBeUndefined();
    expect(harness.jobs.pending("mail.send")).toEqual([]);
  });

  it("picks up a video a crashed worker left Uploading once its lease has run out", async () => {
    const { harness, video, run, statusNow } = await setUp({ status: "Uploading" });
    harness.videoSource.register(SOURCE, { content: CONTENT });
    await Effect.runPromise(harness.lease.acquire(ingestLeaseName(video.key), "crashed-worker", "2 minutes"));
    harness.clock.advance("3 minutes");

    expect(await run()).toMatchObject({ _tag: "Ingested" });
    expect(await statusNow()).toBe("Uploading");
    expect(harness.jobs.pending("video.transcode")).toHaveLength(1);
  });

  it("has the effect of one ingest when the same job is delivered twice", async () => {
    const { harness, location, run } = await setUp();
    harness.videoSource.register(SOURCE, { content: CONTENT });

    await run();
    await run();

    expect(harness.objectStore.keys(location.bucket)).toEqual([location.key]);
    expect(harness.jobs.pending("video.transcode")).toHaveLength(1);
  });

  it("renews the lease and bumps the heartbeat while bytes flow, so a long upload is not lost", async () => {
    const heartbeats: Array<number> = [];
    const { harness, run, current } = await setUp({
      wrap: (ports) => ({
        videos: Object.assign(Object.create(ports.videos) as VideoRepository, {
          touch: (key: VideoKey, at: Date) => {
            heartbeats.push(at.getTime());
            return ports.videos.touch(key, at);
          },
        }),
      }),
    });
    const chunk = patternedBytes(1000, 3);
    const steps: Array<Uint8Array | (() => void)> = [];
    // Ten minutes of streaming under a two-minute lease: only the renewals keep it.
    for (let step = 0; step < 20; step += 1) steps.push(chunk, () => harness.clock.advance("30 seconds"));
    harness.videoSource.register(SOURCE, { content: chunksWith(steps) });

    expect(await run()).toMatchObject({ _tag: "Ingested" });
    expect(heartbeats.length).toBeGreaterThanOrEqual(10);
    const gaps = heartbeats.slice(1).map((at, index) => at - (heartbeats[index] ?? at));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(60_000);
    expect((await current()).updatedAt.getTime()).toBe(harness.clock.now().getTime());
  });
});

describe("when another worker holds the video's lease", () => {
  it("does nothing at all: no status change, no download, no transcode", async () => {
    const { harness, video, run, statusNow } = await setUp();
    harness.videoSource.register(SOURCE, { content: CONTENT });
    await Effect.runPromise(harness.lease.acquire(ingestLeaseName(video.key), "other-worker", "2 minutes"));

    const outcome = await run();

    expect(outcome).toEqual({ _tag: "LeaseHeld", videoKey: video.key, holder: "other-worker" });
    expect(await statusNow()).toBe("Created");
    expect(harness.videoSource.openCount(SOURCE)).toBe(0);
    expect(harness.jobs.pending()).toEqual([]);
    expect(harness.lease.holderOf(ingestLeaseName(video.key))?.owner).toBe("other-worker");
  });
});

describe("when the source fails", () => {
  it("retries transient errors with backoff and succeeds on the third attempt", async () => {
    const { harness, video, location, drainIngest, statusNow } = await setUp();
    harness.videoSource.register(SOURCE, { content: CONTENT });
    harness.videoSource.failOpen(SOURCE, { _tag: "Unavailable", reason: "503 Service Unavailable" }, 2);
    await Effect.runPromise(
      harness.jobs.enqueue("video.ingest", { videoKey: video.key }, { singletonKey: video.key }),
    );

    const first = await drainIngest();
    expect(first).toHaveLength(1);
    const [retry] = harness.jobs.pending("video.ingest");
    expect(retry?.payload).toEqual({ videoKey: video.key, attempt: 1 });
    // Halfway through [0, 60] seconds.
    expect(retry?.startAfter).toEqual(new Date(harness.clock.now().getTime() + 30_000));
    expect(await statusNow()).toBe("Uploading");
    expect(harness.lease.holderOf(ingestLeaseName(video.key))).toBeUndefined();

    harness.clock.advance("29 seconds");
    expect(await drainIngest()).toEqual([]);
    harness.clock.advance("1 second");
    await drainIngest();
    const [secondRetry] = harness.jobs.pending("video.ingest");
    expect(secondRetry?.payload).toEqual({ videoKey: video.key, attempt: 2 });
    // Halfway through [0, 120] seconds.
    expect(secondRetry?.startAfter).toEqual(new Date(harness.clock.now().getTime() + 60_000));
    expect(await statusNow()).toBe("Uploading");

    harness.clock.advance("1 minute");
    await drainIngest();

    expect(harness.videoSource.openCount(SOURCE)).toBe(3);
    expect(harness.jobs.pending("video.ingest")).toEqual([]);
    expect(harness.objectStore.has(location)).toBe(true);
    expect(harness.jobs.pending("video.transcode")).toHaveLength(1);
    expect(harness.jobs.pending("mail.send")).toEqual([]);
  });

  it.each([
    [0, 0],
    [0.999, 60_000],
  ])("draws the first retry's delay from the random service (%d gives %i ms)", async (fraction, delay) => {
    const { harness, run } = await setUp({ random: Random.fixed([fraction]) });
    harness.videoSource.failOpen(SOURCE, { _tag: "Unavailable", reason: "503" }, 1);
    const now = harness.clock.now().getTime();

    expect(await run()).toMatchObject({ _tag: "RetryScheduled", startAfter: new Date(now + delay) });
  });

  it("fails the upload with the emails after the third transient error", async () => {
    const { harness, video, drainIngest, statusNow, unsentMail } = await setUp();
    harness.videoSource.failOpen(SOURCE, { _tag: "Unavailable", reason: "connection reset" });
    await Effect.runPromise(harness.jobs.enqueue("video.ingest", { videoKey: video.key }));

    for (let round = 0; round < 5; round += 1) {
      await drainIngest();
      harness.clock.advance("10 minutes");
    }

    expect(harness.videoSource.openCount(SOURCE)).toBe(3);
    expect(await statusNow()).toBe("Upload failed");
    expect(await unsentMail()).toMatchObject([
      { videoKey: video.key, template: "other_error", toStatus: "Upload failed" },
    ]);
    expect(harness.jobs.pending("mail.send")).toHaveLength(1);
    expect(harness.jobs.pending("video.ingest")).toEqual([]);
    expect(harness.jobs.pending("video.transcode")).toEqual([]);
  });

  it("fails the upload at once on a permanent source error, with the emails", async () => {
    const { harness, video, run, statusNow, unsentMail } = await setUp();
    harness.videoSource.failOpen(SOURCE, { _tag: "Rejected", reason: "409 shared link access denied" });

    const outcome = await run();

    expect(outcome).toMatchObject({ _tag: "UploadFailed", reason: expect.stringContaining("409") });
    expect(harness.videoSource.openCount(SOURCE)).toBe(1);
    expect(await statusNow()).toBe("Upload failed");
    expect(await unsentMail()).toMatchObject([{ template: "other_error" }]);
    expect(harness.jobs.pending("video.ingest")).toEqual([]);
    expect(harness.jobs.pending("video.transcode")).toEqual([]);
    expect(harness.lease.holderOf(ingestLeaseName(video.key))).toBeUndefined();
  });

  it("caps a huge Retry-After at ten minutes", async () => {
    const { harness, run, statusNow } = await setUp();
    harness.videoSource.failOpen(
      SOURCE,
      { _tag: "Unavailable", reason: "429 Too Many Requests", retryAfterSeconds: 99_999 },
      1,
    );
    const now = harness.clock.now().getTime();

    const outcome = await run();

    expect(outcome).toMatchObject({
      _tag: "RetryScheduled",
      attempt: 1,
      startAfter: new Date(now + 600_000),
    });
    expect(harness.jobs.pending("video.ingest").map((job) => job.startAfter)).toEqual([
      new Date(now + 600_000),
    ]);
    expect(await statusNow()).toBe("Uploading");
  });

  it("waits at least a short Retry-After", async () => {
    const { harness, run } = await setUp();
    harness.videoSource.failOpen(SOURCE, { _tag: "Unavailable", reason: "429", retryAfterSeconds: 59 }, 1);
    const now = harness.clock.now().getTime();

    const outcome = await run();

    expect(outcome._tag === "RetryScheduled" && outcome.startAfter.getTime() - now).toBeGreaterThanOrEqual(
      59_000,
    );
  });

  it("retries a transfer that broke half-way and keeps no partial object", async () => {
    const { harness, location, run, statusNow } = await setUp();
    harness.videoSource.registerFailingHalfway(SOURCE, CONTENT, { afterBytes: 100_000 });

    const outcome = await run();

    expect(outcome).toMatchObject({ _tag: "RetryScheduled", attempt: 1 });
    expect(harness.objectStore.has(location)).toBe(false);
    expect(await statusNow()).toBe("Uploading");
    expect(harness.jobs.pending("video.transcode")).toEqual([]);
  });

  it("fails the upload when the source refuses half-way (over the size limit)", async () => {
    const { harness, location, run, statusNow } = await setUp();
    harness.videoSource.registerFailingHalfway(SOURCE, CONTENT, {
      afterBytes: 100_000,
      failure: { _tag: "Rejected", reason: "larger than the size limit" },
    });

    expect(await run()).toMatchObject({ _tag: "UploadFailed" });
    expect(harness.objectStore.has(location)).toBe(false);
    expect(await statusNow()).toBe("Upload failed");
  });

  it("fails the upload on a link no source knows", async () => {
    const { run, statusNow } = await setUp();
    expect(await run()).toMatchObject({ _tag: "UploadFailed" });
    expect(await statusNow()).toBe("Upload failed");
  });
});

describe("when the upload bucket fails", () => {
  /** An object store that reads the first chunk of a put, then fails as S3 would mid-upload. */
  const failingMidStream = (inner: ObjectStore, transient: boolean): ObjectStore =>
    Object.assign(Object.create(inner) as ObjectStore, {
      put: (location: { readonly bucket: string; readonly key: string }, body: AsyncIterable<Uint8Array>) =>
        Effect.flatMap(
          Effect.promise(() => body[Symbol.asyncIterator]().next()),
          () =>
            Effect.fail(
              new StorageFailure({
                operation: "put",
                ...location,
                transient,
                reason: "503 SlowDown while uploading part 2",
              }),
            ),
        ),
    });

  it("retries a transient failure mid-stream and leaves no object", async () => {
    const { harness, location, run, statusNow } = await setUp({
      wrap: (ports) => ({ objectStore: failingMidStream(ports.objectStore, true) }),
    });
    harness.videoSource.register(SOURCE, { content: CONTENT, chunkSize: 10_000 });

    expect(await run()).toMatchObject({
      _tag: "RetryScheduled",
      attempt: 1,
      reason: expect.stringContaining("SlowDown"),
    });
    expect(harness.objectStore.has(location)).toBe(false);
    expect(await statusNow()).toBe("Uploading");
    expect(harness.jobs.pending("video.transcode")).toEqual([]);
  });

  it("fails the upload on a permanent failure mid-stream", async () => {
    const { harness, location, run, statusNow } = await setUp({
      wrap: (ports) => ({ objectStore: failingMidStream(ports.objectStore, false) }),
    });
    harness.videoSource.register(SOURCE, { content: CONTENT, chunkSize: 10_000 });

    expect(await run()).toMatchObject({ _tag: "UploadFailed" });
    expect(harness.objectStore.has(location)).toBe(false);
    expect(await statusNow()).toBe("Upload failed");
  });

  it("fails the upload on a permanent storage failure (no such bucket) and leaves no object", async () => {
    const { harness, location, run, statusNow, unsentMail } = await setUp();
    harness.videoSource.register(SOURCE, { content: CONTENT });
    harness.objectStore.failNext("put", { transient: false, reason: "NoSuchBucket" });

    expect(await run()).toMatchObject({
      _tag: "UploadFailed",
      reason: expect.stringContaining("NoSuchBucket"),
    });
    expect(harness.objectStore.has(location)).toBe(false);
    expect(await statusNow()).toBe("Upload failed");
    expect(await unsentMail()).toHaveLength(1);
  });
});

describe("when the lease is lost mid-stream", () => {
  it("stops without a status change, a transcode, a retry or an object", async () => {
    const { harness, video, location, run, statusNow } = await setUp();
    const chunk = patternedBytes(1000, 5);
    harness.videoSource.register(SOURCE, {
      content: chunksWith([
        chunk,
        () => {
          // The worker stalls past its lease; another one takes the upload over.
          harness.clock.advance("3 minutes");
          Effect.runSync(harness.lease.acquire(ingestLeaseName(video.key), "other-worker", "2 minutes"));
        },
        chunk,
        chunk,
      ]),
    });

    const outcome = await run();

    expect(outcome).toEqual({ _tag: "LeaseLost", videoKey: video.key });
    expect(await statusNow()).toBe("Uploading");
    expect(harness.objectStore.has(location)).toBe(false);
    expect(harness.jobs.pending()).toEqual([]);
    expect(harness.lease.holderOf(ingestLeaseName(video.key))?.owner).toBe("other-worker");
  });

  it("does not commit the upload when the lease ran out during the last chunk", async () => {
    const { harness, video, location, run } = await setUp();
    harness.videoSource.register(SOURCE, {
      content: chunksWith([patternedBytes(1000, 5), () => harness.clock.advance("5 minutes")]),
    });

    expect(await run()).toEqual({ _tag: "LeaseLost", videoKey: video.key });
    expect(harness.objectStore.has(location)).toBe(false);
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("retries when the lease table cannot be reached to renew", async () => {
    const { harness, location, run, statusNow } = await setUp();
    harness.videoSource.register(SOURCE, {
      content: chunksWith([
        patternedBytes(1000, 5),
        () => {
          harness.clock.advance("61 seconds");
          harness.lease.failNext(1);
        },
        patternedBytes(1000, 6),
      ]),
    });

    expect(await run()).toMatchObject({ _tag: "RetryScheduled", reason: expect.stringContaining("lease") });
    expect(harness.objectStore.has(location)).toBe(false);
    expect(await statusNow()).toBe("Uploading");
  });
});

describe("when the video changed meanwhile", () => {
  it("does nothing for a video deleted before the job ran", async () => {
    const { harness, video, run } = await setUp();
    harness.videoSource.register(SOURCE, { content: CONTENT });
    await Effect.runPromise(harness.videos.delete(video.key));

    expect(await run()).toMatchObject({ _tag: "NothingToIngest" });
    expect(harness.videoSource.openCount(SOURCE)).toBe(0);
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("stops and keeps nothing when the video is deleted mid-stream", async () => {
    const { harness, video, location, run } = await setUp();
    harness.videoSource.register(SOURCE, {
      content: chunksWith([patternedBytes(1000, 5), () => Effect.runSync(harness.videos.delete(video.key))]),
    });

    expect(await run()).toMatchObject({
      _tag: "NothingToIngest",
      reason: expect.stringContaining("deleted"),
    });
    expect(harness.objectStore.has(location)).toBe(false);
    expect(harness.jobs.pending()).toEqual([]);
    expect(harness.lease.holderOf(ingestLeaseName(video.key))).toBeUndefined();
  });

  it("removes the stored upload of a video deleted just after its source was stored", async () => {
    const { harness, video, location, run } = await setUp({
      wrap: (ports) => ({
        objectStore: Object.assign(Object.create(ports.objectStore) as ObjectStore, {
          put: (...args: Parameters<ObjectStore["put"]>) =>
            Effect.tap(ports.objectStore.put(...args), () => harness.videos.delete(video.key)),
        }),
      }),
    });
    harness.videoSource.register(SOURCE, { content: CONTENT });

    expect(await run()).toMatchObject({
      _tag: "NothingToIngest",
      reason: expect.stringContaining("deleted"),
    });
    expect(harness.jobs.pending("storage.delete").map((job) => job.payload)).toEqual([
      { bucket: location.bucket, key: location.key, prefix: false },
    ]);
    expect(harness.jobs.pending("video.transcode")).toEqual([]);
  });

  it.each(["Upload failed", "Transcoding", "Complete"] as const)(
    "does nothing for a video that is already '%s' (reaped or moved on)",
    async (status) => {
      const { harness, run, statusNow } = await setUp({ status });
      harness.videoSource.register(SOURCE, { content: CONTENT });

      expect(await run()).toMatchObject({ _tag: "NothingToIngest" });
      expect(await statusNow()).toBe(status);
      expect(harness.videoSource.openCount(SOURCE)).toBe(0);
      expect(harness.jobs.pending()).toEqual([]);
    },
  );

  it("fails the upload of a video that has no original file to store into", async () => {
    const { harness, run, statusNow } = await setUp({ withOriginal: false });
    harness.videoSource.register(SOURCE, { content: CONTENT });

    expect(await run()).toMatchObject({ _tag: "UploadFailed", reason: expect.stringContaining("original") });
    expect(await statusNow()).toBe("Upload failed");
    expect(harness.videoSource.openCount(SOURCE)).toBe(0);
  });

  it("reports a lease table it cannot reach, and changes nothing", async () => {
    const { harness, run, statusNow } = await setUp();
    harness.lease.failNext(1);

    await expect(run()).rejects.toThrow(/lease/);
    expect(await statusNow()).toBe("Created");
    expect(harness.jobs.pending()).toEqual([]);
  });
});

describe("ingesting the new source of a replaced video", () => {
  const withOutputs = async () => {
    const setup = await setUp();
    const { harness, video } = setup;
    const hex = hexKey(video.key);
    const at = harness.clock.now();
    const transcode = settings.buckets.transcode;
    await Effect.runPromise(
      Effect.all([
        harness.videoFiles.insert(
          {
            videoKey: video.key,
            s3ObjectKey: hlsPlaylistKey(hex, "restricted"),
            bucketName: transcode,
            encoding: Encoding.hls,
          },
          at,
        ),
        harness.videoFiles.insert(
          {
            videoKey: video.key,
            s3ObjectKey: mp4Key(hex, "restricted"),
            bucketName: transcode,
            encoding: Encoding.desktopMp4,
          },
          at,
        ),
        harness.videoThumbnails.upsertByKey(
          {
            videoKey: video.key,
            s3ObjectKey: thumbnailKey(hex, "restricted"),
            bucketName: settings.buckets.thumbnail,
            maxWidth: 640,
            maxHeight: 360,
          },
          at,
        ),
      ]),
    );
    const thumbnail = { bucket: settings.buckets.thumbnail, key: thumbnailKey(hex, "restricted") };
    const playlist = { bucket: transcode, key: hlsPlaylistKey(hex, "restricted") };
    harness.objectStore.putBytes(thumbnail, bytesOfText("old frame"), "image/jpeg");
    harness.objectStore.putBytes(playlist, bytesOfText("#EXTM3U old"), "application/x-mpegURL");
    return { ...setup, thumbnail, playlist };
  };

  it("schedules a retranscode and leaves the old outputs and thumbnail live until it completes", async () => {
    const { harness, video, location, run, statusNow, thumbnail, playlist } = await withOutputs();
    harness.videoSource.register(SOURCE, { content: CONTENT });
    harness.clock.advance("1 day");

    const outcome = await run();

    expect(outcome).toMatchObject({ _tag: "Ingested", next: "Retranscode" });
    expect(await statusNow()).toBe("Retranscode scheduled");
    expect(harness.jobs.pending("video.transcode").map((job) => job.payload)).toEqual([
      { videoKey: video.key },
    ]);
    expect(harness.objectStore.has(playlist)).toBe(true);
    expect(harness.objectStore.has(thumbnail)).toBe(true);
    const files = await Effect.runPromise(harness.videoFiles.listForVideo(video.key));
    expect(files.map((file) => file.encoding).sort()).toEqual(["HLS", "desktop_mp4", "original"]);
    // What tells the transcode step the old frame is stale: the new original is newer than it.
    const [oldThumbnail] = await Effect.runPromise(harness.videoThumbnails.listForVideo(video.key));
    const stored = await Effect.runPromise(harness.objectStore.head(location));
    expect(stored._tag === "Some" && stored.value.lastModified?.getTime()).toBeGreaterThan(
      oldThumbnail?.updatedAt.getTime() ?? Number.POSITIVE_INFINITY,
    );
    expect(harness.jobs.pending("mail.send")).toEqual([]);
  });

  it("keeps the old thumbnail when the new source fails", async () => {
    const { harness, video, run, statusNow, thumbnail } = await withOutputs();
    harness.videoSource.failOpen(SOURCE, { _tag: "Rejected", reason: "404" });

    expect(await run()).toMatchObject({ _tag: "UploadFailed" });
    expect(await statusNow()).toBe("Upload failed");
    expect(harness.objectStore.has(thumbnail)).toBe(true);
    expect(await Effect.runPromise(harness.videoThumbnails.listForVideo(video.key))).toHaveLength(1);
  });
});
