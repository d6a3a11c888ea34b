import { Effect, Option } from "effect";
import { describe, expect, it } from "vitest";
import type { ByteStream, ListPage, ObjectInfo, ObjectStore } from "../ports/object-store.js";
import {
  bytesEqual,
  bytesOfText,
  collectBytes,
  collectChunks,
  patternedBytes,
  streamFailingAfter,
  streamOfBytes,
  textOfBytes,
} from "../testing/in-memory/byte-streams.js";
import type { Disposable } from "../testing/fresh-subject.js";
import { failureOf } from "../testing/effect-outcomes.js";
import { withFreshSubject } from "../testing/fresh-subject.js";

export interface ObjectStoreContractSubject extends Disposable {
  readonly store: ObjectStore;
  /** A bucket that exists and is empty. */
  readonly bucket: string;
  /** A second bucket that exists and is empty, for copies between buckets. */
  readonly otherBucket: string;
}

const MEBIBYTE = 1024 * 1024;
/** Bulk tests put over a thousand objects; slower stores (s3rver) need the time. */
const BULK_TIMEOUT_MILLISECONDS = 120_000;

const expectSameBytes = (actual: Uint8Array, expected: Uint8Array): void => {
  expect(actual.length).toBe(expected.length);
  expect(bytesEqual(actual, expected)).toBe(true);
};

/**
 * What every ObjectStore must do (S3, the local folder store, memory). `make` returns a fresh
 * subject with two existing, empty buckets:
 * `describeObjectStoreContract("s3", async () => ({ store, bucket, otherBucket, dispose }))`.
 */
export const describeObjectStoreContract = (
  name: string,
  make: () => Promise<ObjectStoreContractSubject>,
): void => {
  describe(`ObjectStore contract: ${name}`, () => {
    const withSubject = withFreshSubject(make);
    const run = Effect.runPromise;
    const readAll = async (store: ObjectStore, bucket: string, key: string): Promise<Uint8Array> =>
      collectBytes((await run(store.get({ bucket, key }))).body);
    const putText = (store: ObjectStore, bucket: string, key: string, text: string): Promise<ObjectInfo> =>
      run(store.put({ bucket, key }, streamOfBytes(bytesOfText(text)), { contentType: "text/plain" }));

    it("stores a body given in many chunks and streams it back intact, in more than one chunk", () =>
      withSubject(async ({ store, bucket }) => {
        const body = patternedBytes(3 * MEBIBYTE, 7);
        const location = { bucket, key: "round-trip/video.mp4" };
        const stored = await run(
          store.put(location, streamOfBytes(body, [65_543, 1_000, 300_001, 17]), {
            contentType: "video/mp4",
            size: body.length,
          }),
        );
        expect(stored.key).toBe(location.key);
        expect(stored.size).toBe(body.length);

        const read = await run(store.get(location));
        expect(read.info.size).toBe(body.length);
        expect(read.info.contentType).toBe("video/mp4");
        const { bytes, chunkSizes } = await collectChunks(read.body);
        expectSameBytes(bytes, body);
        // Bounded memory (docs/architecture.md §6.7): a large object arrives as a stream.
        expect(chunkSizes.length).toBeGreaterThan(1);

        const head = Option.getOrThrow(await run(store.head(location)));
        expect(head.size).toBe(body.length);
        expect(head.contentType).toBe("video/mp4");
        expect(head.etag).toBe(stored.etag);
      }));

    it("stores an empty object", () =>
      withSubject(async ({ store, bucket }) => {
        const location = { bucket, key: "empty/marker" };
        const stored = await run(store.put(location, streamOfBytes(new Uint8Array(0))));
        expect(stored.size).toBe(0);
        expect(await readAll(store, bucket, location.key)).toHaveLength(0);
      }));

    it("replaces an object put again at the same key", () =>
      withSubject(async ({ store, bucket }) => {
        await putText(store, bucket, "replace/me.txt", "first version");
        await putText(store, bucket, "replace/me.txt", "second");
        expect(textOfBytes(await readAll(store, bucket, "replace/me.txt"))).toBe("second");
        expect(Option.getOrThrow(await run(store.head({ bucket, key: "replace/me.txt" }))).size).toBe(6);
      }));

    it("reads inclusive byte ranges: from a start, between two offsets, and the last byte", () =>
      withSubject(async ({ store, bucket }) => {
        const body = patternedBytes(200_000, 11);
        const location = { bucket, key: "ranges/video.ts" };
        await run(store.put(location, streamOfBytes(body), { contentType: "video/MP2T" }));
        const ranged = async (start: number, end?: number): Promise<Uint8Array> => {
          const read = await run(store.get(location, end === undefined ? { start } : { start, end }));
          // The info describes the whole object, which a server needs for Content-Range.
          expect(read.info.size).toBe(body.length);
          return collectBytes(read.body);
        };
        expectSameBytes(await ranged(150_000), body.slice(150_000));
        expectSameBytes(await ranged(10, 70_000), body.slice(10, 70_001));
        expectSameBytes(await ranged(0, 0), body.slice(0, 1));
        expectSameBytes(await ranged(body.length - 1, body.length - 1), body.slice(-1));
        expectSameBytes(await ranged(body.length - 1), body.slice(-1));
      }));

    it("stores nothing when the stream being put fails half-way", () =>
      withSubject(async ({ store, bucket }) => {
        // Larger than S3's smallest multipart part, so a multipart upload is under way when it breaks.
        const body = patternedBytes(7 * MEBIBYTE, 3);
        const location = { bucket, key: "interrupted/video.mp4" };
        const failure = await failureOf(
          store.put(
            location,
            streamFailingAfter(body, 6 * MEBIBYTE, () => new Error("connection reset by peer")),
            { contentType: "video/mp4" },
          ),
        );
        expect(failure._tag).toBe("SourceStreamFailed");
        expect(Option.isNone(await run(store.head(location)))).toBe(true);
        expect((await run(store.list(bucket, "interrupted/"))).objects).toEqual([]);
      }));

    it("leaves the previous object unchanged when a replacing stream fails half-way", () =>
      withSubject(async ({ store, bucket }) => {
        await putText(store, bucket, "keep/original.txt", "the original");
        const failing: ByteStream = streamFailingAfter(
          patternedBytes(100_000),
          50_000,
          () => new Error("reset"),
        );
        const failure = await failureOf(store.put({ bucket, key: "keep/original.txt" }, failing));
        expect(failure._tag).toBe("SourceStreamFailed");
        expect(textOfBytes(await readAll(store, bucket, "keep/original.txt"))).toBe("the original");
      }));

    it("refuses an empty key and a key starting with '/', storing nothing", () =>
      withSubject(async ({ store, bucket }) => {
        for (const key of ["", "/absolute/video.mp4"]) {
          const failure = await failureOf(store.put({ bucket, key }, streamOfBytes(bytesOfText("x"))));
          expect(failure._tag).toBe("StorageFailure");
        }
        expect((await run(store.list(bucket, ""))).objects).toEqual([]);
      }));

    it("answers ObjectNotFound for a missing object, and None from head", () =>
      withSubject(async ({ store, bucket }) => {
        const location = { bucket, key: "missing/video.mp4" };
        expect(await failureOf(store.get(location))).toMatchObject({ _tag: "ObjectNotFound", ...location });
        expect(Option.isNone(await run(store.head(location)))).toBe(true);
      }));

    it("copies an object within a bucket and to another bucket, keeping the source", () =>
      withSubject(async ({ store, bucket, otherBucket }) => {
        const body = patternedBytes(150_000, 5);
        await run(
          store.put({ bucket, key: "copy/source.mp4" }, streamOfBytes(body), { contentType: "video/mp4" }),
        );

        const within = await run(
          store.copy({ bucket, key: "copy/source.mp4" }, { bucket, key: "copy/target.mp4" }),
        );
        expect(within.key).toBe("copy/target.mp4");
        expect(within.size).toBe(body.length);
        const across = await run(
          store.copy(
            { bucket, key: "copy/source.mp4" },
            { bucket: otherBucket, key: "elsewhere/target.mp4" },
          ),
        );
        expect(across.size).toBe(body.length);

        expectSameBytes(await readAll(store, bucket, "copy/target.mp4"), body);
        expectSameBytes(await readAll(store, otherBucket, "elsewhere/target.mp4"), body);
        expectSameBytes(await readAll(store, bucket, "copy/source.mp4"), body);
        const copiedHead = Option.getOrThrow(
          await run(store.head({ bucket: otherBucket, key: "elsewhere/target.mp4" })),
        );
        expect(copiedHead.contentType).toBe("video/mp4");
      }));

    it("answers ObjectNotFound, naming the source, when copying a missing object", () =>
      withSubject(async ({ store, bucket }) => {
        const from = { bucket, key: "copy/nothing-here.mp4" };
        const failure = await failureOf(store.copy(from, { bucket, key: "copy/target.mp4" }));
        expect(failure).toMatchObject({ _tag: "ObjectNotFound", ...from });
        expect(Option.isNone(await run(store.head({ bucket, key: "copy/target.mp4" })))).toBe(true);
      }));

    it("deletes an object, and deleting a missing one succeeds", () =>
      withSubject(async ({ store, bucket }) => {
        await putText(store, bucket, "delete/me.txt", "bye");
        await putText(store, bucket, "delete/me-not.txt", "stay");
        await run(store.delete({ bucket, key: "delete/me.txt" }));
        expect(Option.isNone(await run(store.head({ bucket, key: "delete/me.txt" })))).toBe(true);
        await run(store.delete({ bucket, key: "delete/me.txt" }));
        await run(store.delete({ bucket, key: "delete/never-was.txt" }));
        expect(textOfBytes(await readAll(store, bucket, "delete/me-not.txt"))).toBe("stay");
      }));

    it("lists keys under a prefix in lexicographic order, a page at a time, each exactly once", () =>
      withSubject(async ({ store, bucket }) => {
        const numbered = Array.from(
          { length: 19 },
          (_, index) => `page/${String(index).padStart(3, "0")}.ts`,
        );
        // Byte order, not folder-walk order: '-' < '.' < '/' < 'B' < 'a'.
        const tricky = ["page/a-b", "page/a.b", "page/a/b", "page/aB"];
        const outside = ["pag", "pagex/1", "other/page/1"];
        const outOfOrder = [...outside, ...[...numbered].reverse(), ...[...tricky].reverse()];
        for (const key of outOfOrder) await putText(store, bucket, key, key);

        const seen: Array<string> = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page: ListPage = await run(store.list(bucket, "page/", { cursor, limit: 5 }));
          expect(page.objects.length).toBeLessThanOrEqual(5);
          seen.push(...page.objects.map((object) => object.key));
          for (const object of page.objects) expect(object.size).toBe(bytesOfText(object.key).length);
          cursor = page.nextCursor;
          pages += 1;
        } while (cursor !== null && pages < 100);

        const expected = [...numbered, ...tricky].sort((left, right) =>
          left < right ? -1 : left > right ? 1 : 0,
        );
        expect(seen).toEqual(expected);
        expect(pages).toBeGreaterThanOrEqual(5);
      }));

    it(
      "deletes every key under a prefix, more than one page of them, and says how many",
      () =>
        withSubject(async ({ store, bucket }) => {
          const count = 1_005;
          const keys = Array.from({ length: count }, (_, index) => `bulk/${String(index).padStart(5, "0")}`);
          await run(
            Effect.forEach(
              keys,
              (key) => Effect.asVoid(store.put({ bucket, key }, streamOfBytes(bytesOfText(key)))),
              {
                concurrency: 16,
              },
            ),
          );
          await putText(store, bucket, "bulk-neighbour/keep", "keep");
          await putText(store, bucket, "other/keep", "keep");

          const firstPage = await run(store.list(bucket, "bulk/"));
          expect(firstPage.objects).toHaveLength(1_000);
          expect(firstPage.nextCursor).not.toBeNull();
          const secondPage = await run(store.list(bucket, "bulk/", { cursor: firstPage.nextCursor }));
          expect([...firstPage.objects, ...secondPage.objects].map((object) => object.key)).toEqual(keys);
          expect(secondPage.nextCursor).toBeNull();

          expect(await run(store.deletePrefix(bucket, "bulk/"))).toBe(count);
          expect((await run(store.list(bucket, "bulk/"))).objects).toEqual([]);
          const remaining = (await run(store.list(bucket, ""))).objects.map((object) => object.key);
          expect(remaining).toEqual(["bulk-neighbour/keep", "other/keep"]);
          expect(await run(store.deletePrefix(bucket, "bulk/"))).toBe(0);
        }),
      BULK_TIMEOUT_MILLISECONDS,
    );
  });
};
