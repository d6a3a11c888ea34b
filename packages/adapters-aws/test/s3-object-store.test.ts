import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import type { ByteStream } from "@ovs/domain";
import {
  bytesEqual,
  collectBytes,
  failureOf,
  patternedBytes,
  streamFailingAfter,
  streamOfBytes,
} from "@ovs/domain/testing";
import { describeObjectStoreContract } from "@ovs/domain/contracts";
import { mockClient } from "aws-sdk-client-mock";
import { Effect, Fiber, Option } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyAwsError } from "../src/aws-errors.js";
import { makeS3ObjectStoreSettings, S3ObjectStore } from "../src/s3-object-store.js";
import { namesOf, recordCommands } from "./support/command-log.js";
import type { LocalS3 } from "./support/local-s3.js";
import { startLocalS3 } from "./support/local-s3.js";

const MEBIBYTE = 1024 * 1024;
const GIBIBYTE = 1024 * MEBIBYTE;
/** S3's smallest part, so multipart uploads start with small test bodies. */
const PART_SIZE = 5 * MEBIBYTE;
const SMALL_PARTS = makeS3ObjectStoreSettings({ partSizeBytes: PART_SIZE, queueSize: 2 });

let local: LocalS3;
beforeAll(async () => {
  local = await startLocalS3();
});
afterAll(async () => {
  await local.close();
});

const run = Effect.runPromise;

describeObjectStoreContract("S3 on s3rver", async () => ({
  store: new S3ObjectStore(local.client, SMALL_PARTS),
  bucket: await local.createBucket("contract"),
  otherBucket: await local.createBucket("contract-other"),
}));

/** A source that yields `bytes`, then stalls until it is closed, and says whether it was. */
const stallingAfter = (bytes: Uint8Array, chunkSize = 256 * 1024) => {
  let offset = 0;
  let closed = false;
  let release: (() => void) | undefined;
  const stream: ByteStream = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        if (closed) return { done: true, value: undefined };
        if (offset < bytes.length) {
          const chunk = bytes.slice(offset, offset + chunkSize);
          offset += chunk.length;
          return { done: false, value: chunk };
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
  return { stream, wasClosed: () => closed };
};

const waitUntil = async (condition: () => Promise<boolean>, what: string): Promise<void> => {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting until ${what}`);
};

describe("S3ObjectStore on s3rver", () => {
  it("streams a body of several parts as a multipart upload and reads ranges across part boundaries", async () => {
    const client = local.newClient();
    const log = recordCommands(client);
    const store = new S3ObjectStore(client, SMALL_PARTS);
    const bucket = await local.createBucket("multipart");
    const body = patternedBytes(2 * PART_SIZE + 123_457, 17);
    const location = { bucket, key: "multipart/video.mp4" };

    const stored = await run(store.put(location, streamOfBytes(body, 100_003), { contentType: "video/mp4" }));

    expect(stored).toMatchObject({ key: location.key, size: body.length, contentType: "video/mp4" });
    expect(namesOf(log)).toEqual([
      "CreateMultipartUploadCommand",
      "UploadPartCommand",
      "UploadPartCommand",
      "UploadPartCommand",
      "CompleteMultipartUploadCommand",
    ]);
    const whole = await run(store.get(location));
    expect(whole.info.size).toBe(body.length);
    expect(bytesEqual(await collectBytes(whole.body), body)).toBe(true);

    const start = PART_SIZE - 10;
    const ranged = await run(store.get(location, { start, end: PART_SIZE + 10 }));
    expect(ranged.info.size).toBe(body.length);
    expect(bytesEqual(await collectBytes(ranged.body), body.slice(start, PART_SIZE + 11))).toBe(true);
    expect(await local.pendingUploads(bucket)).toEqual([]);
  });

  it("sees a pending multipart upload through ListMultipartUploads, so the checks below are not vacuous", async () => {
    const bucket = await local.createBucket("pending");
    const created = await local.client.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: "open/upload" }),
    );
    await local.client.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: "open/upload",
        UploadId: created.UploadId,
        PartNumber: 1,
        Body: patternedBytes(PART_SIZE),
      }),
    );
    expect(await local.pendingUploads(bucket)).toEqual([{ key: "open/upload", uploadId: created.UploadId }]);
    await local.client.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: "open/upload", UploadId: created.UploadId }),
    );
    expect(await local.pendingUploads(bucket)).toEqual([]);
  });

  it("aborts the multipart upload when the source fails half-way: no object, no pending upload", async () => {
    const client = local.newClient();
    const log = recordCommands(client);
    const store = new S3ObjectStore(client, SMALL_PARTS);
    const bucket = await local.createBucket("interrupted");
    const reset = new Error("connection reset by peer");
    const location = { bucket, key: "interrupted/video.mp4" };

    const failure = await failureOf(
      store.put(
        location,
        streamFailingAfter(patternedBytes(4 * PART_SIZE), 2 * PART_SIZE + 4096, () => reset),
      ),
    );

    expect(failure).toMatchObject({ _tag: "SourceStreamFailed", ...location });
    // The source's own error is kept, for the ingest retry rules to read.
    expect(failure._tag === "SourceStreamFailed" && failure.cause).toBe(reset);
    const names = namesOf(log);
    expect(names).toContain("UploadPartCommand");
    expect(names).toContain("AbortMultipartUploadCommand");
    expect(names).not.toContain("CompleteMultipartUploadCommand");
    expect(Option.isNone(await run(store.head(location)))).toBe(true);
    expect(await local.pendingUploads(bucket)).toEqual([]);
  });

  it("aborts the multipart upload and closes the source when the put is interrupted while the source stalls", async () => {
    const client = local.newClient();
    const log = recordCommands(client);
    const store = new S3ObjectStore(client, SMALL_PARTS);
    const bucket = await local.createBucket("stalled");
    const location = { bucket, key: "stalled/video.mp4" };
    const source = stallingAfter(patternedBytes(PART_SIZE + MEBIBYTE, 9));

    const fiber = Effect.runFork(store.put(location, source.stream));
    await waitUntil(async () => (await local.pendingUploads(bucket)).length === 1, "the upload has begun");
    await run(Fiber.interrupt(fiber));

    expect(source.wasClosed()).toBe(true);
    expect(namesOf(log)).toContain("AbortMultipartUploadCommand");
    expect(await local.pendingUploads(bucket)).toEqual([]);
    expect(Option.isNone(await run(store.head(location)))).toBe(true);
  });

  it("deletes a prefix of more than a thousand keys in DeleteObjects batches of at most a thousand", async () => {
    const client = local.newClient();
    const store = new S3ObjectStore(client);
    const bucket = await local.createBucket("bulk");
    const keys = Array.from({ length: 1_234 }, (_, index) => `bulk/${String(index).padStart(5, "0")}.ts`);
    await run(
      Effect.forEach(keys, (key) => store.put({ bucket, key }, streamOfBytes(new Uint8Array([1, 2, 3]))), {
        concurrency: 32,
      }),
    );
    await run(store.put({ bucket, key: "bulky/keep" }, streamOfBytes(new Uint8Array([1]))));
    const log = recordCommands(client);

    expect(await run(store.deletePrefix(bucket, "bulk/"))).toBe(keys.length);

    const batches = log
      .filter((entry) => entry.name === "DeleteObjectsCommand")
      .map((entry) => (entry.input["Delete"] as { readonly Objects: ReadonlyArray<unknown> }).Objects.length);
    expect(batches).toEqual([1_000, 234]);
    expect((await run(store.list(bucket, ""))).objects.map((object) => object.key)).toEqual(["bulky/keep"]);
  }, 120_000);

  it("refuses a range that starts past the end, and a malformed range, as permanent failures", async () => {
    const store = new S3ObjectStore(local.client);
    const bucket = await local.createBucket("ranges");
    const location = { bucket, key: "ranges/small.bin" };
    await run(store.put(location, streamOfBytes(patternedBytes(100))));
    expect(await failureOf(store.get(location, { start: 100 }))).toMatchObject({
      _tag: "StorageFailure",
      operation: "get",
      transient: false,
    });
    expect(await failureOf(store.get(location, { start: 10, end: 5 }))).toMatchObject({
      _tag: "StorageFailure",
      transient: false,
    });
  });

  it("reports a missing bucket as a permanent failure and a refused connection as a transient one", async () => {
    const store = new S3ObjectStore(local.client);
    expect(
      await failureOf(
        store.put({ bucket: "ovs-no-such-bucket", key: "a/b" }, streamOfBytes(patternedBytes(10))),
      ),
    ).toMatchObject({ _tag: "StorageFailure", operation: "put", transient: false });
    expect(await failureOf(store.list("ovs-no-such-bucket", ""))).toMatchObject({ transient: false });

    const unreachable = new S3Client({
      region: "us-east-1",
      endpoint: "http://127.0.0.1:1",
      forcePathStyle: true,
      credentials: { accessKeyId: "x", secretAccessKey: "y" },
      maxAttempts: 1,
    });
    const failure = await failureOf(new S3ObjectStore(unreachable).head({ bucket: "any-bucket", key: "a" }));
    unreachable.destroy();
    expect(failure).toMatchObject({ _tag: "StorageFailure", operation: "head", transient: true });
  });
});

describe("S3ObjectStore multipart copy (aws-sdk-client-mock: s3rver has no UploadPartCopy)", () => {
  const size = 6 * GIBIBYTE + 5;
  const from = { bucket: "ovs-watch", key: "lecture capture/recording.mp4" };
  const to = { bucket: "ovs-uploads", key: "0123456789abcdef0123456789abcdef/video.mp4" };

  const mockedStore = () => {
    const client = new S3Client({
      region: "us-east-1",
      credentials: { accessKeyId: "x", secretAccessKey: "y" },
    });
    const s3 = mockClient(client);
    s3.on(HeadObjectCommand).resolves({
      ContentLength: size,
      ContentType: "video/mp4",
      ETag: '"source-etag"',
    });
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: "upload-1" });
    s3.on(CompleteMultipartUploadCommand).resolves({ ETag: '"copied-etag-7"' });
    s3.on(AbortMultipartUploadCommand).resolves({});
    const store = new S3ObjectStore(
      client,
      makeS3ObjectStoreSettings({ copyPartSizeBytes: GIBIBYTE, copyConcurrency: 3 }),
    );
    return { s3, store };
  };

  it("copies an object above 5 GiB part by part, covering every byte once, from one version of the source", async () => {
    const { s3, store } = mockedStore();
    s3.on(UploadPartCopyCommand).callsFake((input: { readonly PartNumber?: number }) =>
      Promise.resolve({ CopyPartResult: { ETag: `"part-${input.PartNumber ?? 0}"` } }),
    );

    const copied = await run(store.copy(from, to));

    expect(copied).toMatchObject({ key: to.key, size, contentType: "video/mp4", etag: "copied-etag-7" });
    expect(s3.commandCalls(CreateMultipartUploadCommand)[0]?.args[0].input).toMatchObject({
      Bucket: to.bucket,
      Key: to.key,
      ContentType: "video/mp4",
    });
    const parts = s3
      .commandCalls(UploadPartCopyCommand)
      .map((call) => call.args[0].input)
      .sort((left, right) => (left.PartNumber ?? 0) - (right.PartNumber ?? 0));
    expect(parts).toHaveLength(7);
    let next = 0;
    for (const part of parts) {
      expect(part.CopySource).toBe("ovs-watch/lecture%20capture/recording.mp4");
      expect(part.CopySourceIfMatch).toBe('"source-etag"');
      const [first, last] = (part.CopySourceRange ?? "").replace("bytes=", "").split("-").map(Number);
      expect(first).toBe(next);
      next = (last ?? 0) + 1;
    }
    expect(next).toBe(size);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)[0]?.args[0].input.MultipartUpload?.Parts).toEqual(
      parts.map((part) => ({ PartNumber: part.PartNumber, ETag: `"part-${part.PartNumber ?? 0}"` })),
    );
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(0);
  });

  it("aborts the multipart copy when a part fails, and reports the failure classified", async () => {
    const { s3, store } = mockedStore();
    s3.on(UploadPartCopyCommand)
      .resolves({ CopyPartResult: { ETag: '"ok"' } })
      .on(UploadPartCopyCommand, { PartNumber: 3 })
      .rejects(
        new S3ServiceException({
          name: "InternalError",
          $fault: "server",
          $metadata: { httpStatusCode: 500 },
          message: "We encountered an internal error.",
        }),
      );

    const failure = await failureOf(store.copy(from, to));

    expect(failure).toMatchObject({ _tag: "StorageFailure", operation: "copy", transient: true, ...to });
    expect(s3.commandCalls(AbortMultipartUploadCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: to.bucket, Key: to.key, UploadId: "upload-1" },
    ]);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });
});

describe("classifyAwsError", () => {
  const serviceError = (name: string, status: number) =>
    new S3ServiceException({
      name,
      $fault: status >= 500 ? "server" : "client",
      $metadata: { httpStatusCode: status },
      message: name,
    });
  const networkError = (code: string) => Object.assign(new Error(`socket: ${code}`), { code });

  it.each<{ readonly label: string; readonly error: unknown; readonly transient: boolean }>([
    { label: "InternalError 500", error: serviceError("InternalError", 500), transient: true },
    { label: "SlowDown 503", error: serviceError("SlowDown", 503), transient: true },
    { label: "RequestTimeout 400", error: serviceError("RequestTimeout", 400), transient: true },
    { label: "a 408", error: serviceError("Unknown", 408), transient: true },
    { label: "a 429", error: serviceError("TooManyRequests", 429), transient: true },
    { label: "ThrottlingException 400", error: serviceError("ThrottlingException", 400), transient: true },
    { label: "RequestTimeTooSkewed 403", error: serviceError("RequestTimeTooSkewed", 403), transient: true },
    { label: "a connection reset", error: networkError("ECONNRESET"), transient: true },
    { label: "a timed-out socket", error: networkError("ETIMEDOUT"), transient: true },
    {
      label: "the SDK's TimeoutError",
      error: Object.assign(new Error("timed out"), { name: "TimeoutError" }),
      transient: true,
    },
    { label: "AccessDenied 403", error: serviceError("AccessDenied", 403), transient: false },
    { label: "NoSuchBucket 404", error: serviceError("NoSuchBucket", 404), transient: false },
    { label: "NoSuchKey 404", error: serviceError("NoSuchKey", 404), transient: false },
    { label: "InvalidRange 416", error: serviceError("InvalidRange", 416), transient: false },
    { label: "a plain error", error: new Error("something else"), transient: false },
    { label: "a thrown string", error: "boom", transient: false },
  ])("$label: transient $transient", ({ error, transient }) => {
    const classification = classifyAwsError(error);
    expect(classification.transient).toBe(transient);
    expect(classification.reason.length).toBeGreaterThan(0);
  });
});
