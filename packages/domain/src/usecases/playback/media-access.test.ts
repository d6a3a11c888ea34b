import { Effect } from "effect";
import type { CdnUrls, SignedAccess } from "../../ports/cdn-urls.js";
import { withSignedAccess } from "../../ports/cdn-urls.js";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { hlsPlaylistKey, mp4Key, originalKey, thumbnailKey } from "../../model/storage-keys.js";
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

  it("appends the grant to every protected URL exactly as withSignedAccess does, whether or not the URL has a query", async () => {
    const { cdnUrls } = makeInMemoryHarness({ cdnHost: "d111.cloudfront.net" });
    const video = aVideo().build();
    const hex = hexKey(video.key);
    const grant = await Effect.runPromise(cdnUrls.signedAccess(hex));
    const keys = [
      hlsPlaylistKey(hex, "restricted"),
      mp4Key(hex, "restricted"),
      thumbnailKey(hex, "restricted"),
      `restricted/transcoded/${hex}/odd?name=1.ts`,
    ];

    const access = await Effect.runPromise(mediaAccessFor(cdnUrls, video, aCollection().build()));
    const again = await Effect.runPromise(mediaAccessFor(cdnUrls, video, aCollection().build()));

    for (const key of keys) {
      expect(access.url(key)).toBe(withSignedAccess(cdnUrls.plainUrl(key), grant));
      expect(again.url(key)).toBe(access.url(key));
    }
    expect(access.url(keys[3] ?? "")).toMatch(/\?name=1\.ts&Policy=/);
  });

  it("keeps each grant's own parameters: another video, or a grant without parameters, gets its own URLs", async () => {
    const grants = new Map<string, SignedAccess>();
    const expiresAt = new Date("2026-03-02T17:00:00Z");
    const cdnUrls: CdnUrls = {
      plainUrl: (key) => `https://cdn.example.edu/${key}`,
      signedAccess: (hex) =>
        Effect.sync(() => {
          const grant = grants.get(hex) ?? {
            queryParameters: grants.size === 0 ? { Signature: `for-${hex}` } : {},
            expiresAt,
          };
          grants.set(hex, grant);
          return grant;
        }),
    };
    const [signed, bare] = [aVideo().build(), aVideo().build()];
    const [signedHex, bareHex] = [hexKey(signed.key), hexKey(bare.key)];

    const signedAccess = await Effect.runPromise(mediaAccessFor(cdnUrls, signed, aCollection().build()));
    const bareAccess = await Effect.runPromise(mediaAccessFor(cdnUrls, bare, aCollection().build()));

    expect(signedAccess.url(hlsPlaylistKey(signedHex, "restricted"))).toBe(
      `https://cdn.example.edu/${hlsPlaylistKey(signedHex, "restricted")}?Signature=for-${signedHex}`,
    );
    expect(bareAccess.url(hlsPlaylistKey(bareHex, "restricted"))).toBe(
      `https://cdn.example.edu/${hlsPlaylistKey(bareHex, "restricted")}`,
    );
  });
});
