import { Effect } from "effect";
import type { CdnUrls, SignedAccess } from "../../ports/cdn-urls.js";
import { withSignedAccess } from "../../ports/cdn-urls.js";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import {
  hlsPlaylistKey,
  mp4Key,
  originalKey,
  retranscodeStagingPrefix,
  thumbnailKey,
} from "../../model/storage-keys.js";
import type { KeySpace } from "../../model/storage-keys.js";
import { aCollection, aVideo } from "../../testing/builders.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import type { Video } from "../../model/video.js";
import { Encoding } from "../../model/video-file.js";
import { mediaAccessFor } from "./media-access.js";
import type { VideoObjects } from "./media-access.js";

/** A video whose HLS output, MP4 and thumbnail are in `space`, with its original upload. */
const objectsOf = (video: Video, space: KeySpace | "none" = "none"): VideoObjects => {
  const hex = hexKey(video.key);
  const original = { s3ObjectKey: originalKey(hex, video.sourceUrl), encoding: Encoding.original };
  if (space === "none") return { video, files: [original], thumbnails: [], subtitles: [] };
  return {
    video,
    files: [
      original,
      { s3ObjectKey: hlsPlaylistKey(hex, space), encoding: Encoding.hls },
      { s3ObjectKey: mp4Key(hex, space), encoding: Encoding.desktopMp4 },
    ],
    thumbnails: [{ s3ObjectKey: thumbnailKey(hex, space) }],
    subtitles: [],
  };
};

describe("media access", () => {
  it("gives public videos plain, unsigned CDN URLs", async () => {
    const { cdnUrls } = makeInMemoryHarness({ cdnHost: "d111.cloudfront.net" });
    const video = aVideo().public().build();
    const access = await Effect.runPromise(mediaAccessFor(cdnUrls, objectsOf(video), aCollection().build()));
    const key = hlsPlaylistKey(hexKey(video.key), "public");
    expect(access.url(key)).toBe(`https://d111.cloudfront.net/${key}`);
    expect(access.expiresAt).toBeNull();
  });

  it("signs the protected keys of a private video, and gives its original upload no URL", async () => {
    const { cdnUrls, clock } = makeInMemoryHarness({ cdnHost: "d111.cloudfront.net" });
    const video = aVideo().build();
    const access = await Effect.runPromise(mediaAccessFor(cdnUrls, objectsOf(video), aCollection().build()));
    const key = hlsPlaylistKey(hexKey(video.key), "restricted");
    expect(access.url(key)).toMatch(new RegExp(`^https://d111\\.cloudfront\\.net/${key}\\?.*Signature=`));
    expect(access.expiresAt?.getTime()).toBeGreaterThan(clock.now().getTime());
    expect(access.url(originalKey(hexKey(video.key), video.sourceUrl))).toBe("");
  });

  it("gives a protected video of a collection linked to an edX course plain URLs, as edX's learners never sign in", async () => {
    const { cdnUrls } = makeInMemoryHarness({ cdnHost: "d111.cloudfront.net" });
    const video = aVideo().private().build();
    const linked = aCollection().withEdxCourse("course-v1:MITx+8.01+2026").build();
    const access = await Effect.runPromise(mediaAccessFor(cdnUrls, objectsOf(video), linked));
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

    const access = await Effect.runPromise(mediaAccessFor(cdnUrls, objectsOf(video), aCollection().build()));
    const again = await Effect.runPromise(mediaAccessFor(cdnUrls, objectsOf(video), aCollection().build()));

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
          const grant: SignedAccess = grants.get(hex) ?? {
            queryParameters: grants.size === 0 ? { Signature: `for-${hex}` } : {},
            cookies: {},
            expiresAt,
          };
          grants.set(hex, grant);
          return grant;
        }),
    };
    const [signed, bare] = [aVideo().build(), aVideo().build()];
    const [signedHex, bareHex] = [hexKey(signed.key), hexKey(bare.key)];

    const signedAccess = await Effect.runPromise(
      mediaAccessFor(cdnUrls, objectsOf(signed), aCollection().build()),
    );
    const bareAccess = await Effect.runPromise(
      mediaAccessFor(cdnUrls, objectsOf(bare), aCollection().build()),
    );

    expect(signedAccess.url(hlsPlaylistKey(signedHex, "restricted"))).toBe(
      `https://cdn.example.edu/${hlsPlaylistKey(signedHex, "restricted")}?Signature=for-${signedHex}`,
    );
    expect(bareAccess.url(hlsPlaylistKey(bareHex, "restricted"))).toBe(
      `https://cdn.example.edu/${hlsPlaylistKey(bareHex, "restricted")}`,
    );
  });
  it("hands out no URL for what the CDN never serves as media: the original upload and a retranscode's staging folder", async () => {
    const { cdnUrls } = makeInMemoryHarness({ cdnHost: "d111.cloudfront.net" });
    for (const video of [aVideo().public().build(), aVideo().private().build()]) {
      const hex = hexKey(video.key);
      const access = await Effect.runPromise(
        mediaAccessFor(
          cdnUrls,
          objectsOf(video, video.isPublic ? "public" : "restricted"),
          aCollection().build(),
        ),
      );
      expect(access.url(originalKey(hex, video.sourceUrl))).toBe("");
      expect(access.url(`${retranscodeStagingPrefix(hex)}/video__index.m3u8`)).toBe("");
      expect(access.url(`restricted/${retranscodeStagingPrefix(hex)}/video__index.m3u8`)).toBe("");
    }
  });

  it("keeps a video playable while a visibility move runs: each URL follows where its object is now", async () => {
    const { cdnUrls } = makeInMemoryHarness({ cdnHost: "d111.cloudfront.net" });
    const collection = aCollection().build();

    // Made public, objects not yet copied out of the protected space: still signed, still playable.
    const goingPublic = aVideo().public().build();
    const publicHex = hexKey(goingPublic.key);
    const beforeCopy = await Effect.runPromise(
      mediaAccessFor(cdnUrls, objectsOf(goingPublic, "restricted"), collection),
    );
    expect(beforeCopy.url(hlsPlaylistKey(publicHex, "restricted"))).toMatch(/\?Policy=.*&Signature=/);
    expect(beforeCopy.signedQuery).not.toBeNull();
    // Once the rows point at the public copies, plain URLs and no grant.
    const afterMove = await Effect.runPromise(
      mediaAccessFor(cdnUrls, objectsOf(goingPublic, "public"), collection),
    );
    expect(afterMove.url(hlsPlaylistKey(publicHex, "public"))).toBe(
      `https://d111.cloudfront.net/${hlsPlaylistKey(publicHex, "public")}`,
    );
    expect(afterMove.signedQuery).toBeNull();

    // Made private, objects still public until copied: plain URLs to what is still public; the
    // protected copies get the grant once the rows point at them.
    const goingPrivate = aVideo().private().build();
    const privateHex = hexKey(goingPrivate.key);
    const stillPublic = await Effect.runPromise(
      mediaAccessFor(cdnUrls, objectsOf(goingPrivate, "public"), collection),
    );
    expect(stillPublic.url(mp4Key(privateHex, "public"))).toBe(
      `https://d111.cloudfront.net/${mp4Key(privateHex, "public")}`,
    );
    expect(stillPublic.url(mp4Key(privateHex, "restricted"))).toMatch(/\?Policy=/);
  });
});
