import { createHash, randomBytes } from "node:crypto";
import type { Clock } from "@ovs/domain";
import { Duration, Effect, Redacted } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failureOf, patternedBytes } from "@ovs/domain/testing";
import { describeVideoSourceContract } from "@ovs/domain/contracts";
import {
  DropboxVideoSource,
  isDropboxSharedLink,
  makeDropboxVideoSourceSettings,
  type DropboxVideoSourceSettingsInput,
} from "../src/dropbox-video-source.js";
import { chunksOf, FakeDropbox } from "./support/fake-dropbox.js";

const wallClock: Clock = { now: () => new Date() };

const sourceFor = (
  dropbox: FakeDropbox,
  overrides: Partial<DropboxVideoSourceSettingsInput> = {},
  clock: Clock = wallClock,
): DropboxVideoSource =>
  new DropboxVideoSource(
    makeDropboxVideoSourceSettings({
      appKey: dropbox.appKey,
      appSecret: Redacted.make(dropbox.appSecret),
      refreshToken: Redacted.make(dropbox.refreshToken),
      tokenUrl: dropbox.tokenUrl,
      contentApiUrl: dropbox.contentApiUrl,
      ...overrides,
    }),
    clock,
  );

describeVideoSourceContract("Dropbox against a local Dropbox", async () => {
  const dropbox = await FakeDropbox.start();
  const source = sourceFor(dropbox);
  return {
    source,
    serve: async (file) =>
      dropbox.serve(dropbox.newLink(file.name), {
        kind: "file",
        name: file.name,
        size: file.bytes.length,
        chunks: chunksOf(file.bytes),
      }),
    missingLink: async () => dropbox.newLink("gone.mp4"),
    unavailableLink: async ({ retryAfterSeconds }) =>
      dropbox.serve(dropbox.newLink(), {
        kind: "status",
        status: 503,
        body: { error_summary: "service_unavailable/" },
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      }),
    brokenLink: async (file, afterBytes) =>
      dropbox.serve(dropbox.newLink(file.name), {
        kind: "file",
        name: file.name,
        size: file.bytes.length,
        chunks: chunksOf(file.bytes),
        breakAfter: afterBytes,
      }),
    dispose: async () => {
      await source.close();
      await dropbox.close();
    },
  };
});

describe("DropboxVideoSource", () => {
  let dropbox: FakeDropbox;
  let source: DropboxVideoSource;

  beforeAll(async () => {
    dropbox = await FakeDropbox.start();
    source = sourceFor(dropbox, { idleReadTimeout: Duration.seconds(1) });
  });

  afterAll(async () => {
    await source.close();
    await dropbox.close();
  });

  const fileLink = (name: string, bytes: Uint8Array): string =>
    dropbox.serve(dropbox.newLink(name), { kind: "file", name, size: bytes.length, chunks: chunksOf(bytes) });

  it("streams a few hundred MiB intact while holding only a bounded amount in memory", async () => {
    const size = 320 * 1024 * 1024;
    const block = randomBytes(1024 * 1024);
    // Every MiB differs (its index is stamped in), so a dropped, repeated or reordered chunk shows.
    const chunks = function* (): Iterable<Uint8Array> {
      for (let index = 0; index * block.length < size; index += 1) {
        const chunk = Buffer.from(block);
        chunk.writeUInt32BE(index, 0);
        yield chunk;
      }
    };
    const expected = createHash("sha256");
    for (const chunk of chunks()) expected.update(chunk);
    const link = dropbox.serve(dropbox.newLink("big lecture.mp4"), {
      kind: "file",
      name: "big lecture.mp4",
      size,
      chunks,
    });

    const opened = await Effect.runPromise(source.open(link));
    expect(opened).toMatchObject({ name: "big lecture.mp4", size, contentType: "video/mp4" });

    const baseline = process.memoryUsage();
    let peakGrowth = 0;
    const received = createHash("sha256");
    let receivedBytes = 0;
    for await (const chunk of opened.body) {
      received.update(chunk);
      receivedBytes += chunk.length;
      if (receivedBytes % (8 * 1024 * 1024) < chunk.length) {
        const now = process.memoryUsage();
        peakGrowth = Math.max(peakGrowth, now.rss - baseline.rss);
      }
    }
    expect(receivedBytes).toBe(size);
    expect(received.digest("hex")).toBe(expected.digest("hex"));
    // The whole file in memory would add 320 MiB; streaming stays far below that.
    expect(peakGrowth).toBeLessThan(96 * 1024 * 1024);
  }, 120_000);

  it("sends the shared link in Dropbox-API-Arg with the access token, and escapes non-ASCII", async () => {
    const name = "Vorlesung Übung é.mp4";
    const link = fileLink(name, patternedBytes(1000, 3));
    const opened = await Effect.runPromise(source.open(link));
    for await (const _chunk of opened.body) {
      // drain
    }
    expect(opened.name).toBe(name);
    const download = dropbox.downloads.at(-1);
    expect(download?.authorization).toMatch(/^Bearer sl\.fake-/);
    expect(download?.apiArg).toMatch(/^[\x20-\x7e]+$/);
    expect(JSON.parse(download?.apiArg ?? "")).toEqual({ url: link });
  });

  it("refreshes the token on a 401 and retries once", async () => {
    const bytes = patternedBytes(50_000, 5);
    const link = fileLink("after-401.mp4", bytes);
    await Effect.runPromise(source.open(fileLink("warm-up.mp4", bytes)));
    const tokensBefore = dropbox.tokenRequests;
    const downloadsBefore = dropbox.downloads.length;
    dropbox.expireAccessTokens();

    const opened = await Effect.runPromise(source.open(link));
    let length = 0;
    for await (const chunk of opened.body) length += chunk.length;

    expect(length).toBe(bytes.length);
    expect(dropbox.tokenRequests).toBe(tokensBefore + 1);
    expect(dropbox.downloads.length).toBe(downloadsBefore + 2);
  });

  it("shares one token refresh between concurrent callers and reuses the token afterwards", async () => {
    const fresh = await FakeDropbox.start();
    const concurrent = sourceFor(fresh);
    try {
      const links = Array.from({ length: 5 }, (_, index) => {
        const name = `concurrent-${index}.mp4`;
        return fresh.serve(fresh.newLink(name), {
          kind: "file",
          name,
          size: 10,
          chunks: chunksOf(patternedBytes(10, index + 1)),
        });
      });
      const opened = await Promise.all(links.map((link) => Effect.runPromise(concurrent.open(link))));
      for (const source of opened) for await (const _chunk of source.body) void _chunk;
      await Effect.runPromise(concurrent.open(links[0] ?? ""));
      expect(fresh.tokenRequests).toBe(1);
    } finally {
      await concurrent.close();
      await fresh.close();
    }
  });

  it("renews the token five minutes before it expires", async () => {
    const fresh = await FakeDropbox.start();
    fresh.tokenLifetimeSeconds = 3600;
    let now = 0;
    const timed = sourceFor(fresh, {}, { now: () => new Date(now) });
    try {
      const link = fresh.serve(fresh.newLink("timed.mp4"), {
        kind: "file",
        name: "timed.mp4",
        size: 4,
        chunks: chunksOf(patternedBytes(4)),
      });
      await Effect.runPromise(timed.open(link));
      now = (3600 - 301) * 1000;
      await Effect.runPromise(timed.open(link));
      expect(fresh.tokenRequests).toBe(1);
      now = (3600 - 299) * 1000;
      await Effect.runPromise(timed.open(link));
      expect(fresh.tokenRequests).toBe(2);
    } finally {
      await timed.close();
      await fresh.close();
    }
  });

  it("treats a 409 (bad or revoked link) as permanent and keeps Dropbox's reason", async () => {
    const link = dropbox.newLink("missing.mp4");
    const failure = await failureOf(source.open(link));
    expect(failure).toMatchObject({ _tag: "SourceRejected", url: link });
    expect(failure.reason).toContain("409");
    expect(failure.reason).toContain("shared_link_not_found");
  });

  it("reports a 429 as transient with its Retry-After", async () => {
    const link = dropbox.serve(dropbox.newLink(), {
      kind: "status",
      status: 429,
      body: { error_summary: "too_many_requests/" },
      retryAfterSeconds: 300,
    });
    expect(await failureOf(source.open(link))).toMatchObject({
      _tag: "SourceUnavailable",
      retryAfterSeconds: 300,
    });
  });

  it("treats 503 and 408 as transient and 403 as permanent", async () => {
    for (const [status, tag] of [
      [503, "SourceUnavailable"],
      [408, "SourceUnavailable"],
      [403, "SourceRejected"],
    ] as const) {
      const link = dropbox.serve(dropbox.newLink(), {
        kind: "status",
        status,
        body: { error_summary: `status_${status}/` },
      });
      const failure = await failureOf(source.open(link));
      expect(failure).toMatchObject({ _tag: tag });
      expect(failure.reason).toContain(`status_${status}`);
    }
  });

  it("reports a connection reset mid-stream as transient", async () => {
    const bytes = patternedBytes(2_000_000, 9);
    const link = dropbox.serve(dropbox.newLink("reset.mp4"), {
      kind: "file",
      name: "reset.mp4",
      size: bytes.length,
      chunks: chunksOf(bytes),
      breakAfter: 500_000,
    });
    const opened = await Effect.runPromise(source.open(link));
    await expect(async () => {
      for await (const _chunk of opened.body) void _chunk;
    }).rejects.toMatchObject({ _tag: "SourceUnavailable", url: link });
  });

  it("reports a stalled transfer as transient once the idle-read timeout passes", async () => {
    const bytes = patternedBytes(300_000, 11);
    const link = dropbox.serve(dropbox.newLink("stall.mp4"), {
      kind: "file",
      name: "stall.mp4",
      size: bytes.length,
      chunks: chunksOf(bytes),
      stallAfter: 100_000,
    });
    const opened = await Effect.runPromise(source.open(link));
    let thrown: unknown;
    try {
      for await (const _chunk of opened.body) void _chunk;
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ _tag: "SourceUnavailable" });
    expect(String((thrown as { reason?: unknown }).reason)).toContain("stalled");
  });

  it("rejects a response without usable metadata", async () => {
    for (const metadataHeader of [null, "not json", JSON.stringify({ size: 3 })]) {
      const link = dropbox.serve(dropbox.newLink(), {
        kind: "file",
        name: "x.mp4",
        size: 3,
        chunks: chunksOf(patternedBytes(3)),
        metadataHeader,
      });
      const failure = await failureOf(source.open(link));
      expect(failure).toMatchObject({ _tag: "SourceRejected" });
      expect(failure.reason).toContain("bad metadata");
    }
  });

  it("guesses the content type from the name, falling back to octet-stream", async () => {
    const webm = await Effect.runPromise(source.open(fileLink("talk.webm", patternedBytes(8))));
    expect(webm.contentType).toBe("video/webm");
    const unknown = await Effect.runPromise(source.open(fileLink("talk.unknownext", patternedBytes(8))));
    expect(unknown.contentType).toBe("application/octet-stream");
  });

  it("treats a revoked refresh token as permanent and a token-endpoint outage as transient", async () => {
    const fresh = await FakeDropbox.start();
    const revoked = sourceFor(fresh);
    try {
      const link = fresh.serve(fresh.newLink("x.mp4"), {
        kind: "file",
        name: "x.mp4",
        size: 1,
        chunks: chunksOf(patternedBytes(1)),
      });
      fresh.failTokenRequests(503);
      const outage = await failureOf(revoked.open(link));
      expect(outage).toMatchObject({ _tag: "SourceUnavailable" });
      fresh.revokeRefreshToken();
      const failure = await failureOf(revoked.open(link));
      expect(failure).toMatchObject({ _tag: "SourceRejected" });
      expect(failure.reason).toContain("invalid_grant");
      expect(failure.reason).not.toContain(fresh.appSecret);
      expect(failure.reason).not.toContain(fresh.refreshToken);
    } finally {
      await revoked.close();
      await fresh.close();
    }
  });

  it("refuses a file over the configured maximum size", async () => {
    const limited = sourceFor(dropbox, { maxBytes: 1_000 });
    try {
      const failure = await failureOf(limited.open(fileLink("too-big.mp4", patternedBytes(5_000))));
      expect(failure).toMatchObject({ _tag: "SourceRejected" });
      expect(failure.reason).toContain("limit of 1000");
    } finally {
      await limited.close();
    }
  });

  it("rejects links that are not Dropbox shared links without calling Dropbox", async () => {
    const before = dropbox.downloads.length;
    for (const link of ["https://example.com/video.mp4", "http://www.dropbox.com/s/x/y.mp4", "dropbox"]) {
      expect(await failureOf(source.open(link))).toMatchObject({
        _tag: "SourceRejected",
        reason: "not a Dropbox shared link",
      });
    }
    expect(dropbox.downloads.length).toBe(before);
    expect(isDropboxSharedLink("https://www.dropbox.com/scl/fi/abc/x.mp4?rlkey=1")).toBe(true);
    expect(isDropboxSharedLink("https://evil-dropbox.com/s/x")).toBe(false);
  });

  it("reports an unreachable Dropbox as transient", async () => {
    const unreachable = sourceFor(dropbox, {
      contentApiUrl: "http://127.0.0.1:9",
      tokenUrl: "http://127.0.0.1:9/oauth2/token",
    });
    try {
      expect(await failureOf(unreachable.open(dropbox.newLink()))).toMatchObject({
        _tag: "SourceUnavailable",
      });
    } finally {
      await unreachable.close();
    }
  });
});
