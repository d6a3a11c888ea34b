import { createHash } from "node:crypto";
import {
  appendFile,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ByteStream, ListPage, ObjectLocation } from "@ovs/domain";
import { describeObjectStoreContract } from "@ovs/domain/contracts";
import {
  bytesEqual,
  bytesOfText,
  collectBytes,
  collectChunks,
  failureOf,
  patternedBytes,
  streamFailingAfter,
  streamOfBytes,
  textOfBytes,
} from "@ovs/domain/testing";
import { Effect, Fiber, Option } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FilesystemObjectStore } from "../src/filesystem-object-store.js";
import { classifyFilesystemError } from "../src/storage/filesystem-errors.js";
import { STORE_FOLDER } from "../src/storage/storage-names.js";

const MEBIBYTE = 1024 * 1024;
const run = Effect.runPromise;
const md5 = (bytes: Uint8Array): string => createHash("md5").update(bytes).digest("hex");

const newRoot = (): Promise<string> => mkdtemp(path.join(tmpdir(), "ovs-filesystem-store-"));

describeObjectStoreContract("filesystem", async () => {
  const root = await newRoot();
  return {
    store: new FilesystemObjectStore(root),
    bucket: "contract",
    otherBucket: "contract-other",
    dispose: () => rm(root, { recursive: true, force: true }),
  };
});

describeObjectStoreContract("filesystem, declared buckets, not durable", async () => {
  const root = await newRoot();
  return {
    store: new FilesystemObjectStore(root, { buckets: ["ovs-uploads", "ovs-transcoded"], durable: false }),
    bucket: "ovs-uploads",
    otherBucket: "ovs-transcoded",
    dispose: () => rm(root, { recursive: true, force: true }),
  };
});

/** Every file below a folder, as paths relative to it (links listed, not followed). */
const filesBelow = async (folder: string): Promise<ReadonlyArray<string>> => {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
};

/** A source that yields `bytes`, then stalls until it is closed, and says whether it was. */
const stallingAfter = (bytes: Uint8Array) => {
  let sent = false;
  let closed = false;
  let release: (() => void) | undefined;
  const stream: ByteStream = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        if (closed) return { done: true, value: undefined };
        if (!sent) {
          sent = true;
          return { done: false, value: bytes };
        }
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return { done: true, value: undefined };
      },
      return: async () => {
        closed = true;
        release?.();
        return { done: true, value: undefined };
      },
    }),
  };
  return { stream, wasClosed: () => closed, hasStalled: () => release !== undefined };
};

const waitUntil = async (condition: () => boolean | Promise<boolean>, what: string): Promise<void> => {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting until ${what}`);
};

describe("FilesystemObjectStore", () => {
  let parent: string;
  let root: string;
  let store: FilesystemObjectStore;
  const bucket = "media";
  const at = (key: string): ObjectLocation => ({ bucket, key });
  const bucketFolder = () => path.join(root, bucket);
  const tempFolder = () => path.join(bucketFolder(), STORE_FOLDER, "tmp");
  const metaFolder = () => path.join(bucketFolder(), STORE_FOLDER, "meta");
  const putText = (key: string, text: string, contentType?: string) =>
    run(
      store.put(at(key), streamOfBytes(bytesOfText(text)), contentType === undefined ? {} : { contentType }),
    );
  const readText = async (key: string): Promise<string> =>
    textOfBytes(await collectBytes((await run(store.get(at(key)))).body));
  const listKeys = async (prefix = ""): Promise<ReadonlyArray<string>> =>
    (await run(store.list(bucket, prefix))).objects.map((object) => object.key);

  beforeEach(async () => {
    // The root sits in a parent folder of its own, so a write that escaped it would be seen.
    parent = await mkdtemp(path.join(tmpdir(), "ovs-filesystem-store-parent-"));
    root = path.join(parent, "storage");
    store = new FilesystemObjectStore(root);
  });
  afterEach(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  describe("layout", () => {
    it("stores each object as a plain file at its key below the bucket folder", async () => {
      await putText("0123abcd/video.mp4", "the video", "video/mp4");
      await putText("transcoded/0123abcd/video__index.m3u8", "#EXTM3U", "application/x-mpegURL");
      expect(await readFile(path.join(root, "media", "0123abcd", "video.mp4"), "utf8")).toBe("the video");
      expect(
        await readFile(path.join(root, "media", "transcoded", "0123abcd", "video__index.m3u8"), "utf8"),
      ).toBe("#EXTM3U");
      expect(store.bucketFolder(bucket)).toBe(path.join(root, "media"));
    });

    it("gives the MD5 of the bytes as a bare ETag, and the file's mtime as lastModified", async () => {
      const body = patternedBytes(300_000, 4);
      const stored = await run(store.put(at("etag/body.bin"), streamOfBytes(body, 7_777)));
      expect(stored.etag).toBe(md5(body));
      expect(stored.etag).toMatch(/^[0-9a-f]{32}$/);
      const empty = await run(store.put(at("etag/empty"), streamOfBytes(new Uint8Array(0))));
      expect(empty.etag).toBe("d41d8cd98f00b204e9800998ecf8427e");

      const fileStats = await lstat(path.join(bucketFolder(), "etag", "body.bin"));
      const head = Option.getOrThrow(await run(store.head(at("etag/body.bin"))));
      expect(head.lastModified?.getTime()).toBe(Math.floor(fileStats.mtimeMs));
      expect(stored.lastModified?.getTime()).toBe(head.lastModified?.getTime());
      const listed = (await run(store.list(bucket, "etag/"))).objects;
      expect(listed.map((object) => [object.key, object.etag])).toEqual([
        ["etag/body.bin", md5(body)],
        ["etag/empty", "d41d8cd98f00b204e9800998ecf8427e"],
      ]);
    });
  });

  describe("atomic writes", () => {
    it("leaves no object, no temp file and no sidecar when the source fails half-way", async () => {
      const failure = await failureOf(
        store.put(
          at("broken/video.mp4"),
          streamFailingAfter(patternedBytes(3 * MEBIBYTE), 2 * MEBIBYTE, () => new Error("reset")),
          { contentType: "video/mp4" },
        ),
      );
      expect(failure._tag).toBe("SourceStreamFailed");
      expect(await filesBelow(bucketFolder())).toEqual([]);
    });

    it("keeps the previous object, its content type and its ETag when a replacing source fails", async () => {
      const original = await putText("keep/me.txt", "the original", "text/plain");
      const failure = await failureOf(
        store.put(
          at("keep/me.txt"),
          streamFailingAfter(patternedBytes(200_000), 100_000, () => new Error("reset")),
          { contentType: "video/mp4" },
        ),
      );
      expect(failure._tag).toBe("SourceStreamFailed");
      expect(await readText("keep/me.txt")).toBe("the original");
      const head = Option.getOrThrow(await run(store.head(at("keep/me.txt"))));
      expect(head).toMatchObject({ contentType: "text/plain", etag: original.etag, size: 12 });
      expect(await readdir(tempFolder())).toEqual([]);
    });

    it("refuses a source that yields something other than bytes, storing nothing", async () => {
      const strings = {
        async *[Symbol.asyncIterator]() {
          yield "not bytes";
        },
      } as unknown as ByteStream;
      expect(await failureOf(store.put(at("typed/x"), strings))).toMatchObject({
        _tag: "SourceStreamFailed",
      });
      expect(await filesBelow(bucketFolder())).toEqual([]);
    });

    it("removes its temp file and closes the source when the put is interrupted while the source stalls", async () => {
      const source = stallingAfter(patternedBytes(MEBIBYTE));
      const fiber = Effect.runFork(store.put(at("stalled/video.mp4"), source.stream));
      await waitUntil(source.hasStalled, "the source has stalled");
      await waitUntil(
        async () => (await readdir(tempFolder()).catch(() => [])).length === 1,
        "the temp file exists",
      );
      await run(Fiber.interrupt(fiber));
      expect(source.wasClosed()).toBe(true);
      expect(await filesBelow(bucketFolder())).toEqual([]);
    });

    it("never shows a stray temp file (a crashed writer's) and removes the stale ones on the next write", async () => {
      await putText("real/object.txt", "real");
      await writeFile(path.join(tempFolder(), "4242-0123456789abcdef.part"), "half of a crashed write");
      await writeFile(path.join(tempFolder(), "4343-fedcba9876543210.part"), "a write still going on");
      const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
      await utimes(path.join(tempFolder(), "4242-0123456789abcdef.part"), twoHoursAgo, twoHoursAgo);
      // A sidecar cut short by the crash is ignored too.
      await mkdir(path.join(metaFolder(), "00"), { recursive: true });
      await writeFile(path.join(metaFolder(), "00", "256.json"), '{"format":1,"key":"real/obj');

      expect(await listKeys()).toEqual(["real/object.txt"]);
      expect(await listKeys(STORE_FOLDER)).toEqual([]);
      expect(await failureOf(store.get(at(`${STORE_FOLDER}/tmp/4242-0123456789abcdef.part`)))).toMatchObject({
        _tag: "StorageFailure",
        transient: false,
      });
      expect(await run(store.deletePrefix(bucket, ""))).toBe(1);
      expect(await readdir(tempFolder())).toHaveLength(2);

      // A store started after the crash sweeps what is older than an hour on its first write.
      const restarted = new FilesystemObjectStore(root);
      await run(restarted.put(at("after/restart.txt"), streamOfBytes(bytesOfText("x"))));
      expect(await readdir(tempFolder())).toEqual(["4343-fedcba9876543210.part"]);
      expect(await listKeys()).toEqual(["after/restart.txt"]);
    });

    it("lets a reader that opened the old file read the old bytes while a put replaces it", async () => {
      const before = patternedBytes(2 * MEBIBYTE, 1);
      const after = patternedBytes(2 * MEBIBYTE, 2);
      await run(store.put(at("swap/video.mp4"), streamOfBytes(before)));
      const opened = await run(store.get(at("swap/video.mp4")));
      await run(store.put(at("swap/video.mp4"), streamOfBytes(after)));
      expect(bytesEqual(await collectBytes(opened.body), before)).toBe(true);
      expect(opened.info.etag).toBe(md5(before));
      const fresh = await run(store.get(at("swap/video.mp4")));
      expect(bytesEqual(await collectBytes(fresh.body), after)).toBe(true);
      expect(fresh.info.etag).toBe(md5(after));
    });

    it("ends concurrent puts to one key with one whole object and its own metadata, never a mix", async () => {
      const writers = [
        { body: patternedBytes(3 * MEBIBYTE + 11, 21), contentType: "video/mp4" },
        { body: patternedBytes(3 * MEBIBYTE + 11, 22), contentType: "video/webm" },
        { body: patternedBytes(MEBIBYTE, 23), contentType: "video/quicktime" },
      ];
      for (let round = 0; round < 5; round += 1) {
        await run(
          Effect.forEach(
            writers,
            (writer) =>
              store.put(at("race/video"), streamOfBytes(writer.body, 32_768), {
                contentType: writer.contentType,
              }),
            { concurrency: "unbounded" },
          ),
        );
        const read = await run(store.get(at("race/video")));
        const bytes = await collectBytes(read.body);
        const winner = writers.find((writer) => bytesEqual(writer.body, bytes));
        expect(winner).toBeDefined();
        expect(read.info).toMatchObject({
          size: winner?.body.length,
          etag: winner === undefined ? "" : md5(winner.body),
          contentType: winner?.contentType,
        });
      }
      expect(await readdir(tempFolder())).toEqual([]);
      expect(await listKeys()).toEqual(["race/video"]);
    });
  });

  describe("keys and buckets that would escape", () => {
    const escapingKeys = [
      "",
      "/etc/passwd",
      "../outside.txt",
      "a/../../outside.txt",
      "a/..",
      "..",
      "./a",
      "a/./b",
      "a//b",
      "a/",
      "a\\..\\..\\outside.txt",
      "..\\outside.txt",
      "a\0b",
      `${STORE_FOLDER}/tmp/x.part`,
      `${STORE_FOLDER}/meta/00/1.json`,
      "bad\uD800surrogate",
      `${"x".repeat(256)}/y`,
    ];

    it.each(escapingKeys.map((key) => ({ key, shown: JSON.stringify(key).slice(0, 60) })))(
      "refuses $shown for every operation, as a permanent StorageFailure, touching nothing",
      async ({ key }) => {
        await putText("inside/source.txt", "source");
        await writeFile(path.join(parent, "outside.txt"), "outside");
        const refusals = [
          await failureOf(store.put(at(key), streamOfBytes(bytesOfText("escaped")))),
          await failureOf(store.get(at(key))),
          await failureOf(store.head(at(key))),
          await failureOf(store.copy(at("inside/source.txt"), at(key))),
          await failureOf(store.copy(at(key), at("inside/target.txt"))),
          await failureOf(store.delete(at(key))),
        ];
        for (const refusal of refusals) {
          expect(refusal).toMatchObject({ _tag: "StorageFailure", transient: false, bucket, key });
          expect(refusal._tag === "StorageFailure" && refusal.reason.length).toBeGreaterThan(10);
        }
        expect(await readFile(path.join(parent, "outside.txt"), "utf8")).toBe("outside");
        expect(await readdir(parent)).toEqual(["outside.txt", "storage"].sort());
        expect(await listKeys()).toEqual(["inside/source.txt"]);
      },
    );

    it("says why a key is refused", async () => {
      const reasonOf = async (key: string) => {
        const failure = await failureOf(store.put(at(key), streamOfBytes(bytesOfText("x"))));
        return failure._tag === "StorageFailure" ? failure.reason : failure._tag;
      };
      expect(await reasonOf("")).toMatch(/must not be empty/);
      expect(await reasonOf("/abs")).toMatch(/must not start with '\/'/);
      expect(await reasonOf("a/../b")).toMatch(/'\.\.' segment/);
      expect(await reasonOf("a\\b")).toMatch(/backslash/);
      expect(await reasonOf("a\0b")).toMatch(/NUL/);
      expect(await reasonOf("folder/")).toMatch(/folder marker/);
      expect(await reasonOf(`${STORE_FOLDER}/x`)).toMatch(/store's own folder/);
    });

    it.each([
      "",
      "..",
      "../media",
      "media/../../x",
      "a/b",
      "Media",
      ".hidden",
      "ab",
      "a..b",
      "-media",
      "media-",
      "192.168.0.1",
      "x".repeat(64),
      "me\0dia",
    ])("refuses the bucket name %j for every operation", async (badBucket) => {
      const location = { bucket: badBucket, key: "a/b.txt" };
      const refusals = [
        await failureOf(store.put(location, streamOfBytes(bytesOfText("x")))),
        await failureOf(store.get(location)),
        await failureOf(store.head(location)),
        await failureOf(store.copy(location, at("a/b.txt"))),
        await failureOf(store.copy(at("a/b.txt"), location)),
        await failureOf(store.delete(location)),
        await failureOf(store.list(badBucket, "")),
        await failureOf(store.deletePrefix(badBucket, "")),
      ];
      for (const refusal of refusals)
        expect(refusal).toMatchObject({ _tag: "StorageFailure", transient: false });
      expect(await readdir(parent)).toEqual([]);
    });

    it("refuses buckets other than the declared ones, and a declared name that breaks the rules", async () => {
      const declared = new FilesystemObjectStore(root, { buckets: ["ovs-uploads"] });
      await run(declared.put({ bucket: "ovs-uploads", key: "a" }, streamOfBytes(bytesOfText("x"))));
      expect(
        await failureOf(declared.put({ bucket: "ovs-other", key: "a" }, streamOfBytes(bytesOfText("x")))),
      ).toMatchObject({ _tag: "StorageFailure", transient: false, reason: "no such bucket 'ovs-other'" });
      expect(await failureOf(declared.list("ovs-other", ""))).toMatchObject({ _tag: "StorageFailure" });
      expect(() => new FilesystemObjectStore(root, { buckets: ["../escape"] })).toThrow(RangeError);
    });

    describe("symbolic links below a bucket folder are never followed", () => {
      let outside: string;
      beforeEach(async () => {
        outside = path.join(parent, "outside");
        await mkdir(outside);
        await writeFile(path.join(outside, "secret.txt"), "secret");
        await putText("inside/file.txt", "inside");
        await symlink(outside, path.join(bucketFolder(), "linked-folder"));
        await symlink(path.join(outside, "secret.txt"), path.join(bucketFolder(), "linked-file"));
      });

      it("reads nothing through a link", async () => {
        expect(await failureOf(store.get(at("linked-folder/secret.txt")))).toMatchObject({
          _tag: "ObjectNotFound",
        });
        expect(await failureOf(store.get(at("linked-file")))).toMatchObject({ _tag: "ObjectNotFound" });
        expect(Option.isNone(await run(store.head(at("linked-folder/secret.txt"))))).toBe(true);
        expect(Option.isNone(await run(store.head(at("linked-file"))))).toBe(true);
        expect(await failureOf(store.copy(at("linked-file"), at("stolen.txt")))).toMatchObject({
          _tag: "ObjectNotFound",
        });
        expect(await failureOf(store.copy(at("linked-folder/secret.txt"), at("stolen.txt")))).toMatchObject({
          _tag: "ObjectNotFound",
        });
        expect(await listKeys()).toEqual(["inside/file.txt"]);
        expect(await listKeys("linked-folder/")).toEqual([]);
      });

      it("writes and deletes nothing through a link", async () => {
        expect(
          await failureOf(store.put(at("linked-folder/planted.txt"), streamOfBytes(bytesOfText("planted")))),
        ).toMatchObject({ _tag: "StorageFailure", transient: false });
        expect(
          await failureOf(store.copy(at("inside/file.txt"), at("linked-folder/deeper/planted.txt"))),
        ).toMatchObject({ _tag: "StorageFailure", transient: false });
        await run(store.delete(at("linked-folder/secret.txt")));
        expect(await run(store.deletePrefix(bucket, ""))).toBe(1);
        // A put at the link's own key replaces the link inside the bucket, not the file it points to.
        await putText("linked-file", "replaced");
        expect(await readText("linked-file")).toBe("replaced");
        expect(await readdir(outside)).toEqual(["secret.txt"]);
        expect(await readFile(path.join(outside, "secret.txt"), "utf8")).toBe("secret");
      });
    });

    it("works in a bucket folder that is itself a link (a bucket kept on another disk)", async () => {
      const elsewhere = path.join(parent, "other-disk");
      await mkdir(elsewhere);
      await mkdir(root, { recursive: true });
      await symlink(elsewhere, path.join(root, "linked-bucket"));
      const linked = { bucket: "linked-bucket", key: "a/b.txt" };
      await run(
        store.put(linked, streamOfBytes(bytesOfText("on the other disk")), { contentType: "text/plain" }),
      );
      expect(await readFile(path.join(elsewhere, "a", "b.txt"), "utf8")).toBe("on the other disk");
      expect((await run(store.list("linked-bucket", ""))).objects).toMatchObject([
        { key: "a/b.txt", contentType: "text/plain" },
      ]);
      expect(textOfBytes(await collectBytes((await run(store.get(linked))).body))).toBe("on the other disk");
      expect(await run(store.deletePrefix("linked-bucket", ""))).toBe(1);
      expect(await readdir(elsewhere)).toEqual([STORE_FOLDER]);
    });

    it("lists nothing for a prefix that names a folder no key can have", async () => {
      await putText("a/b.txt", "x");
      for (const prefix of ["../", "a/../", "/a", "a//", `${STORE_FOLDER}/`, "a\\"]) {
        expect(await listKeys(prefix)).toEqual([]);
        expect(await run(store.deletePrefix(bucket, prefix))).toBe(0);
      }
      expect(await listKeys()).toEqual(["a/b.txt"]);
    });
  });

  describe("byte ranges", () => {
    const body = patternedBytes(100_000, 9);
    beforeEach(async () => {
      store = new FilesystemObjectStore(root, { readChunkBytes: 4_096 });
      await run(store.put(at("ranges/video.ts"), streamOfBytes(body)));
    });
    const ranged = async (start: number, end?: number) => {
      const read = await run(
        store.get(at("ranges/video.ts"), end === undefined ? { start } : { start, end }),
      );
      expect(read.info.size).toBe(body.length);
      return collectChunks(read.body);
    };

    it("streams the inclusive range in chunks of at most the read size, clamping an end past the size", async () => {
      const middle = await ranged(1_000, 60_999);
      expect(bytesEqual(middle.bytes, body.slice(1_000, 61_000))).toBe(true);
      expect(Math.max(...middle.chunkSizes)).toBeLessThanOrEqual(4_096);
      expect(middle.chunkSizes.length).toBeGreaterThan(10);
      expect(bytesEqual((await ranged(99_000, 1_000_000)).bytes, body.slice(99_000))).toBe(true);
      expect(bytesEqual((await ranged(0, 0)).bytes, body.slice(0, 1))).toBe(true);
    });

    it("refuses a range from or past the end, and a malformed one, as permanent failures", async () => {
      for (const range of [
        { start: body.length },
        { start: body.length + 10, end: body.length + 20 },
        { start: 10, end: 5 },
        { start: -1 },
        { start: 1.5 },
        { start: 0, end: Number.NaN },
      ]) {
        expect(await failureOf(store.get(at("ranges/video.ts"), range))).toMatchObject({
          _tag: "StorageFailure",
          operation: "get",
          transient: false,
        });
      }
      await run(store.put(at("ranges/empty"), streamOfBytes(new Uint8Array(0))));
      expect(await failureOf(store.get(at("ranges/empty"), { start: 0 }))).toMatchObject({
        transient: false,
      });
      expect(await failureOf(store.get(at("ranges/missing"), { start: 0 }))).toMatchObject({
        _tag: "ObjectNotFound",
      });
    });
  });

  describe("metadata", () => {
    it("keeps the content type and ETag across a restart, a copy and a listing", async () => {
      const stored = await putText("typed/video.mp4", "not really a video", "video/mp4");
      const restarted = new FilesystemObjectStore(root);
      const head = Option.getOrThrow(await run(restarted.head(at("typed/video.mp4"))));
      expect(head).toMatchObject({ contentType: "video/mp4", etag: stored.etag });
      const read = await run(restarted.get(at("typed/video.mp4")));
      expect(read.info.contentType).toBe("video/mp4");
      expect(textOfBytes(await collectBytes(read.body))).toBe("not really a video");
      const copied = await run(
        restarted.copy(at("typed/video.mp4"), { bucket: "elsewhere", key: "copy.mp4" }),
      );
      expect(copied).toMatchObject({ contentType: "video/mp4", etag: stored.etag });
      expect(
        Option.getOrThrow(await run(restarted.head({ bucket: "elsewhere", key: "copy.mp4" }))).contentType,
      ).toBe("video/mp4");
      expect((await run(restarted.list(bucket, "typed/"))).objects).toMatchObject([
        { key: "typed/video.mp4", contentType: "video/mp4", etag: stored.etag },
      ]);
    });

    it("forgets the content type of an object replaced without one", async () => {
      await putText("typed/a.txt", "one", "text/plain");
      await putText("typed/a.txt", "two");
      expect(Option.getOrThrow(await run(store.head(at("typed/a.txt"))))).toMatchObject({
        contentType: null,
        etag: md5(bytesOfText("two")),
      });
    });

    it("reports no metadata (rather than stale metadata) for files changed or put there by hand", async () => {
      await putText("hand/changed.txt", "stored", "text/plain");
      await appendFile(path.join(bucketFolder(), "hand", "changed.txt"), " and appended");
      await writeFile(path.join(bucketFolder(), "hand", "dropped.mp4"), "dropped in");
      expect((await run(store.list(bucket, "hand/"))).objects).toMatchObject([
        { key: "hand/changed.txt", size: 19, contentType: null, etag: null },
        { key: "hand/dropped.mp4", size: 10, contentType: null, etag: null },
      ]);
      expect(await readText("hand/changed.txt")).toBe("stored and appended");
      // A copy of such a file gets an ETag computed from its bytes.
      const copied = await run(store.copy(at("hand/dropped.mp4"), at("hand/copied.mp4")));
      expect(copied.etag).toBe(md5(bytesOfText("dropped in")));
    });

    it("removes the sidecars of deleted and replaced objects", async () => {
      await putText("tidy/a.txt", "one", "text/plain");
      await putText("tidy/a.txt", "two", "text/plain");
      await putText("tidy/b.txt", "three", "text/plain");
      expect((await filesBelow(metaFolder())).length).toBe(2);
      await run(store.delete(at("tidy/a.txt")));
      await run(store.deletePrefix(bucket, "tidy/"));
      expect(await filesBelow(metaFolder())).toEqual([]);
    });
  });

  describe("folders", () => {
    it("removes the folders a delete leaves empty, up to but never including the bucket folder", async () => {
      await putText("a/b/c/d.txt", "deep");
      await putText("a/keep.txt", "keep");
      await run(store.delete(at("a/b/c/d.txt")));
      expect(await filesBelow(path.join(bucketFolder(), "a"))).toEqual(["keep.txt"]);
      expect(await readdir(path.join(bucketFolder(), "a"))).toEqual(["keep.txt"]);
      await run(store.delete(at("a/keep.txt")));
      expect((await readdir(bucketFolder())).filter((name) => name !== STORE_FOLDER)).toEqual([]);
      expect((await lstat(bucketFolder())).isDirectory()).toBe(true);
    });

    it("refuses to hold both 'a' and 'a/b', with a reason, and treats the folder 'a' as no object", async () => {
      await putText("both/a/b", "below");
      const asFolder = await failureOf(store.put(at("both/a"), streamOfBytes(bytesOfText("x"))));
      expect(asFolder).toMatchObject({ _tag: "StorageFailure", transient: false });
      expect(asFolder._tag === "StorageFailure" && asFolder.reason).toMatch(/folder holding other objects/);
      expect(await failureOf(store.get(at("both/a")))).toMatchObject({ _tag: "ObjectNotFound" });
      expect(Option.isNone(await run(store.head(at("both/a"))))).toBe(true);
      await run(store.delete(at("both/a")));

      const belowObject = await failureOf(store.put(at("both/a/b/c"), streamOfBytes(bytesOfText("x"))));
      expect(belowObject._tag === "StorageFailure" && belowObject.reason).toMatch(/is an object/);
      expect(await failureOf(store.get(at("both/a/b/c")))).toMatchObject({ _tag: "ObjectNotFound" });
      expect(await readText("both/a/b")).toBe("below");
      expect(await readdir(tempFolder())).toEqual([]);
    });

    it("survives deletes pruning folders while puts create them", async () => {
      const keys = Array.from({ length: 40 }, (_, index) => `churn/${index % 4}/deep/${index}.txt`);
      await run(
        Effect.forEach(
          keys,
          (key, index) =>
            Effect.zipRight(
              store.put(at(key), streamOfBytes(bytesOfText(key))),
              index % 2 === 0 ? store.delete(at(key)) : Effect.void,
            ),
          { concurrency: 16 },
        ),
      );
      const expected = keys.filter((_, index) => index % 2 === 1);
      expect([...(await listKeys("churn/"))].sort()).toEqual([...expected].sort());
    });
  });

  describe("listing", () => {
    it("orders by UTF-8 bytes across folders, not by UTF-16 or folder-walk order", async () => {
      const stored = [
        "u/a/b",
        "u/a-b",
        "u/a.b",
        "u/aB",
        "u/a0",
        "u/é",
        "u/z",
        "u/\u{1F600}",
        "u/\uFFFD",
        "u/Z/1",
        "u/z0/x",
      ];
      for (const key of [...stored].reverse()) await putText(key, key);
      const expected = [...stored].sort((left, right) =>
        Buffer.compare(Buffer.from(left), Buffer.from(right)),
      );
      expect(expected.indexOf("u/\uFFFD")).toBeLessThan(expected.indexOf("u/\u{1F600}"));

      const seen: Array<string> = [];
      let cursor: string | null = null;
      do {
        const page: ListPage = await run(store.list(bucket, "u/", { cursor, limit: 1 }));
        seen.push(...page.objects.map((object) => object.key));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual(expected);
      expect(await listKeys("u/a")).toEqual(expected.filter((key) => key.startsWith("u/a")));
    });

    it("gives an opaque cursor, refuses one it did not give, and refuses a bad limit", async () => {
      await putText("c/1", "1");
      await putText("c/2", "2");
      const first = await run(store.list(bucket, "c/", { limit: 1 }));
      expect(first.nextCursor).not.toBeNull();
      expect(first.nextCursor).not.toContain("c/1");
      const second = await run(store.list(bucket, "c/", { limit: 1, cursor: first.nextCursor }));
      expect(second.objects.map((object) => object.key)).toEqual(["c/2"]);
      expect(second.nextCursor).toBeNull();
      for (const cursor of ["not a cursor!", "===", "_w"]) {
        expect(await failureOf(store.list(bucket, "c/", { cursor }))).toMatchObject({
          _tag: "StorageFailure",
          transient: false,
        });
      }
      for (const limit of [0, -1, 2.5]) {
        expect(await failureOf(store.list(bucket, "c/", { limit }))).toMatchObject({ transient: false });
      }
    });

    it("lists an empty page for a bucket that has no folder yet", async () => {
      expect(await run(store.list("never-written", ""))).toEqual({ objects: [], nextCursor: null });
      expect(await run(store.deletePrefix("never-written", ""))).toBe(0);
      expect(await failureOf(store.get({ bucket: "never-written", key: "a" }))).toMatchObject({
        _tag: "ObjectNotFound",
      });
    });

    it("skips names that are not valid keys (backslashes, invalid UTF-8)", async () => {
      await putText("names/ok.txt", "ok");
      await writeFile(path.join(bucketFolder(), "names", "back\\slash.txt"), "x");
      await writeFile(
        Buffer.concat([
          Buffer.from(path.join(bucketFolder(), "names") + "/"),
          Buffer.from([0x66, 0xff, 0x66]),
        ]),
        "x",
      );
      expect(await listKeys("names/")).toEqual(["names/ok.txt"]);
    });
  });

  describe("large objects stream with bounded memory", () => {
    const size = 256 * MEBIBYTE;
    const chunk = MEBIBYTE;

    it("writes each chunk of a 256 MiB put before asking for the next, and reads it back in small chunks", async () => {
      let yielded = 0;
      let mostAhead = 0;
      const hash = createHash("md5");
      const tempFiles = tempFolder();
      // A few distinct chunks, cycled: the test itself makes little garbage to blur the measure.
      const pool = [1, 2, 3, 4, 5].map((seed) => patternedBytes(chunk, seed));
      const generated: ByteStream = {
        async *[Symbol.asyncIterator]() {
          for (let index = 0; index < size / chunk; index += 1) {
            if (index > 0) {
              // How far the source is ahead of what is on disk: what the store holds in memory.
              const [temp] = await readdir(tempFiles);
              const written = temp === undefined ? 0 : (await lstat(path.join(tempFiles, temp))).size;
              mostAhead = Math.max(mostAhead, yielded - written);
            }
            const bytes = pool[index % pool.length] ?? new Uint8Array(0);
            hash.update(bytes);
            yielded += bytes.length;
            yield bytes;
          }
        },
      };
      const rssBefore = process.memoryUsage().rss;
      let rssPeak = rssBefore;
      const sampler = setInterval(() => {
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      }, 5);
      try {
        const stored = await run(store.put(at("large/video.mp4"), generated, { contentType: "video/mp4" }));
        expect(stored.size).toBe(size);
        expect(mostAhead).toBe(0);

        const read = await run(store.get(at("large/video.mp4")));
        const readHash = createHash("md5");
        let chunks = 0;
        let largest = 0;
        let total = 0;
        for await (const bytes of read.body) {
          readHash.update(bytes);
          chunks += 1;
          largest = Math.max(largest, bytes.length);
          total += bytes.length;
        }
        expect(total).toBe(size);
        expect(largest).toBeLessThanOrEqual(64 * 1024);
        expect(chunks).toBeGreaterThanOrEqual(size / (64 * 1024));
        expect(readHash.digest("hex")).toBe(hash.digest("hex"));
        expect(stored.etag).toBe(read.info.etag);
      } finally {
        clearInterval(sampler);
      }
      // Loose on purpose (the collector runs when it likes): well below the object's size.
      expect(rssPeak - rssBefore).toBeLessThan(size / 2);
    }, 120_000);
  });

  describe("errors", () => {
    it.each([
      { code: "EMFILE", transient: true },
      { code: "ENFILE", transient: true },
      { code: "EAGAIN", transient: true },
      { code: "EBUSY", transient: true },
      { code: "ENOSPC", transient: false },
      { code: "EACCES", transient: false },
      { code: "EIO", transient: false },
      { code: "EROFS", transient: false },
    ])("$code is transient: $transient", ({ code, transient }) => {
      const error = Object.assign(new Error(`${code}: something, open '/x'`), { code });
      expect(classifyFilesystemError(error)).toEqual({ transient, reason: error.message });
    });

    it("turns a filesystem failure into a permanent StorageFailure naming the cause", async () => {
      await writeFile(path.join(parent, "a-file"), "not a folder");
      const broken = new FilesystemObjectStore(path.join(parent, "a-file"));
      const failure = await failureOf(broken.put(at("x/y"), streamOfBytes(bytesOfText("x"))));
      expect(failure).toMatchObject({ _tag: "StorageFailure", operation: "put", transient: false });
      expect(failure._tag === "StorageFailure" && failure.reason).toMatch(/ENOTDIR|EEXIST/);
    });
  });
});
