import { Effect, Either, Option } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import type { LeaseHandle } from "../../ports/lease.js";
import { LeaseLost } from "../../ports/lease.js";
import { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { VideoRepository } from "../../ports/video-repository.js";
import type { WatchBucketClaimRepository } from "../../ports/watch-bucket-claim-repository.js";
import { aCollection, aUser } from "../../testing/builders.js";
import { storeIn } from "../../testing/stored-test-data.js";
import type { InMemoryHarness } from "../../testing/in-memory-harness.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import type { DomainPorts } from "../domain-ports.js";
import type { DomainSettings } from "../settings.js";
import { watchBucketSourceOf } from "./ingest-watch-bucket-file.js";
import type { WatchFileOutcome } from "./ingest-watch-bucket-file.js";
import { PollWatchBucket, WATCH_BUCKET_POLL_LEASE } from "./poll-watch-bucket.js";
import type { WatchBucketPollResult } from "./poll-watch-bucket.js";

const LECTURE = "Physics-lec-mit-0000-2017apr06-0404-L01.mp4";

const setUp = async (overrides: Partial<DomainSettings> = {}, { withUser = true } = {}) => {
  const harness = makeInMemoryHarness();
  const settings = testSettings(overrides);
  const user = withUser
    ? await storeIn(harness).user(aUser().named(settings.lectureCaptureUsername))
    : undefined;
  const drop = (key: string, body: string = `bytes of ${key}`) =>
    harness.objectStore.putBytes({ bucket: settings.buckets.watch, key }, body, "video/mp4");
  const poll = (ports: DomainPorts = harness.ports) =>
    Effect.runPromise(new PollWatchBucket(ports, settings).run());
  return { harness, settings, user, drop, poll };
};

const polled = (result: WatchBucketPollResult): ReadonlyArray<WatchFileOutcome> => {
  if (result._tag !== "Polled") throw new Error(`expected a poll, got ${result._tag}`);
  return result.outcomes;
};

const only = <T>(items: ReadonlyArray<T>): T => {
  expect(items).toHaveLength(1);
  return items[0] as T;
};

const allVideos = (harness: InMemoryHarness) => [...harness.database.tables.videos.values()];
const allCollections = (harness: InMemoryHarness) => [...harness.database.tables.collections.values()];

/** The same adapter with one method replaced, keeping the rest bound to the original. */
const replacing = <T extends object>(adapter: T, replacement: Partial<T>): T =>
  Object.assign(Object.create(adapter) as T, replacement);

describe("polling the lecture-capture watch bucket", () => {
  it("a lecture recording dropped in the watch bucket lands in its lecture collection and is queued for transcoding", async () => {
    const { harness, settings, user, drop, poll } = await setUp();
    drop(LECTURE, "lecture bytes");

    const outcome = only(polled(await poll()));

    expect(outcome).toMatchObject({
      _tag: "Ingested",
      key: LECTURE,
      collectionCreated: true,
      title: "Lecture - April 06, 2017",
    });
    const collection = only(allCollections(harness));
    expect(collection).toMatchObject({
      slug: "Physics-L01",
      title: "Physics-L01",
      ownerId: user?.id,
      isPublic: false,
    });
    const video = only(allVideos(harness));
    expect(video).toMatchObject({
      collectionKey: collection.key,
      title: "Lecture - April 06, 2017",
      status: "Created",
      multiangle: true,
      isPublic: false,
      sourceUrl: `https://s3.amazonaws.com/${settings.buckets.watch}/${LECTURE}`,
    });
    const originalKey = `${hexKey(video.key)}/video.mp4`;
    expect(await Effect.runPromise(harness.videoFiles.listForVideo(video.key))).toMatchObject([
      { encoding: "original", s3ObjectKey: originalKey, bucketName: settings.buckets.upload },
    ]);
    expect(harness.objectStore.readText({ bucket: settings.buckets.upload, key: originalKey })).toBe(
      "lecture bytes",
    );
    expect(harness.objectStore.keys(settings.buckets.watch)).toEqual([]);
    expect(harness.jobs.pending("video.transcode").map((job) => job.payload)).toEqual([
      { videoKey: video.key, fromWatchBucket: true },
    ]);
    expect(outcome._tag === "Ingested" && outcome.sourceRemoval).toEqual({ _tag: "Deleted" });
    expect(harness.lease.holderOf(WATCH_BUCKET_POLL_LEASE)).toBeUndefined();
  });

  it("puts the next lecture of the same course in the same collection", async () => {
    const { harness, drop, poll } = await setUp();
    drop(LECTURE);
    await poll();
    drop("Physics-lec-mit-0000-2017apr11-0404-L01.mp4");

    const outcome = only(polled(await poll()));

    expect(outcome).toMatchObject({
      _tag: "Ingested",
      collectionCreated: false,
      title: "Lecture - April 11, 2017",
    });
    expect(allCollections(harness)).toHaveLength(1);
    expect(allVideos(harness)).toHaveLength(2);
  });

  it("the same file seen twice becomes one video, and the second poll finishes removing it", async () => {
    const { harness, settings, drop, poll } = await setUp();
    drop(LECTURE);
    harness.objectStore.failNext("delete", { transient: true, reason: "S3 said 503" });

    const first = only(polled(await poll()));
    const second = only(polled(await poll()));

    expect(first).toMatchObject({
      _tag: "Ingested",
      sourceRemoval: { _tag: "RemovalFailed", reason: expect.stringContaining("S3 said 503") },
    });
    const video = only(allVideos(harness));
    expect(second).toEqual({
      _tag: "AlreadyIngested",
      key: LECTURE,
      videoKey: video.key,
      sourceRemoval: { _tag: "Deleted" },
    });
    expect(harness.jobs.pending("video.transcode")).toHaveLength(1);
    expect(harness.objectStore.keys(settings.buckets.watch)).toEqual([]);
  });

  it("does not ingest the very same bytes again when they are dropped under the same name", async () => {
    const { harness, drop, poll } = await setUp();
    drop(LECTURE, "same bytes");
    await poll();
    drop(LECTURE, "same bytes");

    expect(only(polled(await poll()))._tag).toBe("AlreadyIngested");
    expect(allVideos(harness)).toHaveLength(1);
  });

  it("ingests a re-recorded file under the same name as a new video, as upstream did", async () => {
    const { harness, drop, poll } = await setUp();
    drop(LECTURE, "first take");
    await poll();
    drop(LECTURE, "second take");

    expect(only(polled(await poll()))._tag).toBe("Ingested");
    expect(allVideos(harness)).toHaveLength(2);
    expect(allCollections(harness)).toHaveLength(1);
  });

  it("skips folder markers and files that are not videos, and leaves them where they are", async () => {
    const { harness, settings, drop, poll } = await setUp();
    drop("Physics/");
    drop("Physics/Thumbs.db");
    drop("notes.txt");

    const outcomes = polled(await poll());

    expect(outcomes.map((outcome) => [outcome._tag, outcome.key])).toEqual([
      ["NotAVideo", "Physics/"],
      ["NotAVideo", "Physics/Thumbs.db"],
      ["NotAVideo", "notes.txt"],
    ]);
    expect(harness.objectStore.keys(settings.buckets.watch)).toHaveLength(3);
    expect(harness.database.tables.watchBucketClaims.size).toBe(0);
    expect(allVideos(harness)).toEqual([]);
  });

  it("files a recording whose name does not parse in the unsorted collection, titled with its key", async () => {
    const { harness, drop, poll } = await setUp({ unsortedCollectionSlug: "Lecture captures to sort" });
    drop("room 2-190 recording.mov");

    const outcome = only(polled(await poll()));

    expect(outcome).toMatchObject({ _tag: "Ingested", title: "room 2-190 recording.mov" });
    expect(only(allCollections(harness))).toMatchObject({
      slug: "Lecture captures to sort",
      title: "Lecture captures to sort",
    });
    const video = only(allVideos(harness));
    expect(video.sourceUrl).toBe("https://s3.amazonaws.com/ovs-watch/room%202-190%20recording.mov");
    expect(await Effect.runPromise(harness.videoFiles.listForVideo(video.key))).toMatchObject([
      { s3ObjectKey: `${hexKey(video.key)}/video.mov` },
    ]);
  });

  it("cuts the title of an unparsed key to the 250 characters a title holds", async () => {
    const { harness, drop, poll } = await setUp();
    const longKey = `${"a".repeat(300)}.mp4`;
    drop(longKey);

    expect(only(polled(await poll()))._tag).toBe("Ingested");
    expect(only(allVideos(harness)).title).toBe("a".repeat(250));
  });

  it("fails a recording whose source URL would be too long, before copying anything", async () => {
    const { harness, settings, drop, poll } = await setUp();
    const spacedKey = `${" ".repeat(700)}.mp4`;
    drop(spacedKey);

    const failed = only(polled(await poll()));

    expect(failed._tag === "Failed" && failed.reason).toBe(
      "the recording cannot become a video: its source URL must be at most 2000 characters",
    );
    expect(harness.objectStore.keys(settings.buckets.upload)).toEqual([]);
    expect(allVideos(harness)).toEqual([]);
  });

  it("makes a new video public when its lecture collection is public and not fed to MIT Learn", async () => {
    const { harness, user, drop, poll } = await setUp();
    if (user === undefined) throw new Error("the lecture-capture user is stored");
    const publicCollection = await storeIn(harness).collection(
      aCollection().public().with({ slug: "Physics-L01" }),
      user,
    );
    await storeIn(harness).collection(aCollection().public().inLearn().with({ slug: "Chemistry-L02" }), user);
    drop(LECTURE);
    drop("Chemistry-lec-mit-0000-2017apr06-0404-L02.mp4");

    await poll();

    const byCollection = new Map(allVideos(harness).map((video) => [video.collectionKey, video]));
    expect(byCollection.get(publicCollection.key)).toMatchObject({ isPublic: true, isPrivate: false });
    const learnVideo = allVideos(harness).find((video) => video.collectionKey !== publicCollection.key);
    expect(learnVideo?.isPublic).toBe(false);
    expect(allCollections(harness)).toHaveLength(2);
  });

  it("archives the source under the archive prefix instead of deleting it, and never reads the archive back", async () => {
    const { harness, settings, drop, poll } = await setUp({ watchBucketArchivePrefix: "ingested" });
    drop(LECTURE, "lecture bytes");

    const first = only(polled(await poll()));
    const second = await poll();

    expect(first._tag === "Ingested" && first.sourceRemoval).toEqual({
      _tag: "Archived",
      archiveKey: `ingested/${LECTURE}`,
    });
    expect(harness.objectStore.keys(settings.buckets.watch)).toEqual([`ingested/${LECTURE}`]);
    expect(harness.objectStore.readText({ bucket: settings.buckets.watch, key: `ingested/${LECTURE}` })).toBe(
      "lecture bytes",
    );
    expect(polled(second)).toEqual([]);
    expect(allVideos(harness)).toHaveLength(1);
  });

  it("does nothing while another poll holds the lease", async () => {
    const { harness, drop, poll } = await setUp();
    drop(LECTURE);
    await Effect.runPromise(harness.lease.acquire(WATCH_BUCKET_POLL_LEASE, "worker-2", "15 minutes"));

    const result = await poll();

    expect(result).toEqual({ _tag: "Skipped", heldBy: "worker-2" });
    expect(allVideos(harness)).toEqual([]);
    expect(harness.database.tables.watchBucketClaims.size).toBe(0);
  });

  it("reports a lease table it cannot reach and ingests nothing", async () => {
    const { harness, drop, poll } = await setUp();
    drop(LECTURE);
    harness.lease.failNext();

    const result = await Effect.runPromise(
      Effect.either(new PollWatchBucket(harness.ports, testSettings()).run()),
    );

    expect(Either.isLeft(result) && result.left._tag).toBe("LeaseFailure");
    expect(allVideos(harness)).toEqual([]);
    await poll();
    expect(allVideos(harness)).toHaveLength(1);
  });

  describe("when the lecture-capture user does not exist", () => {
    it("fails the file with a clear reason, keeps it, and ingests it on the first poll after the user signs in", async () => {
      const { harness, settings, drop, poll } = await setUp({}, { withUser: false });
      drop(LECTURE);

      const failed = only(polled(await poll()));

      expect(failed).toMatchObject({ _tag: "Failed", attempts: 1 });
      expect(failed._tag === "Failed" && failed.reason).toContain(
        `'${settings.lectureCaptureUsername}' (LECTURE_CAPTURE_USER) does not exist`,
      );
      expect(allVideos(harness)).toEqual([]);
      expect(allCollections(harness)).toEqual([]);
      expect(harness.objectStore.keys(settings.buckets.watch)).toEqual([LECTURE]);
      expect(harness.objectStore.keys(settings.buckets.upload)).toEqual([]);
      const object = Option.getOrThrow(
        await Effect.runPromise(harness.objectStore.head({ bucket: settings.buckets.watch, key: LECTURE })),
      );
      const claim = Option.getOrThrow(
        await Effect.runPromise(harness.watchBucketClaims.find(watchBucketSourceOf(object))),
      );
      expect(claim).toMatchObject({ state: "Failed", attempts: 1 });

      expect(only(polled(await poll()))).toMatchObject({ _tag: "Failed", attempts: 2 });

      await storeIn(harness).user(aUser().named(settings.lectureCaptureUsername));
      expect(only(polled(await poll()))._tag).toBe("Ingested");
      expect(allVideos(harness)).toHaveLength(1);
    });
  });

  describe("when the copy fails", () => {
    it("leaves nothing of the video behind, keeps the source, and the next poll ingests it", async () => {
      const { harness, settings, drop, poll } = await setUp();
      drop(LECTURE);
      harness.objectStore.failNext("copy", { transient: true, reason: "SlowDown" });

      const failed = only(polled(await poll()));

      expect(failed).toMatchObject({ _tag: "Failed", attempts: 1 });
      expect(failed._tag === "Failed" && failed.reason).toContain("SlowDown");
      expect(allVideos(harness)).toEqual([]);
      expect(allCollections(harness)).toEqual([]);
      expect(harness.database.tables.videoFiles.size).toBe(0);
      expect(harness.jobs.pending()).toEqual([]);
      expect(harness.objectStore.keys(settings.buckets.watch)).toEqual([LECTURE]);

      expect(only(polled(await poll()))).toMatchObject({ _tag: "Ingested" });
      expect(allVideos(harness)).toHaveLength(1);
    });

    it("goes on with the other files", async () => {
      const { harness, drop, poll } = await setUp();
      drop(LECTURE);
      drop("Physics-lec-mit-0000-2017apr11-0404-L01.mp4");
      harness.objectStore.failNext("copy", { transient: false, reason: "AccessDenied" });

      const outcomes = polled(await poll());

      expect(outcomes.map((outcome) => outcome._tag)).toEqual(["Failed", "Ingested"]);
      expect(allVideos(harness)).toHaveLength(1);
    });
  });

  it("removes the copy when the video cannot be recorded, and keeps the source for the next poll", async () => {
    const { harness, settings, drop, poll } = await setUp();
    drop(LECTURE);
    const brokenVideos = replacing<VideoRepository>(harness.videos, {
      insert: () =>
        Effect.fail(
          new PersistenceFailure({ operation: "insert video", cause: new Error("connection reset") }),
        ),
    });

    const failed = only(polled(await poll({ ...harness.ports, videos: brokenVideos })));

    expect(failed._tag === "Failed" && failed.reason).toContain("connection reset");
    expect(allCollections(harness)).toEqual([]);
    expect(harness.objectStore.keys(settings.buckets.upload)).toEqual([]);
    expect(harness.objectStore.keys(settings.buckets.watch)).toEqual([LECTURE]);
    expect(harness.jobs.pending()).toEqual([]);
    expect(only(polled(await poll()))._tag).toBe("Ingested");
  });

  it("reports a file whose claim cannot be written and goes on with the others", async () => {
    const { harness, drop, poll } = await setUp();
    drop(LECTURE);
    drop("Physics-lec-mit-0000-2017apr11-0404-L01.mp4");
    let calls = 0;
    const flakyClaims = replacing<WatchBucketClaimRepository>(harness.watchBucketClaims, {
      claim: (source, at) => {
        calls += 1;
        return calls === 1
          ? Effect.fail(new PersistenceFailure({ operation: "claim", cause: new Error("deadlock detected") }))
          : harness.watchBucketClaims.claim(source, at);
      },
    });

    const outcomes = polled(await poll({ ...harness.ports, watchBucketClaims: flakyClaims }));

    expect(outcomes.map((outcome) => outcome._tag)).toEqual(["Failed", "Ingested"]);
    expect(outcomes[0]?._tag === "Failed" && outcomes[0].reason).toContain("deadlock detected");
  });

  it("takes over a file whose poll died half-way, and leaves a file another poll is working on", async () => {
    const { harness, settings, drop, poll } = await setUp();
    const abandoned = drop(LECTURE);
    const inProgress = drop("Physics-lec-mit-0000-2017apr11-0404-L01.mp4");
    const crashedAt = harness.clock.now();
    await Effect.runPromise(
      harness.watchBucketClaims.claim(watchBucketSourceOf({ ...abandoned, key: LECTURE }), crashedAt),
    );
    harness.clock.advance("20 minutes");
    await Effect.runPromise(
      harness.watchBucketClaims.claim(watchBucketSourceOf(inProgress), harness.clock.now()),
    );

    const outcomes = polled(await poll());

    expect(outcomes.map((outcome) => [outcome._tag, outcome.key])).toEqual([
      ["Ingested", LECTURE],
      ["ClaimedElsewhere", inProgress.key],
    ]);
    expect(harness.objectStore.keys(settings.buckets.watch)).toEqual([inProgress.key]);
    expect(
      Option.getOrThrow(
        await Effect.runPromise(harness.watchBucketClaims.find(watchBucketSourceOf(abandoned))),
      ),
    ).toMatchObject({ state: "Ingested", attempts: 2 });
  });

  it("stops when it loses its lease and leaves the rest to the next poll", async () => {
    const { harness, drop, poll } = await setUp();
    drop(LECTURE);
    drop("Physics-lec-mit-0000-2017apr11-0404-L01.mp4");
    let renewals = 0;
    const losingLease = replacing(harness.lease, {
      renew: (handle: LeaseHandle, ttl) => {
        renewals += 1;
        return renewals === 1
          ? harness.lease.renew(handle, ttl)
          : Effect.fail(new LeaseLost({ name: handle.name, owner: handle.owner }));
      },
    });

    const result = await poll({ ...harness.ports, lease: losingLease });

    expect(result).toMatchObject({ _tag: "Polled", stoppedEarly: expect.stringContaining("lease was lost") });
    expect(polled(result).map((outcome) => outcome.key)).toEqual([LECTURE]);
    expect(allVideos(harness)).toHaveLength(1);
    expect(only(polled(await poll()))._tag).toBe("Ingested");
  });

  it("fails when the bucket cannot be listed, and frees the lease", async () => {
    const { harness, drop, poll } = await setUp();
    drop(LECTURE);
    harness.objectStore.failNext("list", { transient: false, reason: "NoSuchBucket" });

    const result = await Effect.runPromise(
      Effect.either(new PollWatchBucket(harness.ports, testSettings()).run()),
    );

    expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "StorageFailure", operation: "list" });
    expect(harness.lease.holderOf(WATCH_BUCKET_POLL_LEASE)).toBeUndefined();
    expect(only(polled(await poll()))._tag).toBe("Ingested");
  });

  it("reads every page of a large bucket", async () => {
    const { harness, drop, poll } = await setUp();
    for (let index = 0; index < 1001; index += 1) drop(`Notes-${String(index).padStart(4, "0")}.txt`);
    drop(LECTURE);

    const outcomes = polled(await poll());

    expect(outcomes).toHaveLength(1002);
    expect(outcomes.at(-1)).toMatchObject({ _tag: "Ingested", key: LECTURE });
    expect(allVideos(harness)).toHaveLength(1);
  });
});
