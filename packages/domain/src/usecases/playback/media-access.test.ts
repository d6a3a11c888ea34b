import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { hlsPlaylistKey, originalKey } from "../../model/storage-keys.js";
import { aCollection, aVideo } from "../../testing/builders.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { mediaAccessFor } from "./media-access.js";

describe("media access", () => {
  it("gives public videos plain, unsigned CDN URLs", async () => {
    const { cdnUrls } = makeInMemoryHarness({ cdnHost: "d111.cloudfront.net" });
    const video = aVideo().public().build();
    const access = await Effect.runPromise(mediaAccessFor(cdnUrls, video, aCollection().build()));
    const key = hlsPlaylistKey(hexKey(video.key), "public");
    expect(access.url(key)).toBe(`https://d111.cloudfront.net/${key}`);
    expect(access.expiresAt).toBeNull();
  });

  it("signs the protected keys of other videos and hands out nothing else", async () => {
    const { cdnUrls, clock } = makeInMemoryHarness({ cdnHost: "d111.cloudfront.net" });
    const video = aVideo().build();
    const access = await Effect.runPromise(mediaAccessFor(cdnUrls, video, aCollection().build()));
    const key = hlsPlaylistKey(hexKey(video.key), "restricted");
    expect(access.url(key)).toMatch(new RegExp(`^https://d111\\.cloudfront\\.net/${key}\\?.*Signature=`));
    expect(access.expiresAt?.getTime()).toBeGreaterThan(clock.now().getTime());
    expect(access.url(hlsPlaylistKey(hexKey(video.key), "public"))).toBe("");
    expect(access.url(originalKey(hexKey(video.key), video.sourceUrl))).toBe("");
  });

  it("gives a protected video of a collection linked to an edX course plain URLs, as edX's learners never sign in", async () => {
    const { cdnUrls } = makeInMemoryHarness({ cdnHost: "d111.cloudfront.net" });
    const video = aVideo().private().build();
    const linked = aCollection().withEdxCourse("course-v1:MITx+8.01+2026").build();
    const access = await Effect.runPromise(mediaAccessFor(cdnUrls, video, linked));
    const key = hlsPlaylistKey(hexKey(video.key), "public");
    expect(access.url(key)).toBe(`https://d111.cloudfront.net/${key}`);
    expect(access.expiresAt).toBeNull();
    expect(access.signedQuery).toBeNull();
  });
});
