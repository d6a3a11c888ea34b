import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { hlsPlaylistKey } from "../../model/storage-keys.js";
import type { KeySpace } from "../../model/storage-keys.js";
import { anonymous, userPrincipal } from "../../model/user.js";
import { mediaKeySpaceOf } from "../../policy/media-key-space.js";
import { videoPayload } from "../../policy/projections/video-payload.js";
import { aCollection, aVideo } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import { UpdateCollection } from "../collections/update-collection.js";
import { GetVideo } from "./get-video.js";
import { MoveVideoObjects } from "./move-video-objects.js";
import { UpdateVideo } from "./update-video.js";

const settings = testSettings();
const { buckets } = settings;

const setUp = async () => {
  const harness = makeInMemoryHarness({ cdnHost: "d111.cloudfront.net" });
  const store = storeIn(harness);
  const collection = await store.collection(aCollection().withAdminLists("admins"));
  const video = await store.video(collection, aVideo().withStatus("Complete"));
  const hex = hexKey(video.key);
  const playlist = (space: KeySpace) => hlsPlaylistKey(hex, space);
  harness.objectStore.putBytes({ bucket: buckets.transcode, key: playlist("restricted") }, "#EXTM3U");
  await Effect.runPromise(
    harness.videoFiles.insert(
      {
        videoKey: video.key,
        s3ObjectKey: playlist("restricted"),
        bucketName: buckets.transcode,
        encoding: "HLS",
      },
      harness.clock.now(),
    ),
  );
  const admin = userPrincipal(await store.user(), ["admins"]);
  const runQueuedMoves = () =>
    Effect.runPromise(
      harness.jobs.drain({
        "video.visibility": ({ videoKey }) => new MoveVideoObjects(harness.ports, settings).run(videoKey),
      }),
    );
  return {
    harness,
    collection,
    video,
    admin,
    playlist,
    runQueuedMoves,
    update: new UpdateVideo(harness.ports),
    get: new GetVideo(harness.ports),
  };
};

describe("changing who may see a video", () => {
  it("an admin publishes a protected video, and once the queued move has run anyone plays it from plain URLs", async () => {
    const { harness, video, admin, playlist, runQueuedMoves, update, get } = await setUp();

    await Effect.runPromise(update.run(admin, video.key, { is_public: true }));
    const ran = await runQueuedMoves();
    const view = await Effect.runPromise(get.run(anonymous, video.key));

    expect(ran.map((entry) => entry.error)).toEqual([undefined]);
    expect(videoPayload(view.details, view.principal, view.mediaUrl).sources).toEqual([
      {
        src: `https://d111.cloudfront.net/${playlist("public")}`,
        label: "HLS",
        type: "application/x-mpegURL",
      },
    ]);
    expect(harness.objectStore.keys(buckets.transcode)).toEqual([playlist("public")]);
  });

  it("a video published and withdrawn again before the moves run ends protected, and anonymous visitors are asked to sign in", async () => {
    const { harness, collection, video, admin, playlist, runQueuedMoves, update, get } = await setUp();

    await Effect.runPromise(update.run(admin, video.key, { is_public: true }));
    await Effect.runPromise(update.run(admin, video.key, { is_public: false }));
    expect(harness.jobs.pending("video.visibility")).toHaveLength(2);
    await runQueuedMoves();

    const stored = harness.database.tables.videos.get(video.key);
    expect(stored === undefined ? undefined : mediaKeySpaceOf(stored, collection)).toBe("restricted");
    expect(harness.objectStore.keys(buckets.transcode)).toEqual([playlist("restricted")]);
    expect(harness.database.tables.videoFiles.values().next().value?.s3ObjectKey).toBe(
      playlist("restricted"),
    );
    expect(await failureOf(get.run(anonymous, video.key))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: true,
    });
  });
});

describe("linking a collection to an edX course", () => {
  const COURSE = "course-v1:MITx+8.01+2026";

  it("serves a protected video's media openly once its objects have moved, while its page stays closed to strangers; unlinking signs it again", async () => {
    const { harness, collection, video, admin, playlist, runQueuedMoves, get } = await setUp();
    const updateCollection = new UpdateCollection(harness.ports, settings);
    const sourcesFor = async () => {
      const view = await Effect.runPromise(get.run(admin, video.key));
      return videoPayload(view.details, view.principal, view.mediaUrl).sources.map((source) => source.src);
    };

    const linked = await Effect.runPromise(
      updateCollection.run(admin, collection.key, { edx_course_id: COURSE }),
    );
    expect(linked.notices.map((notice) => notice._tag)).toEqual(["MediaServedOpenly"]);
    expect(harness.jobs.pending("video.visibility").map((job) => job.payload)).toEqual([
      { videoKey: video.key },
    ]);
    await runQueuedMoves();

    expect(harness.objectStore.keys(buckets.transcode)).toEqual([playlist("public")]);
    expect(await sourcesFor()).toEqual([`https://d111.cloudfront.net/${playlist("public")}`]);
    expect(await failureOf(get.run(anonymous, video.key))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: true,
    });

    const unlinked = await Effect.runPromise(
      updateCollection.run(admin, collection.key, { edx_course_id: null }),
    );
    expect(unlinked.notices.map((notice) => notice._tag)).toEqual(["MediaSignedAgain"]);
    await runQueuedMoves();

    expect(harness.objectStore.keys(buckets.transcode)).toEqual([playlist("restricted")]);
    const [signed] = await sourcesFor();
    expect(signed).toMatch(
      new RegExp(`^https://d111\\.cloudfront\\.net/${playlist("restricted")}\\?.*Signature=`),
    );
  });
});
