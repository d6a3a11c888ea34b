import { generateKeyPairSync, verify } from "node:crypto";
import {
  AccessDenied,
  CloudFrontClient,
  CreateInvalidationCommand,
  TooManyInvalidationsInProgress,
} from "@aws-sdk/client-cloudfront";
import type { CreateInvalidationCommandInput } from "@aws-sdk/client-cloudfront";
import type { HexKey, SignedAccess } from "@ovs/domain";
import {
  hexKey,
  hlsPlaylistKey,
  subtitleKey,
  thumbnailKey,
  transcodePrefix,
  withSignedAccess,
} from "@ovs/domain";
import { aVideoKey, failureOf, InMemoryClock } from "@ovs/domain/testing";
import { describeCdnInvalidatorContract, describeCdnUrlsContract } from "@ovs/domain/contracts";
import { mockClient } from "aws-sdk-client-mock";
import { Effect, Redacted } from "effect";
import { describe, expect, it } from "vitest";
import { CloudFrontInvalidator } from "../src/cloudfront-invalidator.js";
import type { CloudFrontUrlsSettings } from "../src/cloudfront-urls.js";
import { CloudFrontUrls } from "../src/cloudfront-urls.js";

const HOST = "d3tsb3m56iwvoq.cloudfront.net";
const KEY_PAIR_ID = "K2JCJMDEHXQW5F";
const { privateKey, publicKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const HOUR = 3_600_000;

const urlsWith = (clock: InMemoryClock, overrides: Partial<CloudFrontUrlsSettings> = {}) =>
  new CloudFrontUrls({
    host: HOST,
    keyPairId: KEY_PAIR_ID,
    privateKey: Redacted.make(privateKey),
    clock,
    ttl: "6 hours",
    window: "1 hour",
    ...overrides,
  });

const run = Effect.runPromise;

/** CloudFront's URL-safe base64: `-` `_` `~` stand for `+` `=` `/`. */
const fromCloudFrontBase64 = (text: string): Buffer =>
  Buffer.from(text.replaceAll("-", "+").replaceAll("_", "=").replaceAll("~", "/"), "base64");

/** CloudFront's wildcards: `*` any run of characters, `?` exactly one. */
const wildcardMatches = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .split("")
      .map((character) =>
        character === "*" ? ".*" : character === "?" ? "." : character.replace(/[.+^${}()|[\]\\/]/g, "\\$&"),
      )
      .join("")}$`,
  ).test(value);

/**
 * What CloudFront checks before serving a URL signed with a custom policy, done independently
 * of the signer: the key pair, the RSA signature over the policy with the public key, the
 * policy's resource against the URL (signing parameters removed), and its expiry.
 */
const cloudFrontAccepts = (signedUrl: string, at: Date, algorithm: "sha1" | "sha256" = "sha1"): boolean => {
  const url = new URL(signedUrl);
  const policy = url.searchParams.get("Policy");
  const signature = url.searchParams.get("Signature");
  if (policy === null || signature === null || url.searchParams.get("Key-Pair-Id") !== KEY_PAIR_ID)
    return false;
  const policyJson = fromCloudFrontBase64(policy).toString("utf8");
  if (!verify(algorithm, Buffer.from(policyJson, "utf8"), publicKey, fromCloudFrontBase64(signature)))
    return false;
  const statement = (
    JSON.parse(policyJson) as {
      readonly Statement: ReadonlyArray<{
        readonly Resource: string;
        readonly Condition: { readonly DateLessThan: { readonly "AWS:EpochTime": number } };
      }>;
    }
  ).Statement[0];
  if (statement === undefined) return false;
  for (const name of ["Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"]) url.searchParams.delete(name);
  const requested = `${url.origin}${url.pathname}${url.search}`;
  return (
    wildcardMatches(statement.Resource, requested) &&
    at.getTime() / 1000 < statement.Condition.DateLessThan["AWS:EpochTime"]
  );
};

const signedUrlOf = (urls: CloudFrontUrls, key: string, grant: SignedAccess): string =>
  withSignedAccess(urls.plainUrl(key), grant);

describeCdnUrlsContract("CloudFront", async () => {
  const clock = new InMemoryClock(new Date("2026-03-02T10:20:00Z"));
  return { urls: urlsWith(clock), host: HOST, now: () => clock.now() };
});

describe("CloudFront signed access", () => {
  it("grants one video's protected objects, verified with the public key, and nothing else", async () => {
    const clock = new InMemoryClock(new Date("2026-03-02T10:20:00Z"));
    const urls = urlsWith(clock);
    const video = hexKey(aVideoKey());
    const other = hexKey(aVideoKey());
    const grant = await run(urls.signedAccess(video));

    const ownObjects = [
      hlsPlaylistKey(video, "restricted"),
      `restricted/transcoded/${video}/video_HLS2M_00042.ts`,
      thumbnailKey(video, "restricted"),
      subtitleKey(video, new Date("2026-01-15T12:00:00Z"), "en", "restricted"),
    ];
    for (const key of ownObjects)
      expect(cloudFrontAccepts(signedUrlOf(urls, key, grant), clock.now())).toBe(true);

    // Another video's prefix, the public space and the originals are outside the wildcard.
    for (const key of [
      hlsPlaylistKey(other, "restricted"),
      hlsPlaylistKey(video, "public"),
      `${video}/video.mp4`,
    ]) {
      expect(cloudFrontAccepts(signedUrlOf(urls, key, grant), clock.now())).toBe(false);
    }
    // A policy widened to every video, keeping the signature, no longer verifies.
    const widened = fromCloudFrontBase64(grant.queryParameters["Policy"] ?? "")
      .toString("utf8")
      .replace(`/${video}/*`, "/*");
    const tampered = signedUrlOf(urls, hlsPlaylistKey(other, "restricted"), {
      ...grant,
      queryParameters: {
        ...grant.queryParameters,
        Policy: Buffer.from(widened)
          .toString("base64")
          .replaceAll("+", "-")
          .replaceAll("=", "_")
          .replaceAll("/", "~"),
      },
    });
    expect(cloudFrontAccepts(tampered, clock.now())).toBe(false);
  });

  it("expires one ttl after the end of its window, and the signature says so", async () => {
    const clock = new InMemoryClock(new Date("2026-03-02T10:20:00Z"));
    const urls = urlsWith(clock);
    const video = hexKey(aVideoKey());
    const grant = await run(urls.signedAccess(video));
    expect(grant.expiresAt).toEqual(new Date("2026-03-02T17:00:00Z"));
    const url = signedUrlOf(urls, hlsPlaylistKey(video, "restricted"), grant);
    expect(cloudFrontAccepts(url, new Date(grant.expiresAt.getTime() - 1000))).toBe(true);
    expect(cloudFrontAccepts(url, new Date(grant.expiresAt.getTime() + 1000))).toBe(false);
  });

  it("signs once per video and window, serving repeats from the cache, and signs anew in the next window", async () => {
    const clock = new InMemoryClock(new Date("2026-03-02T10:00:00Z"));
    const urls = urlsWith(clock);
    const [busy, quiet] = [hexKey(aVideoKey()), hexKey(aVideoKey())];

    const first = await run(urls.signedAccess(busy));
    for (let request = 0; request < 99; request += 1) {
      clock.advance("30 seconds");
      expect(await run(urls.signedAccess(busy))).toBe(first);
    }
    await run(urls.signedAccess(quiet));
    expect(urls.statistics).toEqual({ signaturesMade: 2, cacheHits: 99 });

    clock.set(new Date("2026-03-02T11:00:00Z"));
    const next = await run(urls.signedAccess(busy));
    expect(next.expiresAt.getTime()).toBe(first.expiresAt.getTime() + HOUR);
    expect(next.queryParameters["Signature"]).not.toBe(first.queryParameters["Signature"]);
    expect(urls.statistics).toEqual({ signaturesMade: 3, cacheHits: 99 });
  });

  it("keeps at most the configured number of grants, forgetting the oldest first", async () => {
    const clock = new InMemoryClock(new Date("2026-03-02T10:00:00Z"));
    const urls = urlsWith(clock, { maxCachedGrants: 2 });
    const [first, second, third] = [hexKey(aVideoKey()), hexKey(aVideoKey()), hexKey(aVideoKey())];

    const firstGrant = await run(urls.signedAccess(first));
    await run(urls.signedAccess(second));
    await run(urls.signedAccess(third));
    expect(urls.statistics).toEqual({ signaturesMade: 3, cacheHits: 0 });

    // The second and third are still cached; the first was dropped for the third, so it is signed
    // again, to the same policy (same window) and a signature that still verifies.
    await run(urls.signedAccess(second));
    await run(urls.signedAccess(third));
    expect(urls.statistics).toEqual({ signaturesMade: 3, cacheHits: 2 });
    const again = await run(urls.signedAccess(first));
    expect(urls.statistics).toEqual({ signaturesMade: 4, cacheHits: 2 });
    expect(again).not.toBe(firstGrant);
    expect(again.expiresAt).toEqual(firstGrant.expiresAt);
    expect(again.queryParameters["Policy"]).toBe(firstGrant.queryParameters["Policy"]);
    expect(
      cloudFrontAccepts(signedUrlOf(urls, hlsPlaylistKey(first, "restricted"), again), clock.now()),
    ).toBe(true);
  });

  it("hands every replica the same grant within a window", async () => {
    const video = hexKey(aVideoKey());
    const one = urlsWith(new InMemoryClock(new Date("2026-03-02T10:05:00Z")));
    const another = urlsWith(new InMemoryClock(new Date("2026-03-02T10:55:00Z")));
    expect(await run(another.signedAccess(video))).toEqual(await run(one.signedAccess(video)));
  });

  it("signs with SHA-256 when configured, adding the Hash-Algorithm parameter", async () => {
    const clock = new InMemoryClock(new Date("2026-03-02T10:20:00Z"));
    const urls = urlsWith(clock, { algorithm: "SHA256" });
    const video = hexKey(aVideoKey());
    const grant = await run(urls.signedAccess(video));
    expect(grant.queryParameters["Hash-Algorithm"]).toBe("SHA256");
    expect(
      cloudFrontAccepts(signedUrlOf(urls, hlsPlaylistKey(video, "restricted"), grant), clock.now(), "sha256"),
    ).toBe(true);
  });

  it("keeps plain URLs unsigned and the key as it is", () => {
    const urls = urlsWith(new InMemoryClock());
    expect(urls.plainUrl("transcoded/abc/video__index.m3u8")).toBe(
      `https://${HOST}/transcoded/abc/video__index.m3u8`,
    );
  });

  it("refuses a key that cannot sign, at construction", () => {
    const clock = new InMemoryClock();
    expect(() => urlsWith(clock, { privateKey: Redacted.make("not a key") })).toThrow();
    const { privateKey: ecKey } = generateKeyPairSync("ec", {
      namedCurve: "P-256",
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    expect(() => urlsWith(clock, { privateKey: Redacted.make(ecKey) })).toThrow(/RSA/);
  });
});

/** A CloudFront that records invalidations and answers each with an id. */
const fakeCloudFront = () => {
  const client = new CloudFrontClient({
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "y" },
  });
  const mock = mockClient(client);
  let sequence = 0;
  mock.on(CreateInvalidationCommand).callsFake((input: CreateInvalidationCommandInput) => {
    sequence += 1;
    return Promise.resolve({
      Location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${input.DistributionId ?? ""}/invalidation/I${sequence}`,
      Invalidation: {
        Id: `I2J3K4L5M6N7O${sequence}`,
        Status: "InProgress",
        CreateTime: new Date(),
        InvalidationBatch: input.InvalidationBatch,
      },
    });
  });
  let references = 0;
  const invalidator = new CloudFrontInvalidator(client, {
    distributionId: "E1ABCDEF234567",
    maxPathsPerInvalidation: 4,
    maxWildcardsPerInvalidation: 2,
    callerReference: () => {
      references += 1;
      return `reference-${references}`;
    },
  });
  return { mock, invalidator };
};

describeCdnInvalidatorContract("CloudFront (aws-sdk-client-mock)", async () => ({
  invalidator: fakeCloudFront().invalidator,
}));

describe("CloudFront invalidation", () => {
  const video = hexKey(aVideoKey()) as HexKey;

  it("sends keys and prefix wildcards with a leading slash, in batches within the limits, each its own reference", async () => {
    const { mock, invalidator } = fakeCloudFront();
    const paths = [
      hlsPlaylistKey(video, "public"),
      `${transcodePrefix(video, "public")}/*`,
      `${transcodePrefix(video, "restricted")}/*`,
      `thumbnails/${video}/*`,
      thumbnailKey(video, "public"),
      `subtitles/${video}/subtitles_${video}_20260115120000_en.vtt`,
      "odd key/with space.vtt",
      hlsPlaylistKey(video, "public"),
    ];

    const { invalidationIds } = await run(invalidator.invalidate(paths));

    // Three paths fill the first batch's two wildcards; the third wildcard opens a second batch,
    // which four paths fill. The repeated key is sent once.
    expect(invalidationIds).toEqual(["I2J3K4L5M6N7O1", "I2J3K4L5M6N7O2"]);
    const inputs = mock.commandCalls(CreateInvalidationCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.DistributionId)).toEqual(["E1ABCDEF234567", "E1ABCDEF234567"]);
    expect(inputs.map((input) => input.InvalidationBatch?.CallerReference)).toEqual([
      "reference-1",
      "reference-2",
    ]);
    expect(inputs.map((input) => input.InvalidationBatch?.Paths)).toEqual([
      {
        Quantity: 3,
        Items: [
          `/${hlsPlaylistKey(video, "public")}`,
          `/${transcodePrefix(video, "public")}/*`,
          `/${transcodePrefix(video, "restricted")}/*`,
        ],
      },
      {
        Quantity: 4,
        Items: [
          `/thumbnails/${video}/*`,
          `/${thumbnailKey(video, "public")}`,
          `/subtitles/${video}/subtitles_${video}_20260115120000_en.vtt`,
          "/odd%20key/with%20space.vtt",
        ],
      },
    ]);
  });

  it("does nothing for no paths, and refuses a path with a leading slash without calling CloudFront", async () => {
    const { mock, invalidator } = fakeCloudFront();
    expect(await run(invalidator.invalidate([]))).toEqual({ invalidationIds: [] });
    expect(await failureOf(invalidator.invalidate(["/transcoded/x"]))).toMatchObject({
      _tag: "CdnInvalidationFailure",
      transient: false,
    });
    expect(mock.commandCalls(CreateInvalidationCommand)).toHaveLength(0);
  });

  it("reports a failed batch typed, transient when CloudFront's quota is full, with every path not yet invalidated", async () => {
    const { mock, invalidator } = fakeCloudFront();
    mock
      .on(CreateInvalidationCommand)
      .resolvesOnce({
        Invalidation: {
          Id: "IFIRST",
          Status: "InProgress",
          CreateTime: new Date(),
          InvalidationBatch: { CallerReference: "reference-1", Paths: { Quantity: 4, Items: [] } },
        },
      })
      .rejectsOnce(
        new TooManyInvalidationsInProgress({
          message:
            "Processing your request will cause you to exceed the maximum number of in-progress wildcard invalidations.",
          $metadata: { httpStatusCode: 400 },
        }),
      )
      .rejectsOnce(
        new AccessDenied({ message: "User is not authorized", $metadata: { httpStatusCode: 403 } }),
      );
    const paths = ["a/1", "a/2", "a/3", "a/4", "b/1", "b/2"];

    expect(await failureOf(invalidator.invalidate(paths))).toMatchObject({
      _tag: "CdnInvalidationFailure",
      transient: true,
      paths: ["b/1", "b/2"],
    });
    expect(await failureOf(invalidator.invalidate(["c/1"]))).toMatchObject({
      _tag: "CdnInvalidationFailure",
      transient: false,
      paths: ["c/1"],
    });
  });
});

describe("the CDN host", () => {
  it("is a bare host name, with a port only for a CDN on loopback, and its scheme https unless told http", () => {
    const clock = new InMemoryClock(new Date("2026-04-17T10:00:00Z"));
    for (const host of [
      "",
      "cdn.example.edu/media",
      "https://cdn.example.edu",
      "cdn.example.edu?x",
      "cdn.example.edu:port",
    ]) {
      expect(() => urlsWith(clock, { host }), host).toThrow(RangeError);
    }

    const local = urlsWith(clock, { host: "127.0.0.1:3001", scheme: "http" });

    expect(local.plainUrl("transcoded/abc/video.m3u8")).toBe(
      "http://127.0.0.1:3001/transcoded/abc/video.m3u8",
    );
    expect(urlsWith(clock).plainUrl("a.vtt")).toBe(`https://${HOST}/a.vtt`);
  });
});
