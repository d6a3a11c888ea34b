import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hexKey, hlsPlaylistKey, mp4Key, thumbnailKey, userPrincipal } from "@ovs/domain";
import type { Collection, KeySpace, Video } from "@ovs/domain";
import { DEFAULT_CDN_HOST, aCollection, aUser, aVideo, storeIn } from "@ovs/domain/testing";
import type { VideoBuilder } from "@ovs/domain/testing";
import { startTestService } from "./support/test-service.js";
import type { TestService } from "./support/test-service.js";

/**
 * `GET /api/v0/videos/<key>/playback/` as a player meets it: the grant in the JSON for a protected
 * video, and, with `OVS_PLAYBACK_SIGNED_COOKIES`, the same grant as CDN cookies on each of the
 * video's protected folders. The real Koa app on the `test` profile, called with `fetch`.
 */
interface Setup {
  readonly service: TestService;
  readonly viewerToken: string;
  readonly collection: Collection;
}

const setUp = async (env: Record<string, string>): Promise<Setup> => {
  const service = await startTestService({ env });
  // The collection's owner watches: the bearer token's principal may view every video in it.
  const owner = await storeIn(service.harness).user(aUser().named("lecturer@example.edu"));
  const collection = await storeIn(service.harness).collection(aCollection().titled("8.01 Physics"), owner);
  const { token } = await service.ovs.useCases.issueApiToken(userPrincipal(owner), { name: "player" });
  return { service, viewerToken: token, collection };
};

/** A Complete video with its HLS playlist, MP4 and thumbnail in `space`. */
const transcoded = async (setup: Setup, builder: VideoBuilder, space: KeySpace): Promise<Video> => {
  const { harness } = setup.service;
  const video = await storeIn(harness).video(setup.collection, builder.withStatus("Complete"));
  const hex = hexKey(video.key);
  const at = new Date();
  const file = (s3ObjectKey: string, encoding: string) =>
    Effect.runPromise(
      harness.videoFiles.insert(
        { videoKey: video.key, s3ObjectKey, bucketName: "ovs-transcoded", encoding },
        at,
      ),
    );
  await file(`${hex}/video.mp4`, "original");
  await file(hlsPlaylistKey(hex, space), "HLS");
  await file(mp4Key(hex, space), "desktop_mp4");
  await Effect.runPromise(
    harness.videoThumbnails.upsertByKey(
      {
        videoKey: video.key,
        s3ObjectKey: thumbnailKey(hex, space),
        bucketName: "ovs-thumbnails",
        maxWidth: 640,
        maxHeight: 360,
      },
      at,
    ),
  );
  return video;
};

const playbackOf = (setup: Setup, video: Video) =>
  fetch(`${setup.service.base}/api/v0/videos/${hexKey(video.key)}/playback/`, {
    headers: { Authorization: `Bearer ${setup.viewerToken}` },
  });

/** The CDN cookies a response sets (not the CSRF cookie a GET also gets): name, value, attributes. */
const cookiesOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .filter((header) => header.startsWith("CloudFront-"))
    .map((header) => {
      const [pair = "", ...attributes] = header.split(";").map((part) => part.trim());
      const attribute = (name: string) =>
        attributes.find((part) => part.toLowerCase().startsWith(`${name}=`))?.slice(name.length + 1);
      return {
        name: pair.slice(0, pair.indexOf("=")),
        value: pair.slice(pair.indexOf("=") + 1),
        path: attribute("path"),
        domain: attribute("domain"),
        expires: attribute("expires"),
        flags: attributes.map((part) => part.toLowerCase()),
      };
    });

describe("the playback endpoint", () => {
  describe("with signed cookies off (the default)", () => {
    let setup: Setup;
    beforeAll(async () => {
      setup = await setUp({});
    });
    afterAll(() => setup.service.stop());

    it("answers a protected video's sources, poster and grant, uncacheable, and sets no cookie", async () => {
      const video = await transcoded(setup, aVideo().private(), "restricted");
      const response = await playbackOf(setup, video);

      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("private, no-store");
      expect(cookiesOf(response)).toEqual([]);
      const body = (await response.json()) as Record<string, unknown> & {
        grant: { queryParameters: Record<string, string>; expiresAt: string };
        sources: ReadonlyArray<{ src: string }>;
        poster: string;
      };
      expect(Object.keys(body)).not.toContain("signedCookies");
      expect(Object.keys(body.grant.queryParameters).sort()).toEqual(["Key-Pair-Id", "Policy", "Signature"]);
      expect(new Date(body.grant.expiresAt).getTime()).toBeGreaterThan(Date.now() + 5 * 3600 * 1000);
      for (const url of [...body.sources.map((source) => source.src), body.poster]) {
        expect(new URL(url).pathname.startsWith("/restricted/")).toBe(true);
        expect(new URL(url).searchParams.get("Signature")).toBe(body.grant.queryParameters["Signature"]);
      }
    });

    it("never hands out the original upload, whatever the video's visibility", async () => {
      for (const [builder, space] of [
        [aVideo().private(), "restricted"],
        [aVideo().public(), "public"],
      ] as const) {
        const video = await transcoded(setup, builder, space);
        const response = await playbackOf(setup, video);
        const body = (await response.json()) as {
          video: { videofile_set: ReadonlyArray<{ encoding: string; cloudfront_url: string }> };
        };
        const urls = Object.fromEntries(
          body.video.videofile_set.map((file) => [file.encoding, file.cloudfront_url]),
        );
        expect(urls["original"]).toBe("");
        expect(urls["HLS"]).toMatch(/__index\.m3u8/);
      }
    });
  });

  describe("the download link, /videos/<key>/download", () => {
    let setup: Setup;
    beforeAll(async () => {
      setup = await setUp({});
    });
    afterAll(() => setup.service.stop());

    it("redirects anyone to a public video's MP4 on the CDN, unsigned, with or without the slash", async () => {
      const video = await transcoded(setup, aVideo().public(), "public");
      for (const path of ["download", "download/"]) {
        const response = await fetch(`${setup.service.base}/videos/${hexKey(video.key)}/${path}`, {
          redirect: "manual",
        });
        expect(response.status).toBe(302);
        expect(response.headers.get("location")).toBe(
          `https://${DEFAULT_CDN_HOST}/${mp4Key(hexKey(video.key), "public")}`,
        );
      }
    });

    it("is not found for a protected video, even to its owner", async () => {
      const video = await transcoded(setup, aVideo().private(), "restricted");
      const response = await fetch(`${setup.service.base}/videos/${hexKey(video.key)}/download/`, {
        redirect: "manual",
        headers: { Authorization: `Bearer ${setup.viewerToken}` },
      });
      expect(response.status).toBe(404);
      expect(response.headers.get("location")).toBeNull();
    });
  });

  describe("with OVS_PLAYBACK_SIGNED_COOKIES", () => {
    let setup: Setup;
    beforeAll(async () => {
      setup = await setUp({
        OVS_PLAYBACK_SIGNED_COOKIES: "true",
        OVS_PLAYBACK_COOKIE_DOMAIN: "video.example.edu",
        OVS_PLAYBACK_GRANT_SECONDS: "7200",
      });
    });
    afterAll(() => setup.service.stop());

    it("sets the grant as CloudFront cookies on each of the video's protected folders, until the grant ends", async () => {
      const video = await transcoded(setup, aVideo().private(), "restricted");
      const hex = hexKey(video.key);
      const response = await playbackOf(setup, video);
      const body = (await response.json()) as {
        grant: { queryParameters: Record<string, string>; expiresAt: string };
      };

      const cookies = cookiesOf(response);
      const paths = [
        `/restricted/transcoded/${hex}/`,
        `/restricted/thumbnails/${hex}/`,
        `/restricted/subtitles/${hex}/`,
      ];
      expect(cookies.map((cookie) => `${cookie.path ?? ""} ${cookie.name}`).sort()).toEqual(
        paths
          .flatMap((path) =>
            ["CloudFront-Key-Pair-Id", "CloudFront-Policy", "CloudFront-Signature"].map(
              (name) => `${path} ${name}`,
            ),
          )
          .sort(),
      );
      for (const cookie of cookies) {
        expect(cookie.value).toBe(body.grant.queryParameters[cookie.name.replace("CloudFront-", "")]);
        expect(cookie.domain).toBe("video.example.edu");
        expect(new Date(cookie.expires ?? "").getTime()).toBe(
          Math.floor(new Date(body.grant.expiresAt).getTime() / 1000) * 1000,
        );
        // The test profile serves plain http, so no Secure; HttpOnly, as only the CDN reads them.
        expect(cookie.flags).toEqual(expect.arrayContaining(["httponly", "samesite=lax"]));
      }
      expect(new Date(body.grant.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual((7200 + 3600) * 1000);
      expect(new Date(body.grant.expiresAt).getTime() - Date.now()).toBeGreaterThan(7200 * 1000 - 60_000);
    });

    it("sets no cookie for a public video, whose URLs are plain", async () => {
      const video = await transcoded(setup, aVideo().public(), "public");
      const response = await playbackOf(setup, video);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { grant: unknown }).grant).toBeNull();
      expect(cookiesOf(response)).toEqual([]);
    });

    it("sets no cookie for someone who may not view the video", async () => {
      const video = await transcoded(setup, aVideo().private().withViewLists("other-group"), "restricted");
      const { token } = await setup.service.ovs.useCases.issueApiToken(
        userPrincipal(await storeIn(setup.service.harness).user(aUser().named("stranger@example.edu"))),
        { name: "stranger" },
      );
      const response = await fetch(`${setup.service.base}/api/v0/videos/${hexKey(video.key)}/playback/`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(404);
      expect(cookiesOf(response)).toEqual([]);
    });
  });
});
