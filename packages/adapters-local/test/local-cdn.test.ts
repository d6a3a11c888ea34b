import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import type { IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { getSignedCookies, getSignedUrl } from "@aws-sdk/cloudfront-signer";
import type { ByteStream, HexKey, ObjectStore, SignedAccess } from "@ovs/domain";
import {
  hexKey,
  hlsPlaylistKey,
  mp4Key,
  subtitleKey,
  thumbnailKey,
  transcodePrefix,
  withSignedAccess,
} from "@ovs/domain";
import { aVideoKey, InMemoryClock, InMemoryObjectStore, streamOfBytes } from "@ovs/domain/testing";
import { Effect, Redacted } from "effect";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
// The real signer of the `aws` profile, read from its sources: the local CDN must accept exactly
// the URLs it makes. A test-only reach into the sibling package; no adapter code imports it.
import { CloudFrontUrls } from "../../adapters-aws/src/cloudfront-urls.js";
import type { CloudFrontUrlsSettings } from "../../adapters-aws/src/cloudfront-urls.js";
import { FilesystemObjectStore } from "../src/filesystem-object-store.js";
import type { RunningLocalCdn } from "../src/local-cdn.js";
import { cloudFrontRouting, startLocalCdn } from "../src/local-cdn.js";
import { STORE_FOLDER } from "../src/storage/storage-names.js";

const BUCKETS = {
  upload: "ovs-uploads",
  transcode: "ovs-transcoded",
  thumbnail: "ovs-thumbnails",
  subtitle: "ovs-subtitles",
} as const;
const APP_ORIGIN = "http://localhost:8000";
const KEY_PAIR_ID = "K2JCJMDEHXQW5F";
const ROTATED_KEY_PAIR_ID = "K3NEWKEYROTATED";
const START = new Date("2026-01-15T12:00:00.000Z");
/**
 * The host the main suite's CDN is reached as. `CloudFrontUrls` takes a bare host name (it
 * refuses `127.0.0.1:<port>`), so the CDN is told which host its signatures name; the suite at
 * the end signs for `127.0.0.1:<port>` itself, matched against the request's Host.
 */
const PUBLIC_HOST = "media.localhost";
/** Far more than loopback socket buffers hold, so a client that goes away leaves most of it unread. */
const BIG_BYTES = 32 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;

const rsaKeyPair = () =>
  generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
const keys = rsaKeyPair();
const rotatedKeys = rsaKeyPair();
const strangerKeys = rsaKeyPair();

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
}

/**
 * A request with the path sent byte for byte (fetch would resolve `..` and `%2e%2e` and turn
 * backslashes into slashes before sending).
 */
const send = (
  cdn: RunningLocalCdn,
  target: string,
  options: { readonly method?: string; readonly headers?: Readonly<Record<string, string>> } = {},
): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: "127.0.0.1",
        port: cdn.port,
        path: target,
        method: options.method ?? "GET",
        headers: options.headers ?? {},
      },
      (response) => {
        const chunks: Array<Buffer> = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body,
            text: body.toString("utf8"),
          });
        });
      },
    );
    request.on("error", reject);
    request.end();
  });

/** The path and query of an absolute URL on the CDN host, as a browser would send them. */
const targetOf = (url: string): string => url.slice(url.indexOf("/", url.indexOf("//") + 2));

const hexOf = (): HexKey => hexKey(aVideoKey());

/** The objects of one transcoded video, in the given key space. */
const videoObjects = (hex: HexKey, space: "public" | "restricted") => {
  const prefix = transcodePrefix(hex, space);
  return {
    hlsIndex: { bucket: BUCKETS.transcode, key: hlsPlaylistKey(hex, space), body: "#EXTM3U\n#index\n" },
    master: { bucket: BUCKETS.transcode, key: `${prefix}/video.m3u8`, body: "#EXTM3U\n#master\n" },
    variant: { bucket: BUCKETS.transcode, key: `${prefix}/video_HLS2M.m3u8`, body: "#EXTM3U\n#variant\n" },
    segment: { bucket: BUCKETS.transcode, key: `${prefix}/video_HLS2M_00001.ts`, body: "0123456789abcdef" },
    mp4: { bucket: BUCKETS.transcode, key: mp4Key(hex, space), body: "....ftypmp42 movie bytes" },
    thumbnail: { bucket: BUCKETS.thumbnail, key: thumbnailKey(hex, space), body: "\xff\xd8\xff thumbnail" },
    subtitle: {
      bucket: BUCKETS.subtitle,
      key: subtitleKey(hex, new Date("2026-01-10T08:30:00Z"), "en", space),
      body: "WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n",
    },
  };
};

const EXPECTED_TYPES = {
  hlsIndex: "application/vnd.apple.mpegurl",
  master: "application/vnd.apple.mpegurl",
  variant: "application/vnd.apple.mpegurl",
  segment: "video/mp2t",
  mp4: "video/mp4",
  thumbnail: "image/jpeg",
  subtitle: "text/vtt",
} as const;

describe("local CDN on the in-memory store, signed by CloudFrontUrls", () => {
  const clock = new InMemoryClock(START);
  const store = new InMemoryObjectStore({ clock, chunkSize: CHUNK_BYTES });
  const open = hexOf();
  const guarded = hexOf();
  const other = hexOf();
  const openObjects = videoObjects(open, "public");
  const guardedObjects = videoObjects(guarded, "restricted");
  const otherObjects = videoObjects(other, "restricted");
  const original = { bucket: BUCKETS.upload, key: `${guarded}/video.mp4`, body: "original upload" };
  const bigObject = { bucket: BUCKETS.transcode, key: `transcoded/${open}/video_big.mp4` };

  /** Counts the store bodies the CDN opens and how many it let go of. */
  const bodies = { opened: 0, released: 0, chunksRead: 0 };
  const tracked = (body: ByteStream): ByteStream => ({
    async *[Symbol.asyncIterator]() {
      bodies.opened += 1;
      try {
        for await (const chunk of body) {
          bodies.chunksRead += 1;
          yield chunk;
        }
      } finally {
        bodies.released += 1;
      }
    },
  });
  const trackingStore: ObjectStore = {
    put: (location, body, options) => store.put(location, body, options),
    get: (location, range) =>
      Effect.map(store.get(location, range), (stored) => ({ info: stored.info, body: tracked(stored.body) })),
    head: (location) => store.head(location),
    copy: (from, to) => store.copy(from, to),
    delete: (location) => store.delete(location),
    deletePrefix: (bucket, prefix) => store.deletePrefix(bucket, prefix),
    list: (bucket, prefix, options) => store.list(bucket, prefix, options),
  };

  let cdn: RunningLocalCdn;
  const urlsWith = (overrides: Partial<CloudFrontUrlsSettings> = {}): CloudFrontUrls =>
    new CloudFrontUrls({
      host: PUBLIC_HOST,
      keyPairId: KEY_PAIR_ID,
      privateKey: Redacted.make(keys.privateKey),
      clock,
      ...overrides,
    });
  const grantOf = (hex: HexKey, overrides: Partial<CloudFrontUrlsSettings> = {}): Promise<SignedAccess> =>
    Effect.runPromise(urlsWith(overrides).signedAccess(hex));
  /** The URL `CloudFrontUrls` hands a player for a key, as the CDN receives it. */
  const signedTarget = (key: string, grant: SignedAccess): string =>
    targetOf(withSignedAccess(urlsWith().plainUrl(key), grant));

  beforeAll(async () => {
    for (const object of [
      ...Object.values(openObjects),
      ...Object.values(guardedObjects),
      ...Object.values(otherObjects),
      original,
    ]) {
      store.putBytes({ bucket: object.bucket, key: object.key }, Buffer.from(object.body, "latin1"));
    }
    store.putBytes(bigObject, new Uint8Array(BIG_BYTES).fill(7));
    cdn = await startLocalCdn({
      store: trackingStore,
      routing: cloudFrontRouting(BUCKETS),
      trustedKeys: { [KEY_PAIR_ID]: keys.publicKey, [ROTATED_KEY_PAIR_ID]: rotatedKeys.publicKey },
      corsOrigins: [APP_ORIGIN],
      publicHost: PUBLIC_HOST,
      clock,
    });
  });
  afterAll(() => cdn.close());
  beforeEach(() => clock.set(START));

  describe("open key spaces", () => {
    it("serves every kind of object without a signature, typed by extension", async () => {
      for (const [name, object] of Object.entries(openObjects)) {
        const answer = await send(cdn, `/${object.key}`);
        expect(answer.status, name).toBe(200);
        expect(answer.headers["content-type"], name).toBe(
          EXPECTED_TYPES[name as keyof typeof EXPECTED_TYPES],
        );
        expect(answer.body.equals(Buffer.from(object.body, "latin1")), name).toBe(true);
        expect(answer.headers["accept-ranges"]).toBe("bytes");
        expect(answer.headers["x-content-type-options"]).toBe("nosniff");
        expect(answer.headers["cache-control"]).toMatch(/^public, max-age=\d+$/);
      }
    });

    it("keeps playlists briefly and segments, MP4s and images long", async () => {
      const maxAge = async (key: string) =>
        Number(/max-age=(\d+)/.exec((await send(cdn, `/${key}`)).headers["cache-control"] ?? "")?.[1]);
      const playlist = await maxAge(openObjects.master.key);
      for (const long of [openObjects.segment, openObjects.mp4, openObjects.thumbnail]) {
        expect(await maxAge(long.key)).toBeGreaterThan(playlist);
      }
      expect(playlist).toBeLessThanOrEqual(60);
    });

    it("answers a single byte range with 206 and its Content-Range", async () => {
      const segment = openObjects.segment;
      const size = segment.body.length;
      const middle = await send(cdn, `/${segment.key}`, { headers: { Range: "bytes=2-5" } });
      expect(middle.status).toBe(206);
      expect(middle.text).toBe("2345");
      expect(middle.headers["content-range"]).toBe(`bytes 2-5/${size}`);
      expect(middle.headers["content-length"]).toBe("4");
      const fromTen = await send(cdn, `/${segment.key}`, { headers: { Range: "bytes=10-" } });
      expect(fromTen.status).toBe(206);
      expect(fromTen.text).toBe("abcdef");
      const suffix = await send(cdn, `/${segment.key}`, { headers: { Range: "bytes=-3" } });
      expect(suffix.text).toBe("def");
      expect(suffix.headers["content-range"]).toBe(`bytes ${size - 3}-${size - 1}/${size}`);
      const pastTheEnd = await send(cdn, `/${segment.key}`, { headers: { Range: "bytes=4-9999" } });
      expect(pastTheEnd.headers["content-range"]).toBe(`bytes 4-${size - 1}/${size}`);
    });

    it("answers 416 to a range past the end, and the whole object to several ranges", async () => {
      const segment = openObjects.segment;
      const answer = await send(cdn, `/${segment.key}`, { headers: { Range: "bytes=1000-" } });
      expect(answer.status).toBe(416);
      expect(answer.headers["content-range"]).toBe(`bytes */${segment.body.length}`);
      expect(answer.text).toContain("<Code>InvalidRange</Code>");
      const several = await send(cdn, `/${segment.key}`, { headers: { Range: "bytes=0-1,4-5" } });
      expect(several.status).toBe(200);
      expect(several.text).toBe(segment.body);
    });

    it("gives a quoted ETag and Last-Modified, and answers 304 when they match", async () => {
      const first = await send(cdn, `/${openObjects.mp4.key}`);
      const etag = first.headers.etag ?? "";
      expect(etag).toMatch(/^"[^"]+"$/);
      const lastModified = first.headers["last-modified"] ?? "";
      expect(new Date(lastModified).getTime()).toBe(START.getTime());
      const byEtag = await send(cdn, `/${openObjects.mp4.key}`, { headers: { "If-None-Match": etag } });
      expect(byEtag.status).toBe(304);
      expect(byEtag.body.length).toBe(0);
      expect(byEtag.headers.etag).toBe(etag);
      const byDate = await send(cdn, `/${openObjects.mp4.key}`, {
        headers: { "If-Modified-Since": lastModified },
      });
      expect(byDate.status).toBe(304);
      const changed = await send(cdn, `/${openObjects.mp4.key}`, { headers: { "If-None-Match": '"other"' } });
      expect(changed.status).toBe(200);
      const staleRange = await send(cdn, `/${openObjects.mp4.key}`, {
        headers: { Range: "bytes=0-3", "If-Range": '"other"' },
      });
      expect(staleRange.status).toBe(200);
      const freshRange = await send(cdn, `/${openObjects.mp4.key}`, {
        headers: { Range: "bytes=0-3", "If-Range": etag },
      });
      expect(freshRange.status).toBe(206);
    });

    it("answers HEAD with the headers and no body", async () => {
      const answer = await send(cdn, `/${openObjects.mp4.key}`, { method: "HEAD" });
      expect(answer.status).toBe(200);
      expect(answer.headers["content-length"]).toBe(String(openObjects.mp4.body.length));
      expect(answer.headers["content-type"]).toBe("video/mp4");
      expect(answer.body.length).toBe(0);
      const ranged = await send(cdn, `/${openObjects.mp4.key}`, {
        method: "HEAD",
        headers: { Range: "bytes=0-1" },
      });
      expect(ranged.status).toBe(206);
      expect(ranged.headers["content-length"]).toBe("2");
    });

    it("answers CORS preflights and requests for the app's origin only", async () => {
      const preflight = await send(cdn, `/${openObjects.master.key}`, {
        method: "OPTIONS",
        headers: {
          Origin: APP_ORIGIN,
          "Access-Control-Request-Method": "GET",
          "Access-Control-Request-Headers": "range",
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers["access-control-allow-origin"]).toBe(APP_ORIGIN);
      expect(preflight.headers["access-control-allow-methods"]).toContain("GET");
      expect(preflight.headers["access-control-allow-headers"]).toContain("Range");
      expect(preflight.headers.vary).toContain("Origin");
      const stranger = await send(cdn, `/${openObjects.master.key}`, {
        method: "OPTIONS",
        headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "GET" },
      });
      expect(stranger.status).toBe(403);
      expect(stranger.headers["access-control-allow-origin"]).toBeUndefined();
      const post = await send(cdn, `/${openObjects.master.key}`, {
        method: "OPTIONS",
        headers: { Origin: APP_ORIGIN, "Access-Control-Request-Method": "PUT" },
      });
      expect(post.status).toBe(403);

      const fromApp = await send(cdn, `/${openObjects.master.key}`, { headers: { Origin: APP_ORIGIN } });
      expect(fromApp.headers["access-control-allow-origin"]).toBe(APP_ORIGIN);
      expect(fromApp.headers["access-control-allow-credentials"]).toBe("true");
      expect(fromApp.headers["access-control-expose-headers"]).toContain("Content-Range");
      expect(fromApp.headers.vary).toBe("Origin");
      const fromElsewhere = await send(cdn, `/${openObjects.master.key}`, {
        headers: { Origin: "https://evil.example" },
      });
      expect(fromElsewhere.status).toBe(200);
      expect(fromElsewhere.headers["access-control-allow-origin"]).toBeUndefined();
      expect(fromElsewhere.headers.vary).toBe("Origin");
    });

    it("answers 404 with S3's error for a missing open object, and 405 to other methods", async () => {
      const missing = await send(cdn, `/transcoded/${open}/missing.m3u8`);
      expect(missing.status).toBe(404);
      expect(missing.text).toContain("<Code>NoSuchKey</Code>");
      expect(missing.headers["cache-control"]).toBe("no-store");
      const post = await send(cdn, `/${openObjects.master.key}`, { method: "POST" });
      expect(post.status).toBe(405);
      expect(post.headers.allow).toBe("GET, HEAD, OPTIONS");
    });
  });

  describe("the restricted key space", () => {
    it("serves every object of a video with its grant", async () => {
      const grant = await grantOf(guarded);
      for (const [name, object] of Object.entries(guardedObjects)) {
        const answer = await send(cdn, signedTarget(object.key, grant));
        expect(answer.status, name).toBe(200);
        expect(answer.headers["content-type"], name).toBe(
          EXPECTED_TYPES[name as keyof typeof EXPECTED_TYPES],
        );
        expect(answer.body.equals(Buffer.from(object.body, "latin1")), name).toBe(true);
        expect(answer.headers["cache-control"], name).toMatch(/^private, max-age=\d+$/);
      }
    });

    it("serves ranges of a signed MP4", async () => {
      const grant = await grantOf(guarded);
      const answer = await send(cdn, signedTarget(guardedObjects.mp4.key, grant), {
        headers: { Range: "bytes=4-7" },
      });
      expect(answer.status).toBe(206);
      expect(answer.text).toBe("ftyp");
    });

    it("never keeps a signed response past the signature's expiry", async () => {
      const grant = await grantOf(guarded, { ttl: "1 second", window: "1 second" });
      const answer = await send(cdn, signedTarget(guardedObjects.segment.key, grant));
      expect(answer.status).toBe(200);
      const maxAge = Number(/max-age=(\d+)/.exec(answer.headers["cache-control"] ?? "")?.[1]);
      expect(maxAge).toBeLessThanOrEqual((grant.expiresAt.getTime() - clock.now().getTime()) / 1000);
    });

    it("refuses with 403 without a grant, whether or not the object exists", async () => {
      for (const key of [guardedObjects.master.key, `restricted/transcoded/${guarded}/missing.m3u8`]) {
        const answer = await send(cdn, `/${key}`);
        expect(answer.status).toBe(403);
        expect(answer.headers["content-type"]).toBe("text/xml");
        expect(answer.text).toMatch(
          /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Error><Code>AccessDenied<\/Code><Message>[^<]+<\/Message><\/Error>\n$/,
        );
        expect(answer.headers["cache-control"]).toBe("no-store");
      }
    });

    it("answers 404 for a missing object only with a valid grant", async () => {
      const grant = await grantOf(guarded);
      const answer = await send(cdn, signedTarget(`restricted/transcoded/${guarded}/missing.m3u8`, grant));
      expect(answer.status).toBe(404);
    });

    it("refuses another video's grant", async () => {
      const grant = await grantOf(other);
      const refused = await send(cdn, signedTarget(guardedObjects.master.key, grant));
      expect(refused.status).toBe(403);
      expect(refused.text).toContain("does not cover");
      expect((await send(cdn, signedTarget(otherObjects.master.key, grant))).status).toBe(200);
    });

    it("refuses a grant once it has expired", async () => {
      const grant = await grantOf(guarded);
      const target = signedTarget(guardedObjects.segment.key, grant);
      clock.set(new Date(grant.expiresAt.getTime() - 1000));
      expect((await send(cdn, target)).status).toBe(200);
      clock.set(grant.expiresAt);
      const expired = await send(cdn, target);
      expect(expired.status).toBe(403);
      expect(expired.text).toContain("expired");
    });

    it("refuses a signature with one character changed", async () => {
      const grant = await grantOf(guarded);
      const signature = grant.queryParameters["Signature"] ?? "";
      const index = Math.floor(signature.length / 2);
      const changed = `${signature.slice(0, index)}${signature[index] === "A" ? "B" : "A"}${signature.slice(index + 1)}`;
      const tampered = { ...grant, queryParameters: { ...grant.queryParameters, Signature: changed } };
      expect((await send(cdn, signedTarget(guardedObjects.master.key, tampered))).status).toBe(403);
    });

    it("refuses a policy changed to cover another video", async () => {
      const grant = await grantOf(other);
      const policyJson = Buffer.from(
        (grant.queryParameters["Policy"] ?? "")
          .replaceAll("-", "+")
          .replaceAll("_", "=")
          .replaceAll("~", "/"),
        "base64",
      )
        .toString("utf8")
        .replace(other, guarded);
      const policy = Buffer.from(policyJson)
        .toString("base64")
        .replaceAll("+", "-")
        .replaceAll("=", "_")
        .replaceAll("/", "~");
      const forged = { ...grant, queryParameters: { ...grant.queryParameters, Policy: policy } };
      expect((await send(cdn, signedTarget(guardedObjects.master.key, forged))).status).toBe(403);
    });

    it("refuses an unknown key-pair id, and a trusted id with another key's signature", async () => {
      const unknown = await grantOf(guarded, { keyPairId: "KUNKNOWN" });
      const answer = await send(cdn, signedTarget(guardedObjects.master.key, unknown));
      expect(answer.status).toBe(403);
      expect(answer.text).toContain("Unknown Key");
      const stranger = await grantOf(guarded, { privateKey: Redacted.make(strangerKeys.privateKey) });
      expect((await send(cdn, signedTarget(guardedObjects.master.key, stranger))).status).toBe(403);
    });

    it("accepts every trusted key of a rotation", async () => {
      const grant = await grantOf(guarded, {
        keyPairId: ROTATED_KEY_PAIR_ID,
        privateKey: Redacted.make(rotatedKeys.privateKey),
      });
      expect((await send(cdn, signedTarget(guardedObjects.master.key, grant))).status).toBe(200);
    });

    it("checks SHA-256 signatures when Hash-Algorithm says so", async () => {
      const grant = await grantOf(guarded, { algorithm: "SHA256" });
      expect(grant.queryParameters["Hash-Algorithm"]).toBe("SHA256");
      expect((await send(cdn, signedTarget(guardedObjects.master.key, grant))).status).toBe(200);
      const { "Hash-Algorithm": _dropped, ...withoutAlgorithm } = grant.queryParameters;
      const asSha1 = { ...grant, queryParameters: withoutAlgorithm };
      expect((await send(cdn, signedTarget(guardedObjects.master.key, asSha1))).status).toBe(403);
    });

    it("serves with CloudFront signed cookies instead of query parameters", async () => {
      const grant = await grantOf(guarded);
      const cookie = (access: SignedAccess) =>
        ["Policy", "Signature", "Key-Pair-Id"]
          .map((name) => `CloudFront-${name}=${access.queryParameters[name] ?? ""}`)
          .join("; ");
      const answer = await send(cdn, `/${guardedObjects.segment.key}`, {
        headers: { Cookie: `session=abc; ${cookie(grant)}`, Origin: APP_ORIGIN },
      });
      expect(answer.status).toBe(200);
      expect(answer.text).toBe(guardedObjects.segment.body);
      expect(answer.headers["access-control-allow-credentials"]).toBe("true");
      const otherGrant = await grantOf(other);
      const refused = await send(cdn, `/${guardedObjects.segment.key}`, {
        headers: { Cookie: cookie(otherGrant) },
      });
      expect(refused.status).toBe(403);
    });

    it("serves with the cookies @aws-sdk/cloudfront-signer makes for a custom policy", async () => {
      const cookies = getSignedCookies({
        keyPairId: KEY_PAIR_ID,
        privateKey: keys.privateKey,
        policy: JSON.stringify({
          Statement: [
            {
              Resource: `https://${PUBLIC_HOST}/restricted/*/${guarded}/*`,
              Condition: { DateLessThan: { "AWS:EpochTime": Math.floor(START.getTime() / 1000) + 3600 } },
            },
          ],
        }),
      });
      const header = Object.entries(cookies)
        .map(([name, value]) => `${name}=${String(value)}`)
        .join("; ");
      const answer = await send(cdn, `/${guardedObjects.thumbnail.key}`, { headers: { Cookie: header } });
      expect(answer.status).toBe(200);
    });

    it("accepts canned policies, for exactly the URL signed", async () => {
      const signed = (url: string, expires: Date) =>
        getSignedUrl({ url, keyPairId: KEY_PAIR_ID, privateKey: keys.privateKey, dateLessThan: expires });
      const inAnHour = new Date(START.getTime() + 3_600_000);
      const url = signed(`https://${PUBLIC_HOST}/${guardedObjects.master.key}`, inAnHour);
      expect(url).toContain("Expires=");
      expect(url).not.toContain("Policy=");
      expect((await send(cdn, targetOf(url))).status).toBe(200);
      const overHttp = signed(`http://${PUBLIC_HOST}/${guardedObjects.variant.key}`, inAnHour);
      expect((await send(cdn, targetOf(overHttp))).status).toBe(200);
      const moved = targetOf(url).replace(guardedObjects.master.key, guardedObjects.variant.key);
      expect((await send(cdn, moved)).status).toBe(403);
      const withQuery = signed(`https://${PUBLIC_HOST}/${guardedObjects.master.key}?v=2`, inAnHour);
      expect((await send(cdn, targetOf(withQuery))).status).toBe(200);
      expect((await send(cdn, targetOf(withQuery).replace("v=2", "v=3"))).status).toBe(403);
      clock.set(inAnHour);
      expect((await send(cdn, targetOf(url))).status).toBe(403);
    });

    it("honours DateGreaterThan and IpAddress conditions", async () => {
      const target = `https://${PUBLIC_HOST}/${guardedObjects.master.key}`;
      const inAnHour = new Date(START.getTime() + 3_600_000);
      const later = getSignedUrl({
        url: target,
        keyPairId: KEY_PAIR_ID,
        privateKey: keys.privateKey,
        dateLessThan: new Date(START.getTime() + 7_200_000),
        dateGreaterThan: inAnHour,
      });
      expect((await send(cdn, targetOf(later))).status).toBe(403);
      clock.set(inAnHour);
      expect((await send(cdn, targetOf(later))).status).toBe(200);
      clock.set(START);
      const fromHere = (ipAddress: string) =>
        getSignedUrl({
          url: target,
          keyPairId: KEY_PAIR_ID,
          privateKey: keys.privateKey,
          dateLessThan: inAnHour,
          ipAddress,
        });
      expect((await send(cdn, targetOf(fromHere("127.0.0.0/8")))).status).toBe(200);
      expect((await send(cdn, targetOf(fromHere("10.0.0.0/8")))).status).toBe(403);
    });

    it("refuses a request whose signing parameters are given twice", async () => {
      const grant = await grantOf(guarded);
      const target = `${signedTarget(guardedObjects.master.key, grant)}&Key-Pair-Id=${KEY_PAIR_ID}`;
      expect((await send(cdn, target)).status).toBe(403);
    });
  });

  describe("the upload bucket (the default behaviour)", () => {
    it("always needs a signature, which a video's grant is not", async () => {
      expect((await send(cdn, `/${original.key}`)).status).toBe(403);
      expect((await send(cdn, `/${guarded}/missing.mp4`)).status).toBe(403);
      const grant = await grantOf(guarded);
      expect((await send(cdn, signedTarget(original.key, grant))).status).toBe(403);
    });

    it("serves an original with a signature that covers it", async () => {
      const url = getSignedUrl({
        url: `https://${PUBLIC_HOST}/${original.key}`,
        keyPairId: KEY_PAIR_ID,
        privateKey: keys.privateKey,
        dateLessThan: new Date(START.getTime() + 3_600_000),
      });
      const answer = await send(cdn, targetOf(url));
      expect(answer.status).toBe(200);
      expect(answer.text).toBe(original.body);
      expect(answer.headers["content-type"]).toBe("video/mp4");
    });
  });

  describe("keys that would escape", () => {
    it("refuses dot segments, encoded or not, NUL, backslashes, double slashes and the store's folder", async () => {
      const grant = await grantOf(guarded);
      const query = withSignedAccess("", grant);
      const targets = [
        `/transcoded/${open}/../${guarded}/video.m3u8`,
        `/transcoded/%2e%2e/restricted/transcoded/${guarded}/video.m3u8`,
        `/transcoded/${open}/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd`,
        `/transcoded/${open}/./video.m3u8`,
        `/transcoded/${open}/video.m3u8%00.jpg`,
        `/transcoded\\${open}\\video.m3u8`,
        `/transcoded/${open}%5Cvideo.m3u8`,
        `//transcoded/${open}/video.m3u8`,
        `/transcoded//${open}/video.m3u8`,
        `/transcoded/${open}/`,
        `/${STORE_FOLDER}/meta/00/1.json`,
        `/transcoded/${STORE_FOLDER}/tmp/1.part`,
        `/restricted/transcoded/${guarded}/../../../${STORE_FOLDER}/meta/x${query}`,
        `/restricted/transcoded/${guarded}/%2e%2e/%2e%2e/subtitles/${other}/x.vtt${query}`,
      ];
      for (const target of targets) {
        const answer = await send(cdn, target);
        expect(answer.status, target).toBe(403);
        expect(answer.text, target).toContain("<Code>AccessDenied</Code>");
      }
      expect((await send(cdn, "/transcoded/%E0%A4%A")).status).toBe(400);
    });

    it("decodes the path once: an encoded percent stays a percent", async () => {
      // `%252e%252e` is the key segment `%2e%2e`, a name and not a parent folder.
      const answer = await send(cdn, `/transcoded/${open}/%252e%252e/video.m3u8`);
      expect(answer.status).toBe(404);
    });
  });

  describe("streaming", () => {
    it("streams a large object and releases the store's body at the end", async () => {
      const before = { ...bodies };
      const answer = await send(cdn, `/${bigObject.key}`);
      expect(answer.status).toBe(200);
      expect(answer.body.length).toBe(BIG_BYTES);
      await vi.waitFor(() => expect(bodies.released).toBe(before.released + 1));
    });

    it("stops reading and releases the store's body when the client goes away", async () => {
      const before = { ...bodies };
      await new Promise<void>((resolve, reject) => {
        const request = httpRequest(
          { host: "127.0.0.1", port: cdn.port, path: `/${bigObject.key}` },
          (response) => {
            response.once("data", () => {
              request.destroy();
              resolve();
            });
          },
        );
        request.on("error", (error) => (request.destroyed ? undefined : reject(error)));
        request.end();
      });
      await vi.waitFor(() => expect(bodies.released).toBe(before.released + 1));
      expect(bodies.opened).toBe(before.opened + 1);
      expect(bodies.chunksRead - before.chunksRead).toBeLessThan(BIG_BYTES / CHUNK_BYTES / 2);
    });
  });
});

describe("local CDN on the filesystem store", () => {
  let root: string;
  let cdn: RunningLocalCdn;
  const hex = hexOf();
  const clock = new InMemoryClock(START);
  const segmentKey = `transcoded/${hex}/video_HLS2M_00001.ts`;
  const originalKey = `${hex}/video.mp4`;
  const bytes = Buffer.from(Array.from({ length: 200_000 }, (_, index) => index % 251));

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "ovs-local-cdn-"));
    const store = new FilesystemObjectStore(root, { durable: false });
    await Effect.runPromise(
      store.put({ bucket: BUCKETS.transcode, key: segmentKey }, streamOfBytes(bytes), {
        contentType: "video/mp2t",
      }),
    );
    await Effect.runPromise(store.put({ bucket: BUCKETS.upload, key: originalKey }, streamOfBytes(bytes)));
    cdn = await startLocalCdn({
      store,
      routing: cloudFrontRouting(BUCKETS),
      trustedKeys: { [KEY_PAIR_ID]: keys.privateKey },
      clock,
    });
  });
  afterAll(async () => {
    await cdn.close();
    await rm(root, { recursive: true, force: true });
  });

  /** A custom policy over everything on the CDN host: what a leaked wildcard grant would be. */
  const everything = (): string => {
    const cookies = getSignedCookies({
      keyPairId: KEY_PAIR_ID,
      privateKey: keys.privateKey,
      policy: JSON.stringify({
        Statement: [
          {
            Resource: `http*://${cdn.host}/*`,
            Condition: { DateLessThan: { "AWS:EpochTime": Math.floor(START.getTime() / 1000) + 3600 } },
          },
        ],
      }),
    });
    return `?${new URLSearchParams({
      Policy: cookies["CloudFront-Policy"] ?? "",
      Signature: cookies["CloudFront-Signature"],
      "Key-Pair-Id": cookies["CloudFront-Key-Pair-Id"],
    }).toString()}`;
  };

  it("streams files from disk with ranges and the stored MD5 as ETag", async () => {
    const whole = await send(cdn, `/${segmentKey}`);
    expect(whole.status).toBe(200);
    expect(whole.body.equals(bytes)).toBe(true);
    expect(whole.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    const range = await send(cdn, `/${segmentKey}`, { headers: { Range: "bytes=100000-100009" } });
    expect(range.status).toBe(206);
    expect(range.body.equals(bytes.subarray(100_000, 100_010))).toBe(true);
    expect((await send(cdn, `/${originalKey}${everything()}`)).status).toBe(200);
  });

  it("never serves the store's own folder, even under a signature for everything", async () => {
    const folder = path.join(root, BUCKETS.upload, STORE_FOLDER);
    const sidecars: Array<string> = [];
    for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
      if (entry.isFile())
        sidecars.push(
          path.relative(path.join(root, BUCKETS.upload), path.join(entry.parentPath, entry.name)),
        );
    }
    expect(sidecars.length).toBeGreaterThan(0);
    for (const sidecar of sidecars) {
      const key = sidecar.split(path.sep).join("/");
      for (const target of [
        `/${key}`,
        `/${hex}/../${key}`,
        `/${key.replace(STORE_FOLDER, "%2Eovs-object-store")}`,
      ]) {
        const answer = await send(cdn, `${target}${everything()}`);
        expect(answer.status, target).toBe(403);
      }
    }
  });
});

describe("local CDN matching the request's own host", () => {
  const clock = new InMemoryClock(START);
  const store = new InMemoryObjectStore({ clock });
  const hex = hexOf();
  const playlist = { bucket: BUCKETS.transcode, key: `${transcodePrefix(hex, "restricted")}/video.m3u8` };
  let cdn: RunningLocalCdn;

  beforeAll(async () => {
    store.putBytes(playlist, "#EXTM3U\n");
    cdn = await startLocalCdn({
      store,
      routing: cloudFrontRouting(BUCKETS),
      trustedKeys: { [KEY_PAIR_ID]: keys.publicKey },
      clock,
    });
  });
  afterAll(() => cdn.close());

  /** The grant `CloudFrontUrls` makes, signed for `<scheme>://127.0.0.1:<port>` as the `local` profile signs. */
  const grantFor = (scheme: "http" | "https"): string => {
    const cookies = getSignedCookies({
      keyPairId: KEY_PAIR_ID,
      privateKey: keys.privateKey,
      policy: JSON.stringify({
        Statement: [
          {
            Resource: `${scheme}://${cdn.host}/restricted/*/${hex}/*`,
            Condition: { DateLessThan: { "AWS:EpochTime": Math.floor(START.getTime() / 1000) + 3600 } },
          },
        ],
      }),
    });
    return new URLSearchParams({
      Policy: cookies["CloudFront-Policy"] ?? "",
      Signature: cookies["CloudFront-Signature"],
      "Key-Pair-Id": cookies["CloudFront-Key-Pair-Id"],
    }).toString();
  };

  it("serves a grant over its host and port, by either scheme", async () => {
    for (const scheme of ["http", "https"] as const) {
      const answer = await send(cdn, `/${playlist.key}?${grantFor(scheme)}`);
      expect(answer.status, scheme).toBe(200);
    }
  });

  it("refuses the grant when the request names another host", async () => {
    const answer = await send(cdn, `/${playlist.key}?${grantFor("http")}`, {
      headers: { Host: `localhost:${cdn.port}` },
    });
    expect(answer.status).toBe(403);
  });
});
