import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { hlsPlaylistKey } from "../../model/storage-keys.js";
import { anonymous, userPrincipal } from "../../model/user.js";
import type { Video } from "../../model/video.js";
import { videoPayload } from "../../policy/projections/video-payload.js";
import { aCollection, aVideo } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { GetVideo } from "./get-video.js";

const setUp = async () => {
  const harness = makeInMemoryHarness({ cdnHost: "d111.cloudfront.net" });
  const store = storeIn(harness);
  const collection = await store.collection(aCollection().withViewLists("viewers").withAdminLists("admins"));
  const withHls = async (video: Video) => {
    await Effect.runPromise(
      harness.videoFiles.insert(
        {
          videoKey: video.key,
          s3ObjectKey: hlsPlaylistKey(hexKey(video.key), video.isPublic ? "public" : "restricted"),
          bucketName: "ovs-transcoded",
          encoding: "HLS",
        },
        harness.clock.now(),
      ),
    );
    return video;
  };
  return { harness, store, collection, withHls, get: new GetVideo(harness.ports) };
};

describe("reading a video", () => {
  it("a view-list member gets a protected video with signed media URLs", async () => {
    const { store, collection, withHls, get } = await setUp();
    const video = await withHls(await store.video(collection, aVideo().titled("Lecture 1")));
    const viewer = userPrincipal(await store.user(), ["viewers"]);

    const view = await Effect.runPromise(get.run(viewer, hexKey(video.key)));
    const payload = videoPayload(view.details, view.principal, view.mediaUrl);

    expect(payload).toMatchObject({ key: hexKey(video.key), title: "Lecture 1" });
    expect(payload.sources[0]?.src).toMatch(
      /^https:\/\/d111\.cloudfront\.net\/restricted\/transcoded\/.*Signature=/,
    );
    expect(view.mediaExpiresAt).not.toBeNull();
  });

  it("gives anyone a public video on plain URLs", async () => {
    const { store, collection, withHls, get } = await setUp();
    const video = await withHls(await store.video(collection, aVideo().public()));

    const view = await Effect.runPromise(get.run(anonymous, video.key));

    expect(view.mediaUrl(hlsPlaylistKey(hexKey(video.key), "public"))).toBe(
      `https://d111.cloudfront.net/${hlsPlaylistKey(hexKey(video.key), "public")}`,
    );
    expect(view.mediaExpiresAt).toBeNull();
  });

  it("hides a video from a signed-in user outside its own view lists, and asks an anonymous visitor to sign in", async () => {
    const { store, collection, get } = await setUp();
    await store.groups("seminar");
    const video = await store.video(collection, aVideo().withViewLists("seminar"));
    const collectionViewer = userPrincipal(await store.user(), ["viewers"]);

    expect(await failureOf(get.run(collectionViewer, video.key))).toMatchObject({
      _tag: "VideoNotFound",
      key: video.key,
    });
    expect(await failureOf(get.run(anonymous, video.key))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: true,
    });
    expect(
      (await Effect.runPromise(get.run(userPrincipal(await store.user(), ["seminar"]), video.key))).details
        .video.key,
    ).toBe(video.key);
  });

  it("shows a private video only to the collection's admins", async () => {
    const { store, collection, get } = await setUp();
    const video = await store.video(collection, aVideo().private());

    expect(await failureOf(get.run(userPrincipal(await store.user(), ["viewers"]), video.key))).toMatchObject(
      {
        _tag: "VideoNotFound",
      },
    );
    const admin = userPrincipal(await store.user(), ["admins"]);
    expect((await Effect.runPromise(get.run(admin, video.key))).details.video.key).toBe(video.key);
  });

  it("reports an unknown or malformed key as not found", async () => {
    const { store, get } = await setUp();
    const someone = userPrincipal(await store.user());

    expect(await failureOf(get.run(someone, aVideo().build().key))).toMatchObject({ _tag: "VideoNotFound" });
    expect(await failureOf(get.run(anonymous, "../etc"))).toMatchObject({
      _tag: "VideoNotFound",
      key: "../etc",
    });
  });
});
