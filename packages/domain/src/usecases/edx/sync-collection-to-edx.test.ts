import { Effect, Either } from "effect";
import { describe, expect, it } from "vitest";
import type { Collection } from "../../model/collection.js";
import type { EdxEndpoint } from "../../model/edx-endpoint.js";
import { hexKey } from "../../model/keys.js";
import type { KeySpace } from "../../model/storage-keys.js";
import { hlsPlaylistKey, mp4Key } from "../../model/storage-keys.js";
import { anonymous } from "../../model/user.js";
import type { Principal, User } from "../../model/user.js";
import type { Video } from "../../model/video.js";
import { BUILDER_EPOCH, aCollection, aUser, aVideo } from "../../testing/builders.js";
import type { VideoBuilder } from "../../testing/builders.js";
import { aNewEdxEndpoint, storeIn } from "../../testing/stored-test-data.js";
import type { InMemoryHarness } from "../../testing/in-memory-harness.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { PostVideoToEdx } from "./post-video-to-edx.js";
import { RequestCollectionSync } from "./request-collection-sync.js";
import { SyncCollectionToEdx } from "./sync-collection-to-edx.js";

const COURSE = "course-v1:MITx+8.01+2026";

interface SetUpOptions {
  readonly course?: string | null;
  readonly endpoints?: ReadonlyArray<string>;
}

const setUp = async ({ course = COURSE, endpoints = ["learn", "xpro"] }: SetUpOptions = {}) => {
  const harness = makeInMemoryHarness();
  const owner = await storeIn(harness).user();
  const collection = await storeIn(harness).collection(
    aCollection()
      .titled("Physics 8.01")
      .withAdminLists("physics-staff")
      .withViewLists("physics-students")
      .with({ edxCourseId: course }),
    owner,
  );
  const linked: Array<EdxEndpoint> = [];
  for (const name of endpoints) {
    const endpoint = await Effect.runPromise(
      harness.edxEndpoints.insert(
        aNewEdxEndpoint(name, { baseUrl: `https://courses.${name}.example.edu` }),
        BUILDER_EPOCH,
      ),
    );
    await Effect.runPromise(harness.edxEndpoints.link(collection.key, endpoint.id));
    linked.push(endpoint);
  }
  const request = new RequestCollectionSync(harness.ports);
  const ask = (principal: Principal, body: unknown) =>
    Effect.runPromise(Effect.either(request.run(principal, body)));
  const sync = new SyncCollectionToEdx(harness.ports);
  const drainEdxJobs = () =>
    Effect.runPromise(
      harness.jobs.drain({
        "edx.sync-collection": (payload) => sync.run(payload),
        "edx.post-video": (payload) => new PostVideoToEdx(harness.ports).run(payload),
      }),
    );
  return { harness, owner, collection, endpoints: linked, ask, sync, drainEdxJobs };
};

const completeVideo = async (
  harness: InMemoryHarness,
  collection: Collection,
  builder: VideoBuilder = aVideo().public(),
  space: KeySpace = "public",
): Promise<Video> => {
  const video = await storeIn(harness).video(collection, builder.withStatus("Complete"));
  const hex = hexKey(video.key);
  for (const [s3ObjectKey, encoding] of [
    [hlsPlaylistKey(hex, space), "HLS"],
    [mp4Key(hex, space), "desktop_mp4"],
  ] as const) {
    await Effect.runPromise(
      harness.videoFiles.insert(
        { videoKey: video.key, s3ObjectKey, bucketName: "ovs-transcoded", encoding },
        BUILDER_EPOCH,
      ),
    );
  }
  return video;
};

const ownerPrincipal = (owner: User): Principal => aUser().withId(owner.id).principal();

const refusalOf = <A, E>(result: Either.Either<A, E>): E => {
  if (Either.isRight(result)) throw new Error("expected the sync to be refused");
  return result.left;
};

describe("syncing a collection with edX", () => {
  it("an edX sync with one endpoint failing: the other endpoint gets every video and both outcomes are recorded", async () => {
    const { harness, owner, collection, endpoints, ask, drainEdxJobs } = await setUp();
    const [learn, xpro] = endpoints;
    if (learn === undefined || xpro === undefined) throw new Error("two endpoints expected");
    const videos = [await completeVideo(harness, collection), await completeVideo(harness, collection)];
    const transcoding = await storeIn(harness).video(collection, aVideo().public().withStatus("Transcoding"));
    harness.edxVideoApi.failNext({ transient: true, reason: "learn is down" });

    const accepted = await ask(ownerPrincipal(owner), { collection_id: hexKey(collection.key) });
    await drainEdxJobs();

    expect(Either.isRight(accepted) && accepted.right.accepted).toEqual({
      message: "Syncing videos from collection 'Physics 8.01' with edX",
      task_id: expect.any(String),
      collection_id: hexKey(collection.key),
      status: "processing",
    });
    expect(Either.isRight(accepted) && accepted.right.report.refused).toEqual([
      {
        videoKey: transcoding.key,
        title: transcoding.title,
        reason: "the video is 'Transcoding', not 'Complete'",
      },
    ]);
    const failedVideoKey = harness.edxVideoApi.posts[0]?.payload.edx_video_id;
    expect(harness.edxVideoApi.posts[0]?.endpoint).toBe(
      "https://courses.learn.example.edu/api/val/v0/videos/",
    );
    const outcomes = async () =>
      (await Effect.runPromise(harness.edxPostRecords.listForCollection(collection.key))).map((record) => ({
        failedVideo: record.videoKey === failedVideoKey,
        endpoint: record.edxEndpointId === learn.id ? "learn" : "xpro",
        outcome: record.outcome._tag,
        attempt: record.attempt,
      }));
    expect(videos.some((video) => video.key === failedVideoKey)).toBe(true);
    expect(await outcomes()).toEqual(
      expect.arrayContaining([
        { failedVideo: true, endpoint: "learn", outcome: "Failed", attempt: 1 },
        { failedVideo: true, endpoint: "xpro", outcome: "Created", attempt: 1 },
        { failedVideo: false, endpoint: "learn", outcome: "Created", attempt: 1 },
        { failedVideo: false, endpoint: "xpro", outcome: "Created", attempt: 1 },
      ]),
    );
    expect(await outcomes()).toHaveLength(4);
    expect(harness.jobs.pending("edx.post-video").map((job) => job.payload)).toEqual([
      { videoKey: failedVideoKey, endpointId: learn.id },
    ]);

    // The retry, once due, brings the failed endpoint up to date; the other is not posted again.
    harness.clock.advance("1 minute");
    await drainEdxJobs();
    expect(await outcomes()).toContainEqual({
      failedVideo: true,
      endpoint: "learn",
      outcome: "Created",
      attempt: 2,
    });
    expect(harness.edxVideoApi.posts).toHaveLength(5);
    expect(harness.jobs.pending()).toEqual([]);
  });

  describe("asking for a sync", () => {
    it("lets the owner, an admin-list member and a superuser of that collection ask", async () => {
      const { harness, owner, collection, ask } = await setUp();
      await completeVideo(harness, collection);
      const body = { collection_id: collection.key };

      for (const principal of [
        ownerPrincipal(owner),
        aUser().principal("physics-staff"),
        aUser().superuser().principal(),
      ]) {
        expect(Either.isRight(await ask(principal, body))).toBe(true);
      }
      expect(harness.jobs.pending("edx.sync-collection")).toHaveLength(3);
    });

    it("refuses viewers, anonymous visitors, and strangers as if the collection did not exist", async () => {
      const { harness, collection, ask } = await setUp();
      await completeVideo(harness, collection);
      const body = { collection_id: hexKey(collection.key) };

      expect(refusalOf(await ask(aUser().principal("physics-students"), body))).toMatchObject({
        _tag: "Forbidden",
        signInRequired: false,
      });
      expect(refusalOf(await ask(anonymous, body))).toMatchObject({
        _tag: "Forbidden",
        signInRequired: true,
      });
      expect(refusalOf(await ask(aUser().principal(), body))).toMatchObject({
        _tag: "CollectionNotFound",
        key: hexKey(collection.key),
      });
      expect(harness.jobs.pending()).toEqual([]);
    });

    it("wants a collection_id, and a well-formed one", async () => {
      const { harness, owner, ask } = await setUp();
      const principal = ownerPrincipal(owner);
      const problemOf = async (body: unknown) => {
        const refusal = refusalOf(await ask(principal, body));
        return refusal._tag === "InvalidInput" ? refusal.problems : refusal._tag;
      };

      for (const body of [{}, { collection_id: "" }, { collection_id: null }, { collection_id: 0 }]) {
        expect(await problemOf(body)).toEqual([
          { field: "collection_id", message: "collection_id is required" },
        ]);
      }
      expect(await problemOf({ collection_id: 42 })).toEqual([
        { field: "collection_id", message: "collection_id must be a collection key" },
      ]);
      expect(await problemOf({ collection_id: "physics" })).toEqual([
        {
          field: "collection_id",
          message: expect.stringContaining("'physics' is not a valid collection key"),
        },
      ]);
      expect(await problemOf("collection_id=abc")).toEqual([expect.objectContaining({ field: "" })]);
      expect(refusalOf(await ask(principal, { collection_id: aCollection().build().key }))).toMatchObject({
        _tag: "CollectionNotFound",
      });
      expect(harness.jobs.pending()).toEqual([]);
    });

    it.each<[string, SetUpOptions, string]>([
      ["has no edX course id", { course: null }, "Collection does not have an edX course ID configured"],
      ["has a blank edX course id", { course: " " }, "Collection does not have an edX course ID configured"],
      ["has no edX endpoint", { endpoints: [] }, "Collection does not have any edX endpoints configured"],
    ])("refuses a collection that %s, with upstream's message", async (_case, options, message) => {
      const { harness, owner, collection, ask } = await setUp(options);
      await completeVideo(harness, collection);

      const refusal = refusalOf(await ask(ownerPrincipal(owner), { collection_id: collection.key }));

      expect(refusal).toMatchObject({ _tag: "EdxSyncRefused" });
      expect(refusal.message).toBe(message);
      expect(harness.jobs.pending()).toEqual([]);
    });

    it("reports, video by video, what the sync will post and what it leaves out and why; a protected video goes with plain URLs", async () => {
      const { harness, owner, collection, endpoints, ask, drainEdxJobs } = await setUp();
      const publicOne = await completeVideo(harness, collection);
      const protectedOne = await completeVideo(harness, collection, aVideo().titled("Protected"));
      const stillMoving = await completeVideo(harness, collection, aVideo().titled("Moving"), "restricted");
      const uploading = await storeIn(harness).video(
        collection,
        aVideo().titled("Uploading").withStatus("Uploading"),
      );

      const requested = await ask(ownerPrincipal(owner), { collection_id: collection.key });
      await drainEdxJobs();

      if (Either.isLeft(requested))
        throw new Error(`expected the sync to be accepted: ${requested.left.message}`);
      const byKey = (a: { readonly videoKey: string }, b: { readonly videoKey: string }) =>
        a.videoKey.localeCompare(b.videoKey);
      expect([...requested.right.report.toPost].sort(byKey)).toEqual(
        [
          { videoKey: publicOne.key, title: publicOne.title },
          { videoKey: protectedOne.key, title: "Protected" },
        ].sort(byKey),
      );
      expect([...requested.right.report.refused].sort(byKey)).toEqual(
        [
          {
            videoKey: stillMoving.key,
            title: "Moving",
            reason: "the video's files are still being moved to the public key space",
          },
          { videoKey: uploading.key, title: "Uploading", reason: "the video is 'Uploading', not 'Complete'" },
        ].sort(byKey),
      );
      const [learn] = endpoints;
      if (learn === undefined) throw new Error("an endpoint expected");
      const hex = hexKey(protectedOne.key);
      expect(
        harness.edxVideoApi
          .postsTo(learn)
          .filter((sent) => sent.payload.edx_video_id === protectedOne.key)
          .map((sent) => sent.payload.encoded_videos.map(({ url }) => url)),
      ).toEqual([
        [hlsPlaylistKey(hex, "public"), mp4Key(hex, "public")].map((key) => harness.cdnUrls.plainUrl(key)),
      ]);
      expect(new Set(harness.edxVideoApi.posts.map((sent) => sent.payload.edx_video_id))).toEqual(
        new Set([publicOne.key, protectedOne.key]),
      );
    });

    it("refuses a sync that would send nothing, saying why each Complete video cannot be sent", async () => {
      const { harness, owner, collection, ask } = await setUp();
      const moving = await completeVideo(harness, collection, aVideo().titled("Moving"), "restricted");

      const refusal = refusalOf(await ask(ownerPrincipal(owner), { collection_id: collection.key }));

      expect(refusal).toMatchObject({
        _tag: "EdxSyncRefused",
        refusal: "NothingToPost",
        report: {
          toPost: [],
          refused: [
            {
              videoKey: moving.key,
              title: "Moving",
              reason: "the video's files are still being moved to the public key space",
            },
          ],
        },
      });
      expect(refusal.message).toBe(
        "No video of the collection Physics 8.01 can be sent to edX: the video's files are still being moved to the public key space",
      );
      expect(harness.jobs.pending()).toEqual([]);
    });

    it("refuses a collection without a Complete video, naming it", async () => {
      const { harness, owner, collection, ask } = await setUp();
      await storeIn(harness).video(collection, aVideo().public().withStatus("Transcode failed video error"));

      const refusal = refusalOf(await ask(ownerPrincipal(owner), { collection_id: collection.key }));

      expect(refusal).toMatchObject({ _tag: "EdxSyncRefused", refusal: "NoCompleteVideos" });
      expect(refusal.message).toBe("No videos found in the collection Physics 8.01");
    });
  });

  describe("the sync job", () => {
    it("queues one post per video it can send, and none twice while they wait", async () => {
      const { harness, collection, sync } = await setUp();
      const complete = [await completeVideo(harness, collection), await completeVideo(harness, collection)];
      const uploading = await storeIn(harness).video(collection, aVideo().withStatus("Uploading"));
      const moving = await completeVideo(harness, collection, aVideo(), "restricted");

      const result = await Effect.runPromise(sync.run({ collectionKey: collection.key }));
      await Effect.runPromise(sync.run({ collectionKey: collection.key }));

      expect(result._tag === "Enqueued" && [...result.videoKeys].sort()).toEqual(
        complete.map((video) => video.key).sort(),
      );
      expect(result._tag === "Enqueued" && result.refused.map((video) => video.videoKey).sort()).toEqual(
        [uploading.key, moving.key].sort(),
      );
      expect(
        harness.jobs
          .pending("edx.post-video")
          .map((job) => job.payload.videoKey)
          .sort(),
      ).toEqual(complete.map((video) => video.key).sort());
    });

    it("ends without posting when the collection changed or went away while the job waited", async () => {
      const { harness, collection, sync } = await setUp();
      await completeVideo(harness, collection);
      await Effect.runPromise(harness.collections.update({ ...collection, edxCourseId: null }));

      const changed = await Effect.runPromise(sync.run({ collectionKey: collection.key }));
      await Effect.runPromise(harness.collections.delete(collection.key));
      const gone = await Effect.runPromise(sync.run({ collectionKey: collection.key }));

      expect(changed).toEqual({
        _tag: "NothingToSync",
        collectionKey: collection.key,
        reason: "Collection does not have an edX course ID configured",
      });
      expect(gone).toEqual({
        _tag: "NothingToSync",
        collectionKey: collection.key,
        reason: "the collection no longer exists",
      });
      expect(harness.jobs.pending()).toEqual([]);
    });

    it("refuses a malformed job", async () => {
      const { sync } = await setUp();
      const result = await Effect.runPromise(Effect.either(sync.run({ collectionKey: "physics" } as never)));
      expect(Either.isLeft(result) && result.left._tag).toBe("InvalidInput");
    });
  });
});
