import { Effect, Either } from "effect";
import { describe, expect, it } from "vitest";
import type { VideoKey } from "../../model/keys.js";
import { hexKey } from "../../model/keys.js";
import { originalKey } from "../../model/storage-keys.js";
import type { Principal } from "../../model/user.js";
import { anonymous } from "../../model/user.js";
import type { VideoStatus } from "../../model/video.js";
import { Encoding } from "../../model/video-file.js";
import type { VideoRepository } from "../../ports/video-repository.js";
import { aCollection, aUser, aVideo, aVideoKey } from "../../testing/builders.js";
import { found } from "../../testing/effect-outcomes.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { patternedBytes } from "../../testing/in-memory/byte-streams.js";
import { testSettings } from "../../testing/test-settings.js";
import type { DomainPorts } from "../domain-ports.js";
import { StreamSourceToStorage } from "../ingest/stream-source-to-storage.js";
import { RetryFailedUpload } from "./retry-failed-upload.js";

const settings = testSettings();
const SOURCE = "https://www.dropbox.com/s/abc/lecture.mp4?dl=0";

const setUp = async (
  options: {
    readonly status?: VideoStatus;
    readonly withOriginal?: boolean;
    readonly sourceUrl?: string;
  } = {},
) => {
  const harness = makeInMemoryHarness();
  const store = storeIn(harness);
  const collection = await store.collection(aCollection().withAdminLists("lecturers"));
  const video = await store.video(
    collection,
    aVideo()
      .fromSource(options.sourceUrl ?? SOURCE)
      .withStatus(options.status ?? "Upload failed"),
  );
  if (options.withOriginal ?? true) {
    await Effect.runPromise(
      harness.videoFiles.insert(
        {
          videoKey: video.key,
          s3ObjectKey: originalKey(hexKey(video.key), SOURCE),
          bucketName: settings.buckets.upload,
          encoding: Encoding.original,
        },
        harness.clock.now(),
      ),
    );
  }
  const admin = aUser().principal("lecturers");
  const retryWith = (ports: DomainPorts, principal: Principal = admin, key: string = video.key) =>
    Effect.runPromise(Effect.either(new RetryFailedUpload(ports).run(principal, key)));
  const retry = (principal: Principal = admin, key: string = video.key) =>
    retryWith(harness.ports, principal, key);
  const statusNow = async () => (await found(harness.videos.findByKey(video.key))).status;
  return { harness, collection, video, admin, retry, retryWith, statusNow };
};

describe("retrying a failed upload", () => {
  it("puts the video back to Created and queues its ingest, which then succeeds", async () => {
    const { harness, video, retry, statusNow } = await setUp();

    expect(await retry()).toEqual(Either.right({ videoKey: video.key, outcome: "retried" }));
    expect(await statusNow()).toBe("Created");
    expect(harness.jobs.pending("video.ingest").map((job) => job.payload)).toEqual([{ videoKey: video.key }]);
    expect(harness.jobs.pending("mail.send")).toEqual([]);

    harness.videoSource.register(SOURCE, { content: patternedBytes(5000, 3) });
    const ingest = new StreamSourceToStorage(harness.ports, settings);
    await Effect.runPromise(harness.jobs.drain({ "video.ingest": (payload) => ingest.run(payload) }));

    expect(await statusNow()).toBe("Uploading");
    expect(harness.jobs.pending("video.transcode").map((job) => job.payload)).toEqual([
      { videoKey: video.key },
    ]);
  });

  it("accepts the key in its hex form", async () => {
    const { video, retry } = await setUp();
    expect(await retry(undefined, hexKey(video.key))).toMatchObject({ right: { outcome: "retried" } });
  });

  it("lets exactly one of two concurrent retries win; the other reports a conflict", async () => {
    const { harness, retryWith, statusNow } = await setUp();
    // Both admins read the video as failed before either writes: each read yields to the other.
    const videos: VideoRepository = Object.assign(Object.create(harness.ports.videos) as VideoRepository, {
      findByKey: (key: VideoKey) => Effect.zipLeft(harness.ports.videos.findByKey(key), Effect.yieldNow()),
    });
    const ports = { ...harness.ports, videos };

    const [first, second] = await Promise.all([retryWith(ports), retryWith(ports)]);

    const outcomes = [first, second].map((result) => Either.isRight(result) && result.right.outcome).sort();
    expect(outcomes).toEqual(["retried", "skipped_conflict"]);
    expect(await statusNow()).toBe("Created");
    expect(harness.jobs.pending("video.ingest")).toHaveLength(1);
  });

  it("reports skipped_status once the first retry has moved the video on", async () => {
    const { harness, retry } = await setUp();
    await retry();
    expect(await retry()).toMatchObject({ right: { outcome: "skipped_status" } });
    expect(harness.jobs.pending("video.ingest")).toHaveLength(1);
  });
});

describe("a retry that is skipped or refused", () => {
  it.each(["Created", "Uploading", "Complete", "Transcode failed video error"] as const)(
    "skips a video that is '%s'",
    async (status) => {
      const { harness, retry, statusNow } = await setUp({ status });
      expect(await retry()).toMatchObject({ right: { outcome: "skipped_status" } });
      expect(await statusNow()).toBe(status);
      expect(harness.jobs.pending()).toEqual([]);
    },
  );

  it("skips a video without an original file", async () => {
    const { harness, retry, statusNow } = await setUp({ withOriginal: false });
    expect(await retry()).toMatchObject({ right: { outcome: "skipped_no_original" } });
    expect(await statusNow()).toBe("Upload failed");
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("skips a video without a source URL", async () => {
    const { harness, retry, statusNow } = await setUp({ sourceUrl: "" });
    expect(await retry()).toMatchObject({ right: { outcome: "skipped_no_source" } });
    expect(await statusNow()).toBe("Upload failed");
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("asks an anonymous visitor to sign in", async () => {
    const { retry } = await setUp();
    expect(await retry(anonymous)).toMatchObject({ left: { _tag: "Forbidden", signInRequired: true } });
  });

  it("refuses a user who is not an admin of the video's collection", async () => {
    const { harness, retry, statusNow } = await setUp();
    expect(await retry(aUser().staff().principal("viewers"))).toMatchObject({
      left: { _tag: "Forbidden", signInRequired: false },
    });
    expect(await statusNow()).toBe("Upload failed");
    expect(harness.jobs.pending()).toEqual([]);
  });

  it.each([
    ["a video that does not exist", () => aVideoKey() as string],
    ["a malformed key", () => "not-a-key"],
  ])("reports %s as not found", async (_, key) => {
    const { retry } = await setUp();
    expect(await retry(undefined, key())).toMatchObject({ left: { _tag: "VideoNotFound" } });
  });
});
