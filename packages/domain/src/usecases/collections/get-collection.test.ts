import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { anonymous, userPrincipal } from "../../model/user.js";
import { hlsPlaylistKey } from "../../model/storage-keys.js";
import type { Video } from "../../model/video.js";
import { CdnSigningFailure } from "../../ports/cdn-urls.js";
import { collectionPayload } from "../../policy/projections/collection-payload.js";
import { aCollection, aUser, aVideo } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { GetCollection } from "./get-collection.js";

const setUp = async () => {
  const harness = makeInMemoryHarness({ cdnHost: "d111.cloudfront.net" });
  const store = storeIn(harness);
  const owner = await store.user(aUser().named("owner@example.edu"));
  const collection = await store.collection(aCollection().titled("Physics").withViewLists("viewers"), owner);
  const withHls = async (video: Video) => {
    const key = hlsPlaylistKey(hexKey(video.key), video.isPublic ? "public" : "restricted");
    await Effect.runPromise(
      harness.videoFiles.insert(
        { videoKey: video.key, s3ObjectKey: key, bucketName: "ovs-transcoded", encoding: "HLS" },
        harness.clock.now(),
      ),
    );
    return video;
  };
  return { harness, store, owner, collection, withHls, get: new GetCollection(harness.ports) };
};

describe("reading a collection", () => {
  it("a view-list member sees the videos they may view, in display order, with signed URLs, and the count of all", async () => {
    const { store, collection, withHls, get } = await setUp();
    const later = await withHls(
      await store.video(collection, aVideo().titled("Later").with({ customOrder: 2 })),
    );
    const first = await withHls(
      await store.video(collection, aVideo().titled("First").with({ customOrder: 1 })),
    );
    await withHls(await store.video(collection, aVideo().titled("Admins only").private()));
    const viewer = userPrincipal(await store.user(), ["viewers"]);

    const view = await Effect.runPromise(get.run(viewer, hexKey(collection.key)));
    const payload = collectionPayload(view);

    expect(payload.video_count).toBe(3);
    expect(payload.videos.map((video) => video.title)).toEqual(["First", "Later"]);
    expect(payload.is_admin).toBe(false);
    expect(payload.owner_info.username).toBe("owner@example.edu");
    const [firstFile] = payload.videos[0]?.videofile_set ?? [];
    expect(firstFile?.cloudfront_url).toMatch(
      new RegExp(`^https://d111\\.cloudfront\\.net/restricted/transcoded/${hexKey(first.key)}/.*Signature=`),
    );
    expect(view.videos.map((media) => media.video.key)).toContain(later.key);
  });

  it("gives no media URL for a video the principal may not view", async () => {
    const { store, collection, withHls, get } = await setUp();
    const hidden = await withHls(await store.video(collection, aVideo().private()));
    const viewer = userPrincipal(await store.user(), ["viewers"]);

    const view = await Effect.runPromise(get.run(viewer, collection.key));

    expect(view.mediaUrlFor(hidden)(hlsPlaylistKey(hexKey(hidden.key), "restricted"))).toBe("");
  });

  it("shows an anonymous visitor a public collection with its public videos on plain URLs", async () => {
    const { store, owner, withHls, get } = await setUp();
    const open = await store.collection(aCollection().public(), owner);
    const shown = await withHls(await store.video(open, aVideo().public()));
    await withHls(await store.video(open));

    const payload = collectionPayload(await Effect.runPromise(get.run(anonymous, open.key)));

    expect(payload.videos.map((video) => video.key)).toEqual([hexKey(shown.key)]);
    expect(payload.videos[0]?.videofile_set[0]?.cloudfront_url).toBe(
      `https://d111.cloudfront.net/transcoded/${hexKey(shown.key)}/video__index.m3u8`,
    );
  });

  it("asks an anonymous visitor to sign in for a collection that is not public (upstream let anyone with the key read it)", async () => {
    const { collection, get } = await setUp();

    expect(await failureOf(get.run(anonymous, collection.key))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: true,
    });
  });

  it("tells a signed-in stranger the collection does not exist", async () => {
    const { store, collection, get } = await setUp();
    const stranger = userPrincipal(await store.user());

    expect(await failureOf(get.run(stranger, collection.key))).toMatchObject({
      _tag: "CollectionNotFound",
      key: collection.key,
    });
  });

  it("reports an unknown or malformed key as not found", async () => {
    const { owner, get } = await setUp();

    expect(await failureOf(get.run(userPrincipal(owner), aCollection().build().key))).toMatchObject({
      _tag: "CollectionNotFound",
    });
    expect(await failureOf(get.run(anonymous, "zzz"))).toMatchObject({ _tag: "CollectionNotFound" });
  });

  it("reports a signing failure instead of handing out broken URLs", async () => {
    const { harness, store, collection, owner } = await setUp();
    await store.video(collection);
    const failingPorts = {
      ...harness.ports,
      cdnUrls: {
        plainUrl: harness.cdnUrls.plainUrl.bind(harness.cdnUrls),
        signedAccess: () => Effect.fail(new CdnSigningFailure({ reason: "no key" })),
      },
    };

    const error = await failureOf(new GetCollection(failingPorts).run(userPrincipal(owner), collection.key));

    expect(error).toMatchObject({ _tag: "CdnSigningFailure" });
  });
});
