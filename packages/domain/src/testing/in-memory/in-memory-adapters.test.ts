import { Effect, Option } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { retranscodeStagingPrefix, thumbnailPrefix, transcodePrefix } from "../../model/storage-keys.js";
import { describeCdnInvalidatorContract } from "../../contracts/cdn-invalidator-contract.js";
import { describeCdnUrlsContract } from "../../contracts/cdn-urls-contract.js";
import { failureOf } from "../effect-outcomes.js";
import { describeEdxVideoApiContract } from "../../contracts/edx-video-api-contract.js";
import { anEdxEndpoint, anEdxVideoPayload } from "../edx-builders.js";
import { describeGroupDirectoryContract } from "../../contracts/group-directory-contract.js";
import { describeIdGeneratorContract } from "../../contracts/id-generator-contract.js";
import { describeLeaseContract } from "../../contracts/lease-contract.js";
import { describeMailerContract } from "../../contracts/mailer-contract.js";
import { describeObjectStoreContract } from "../../contracts/object-store-contract.js";
import { aTranscodeRequest, describeTranscoderContract } from "../../contracts/transcoder-contract.js";
import { describeVideoSourceContract } from "../../contracts/video-source-contract.js";
import {
  bytesOfText,
  collectBytes,
  collectChunks,
  fnv1a64Hex,
  patternedBytes,
  streamOfBytes,
  textOfBytes,
} from "./byte-streams.js";
import { InMemoryCdnInvalidator } from "./in-memory-cdn-invalidator.js";
import { InMemoryCdnUrls } from "./in-memory-cdn-urls.js";
import { InMemoryClock } from "./in-memory-clock.js";
import { InMemoryEdxVideoApi } from "./in-memory-edx-video-api.js";
import { InMemoryGroupDirectory } from "./in-memory-group-directory.js";
import { InMemoryIdGenerator } from "./in-memory-id-generator.js";
import { InMemoryLease } from "./in-memory-lease.js";
import { InMemoryMailer } from "./in-memory-mailer.js";
import { compareKeys, InMemoryObjectStore } from "./in-memory-object-store.js";
import { InMemoryTranscoder } from "./in-memory-transcoder.js";
import { InMemoryVideoSource } from "./in-memory-video-source.js";
import { RandomIdGenerator } from "../../runtime/random-id-generator.js";

const run = Effect.runPromise;

// --- every contract against the in-memory adapters -------------------------------------------

describeObjectStoreContract("in-memory", async () => ({
  store: new InMemoryObjectStore({ buckets: ["contract-main", "contract-other"] }),
  bucket: "contract-main",
  otherBucket: "contract-other",
}));

describeVideoSourceContract("in-memory", async () => {
  const source = new InMemoryVideoSource();
  let links = 0;
  const nextLink = (name: string): string => {
    links += 1;
    return `https://videos.example.edu/${links}/${encodeURIComponent(name)}`;
  };
  return {
    source,
    serve: async (file) => {
      const link = nextLink(file.name);
      source.register(link, { content: file.bytes, name: file.name, contentType: file.contentType });
      return link;
    },
    missingLink: async () => nextLink("gone.mp4"),
    unavailableLink: async (options) => {
      const link = nextLink("busy.mp4");
      source.failOpen(link, { _tag: "Unavailable", reason: "503 Service Unavailable", ...options });
      return link;
    },
    brokenLink: async (file, afterBytes) => {
      const link = nextLink(file.name);
      source.registerFailingHalfway(link, file.bytes, {
        afterBytes,
        name: file.name,
        contentType: file.contentType,
      });
      return link;
    },
  };
});

describeTranscoderContract("in-memory", async () => ({ transcoder: new InMemoryTranscoder() }));

describeCdnUrlsContract("in-memory", async () => {
  const clock = new InMemoryClock();
  const urls = new InMemoryCdnUrls({ clock, host: "media.ovs.test" });
  return { urls, host: urls.host, now: () => clock.now() };
});

describeCdnInvalidatorContract("in-memory", async () => ({ invalidator: new InMemoryCdnInvalidator() }));

describeGroupDirectoryContract("in-memory", async () => {
  const directory = new InMemoryGroupDirectory();
  return {
    directory,
    arrangeGroup: async (name, group) => {
      directory.addGroup(name, group);
    },
  };
});

describeMailerContract("in-memory", async () => {
  const mailer = new InMemoryMailer();
  return {
    mailer,
    deliveries: async () =>
      mailer.outbox.flatMap(({ message }) =>
        message.to.map((recipient) => ({ recipient, subject: message.subject })),
      ),
  };
});

describeEdxVideoApiContract("in-memory", async () => {
  const api = new InMemoryEdxVideoApi();
  const endpoint = anEdxEndpoint("https://courses.learn.example.edu/");
  return {
    api,
    endpoint,
    encodingsOf: async (edxVideoId) => api.videoAt(endpoint, edxVideoId)?.encoded_videos,
  };
});

describeLeaseContract("in-memory", async () => {
  const clock = new InMemoryClock();
  return {
    lease: new InMemoryLease(clock),
    advance: async (milliseconds) => {
      clock.advance(`${milliseconds} millis`);
    },
  };
});

describeIdGeneratorContract("in-memory, seeded", async () => ({ ids: new InMemoryIdGenerator(42) }));
describeIdGeneratorContract("random", async () => ({ ids: new RandomIdGenerator() }));

// --- what only the in-memory adapters promise --------------------------------------------------

describe("byte helpers", () => {
  it("computes 64-bit FNV-1a like the reference vectors", () => {
    expect(fnv1a64Hex(new Uint8Array(0))).toBe("cbf29ce484222325");
    expect(fnv1a64Hex(bytesOfText("a"))).toBe("af63dc4c8601ec8c");
    expect(fnv1a64Hex(bytesOfText("foobar"))).toBe("85944171f73967e8");
  });
});

describe("InMemoryObjectStore", () => {
  const location = { bucket: "media", key: "a/video.mp4" };

  it("streams bodies in chunks of at most 64 KiB and consumes a put's body chunk by chunk", async () => {
    const store = new InMemoryObjectStore();
    const body = patternedBytes(300_000);
    let pulled = 0;
    const counted: AsyncIterable<Uint8Array> = {
      async *[Symbol.asyncIterator]() {
        for await (const chunk of streamOfBytes(body, 10_000)) {
          pulled += 1;
          yield chunk;
        }
      },
    };
    await run(store.put(location, counted));
    expect(pulled).toBe(30);
    const { chunkSizes } = await collectChunks((await run(store.get(location))).body);
    expect(Math.max(...chunkSizes)).toBeLessThanOrEqual(64 * 1024);
    expect(chunkSizes.length).toBe(Math.ceil(body.length / (64 * 1024)));
  });

  it("keeps its own copy of what was put, whatever the producer does with its buffers later", async () => {
    const store = new InMemoryObjectStore();
    const buffer = bytesOfText("original");
    await run(
      store.put(location, {
        [Symbol.asyncIterator]: async function* () {
          yield buffer;
        },
      }),
    );
    buffer.fill(0);
    expect(store.readText(location)).toBe("original");
  });

  it("computes the etag from the content and keeps the content type through a copy", async () => {
    const store = new InMemoryObjectStore();
    const stored = store.putBytes(location, "hello", "text/plain");
    expect(stored.etag).toBe(fnv1a64Hex(bytesOfText("hello")));
    const copied = await run(store.copy(location, { bucket: "other", key: "b/video.mp4" }));
    expect(copied).toMatchObject({ etag: stored.etag, contentType: "text/plain", size: 5 });
  });

  it("stamps objects with the clock it is given", async () => {
    const clock = new InMemoryClock();
    const store = new InMemoryObjectStore({ clock });
    store.putBytes(location, "x");
    clock.advance("1 hour");
    const head = Option.getOrThrow(await run(store.head(location)));
    expect(head.lastModified?.getTime()).toBe(clock.now().getTime() - 3_600_000);
  });

  it("refuses buckets that were not declared, when buckets are declared", async () => {
    const store = new InMemoryObjectStore({ buckets: ["uploads"] });
    const failure = await failureOf(store.put({ bucket: "typo", key: "k" }, streamOfBytes(bytesOfText("x"))));
    expect(failure).toMatchObject({ _tag: "StorageFailure", transient: false });
    store.createBucket("typo");
    await run(store.put({ bucket: "typo", key: "k" }, streamOfBytes(bytesOfText("x"))));
    expect(store.bucketNames()).toEqual(["typo", "uploads"]);
  });

  it("fails ranges that start past the end or run backwards", async () => {
    const store = new InMemoryObjectStore();
    store.putBytes(location, "0123456789");
    expect(await failureOf(store.get(location, { start: 10 }))).toMatchObject({ _tag: "StorageFailure" });
    expect(await failureOf(store.get(location, { start: 5, end: 4 }))).toMatchObject({
      _tag: "StorageFailure",
    });
    expect(
      textOfBytes(await collectBytes((await run(store.get(location, { start: 8, end: 99 }))).body)),
    ).toBe("89");
  });

  it("orders keys by code point, as S3 orders them by UTF-8 bytes", () => {
    expect(compareKeys("\uffff", "\u{10000}")).toBeLessThan(0);
    expect(compareKeys("a", "a/")).toBeLessThan(0);
    expect(compareKeys("B", "a")).toBeLessThan(0);
  });

  it("continues a listing from its cursor even when the cursor's key was deleted meanwhile", async () => {
    const store = new InMemoryObjectStore();
    for (const key of ["p/1", "p/2", "p/3", "p/4"]) store.putBytes({ bucket: "media", key }, key);
    const first = await run(store.list("media", "p/", { limit: 2 }));
    expect(first.nextCursor).toBe("p/2");
    await run(store.delete({ bucket: "media", key: "p/2" }));
    const second = await run(store.list("media", "p/", { cursor: first.nextCursor, limit: 2 }));
    expect(second.objects.map((object) => object.key)).toEqual(["p/3", "p/4"]);
    expect(second.nextCursor).toBeNull();
  });

  it("fails scripted operations without touching anything, then recovers", async () => {
    const store = new InMemoryObjectStore();
    let read = false;
    const body: AsyncIterable<Uint8Array> = {
      async *[Symbol.asyncIterator]() {
        read = true;
        yield bytesOfText("x");
      },
    };
    store.failNext("put", { transient: true, reason: "503 Slow Down", times: 2 });
    expect(await failureOf(store.put(location, body))).toMatchObject({
      _tag: "StorageFailure",
      transient: true,
    });
    expect(await failureOf(store.put(location, body))).toMatchObject({ _tag: "StorageFailure" });
    expect(read).toBe(false);
    await run(store.put(location, body));
    expect(store.readText(location)).toBe("x");
  });
});

describe("InMemoryVideoSource", () => {
  const url = "https://www.dropbox.com/s/abc/Lecture%201.mp4?dl=0";

  it("counts opens, fails scripted opens a set number of times, then serves the content", async () => {
    const source = new InMemoryVideoSource().register(url, { content: bytesOfText("video") });
    source.failOpen(url, { _tag: "Unavailable", retryAfterSeconds: 30 }, 2);
    expect(await failureOf(source.open(url))).toMatchObject({
      _tag: "SourceUnavailable",
      retryAfterSeconds: 30,
    });
    expect(await failureOf(source.open(url))).toMatchObject({ _tag: "SourceUnavailable" });
    const opened = await run(source.open(url));
    expect(opened).toMatchObject({ name: "Lecture 1.mp4", size: 5, contentType: null });
    expect(textOfBytes(await collectBytes(opened.body))).toBe("video");
    expect(source.openCount(url)).toBe(3);
    expect(source.openCount("https://elsewhere.example.edu/")).toBe(0);
  });

  it("rejects for good when told to", async () => {
    const source = new InMemoryVideoSource().register(url, { content: bytesOfText("video") });
    source.failOpen(url, { _tag: "Rejected", reason: "shared link revoked" });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(await failureOf(source.open(url))).toMatchObject({
        _tag: "SourceRejected",
        reason: "shared link revoked",
      });
    }
  });

  it("serves a fresh stream per open from a stream factory, with an unknown size", async () => {
    const source = new InMemoryVideoSource().register(url, {
      content: async function* () {
        yield bytesOfText("ab");
        yield bytesOfText("cd");
      },
      contentType: "video/mp4",
    });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const opened = await run(source.open(url));
      expect(opened.size).toBeNull();
      expect(textOfBytes(await collectBytes(opened.body))).toBe("abcd");
    }
  });

  it("can break a body half-way with a rejection instead of an outage", async () => {
    const source = new InMemoryVideoSource().registerFailingHalfway(url, patternedBytes(1000), {
      afterBytes: 10,
      failure: { _tag: "Rejected", reason: "file too large" },
    });
    const opened = await run(source.open(url));
    await expect(collectBytes(opened.body)).rejects.toMatchObject({ _tag: "SourceRejected" });
  });
});

describe("InMemoryTranscoder", () => {
  it("numbers jobs from 1 by default, and takes ids that never repeat across instances when given a generator", async () => {
    expect((await run(new InMemoryTranscoder().submit(aTranscodeRequest()))).jobId).toBe("in-memory-job-1");
    const ids = new RandomIdGenerator();
    const first = await run(new InMemoryTranscoder(undefined, { ids }).submit(aTranscodeRequest()));
    const second = await run(new InMemoryTranscoder(undefined, { ids }).submit(aTranscodeRequest()));
    expect(first.jobId).toMatch(/^in-memory-job-[0-9a-f-]{36}$/);
    expect(second.jobId).not.toBe(first.jobId);
  });

  it("completes a job with the upstream output names and writes the outputs into the store", async () => {
    const store = new InMemoryObjectStore();
    const transcoder = new InMemoryTranscoder(store);
    const request = aTranscodeRequest();
    const hex = hexKey(request.videoKey);
    const { jobId } = await run(transcoder.submit(request));
    transcoder.progress(jobId);
    expect(await run(transcoder.describe(jobId))).toEqual({
      _tag: "InProgress",
      jobId,
      state: "Progressing",
    });

    const outcome = transcoder.complete(jobId, { durationSeconds: 93.2 });
    expect(outcome).toEqual({
      _tag: "TranscodeSucceeded",
      jobId,
      videoKey: request.videoKey,
      hlsPlaylist: { bucket: "ovs-transcoded", key: `transcoded/${hex}/video__index.m3u8` },
      mp4: { bucket: "ovs-transcoded", key: `transcoded/${hex}/video_custom.mp4` },
      thumbnails: [
        {
          bucket: "ovs-thumbnails",
          key: `thumbnails/${hex}/video_thumbnail.0000000.jpg`,
          width: 1920,
          height: 1080,
        },
      ],
      durationSeconds: 93.2,
    });
    expect(await run(transcoder.describe(jobId))).toEqual({ _tag: "Finished", outcome });
    expect(store.keys("ovs-transcoded", `transcoded/${hex}/`)).toEqual([
      `transcoded/${hex}/video.m3u8`,
      `transcoded/${hex}/video_HLS1.5M.m3u8`,
      `transcoded/${hex}/video_HLS1.5M_00001.ts`,
      `transcoded/${hex}/video_HLS2M.m3u8`,
      `transcoded/${hex}/video_HLS2M_00001.ts`,
      `transcoded/${hex}/video_HLS400k.m3u8`,
      `transcoded/${hex}/video_HLS400k_00001.ts`,
      `transcoded/${hex}/video__index.m3u8`,
      `transcoded/${hex}/video_custom.mp4`,
    ]);
    expect(
      store.has({ bucket: "ovs-thumbnails", key: `thumbnails/${hex}/video_thumbnail.0000000.jpg` }),
    ).toBe(true);
    expect(() => transcoder.complete(jobId)).toThrow(/already finished/);
  });

  it("leaves out the MP4 and the thumbnail when the request does, and writes retranscodes to staging", async () => {
    const transcoder = new InMemoryTranscoder();
    const base = aTranscodeRequest({ orientation: "portrait" });
    const hex = hexKey(base.videoKey);
    const request = {
      ...base,
      purpose: "retranscode" as const,
      includeMp4: false,
      thumbnail: null,
      destination: { bucket: "ovs-transcoded", prefix: retranscodeStagingPrefix(hex) },
    };
    const { jobId } = await run(transcoder.submit(request));
    const outcome = transcoder.complete(jobId);
    expect(outcome.mp4).toBeNull();
    expect(outcome.thumbnails).toEqual([]);
    expect(outcome.hlsPlaylist.key).toBe(`retranscode/transcoded/${hex}/video__index.m3u8`);
    expect(transcoder.requestOf(jobId)).toEqual(request);
  });

  it("makes portrait thumbnails tall", async () => {
    const transcoder = new InMemoryTranscoder();
    const request = aTranscodeRequest({ orientation: "portrait" });
    const { jobId } = await run(transcoder.submit(request));
    expect(transcoder.complete(jobId).thumbnails[0]).toMatchObject({
      key: `${thumbnailPrefix(hexKey(request.videoKey), "public")}/video_thumbnail.0000000.jpg`,
      width: 1080,
      height: 1920,
    });
  });

  it("fails a job with the transcoder's code and message", async () => {
    const transcoder = new InMemoryTranscoder();
    const request = aTranscodeRequest();
    const { jobId } = await run(transcoder.submit(request));
    const outcome = transcoder.fail(jobId, 1010, "Unsupported codec");
    expect(outcome).toEqual({
      _tag: "TranscodeFailed",
      jobId,
      videoKey: request.videoKey,
      errorCode: 1010,
      errorMessage: "Unsupported codec",
    });
    expect(await run(transcoder.describe(jobId))).toEqual({ _tag: "Finished", outcome });
  });

  it("fails scripted submissions without recording them", async () => {
    const transcoder = new InMemoryTranscoder();
    transcoder.failNext("submit", { transient: true, reason: "TooManyRequestsException" });
    transcoder.failNext("submit", { transient: false, reason: "BadRequestException" });
    expect(await failureOf(transcoder.submit(aTranscodeRequest()))).toMatchObject({
      _tag: "TranscoderFailure",
      operation: "submit",
      transient: true,
    });
    expect(await failureOf(transcoder.submit(aTranscodeRequest()))).toMatchObject({ transient: false });
    expect(transcoder.submissions).toEqual([]);
    const request = aTranscodeRequest({
      destination: {
        bucket: "b",
        prefix: `${transcodePrefix(hexKey(aTranscodeRequest().videoKey), "restricted")}/`,
      },
    });
    const { jobId } = await run(transcoder.submit(request));
    expect(transcoder.submissions).toEqual([{ jobId, request }]);
    expect(transcoder.complete(jobId).hlsPlaylist.key).toMatch(
      /^restricted\/transcoded\/[0-9a-f]{32}\/video__index\.m3u8$/,
    );
  });
});

describe("InMemoryCdnUrls", () => {
  it("signs once per video and window, expiring a ttl after the window ends", async () => {
    const clock = new InMemoryClock(new Date("2026-01-15T12:20:00.000Z"));
    const urls = new InMemoryCdnUrls({ clock, ttl: "6 hours", window: "1 hour" });
    const hex = hexKey(aTranscodeRequest().videoKey);
    const first = await run(urls.signedAccess(hex));
    expect(first.expiresAt.toISOString()).toBe("2026-01-15T19:00:00.000Z");
    clock.advance("39 minutes");
    expect(await run(urls.signedAccess(hex))).toBe(first);
    expect(urls.signaturesMade).toBe(1);

    clock.advance("1 minute");
    const next = await run(urls.signedAccess(hex));
    expect(next.expiresAt.toISOString()).toBe("2026-01-15T20:00:00.000Z");
    expect(urls.signaturesMade).toBe(2);
  });

  it("signs a CloudFront custom policy over the video's protected prefix", async () => {
    const urls = new InMemoryCdnUrls({ clock: new InMemoryClock(), host: "media.ovs.test" });
    const hex = hexKey(aTranscodeRequest().videoKey);
    const { queryParameters } = await run(urls.signedAccess(hex));
    const policy = atob(
      (queryParameters["Policy"] ?? "").replaceAll("-", "+").replaceAll("_", "=").replaceAll("~", "/"),
    );
    expect(policy).toContain(`"Resource":"https://media.ovs.test/restricted/*/${hex}/*"`);
  });

  it("fails a scripted signing and signs the next time", async () => {
    const urls = new InMemoryCdnUrls({ clock: new InMemoryClock() });
    const hex = hexKey(aTranscodeRequest().videoKey);
    urls.failNext();
    expect(await failureOf(urls.signedAccess(hex))).toMatchObject({ _tag: "CdnSigningFailure" });
    await run(urls.signedAccess(hex));
    expect(urls.signaturesMade).toBe(1);
  });
});

describe("InMemoryCdnInvalidator", () => {
  it("records each invalidation's paths, and nothing when a scripted failure hits", async () => {
    const invalidator = new InMemoryCdnInvalidator();
    invalidator.failNext({ transient: true, reason: "Throttling" });
    expect(await failureOf(invalidator.invalidate(["a/b"]))).toMatchObject({
      _tag: "CdnInvalidationFailure",
      transient: true,
      paths: ["a/b"],
    });
    const { invalidationIds } = await run(invalidator.invalidate(["a/b", "a/*"]));
    expect(invalidator.invalidations).toEqual([
      { invalidationId: invalidationIds[0], paths: ["a/b", "a/*"] },
    ]);
    expect(invalidator.invalidatedPaths).toEqual(["a/b", "a/*"]);
  });

  it("does nothing for an empty list and refuses paths with a leading slash", async () => {
    const invalidator = new InMemoryCdnInvalidator();
    expect(await run(invalidator.invalidate([]))).toEqual({ invalidationIds: [] });
    expect(await failureOf(invalidator.invalidate(["/a/b"]))).toMatchObject({ transient: false });
    expect(invalidator.invalidations).toEqual([]);
  });
});

describe("InMemoryGroupDirectory", () => {
  it("adds members one at a time and fails scripted lookups", async () => {
    const directory = new InMemoryGroupDirectory();
    directory.addMember("physics", { username: "ada", email: "ada@example.edu" });
    directory.addMember("physics", { username: "ada", email: "ada@new.example.edu" });
    expect(await run(directory.membersOf("physics"))).toEqual({
      members: [{ username: "ada", email: "ada@new.example.edu" }],
      isMailList: false,
    });
    directory.failNext({ transient: true });
    expect(await failureOf(directory.groupExists("physics"))).toMatchObject({
      _tag: "DirectoryFailure",
      operation: "groupExists",
    });
    expect(await run(directory.groupExists("physics"))).toBe(true);
    expect(directory.lookups).toBe(3);
  });
});

describe("InMemoryMailer", () => {
  const message = { from: "ovs@example.edu", to: ["Ada@example.edu"], subject: "Done", text: "Done." };

  it("fails the next sends as scripted, recording nothing, then delivers", async () => {
    const mailer = new InMemoryMailer();
    mailer.failNext(2, { transient: true });
    expect(await failureOf(mailer.send(message))).toMatchObject({ _tag: "MailFailure", transient: true });
    expect(await failureOf(mailer.send(message))).toMatchObject({ _tag: "MailFailure" });
    expect(mailer.outbox).toEqual([]);
    const { messageId } = await run(mailer.send(message));
    expect(mailer.outbox).toMatchObject([{ messageId, message }]);
    expect(mailer.sentTo("ada@example.edu")).toEqual([message]);
  });

  it("refuses a message without recipients", async () => {
    const mailer = new InMemoryMailer();
    expect(await failureOf(mailer.send({ ...message, to: [] }))).toMatchObject({ transient: false });
  });
});

describe("InMemoryEdxVideoApi", () => {
  const endpoint = anEdxEndpoint("https://courses.learn.example.edu/");
  const other = anEdxEndpoint("https://courses.xpro.example.edu/");

  it("replaces encodings on update and only ever adds course links, like edxval", async () => {
    const api = new InMemoryEdxVideoApi();
    const payload = anEdxVideoPayload();
    await run(api.postVideo(endpoint, payload));
    const hlsOnly = payload.encoded_videos.filter((encoding) => encoding.profile === "hls");
    await run(
      api.postVideo(endpoint, {
        ...payload,
        encoded_videos: hlsOnly,
        courses: [{ "course-v1:MITx+2.00x+2026": null }],
      }),
    );
    expect(api.videoAt(endpoint, payload.edx_video_id)).toMatchObject({
      encoded_videos: hlsOnly,
      courses: ["course-v1:MITx+1.00x+2026_Spring", "course-v1:MITx+2.00x+2026"],
    });
  });

  it("keeps each edX instance's videos apart", async () => {
    const api = new InMemoryEdxVideoApi();
    const payload = anEdxVideoPayload();
    api.arrangeVideo(other, payload);
    expect(await run(api.postVideo(endpoint, payload))).toEqual({ _tag: "Created", status: 201 });
    expect(await run(api.postVideo(other, payload))).toEqual({ _tag: "Updated", status: 200 });
    expect(api.postsTo(endpoint)).toHaveLength(1);
    expect(api.posts.map((post) => post.endpoint)).toEqual([
      "https://courses.learn.example.edu/api/val/v0/videos/",
      "https://courses.xpro.example.edu/api/val/v0/videos/",
    ]);
  });

  it("answers scripted rejections and failures, storing nothing", async () => {
    const api = new InMemoryEdxVideoApi();
    const payload = anEdxVideoPayload();
    api.rejectNext({ status: 403, body: '{"detail":"forbidden"}' });
    api.failNext({ transient: true });
    expect(await run(api.postVideo(endpoint, payload))).toEqual({
      _tag: "Rejected",
      status: 403,
      body: '{"detail":"forbidden"}',
    });
    expect(await failureOf(api.postVideo(endpoint, payload))).toMatchObject({
      _tag: "EdxFailure",
      transient: true,
    });
    expect(api.videoAt(endpoint, payload.edx_video_id)).toBeUndefined();
    expect(await run(api.postVideo(endpoint, payload))).toMatchObject({ _tag: "Created" });
    expect(api.posts.map((post) => post.result._tag)).toEqual(["Rejected", "EdxFailure", "Created"]);
  });
});

describe("InMemoryLease", () => {
  it("expires exactly a ttl after acquiring, by the clock it is given", async () => {
    const clock = new InMemoryClock();
    const lease = new InMemoryLease(clock);
    const handle = await run(lease.acquire("video:1", "worker-a", "5 minutes"));
    expect(handle.expiresAt.getTime()).toBe(clock.now().getTime() + 300_000);
    expect(lease.holderOf("video:1")).toEqual(handle);
    clock.advance("5 minutes");
    expect(lease.holderOf("video:1")).toBeUndefined();
  });

  it("fails scripted operations with LeaseFailure", async () => {
    const lease = new InMemoryLease(new InMemoryClock());
    lease.failNext();
    expect(await failureOf(lease.acquire("video:1", "worker-a", "1 minute"))).toMatchObject({
      _tag: "LeaseFailure",
      name: "video:1",
    });
    await run(lease.acquire("video:1", "worker-a", "1 minute"));
  });
});

describe("InMemoryIdGenerator", () => {
  it("repeats its sequence for the same seed and differs between seeds", () => {
    const sequence = (seed: number) => {
      const ids = new InMemoryIdGenerator(seed);
      return [ids.videoKey(), ids.collectionKey(), ids.opaqueId()];
    };
    expect(sequence(7)).toEqual(sequence(7));
    const [seven, eight] = [sequence(7), sequence(8)];
    expect(seven.filter((id) => eight.includes(id))).toEqual([]);
  });
});
