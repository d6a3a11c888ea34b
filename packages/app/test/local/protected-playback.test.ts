import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { promisify } from "node:util";
import { Either, Effect, Redacted } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudFrontUrls } from "@ovs/adapters-aws";
import {
  cloudFrontRouting,
  FILESYSTEM_STORE_FOLDER,
  FilesystemObjectStore,
  resolveFfmpegPath,
  startLocalCdn,
} from "@ovs/adapters-local";
import type { RunningLocalCdn } from "@ovs/adapters-local";
import { FAILED_STATUSES, SystemClock } from "@ovs/domain";
import type { HexKey, VideoStatus } from "@ovs/domain";
import { CLI_TOKEN_FILE } from "../../src/cli/operator-token.js";
import { devPasswordsFrom, signInThroughIssuer } from "./support/app-browser.js";
import { readConfig } from "../../src/config/index.js";
import { localPaths } from "../../src/composition/local-profile.js";
import {
  cookieHeaderFor,
  countsByKind,
  crawlVideo,
  fetchEach,
  plainUrlOf,
  withTamperedSignature,
} from "./support/hls-crawler.js";
import type { Fetched, VideoMedia } from "./support/hls-crawler.js";
import { freePorts, sleep, spawnOvs, stopChild, waitFor, waitUntilReady } from "./support/ovs-child.js";
import type { Spawned } from "./support/ovs-child.js";

/**
 * Protected playback end to end (docs/architecture.md §5.6): the real `ovs serve` in the `local`
 * profile, two private videos transcoded by ffmpeg, and a player's crawl of each through the
 * local CDN, which checks CloudFront signatures as CloudFront does. A viewer's grant opens every
 * object of its video and nothing else; no grant, another video's grant, an expired grant and a
 * tampered one are refused; a refresh opens it again. The same crawl then runs against grants
 * from the `aws` profile's signer, checked with the CloudFront public key alone. Last, a video
 * goes private → public → private through the API, its objects moving between the key spaces.
 */

interface Playback {
  readonly status: VideoStatus;
  readonly sources: ReadonlyArray<{ readonly src: string; readonly type: string }>;
  readonly subtitles: ReadonlyArray<{ readonly url: string }>;
  readonly poster: string | null;
  readonly grant: { readonly queryParameters: Record<string, string>; readonly expiresAt: string } | null;
}

/** Short grants, so the test can watch one expire: 20 s after the end of a 1 s window. */
const GRANT_SECONDS = 20;
const SRT = "1\n00:00:01,000 --> 00:00:03,000\nProtected captions.\n";

const mediaOf = (playback: Playback): VideoMedia => ({
  hls: playback.sources.find((source) => source.type === "application/x-mpegURL")?.src ?? "",
  mp4: playback.sources.find((source) => source.type === "video/mp4")?.src ?? null,
  poster: playback.poster,
  subtitles: playback.subtitles.map((track) => track.url),
});

const statuses = (fetched: ReadonlyArray<Fetched>) =>
  [...new Set(fetched.map((answer) => answer.status))].sort();

describe("protected playback through the local profile's CDN", { timeout: 300_000 }, () => {
  const folders: Array<string> = [];
  let served: Spawned | undefined;
  let base = "";
  let dataDir = "";
  let token = "";
  let collectionKey = "";
  let passwords: ReadonlyMap<string, string> = new Map();
  const keys: { protected: string; other: string } = { protected: "", other: "" };
  let allowed: ReadonlyArray<Fetched> = [];
  let firstGrant: Playback["grant"] = null;
  const figures: Array<string> = [];

  const api = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${token}`);
    return fetch(`${base}${path}`, { ...init, headers });
  };
  const json = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const answer = await api(path, init);
    expect(answer.status, `${init.method ?? "GET"} ${path}`).toBeLessThan(300);
    return (await answer.json()) as T;
  };
  const playbackOf = (key: string) => json<Playback>(`/api/v0/videos/${key}/playback/`);

  /** The served objects of a video on disk, as `<bucket>/<key>`; the original upload and sidecars left out. */
  const objectsOnDisk = (hex: string): ReadonlyArray<string> => {
    const storage = localPaths(dataDir).storage;
    const found: Array<string> = [];
    const walk = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== FILESYSTEM_STORE_FOLDER) walk(path);
        } else if (path.includes(hex)) found.push(relative(storage, path).split(sep).join("/"));
      }
    };
    walk(storage);
    return found.filter((path) => !path.startsWith("ovs-uploads/")).sort();
  };

  const waitForStatus = (key: string) =>
    waitFor(
      `video ${key} to finish transcoding`,
      async () => {
        const { status } = await json<{ status: VideoStatus }>(`/api/v0/videos/${key}/`);
        return status === "Complete" || FAILED_STATUSES.has(status) ? status : undefined;
      },
      180_000,
    );

  beforeAll(async () => {
    const [port, cdnPort] = await freePorts(2);
    dataDir = mkdtempSync(join(tmpdir(), "ovs-protected-"));
    const mediaDir = mkdtempSync(join(tmpdir(), "ovs-protected-media-"));
    folders.push(dataDir, mediaDir);
    base = `http://127.0.0.1:${String(port)}`;
    served = spawnOvs("local", ["serve"], {
      OVS_PROFILE: "local",
      OVS_DATA_DIR: dataDir,
      PORT: String(port),
      OVS_CDN_PORT: String(cdnPort),
      OVS_PLAYBACK_GRANT_SECONDS: String(GRANT_SECONDS),
      OVS_CDN_SIGNATURE_WINDOW_SECONDS: "1",
      OVS_PLAYBACK_SIGNED_COOKIES: "true",
    });
    const videoPath = join(mediaDir, "protected.mp4");
    const generate = promisify(execFile)(resolveFfmpegPath(), [
      ...["-hide_banner", "-loglevel", "error", "-y"],
      ...["-f", "lavfi", "-i", "testsrc=size=640x360:rate=25"],
      ...["-f", "lavfi", "-i", "sine=frequency=440"],
      ...["-t", "6", "-pix_fmt", "yuv420p", videoPath],
    ]);
    const running = served;
    await Promise.all([generate, waitUntilReady(base, running, 120_000)]);
    token = readFileSync(join(dataDir, CLI_TOKEN_FILE), "utf8").trim();
    passwords = devPasswordsFrom(
      await waitFor(
        "the start banner",
        async () => (running.output().stdout.includes("Dev accounts") ? running.output().stdout : undefined),
        10_000,
      ),
    );

    const collection = await json<{ key: string }>("/api/v0/collections/", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ title: "Protected lectures", view_lists: [], admin_lists: [] }),
    });
    collectionKey = collection.key;
    const upload = async (name: string) => {
      const form = new FormData();
      form.append("collection", collection.key);
      form.append("file", new Blob([readFileSync(videoPath)], { type: "video/mp4" }), name);
      const answer = await json<Record<string, unknown>>("/api/v0/upload_file/", {
        method: "POST",
        body: form,
      });
      return Object.keys(answer)[0] ?? "";
    };
    keys.protected = await upload("protected.mp4");
    keys.other = await upload("other.mp4");
    expect(await Promise.all([waitForStatus(keys.protected), waitForStatus(keys.other)])).toEqual([
      "Complete",
      "Complete",
    ]);
    const captions = new FormData();
    captions.append("video", keys.protected);
    captions.append("language", "en");
    captions.append("file", new Blob([SRT], { type: "application/x-subrip" }), "captions.srt");
    expect((await api("/api/v0/upload_subtitles/", { method: "POST", body: captions })).status).toBe(202);
  }, 300_000);

  afterAll(async () => {
    if (served !== undefined) await stopChild(served, 10_000);
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    console.info(`[protected-playback] ${figures.join("; ")}`);
  }, 30_000);

  it("serves every object of a protected video, and only with its grant, under the protected prefix", async () => {
    const playback = await playbackOf(keys.protected);
    const grant = playback.grant ?? expect.unreachable("a private video has a grant");
    firstGrant = grant;
    expect(playback.subtitles).toHaveLength(1);

    allowed = await crawlVideo(mediaOf(playback), { query: grant.queryParameters });

    expect(allowed.filter((answer) => answer.status !== 200)).toEqual([]);
    expect(countsByKind(allowed)).toMatch(/^master=1 variant=3 (segment=\d+ )mp4=1 poster=1 subtitle=1$/);
    for (const { url } of allowed)
      expect(new URL(url).pathname).toMatch(/^\/restricted\/(transcoded|thumbnails|subtitles)\//);

    const unsigned = await fetchEach(allowed, {});
    const otherGrant =
      (await playbackOf(keys.other)).grant?.queryParameters ?? expect.unreachable("no grant");
    const another = await fetchEach(allowed, { query: otherGrant });
    const tampered = await fetchEach(allowed, { query: withTamperedSignature(grant.queryParameters) });
    expect({
      unsigned: statuses(unsigned),
      another: statuses(another),
      tampered: statuses(tampered),
    }).toEqual({
      unsigned: [403],
      another: [403],
      tampered: [403],
    });
    figures.push(
      `protected video: fetched ${String(allowed.length)} objects with its grant (${countsByKind(allowed)}); ` +
        `refused ${String(unsigned.length)} without a grant, ${String(another.length)} with another video's, ` +
        `${String(tampered.length)} with a tampered signature`,
    );
  });

  it("never serves the original upload or a staging folder, with or without the grant", async () => {
    const grant = firstGrant ?? expect.unreachable("no grant yet");
    const cdn = new URL(allowed[0]?.url ?? expect.unreachable("no crawl")).origin;
    const hex = keys.protected;
    for (const path of [`${hex}/video.mp4`, `retranscode/transcoded/${hex}/video__index.m3u8`]) {
      for (const query of [{}, grant.queryParameters]) {
        const target = new URL(`${cdn}/${path}`);
        for (const [name, value] of Object.entries(query)) target.searchParams.set(name, value);
        const answer = await fetch(target);
        await answer.arrayBuffer();
        expect(answer.status, path).toBe(403);
      }
    }
  });

  it("serves the same objects with the grant as CDN cookies, each video's on its own paths", async () => {
    const response = await api(`/api/v0/videos/${keys.protected}/playback/`);
    const setCookies = response.headers.getSetCookie().filter((header) => header.startsWith("CloudFront-"));
    const playback = (await response.json()) as Playback;
    const otherResponse = await api(`/api/v0/videos/${keys.other}/playback/`);
    await otherResponse.arrayBuffer();
    const otherCookies = otherResponse.headers
      .getSetCookie()
      .filter((header) => header.startsWith("CloudFront-"));
    // A browser holding both videos' cookies sends, for each URL, the cookies of that URL's path.
    const both = [...setCookies, ...otherCookies];

    const withCookies = await crawlVideo(mediaOf({ ...playback, grant: null }), {
      cookie: (url) => cookieHeaderFor(both, url),
    });
    const onlyTheOthers = await fetchEach(withCookies, {
      cookie: (url) => cookieHeaderFor(otherCookies, url),
    });

    expect(withCookies.map((answer) => [answer.kind, answer.status])).toEqual(
      allowed.map((answer) => [answer.kind, 200]),
    );
    expect(statuses(onlyTheOthers)).toEqual([403]);
  });

  it("serves the same crawl with grants from the aws profile's signer, checked with the CloudFront public key", async () => {
    const buckets = Either.getOrThrow(readConfig({ OVS_PROFILE: "local" })).domain.buckets;
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const cloudFrontHost = "d111111abcdef8.cloudfront.net";
    // As the aws profile builds it: https URLs on the distribution's host, RSA-signed custom policies.
    const signer = new CloudFrontUrls({
      host: cloudFrontHost,
      keyPairId: "K2JCJMDEHXQW5F",
      privateKey: Redacted.make(privateKey.export({ type: "pkcs8", format: "pem" }).toString()),
      ttl: "6 hours",
      window: "1 hour",
      clock: new SystemClock(),
    });
    let cdn: RunningLocalCdn | undefined;
    try {
      // CloudFront's side: the distribution's behaviours, and only the public key in its key group.
      cdn = await startLocalCdn({
        store: new FilesystemObjectStore(localPaths(dataDir).storage),
        routing: cloudFrontRouting(buckets),
        trustedKeys: { K2JCJMDEHXQW5F: publicKey.export({ type: "spki", format: "pem" }).toString() },
        publicHost: cloudFrontHost,
      });
      const origin = cdn.url;
      const via = (url: string) => url.replace(`https://${cloudFrontHost}`, origin);
      const onCloudFront = (url: string) => `https://${cloudFrontHost}${new URL(url).pathname}`;
      const playback = await playbackOf(keys.protected);
      const media: VideoMedia = {
        hls: onCloudFront(mediaOf(playback).hls),
        mp4: onCloudFront(mediaOf(playback).mp4 ?? ""),
        poster: onCloudFront(playback.poster ?? ""),
        subtitles: mediaOf(playback).subtitles.map(onCloudFront),
      };
      const grant = await Effect.runPromise(signer.signedAccess(keys.protected as HexKey));
      const other = await Effect.runPromise(signer.signedAccess(keys.other as HexKey));

      const crawled = await crawlVideo(media, { query: grant.queryParameters }, { via });
      const refused = [
        ...(await fetchEach(crawled, {}, { via })),
        ...(await fetchEach(crawled, { query: other.queryParameters }, { via })),
        ...(await fetchEach(crawled, { query: withTamperedSignature(grant.queryParameters) }, { via })),
        // The local profile's own grant names another host and key: CloudFront would refuse it too.
        ...(await fetchEach(crawled, { query: firstGrant?.queryParameters ?? {} }, { via })),
      ];

      expect(countsByKind(crawled)).toBe(countsByKind(allowed));
      expect(statuses(crawled)).toEqual([200]);
      expect(statuses(refused)).toEqual([403]);
      figures.push(
        `aws signer: fetched ${String(crawled.length)} objects with its grant; refused ${String(refused.length)} ` +
          "requests without one, with another video's, tampered, or signed by another key",
      );
    } finally {
      await cdn?.close();
    }
  });

  it("refuses a grant once it has expired, and serves again after the player refreshes it", async () => {
    const expired = firstGrant ?? expect.unreachable("no grant yet");
    const expiresAt = new Date(expired.expiresAt).getTime();
    expect(expiresAt - Date.now()).toBeLessThanOrEqual((GRANT_SECONDS + 2) * 1000);
    await sleep(Math.max(0, expiresAt - Date.now()) + 1500);

    const afterExpiry = await fetchEach(allowed, { query: expired.queryParameters });
    const refreshed = await playbackOf(keys.protected);
    const fresh = refreshed.grant ?? expect.unreachable("no grant");
    const again = await crawlVideo(mediaOf(refreshed), { query: fresh.queryParameters });

    expect(statuses(afterExpiry)).toEqual([403]);
    expect(new Date(fresh.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(again.map((answer) => [answer.url, answer.status])).toEqual(
      allowed.map((answer) => [answer.url, 200]),
    );
    figures.push(
      `expired grant refused on ${String(afterExpiry.length)} objects; refreshed grant served all`,
    );
  });

  describe("who may play, asked of the API and of the CDN", () => {
    const cdnCookies = (response: Response) =>
      response.headers.getSetCookie().filter((header) => header.startsWith("CloudFront-"));
    const setViewLists = (viewLists: ReadonlyArray<string>) =>
      json(`/api/v0/collections/${collectionKey}/`, {
        method: "PATCH",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ view_lists: viewLists }),
      });

    it("gives a viewer outside the video's groups, and an anonymous visitor, no playback and no grant", async () => {
      const viewer = await signInThroughIssuer(
        base,
        "viewer@ovs.local",
        passwords.get("viewer@ovs.local") ?? "",
      );
      const asViewer = await viewer.request(`/api/v0/videos/${keys.protected}/playback/`);
      const asAnonymous = await fetch(`${base}/api/v0/videos/${keys.protected}/playback/`);

      expect([asViewer.status, asAnonymous.status]).toEqual([404, 403]);
      expect([...cdnCookies(asViewer), ...cdnCookies(asAnonymous)]).toEqual([]);
      expect(JSON.stringify(await asViewer.json())).not.toMatch(/Signature|restricted\//);
      await asAnonymous.arrayBuffer();
    });

    it("plays to the viewer once the collection lets their group view it, with the grant or the cookies, and to no one else", async () => {
      await setViewLists(["students"]);
      try {
        const viewer = await signInThroughIssuer(
          base,
          "viewer@ovs.local",
          passwords.get("viewer@ovs.local") ?? "",
        );
        const answer = await viewer.request(`/api/v0/videos/${keys.protected}/playback/`);
        expect(answer.status).toBe(200);
        const playback = (await answer.json()) as Playback;
        const grant = playback.grant ?? expect.unreachable("no grant");
        const cookies = cdnCookies(answer);

        const byGrant = await crawlVideo(mediaOf(playback), { query: grant.queryParameters });
        const byCookies = await fetchEach(byGrant, { cookie: (url) => cookieHeaderFor(cookies, url) });
        const otherVideo = await fetchEach(
          await crawlVideo(mediaOf(await playbackOf(keys.other)), {
            query: (await playbackOf(keys.other)).grant?.queryParameters ?? {},
          }),
          { query: grant.queryParameters, cookie: (url) => cookieHeaderFor(cookies, url) },
        );

        expect(byGrant.map((fetched) => [fetched.kind, fetched.status])).toEqual(
          allowed.map((fetched) => [fetched.kind, 200]),
        );
        expect(statuses(byCookies)).toEqual([200]);
        expect(statuses(otherVideo)).toEqual([403]);
      } finally {
        await setViewLists([]);
      }
    });
  });

  describe("a visibility round trip, private → public → private", () => {
    const hex = () => keys.protected;
    const feedKeys = async () => {
      const feed = (await (await fetch(`${base}/api/v0/public/videos/`)).json()) as {
        results: ReadonlyArray<{ key: string; sources: ReadonlyArray<{ src: string }> }>;
      };
      return feed.results;
    };
    const setPublic = (isPublic: boolean) =>
      json(`/api/v0/videos/${hex()}/`, {
        method: "PATCH",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ is_public: isPublic }),
      });
    /** Waits until the playback endpoint and the disk agree that every object is in `space`. */
    const waitForMove = (space: "public" | "restricted") =>
      waitFor(
        `the objects of ${hex()} to move to the ${space} space`,
        async () => {
          const objects = objectsOnDisk(hex());
          const restricted = objects.filter((path) => path.split("/")[1] === "restricted");
          const done =
            space === "restricted" ? restricted.length === objects.length : restricted.length === 0;
          return done ? objects : undefined;
        },
        60_000,
      );

    it("moves every object to the public space, drops the grant, lists the video in the public feed, and refuses the old URLs", async () => {
      const before = objectsOnDisk(hex());
      expect(before.every((path) => path.split("/")[1] === "restricted")).toBe(true);
      const oldGrant = (await playbackOf(hex())).grant ?? expect.unreachable("no grant");

      await setPublic(true);
      const after = await waitForMove("public");

      expect(after).toEqual(before.map((path) => path.replace("/restricted/", "/")).sort());
      const playback = await playbackOf(hex());
      expect(playback.grant).toBeNull();
      const plain = await crawlVideo(mediaOf(playback), {});
      expect(plain.map((answer) => [answer.kind, answer.status])).toEqual(
        allowed.map((answer) => [answer.kind, 200]),
      );
      const refusedUnsigned = plain.filter((answer) => answer.status !== 200).length;
      figures.push(
        `public video: fetched ${String(plain.length)} objects without a grant (${countsByKind(plain)}), ` +
          `refused ${String(refusedUnsigned)}`,
      );
      const listed = (await feedKeys()).find((item) => item.key === hex());
      expect(listed?.sources[0]?.src).toBe(plainUrlOf(mediaOf(playback).hls));
      const oldUrls = await fetchEach(allowed, { query: oldGrant.queryParameters });
      expect(oldUrls.filter((answer) => answer.status === 200)).toEqual([]);
    });

    it("moves them back when made private again: signed URLs only, gone from the feed, the public URLs refused", async () => {
      const publicUrls = await crawlVideo(mediaOf(await playbackOf(hex())), {});

      await setPublic(false);
      await waitForMove("restricted");

      const playback = await playbackOf(hex());
      const grant = playback.grant ?? expect.unreachable("no grant");
      const signed = await crawlVideo(mediaOf(playback), { query: grant.queryParameters });
      expect(signed.map((answer) => [answer.url, answer.status])).toEqual(
        allowed.map((answer) => [answer.url, 200]),
      );
      expect((await feedKeys()).map((item) => item.key)).not.toContain(hex());
      const stale = await fetchEach(publicUrls, {});
      expect(stale.filter((answer) => answer.status === 200)).toEqual([]);
    });
  });
});
