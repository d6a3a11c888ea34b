import { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import type { HeadObjectCommandOutput, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type {
  ByteRange,
  ByteStream,
  ListPage,
  ObjectInfo,
  ObjectLocation,
  ObjectStore,
  PutOptions,
  StoredObject,
} from "@ovs/domain";
import { ObjectNotFound, SourceStreamFailed, StorageFailure } from "@ovs/domain";
import { Duration, Effect, Exit, Option, Schema } from "effect";
import { classifyAwsError, errorNameOf, httpStatusOf } from "./aws-errors.js";
import { ByteStreamReadable } from "./byte-stream-readable.js";

const MEBIBYTE = 1024 * 1024;
const GIBIBYTE = 1024 * MEBIBYTE;

/** S3's smallest part (all but the last), its largest, and its most parts per upload. */
export const S3_MIN_PART_SIZE_BYTES = 5 * MEBIBYTE;
export const S3_MAX_PART_SIZE_BYTES = 5 * GIBIBYTE;
export const S3_MAX_PARTS = 10_000;
/** The largest object a single `CopyObject` may copy. */
export const S3_COPY_OBJECT_LIMIT_BYTES = 5 * GIBIBYTE;
/** The most keys one `DeleteObjects` (and one `ListObjectsV2` page) takes. */
export const S3_BATCH_LIMIT = 1000;

export const DEFAULT_PART_SIZE_BYTES = S3_MIN_PART_SIZE_BYTES;
export const DEFAULT_QUEUE_SIZE = 4;
export const DEFAULT_COPY_PART_SIZE_BYTES = 512 * MEBIBYTE;
export const DEFAULT_COPY_CONCURRENCY = 4;

const PartSize = Schema.Int.pipe(Schema.between(S3_MIN_PART_SIZE_BYTES, S3_MAX_PART_SIZE_BYTES));
const PositiveInt = Schema.Int.pipe(Schema.positive());

/** Settings of the S3 object store; the root README lists the environment names the app reads. */
export const S3ObjectStoreSettings = Schema.Struct({
  /**
   * Bytes per part of a streamed upload (upstream `AWS_S3_UPLOAD_MULTIPART_CHUNKSIZE_MB`, 32 MiB
   * there). Memory per upload is bounded by the parts in flight and does not grow with the
   * object: about `partSizeBytes × (queueSize + 2)` live, plus garbage the JavaScript engine
   * collects in steps of some 64 MiB. Between 5 MiB and 5 GiB; 5 MiB by default (lib-storage's
   * own default), which keeps a whole uploading process near 170 MiB (`pnpm bench:ingest`).
   * A body of known size that would need more than 10 000 parts gets larger parts; a body of
   * unknown size can be at most 10 000 parts.
   */
  partSizeBytes: Schema.optionalWith(PartSize, { exact: true, default: () => DEFAULT_PART_SIZE_BYTES }),
  /** Parts uploaded at once (upstream `AWS_S3_UPLOAD_MAX_CONCURRENCY`, 10 there); 4 by default. */
  queueSize: Schema.optionalWith(PositiveInt, { exact: true, default: () => DEFAULT_QUEUE_SIZE }),
  /** Objects larger than this are copied part by part; at most, and by default, S3's `CopyObject` limit (5 GiB). */
  multipartCopyThresholdBytes: Schema.optionalWith(
    Schema.Int.pipe(Schema.between(1, S3_COPY_OBJECT_LIMIT_BYTES)),
    { exact: true, default: () => S3_COPY_OBJECT_LIMIT_BYTES },
  ),
  /** Bytes per part of a multipart copy, between 5 MiB and 5 GiB; 512 MiB by default. */
  copyPartSizeBytes: Schema.optionalWith(PartSize, {
    exact: true,
    default: () => DEFAULT_COPY_PART_SIZE_BYTES,
  }),
  /** Parts copied at once; 4 by default. */
  copyConcurrency: Schema.optionalWith(PositiveInt, { exact: true, default: () => DEFAULT_COPY_CONCURRENCY }),
  /**
   * How long an interrupted put waits for its multipart upload to be aborted before the
   * interruption completes anyway; 30 seconds by default.
   */
  abortGrace: Schema.optionalWith(Schema.DurationFromSelf, {
    exact: true,
    default: () => Duration.seconds(30),
  }),
}).annotations({ identifier: "S3ObjectStoreSettings" });

export type S3ObjectStoreSettings = typeof S3ObjectStoreSettings.Type;
/** The settings as the app gives them: every field may be left out for its default. */
export type S3ObjectStoreSettingsInput = typeof S3ObjectStoreSettings.Encoded;

/**
 * Checks the settings and fills in the defaults; throws a `ParseError` naming every field that
 * is wrong, so a bad configuration stops the start rather than the first upload.
 */
export const makeS3ObjectStoreSettings: (input: S3ObjectStoreSettingsInput) => S3ObjectStoreSettings =
  Schema.decodeSync(S3ObjectStoreSettings, { errors: "all" });

type Operation = StorageFailure["operation"];

/** Thrown into an upload whose fiber was interrupted, so lib-storage stops and aborts. */
class PutInterrupted extends Error {
  constructor() {
    super("the put was interrupted");
    this.name = "PutInterrupted";
  }
}

/** S3 quotes ETags (`"9b2cf…"`); the domain compares them bare, as the other stores give them. */
const bareEtag = (etag: string | undefined): string | null =>
  etag === undefined ? null : etag.replace(/^"(.*)"$/, "$1");

/** `CopySource` is `bucket/key` with the key URL-encoded segment by segment. */
const copySourceOf = (location: ObjectLocation): string =>
  `${location.bucket}/${location.key.split("/").map(encodeURIComponent).join("/")}`;

/** Keys that mean nothing in S3 or would escape a folder-backed store are refused everywhere. */
const keyProblemOf = (key: string): string | undefined => {
  if (key.length === 0) return "an object key must not be empty";
  if (key.startsWith("/")) return `object key '${key}' must not start with '/'`;
  return undefined;
};

interface ContentRange {
  readonly first: number;
  readonly last: number;
  readonly total: number;
}

/** `bytes 10-70000/200000` → first 10, last 70000, total 200000. */
const parseContentRange = (contentRange: string | undefined): ContentRange | undefined => {
  const match = contentRange === undefined ? null : /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange.trim());
  if (match === null) return undefined;
  return { first: Number(match[1]), last: Number(match[2]), total: Number(match[3]) };
};

const isMissingObject = (error: unknown): boolean => {
  const name = errorNameOf(error);
  if (name === "NoSuchBucket") return false;
  return name === "NoSuchKey" || name === "NotFound" || httpStatusOf(error) === 404;
};

/**
 * The `ObjectStore` port on S3 (`@aws-sdk/client-s3`, `@aws-sdk/lib-storage`). Puts stream
 * through lib-storage's `Upload` in parts of a fixed size, so memory does not grow with the
 * object; a put whose source fails, whose upload fails, or whose fiber is interrupted aborts
 * its multipart upload, leaving no object and no parts. Errors carry the transient/permanent
 * classification the retry policy reads (`classifyAwsError`).
 */
export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly client: S3Client,
    private readonly settings: S3ObjectStoreSettings = makeS3ObjectStoreSettings({}),
  ) {}

  put(
    location: ObjectLocation,
    body: ByteStream,
    options: PutOptions = {},
  ): Effect.Effect<ObjectInfo, StorageFailure | SourceStreamFailed> {
    const keyProblem = keyProblemOf(location.key);
    if (keyProblem !== undefined) return Effect.fail(this.refusal("put", location, keyProblem));
    // A body of known size that would need more than 10 000 parts gets larger parts.
    const partSize =
      options.size === undefined
        ? this.settings.partSizeBytes
        : Math.max(this.settings.partSizeBytes, Math.ceil(options.size / S3_MAX_PARTS));

    return Effect.async<ObjectInfo, StorageFailure | SourceStreamFailed>((resume) => {
      const source = new ByteStreamReadable(body);
      const upload = new Upload({
        client: this.client,
        params: {
          Bucket: location.bucket,
          Key: location.key,
          Body: source,
          ...(options.contentType === undefined ? {} : { ContentType: options.contentType }),
        },
        partSize,
        queueSize: this.settings.queueSize,
        // The default, spelled out: any failure aborts the multipart upload, dropping its parts.
        leavePartsOnError: false,
      });
      let interrupted = false;
      const settled = upload.done().then(
        (result) => {
          if (interrupted) return;
          resume(
            Effect.succeed({
              key: location.key,
              size: source.bytesRead,
              contentType: options.contentType ?? null,
              etag: bareEtag(result.ETag),
              lastModified: null,
            }),
          );
        },
        (error: unknown) => {
          // lib-storage stops reading on a failed part; the source must not stay open.
          source.destroy();
          if (interrupted) return;
          const sourceFailure = source.sourceFailure;
          resume(
            Effect.fail(
              sourceFailure === undefined
                ? this.failure("put", location, error)
                : new SourceStreamFailed({ ...location, cause: sourceFailure.cause }),
            ),
          );
        },
      );
      // On interruption the source is cut, lib-storage sees it fail, waits for the parts in
      // flight and aborts the multipart upload; the interruption waits for that, within bounds.
      return Effect.suspend(() => {
        interrupted = true;
        source.destroy(new PutInterrupted());
        return Effect.promise(() => settled).pipe(Effect.timeout(this.settings.abortGrace), Effect.ignore);
      });
    });
  }

  get(
    location: ObjectLocation,
    range?: ByteRange,
  ): Effect.Effect<StoredObject, ObjectNotFound | StorageFailure> {
    return Effect.gen(this, function* () {
      if (range !== undefined) {
        const invalid =
          !Number.isInteger(range.start) ||
          range.start < 0 ||
          (range.end !== undefined && (!Number.isInteger(range.end) || range.end < range.start));
        // S3 ignores a malformed Range header and sends the whole object: refuse it here.
        if (invalid) {
          return yield* Effect.fail(
            this.refusal("get", location, `range ${range.start}-${range.end ?? ""} is not valid`),
          );
        }
      }
      const output = yield* this.call(
        "get",
        location,
        (abortSignal) =>
          this.client.send(
            new GetObjectCommand({
              Bucket: location.bucket,
              Key: location.key,
              ...(range === undefined ? {} : { Range: `bytes=${range.start}-${range.end ?? ""}` }),
            }),
            { abortSignal },
          ),
        { notFound: true },
      );
      const served = range === undefined ? undefined : parseContentRange(output.ContentRange);
      const totalSize = range === undefined ? output.ContentLength : served?.total;
      if (totalSize === undefined || (range !== undefined && served?.first !== range.start)) {
        destroyBody(output.Body);
        return yield* Effect.fail(
          this.refusal(
            "get",
            location,
            range === undefined
              ? "the response had no Content-Length"
              : "the server did not honour the range",
          ),
        );
      }
      // Some S3-compatible servers send more than was asked (s3rver 3.7 reads `bytes=0-0` as
      // "from 0 to the end"): the body is cut to the requested range.
      const wanted =
        range === undefined
          ? undefined
          : Math.min(range.end ?? totalSize - 1, totalSize - 1) - range.start + 1;
      return {
        info: {
          key: location.key,
          size: totalSize,
          contentType: output.ContentType ?? null,
          etag: bareEtag(output.ETag),
          lastModified: output.LastModified ?? null,
        },
        body: this.streamOf(output.Body, location, wanted),
      };
    });
  }

  head(location: ObjectLocation): Effect.Effect<Option.Option<ObjectInfo>, StorageFailure> {
    return this.headRaw("head", location).pipe(
      Effect.map(Option.map((output) => this.infoOfHead(location.key, output))),
    );
  }

  copy(from: ObjectLocation, to: ObjectLocation): Effect.Effect<ObjectInfo, ObjectNotFound | StorageFailure> {
    return Effect.gen(this, function* () {
      const keyProblem = keyProblemOf(to.key);
      if (keyProblem !== undefined) return yield* Effect.fail(this.refusal("copy", to, keyProblem));
      const source = yield* this.headRaw("copy", from);
      if (Option.isNone(source)) return yield* Effect.fail(new ObjectNotFound(from));
      const size = source.value.ContentLength ?? 0;
      if (size > this.settings.multipartCopyThresholdBytes) {
        return yield* this.multipartCopy(from, to, source.value, size);
      }
      const output = yield* this.call(
        "copy",
        to,
        (abortSignal) =>
          this.client.send(
            new CopyObjectCommand({
              Bucket: to.bucket,
              Key: to.key,
              CopySource: copySourceOf(from),
              // Content type and user metadata come with the copy.
              MetadataDirective: "COPY",
            }),
            { abortSignal },
          ),
        { notFound: true },
      ).pipe(
        // A missing key here is the source, which vanished between the head and the copy.
        Effect.catchTag("ObjectNotFound", () => Effect.fail(new ObjectNotFound(from))),
      );
      return {
        key: to.key,
        size,
        contentType: source.value.ContentType ?? null,
        etag: bareEtag(output.CopyObjectResult?.ETag),
        lastModified: output.CopyObjectResult?.LastModified ?? null,
      };
    });
  }

  delete(location: ObjectLocation): Effect.Effect<void, StorageFailure> {
    return Effect.asVoid(
      this.call("delete", location, (abortSignal) =>
        this.client.send(new DeleteObjectCommand({ Bucket: location.bucket, Key: location.key }), {
          abortSignal,
        }),
      ),
    );
  }

  deletePrefix(bucket: string, prefix: string): Effect.Effect<number, StorageFailure> {
    const location = { bucket, key: prefix };
    return Effect.gen(this, function* () {
      let deleted = 0;
      let startAfter: string | undefined;
      for (;;) {
        const page = yield* this.call("deletePrefix", location, (abortSignal) =>
          this.client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: prefix,
              MaxKeys: S3_BATCH_LIMIT,
              ...(startAfter === undefined ? {} : { StartAfter: startAfter }),
            }),
            { abortSignal },
          ),
        );
        const keys = (page.Contents ?? []).flatMap((object) =>
          object.Key === undefined ? [] : [object.Key],
        );
        if (keys.length === 0) return deleted;
        const result = yield* this.call("deletePrefix", location, (abortSignal) =>
          this.client.send(
            new DeleteObjectsCommand({
              Bucket: bucket,
              Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
            }),
            { abortSignal },
          ),
        );
        const errors = result.Errors ?? [];
        const firstError = errors[0];
        if (firstError !== undefined) {
          // DeleteObjects answers 200 and lists the keys it could not delete.
          const code = firstError.Code ?? "Error";
          return yield* Effect.fail(
            new StorageFailure({
              operation: "deletePrefix",
              bucket,
              key: firstError.Key ?? prefix,
              transient: classifyAwsError({ name: code, message: firstError.Message ?? "" }).transient,
              reason:
                `${errors.length} of ${keys.length} keys were not deleted; first: ${code} ${firstError.Message ?? ""}`.trim(),
            }),
          );
        }
        deleted += keys.length;
        if (page.IsTruncated !== true) return deleted;
        startAfter = keys[keys.length - 1];
      }
    });
  }

  list(
    bucket: string,
    prefix: string,
    options: { readonly cursor?: string | null; readonly limit?: number } = {},
  ): Effect.Effect<ListPage, StorageFailure> {
    const location = { bucket, key: prefix };
    const limit = options.limit ?? S3_BATCH_LIMIT;
    if (!Number.isInteger(limit) || limit < 1) {
      return Effect.fail(
        this.refusal("list", location, `a page limit must be a positive integer, not ${limit}`),
      );
    }
    const cursor = options.cursor ?? null;
    return this.call("list", location, (abortSignal) =>
      this.client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          MaxKeys: Math.min(limit, S3_BATCH_LIMIT),
          // The cursor is the last key of the previous page: it stays valid while keys are
          // added or deleted between pages, unlike a continuation token.
          ...(cursor === null ? {} : { StartAfter: cursor }),
        }),
        { abortSignal },
      ),
    ).pipe(
      Effect.map((page) => {
        const objects = (page.Contents ?? []).flatMap((object): ReadonlyArray<ObjectInfo> =>
          object.Key === undefined
            ? []
            : [
                {
                  key: object.Key,
                  size: object.Size ?? 0,
                  contentType: null,
                  etag: bareEtag(object.ETag),
                  lastModified: object.LastModified ?? null,
                },
              ],
        );
        const lastKey = objects[objects.length - 1]?.key;
        return { objects, nextCursor: page.IsTruncated === true && lastKey !== undefined ? lastKey : null };
      }),
    );
  }

  /** Server-side copy of an object above the `CopyObject` limit, part by part. */
  private multipartCopy(
    from: ObjectLocation,
    to: ObjectLocation,
    source: HeadObjectCommandOutput,
    size: number,
  ): Effect.Effect<ObjectInfo, StorageFailure> {
    const partSize = Math.max(this.settings.copyPartSizeBytes, Math.ceil(size / S3_MAX_PARTS));
    const ranges = Array.from({ length: Math.ceil(size / partSize) }, (_, index) => ({
      partNumber: index + 1,
      first: index * partSize,
      last: Math.min(size, (index + 1) * partSize) - 1,
    }));
    const create = this.call("copy", to, (abortSignal) =>
      this.client.send(
        new CreateMultipartUploadCommand({
          Bucket: to.bucket,
          Key: to.key,
          ...(source.ContentType === undefined ? {} : { ContentType: source.ContentType }),
          ...(source.Metadata === undefined ? {} : { Metadata: source.Metadata }),
          ...(source.CacheControl === undefined ? {} : { CacheControl: source.CacheControl }),
          ...(source.ContentDisposition === undefined
            ? {}
            : { ContentDisposition: source.ContentDisposition }),
          ...(source.ContentEncoding === undefined ? {} : { ContentEncoding: source.ContentEncoding }),
        }),
        { abortSignal },
      ),
    ).pipe(
      Effect.flatMap(({ UploadId }) =>
        UploadId === undefined
          ? Effect.fail(this.refusal("copy", to, "CreateMultipartUpload returned no upload id"))
          : Effect.succeed(UploadId),
      ),
    );
    const copyParts = (uploadId: string) =>
      Effect.forEach(
        ranges,
        (range) =>
          this.call("copy", to, (abortSignal) =>
            this.client.send(
              new UploadPartCopyCommand({
                Bucket: to.bucket,
                Key: to.key,
                UploadId: uploadId,
                PartNumber: range.partNumber,
                CopySource: copySourceOf(from),
                CopySourceRange: `bytes=${range.first}-${range.last}`,
                // Every part must come from the same version of the source.
                ...(source.ETag === undefined ? {} : { CopySourceIfMatch: source.ETag }),
              }),
              { abortSignal },
            ),
          ).pipe(
            Effect.flatMap(({ CopyPartResult }) =>
              CopyPartResult?.ETag === undefined
                ? Effect.fail(this.refusal("copy", to, `part ${range.partNumber} came back without an ETag`))
                : Effect.succeed({ PartNumber: range.partNumber, ETag: CopyPartResult.ETag }),
            ),
          ),
        { concurrency: this.settings.copyConcurrency },
      ).pipe(
        Effect.flatMap((parts) =>
          this.call("copy", to, (abortSignal) =>
            this.client.send(
              new CompleteMultipartUploadCommand({
                Bucket: to.bucket,
                Key: to.key,
                UploadId: uploadId,
                MultipartUpload: {
                  Parts: [...parts].sort((left, right) => left.PartNumber - right.PartNumber),
                },
              }),
              { abortSignal },
            ),
          ),
        ),
      );
    // Whatever ends the copy short (a failed part, an interruption) aborts the upload.
    const abort = (uploadId: string) =>
      this.call("copy", to, (abortSignal) =>
        this.client.send(
          new AbortMultipartUploadCommand({ Bucket: to.bucket, Key: to.key, UploadId: uploadId }),
          { abortSignal },
        ),
      ).pipe(Effect.ignore);
    return Effect.acquireUseRelease(create, copyParts, (uploadId, exit) =>
      Exit.isSuccess(exit) ? Effect.void : abort(uploadId),
    ).pipe(
      Effect.map((completed) => ({
        key: to.key,
        size,
        contentType: source.ContentType ?? null,
        etag: bareEtag(completed.ETag),
        lastModified: null,
      })),
    );
  }

  private headRaw(
    operation: Operation,
    location: ObjectLocation,
  ): Effect.Effect<Option.Option<HeadObjectCommandOutput>, StorageFailure> {
    return this.call(
      operation,
      location,
      (abortSignal) =>
        this.client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }), {
          abortSignal,
        }),
      { notFound: true },
    ).pipe(
      Effect.map(Option.some),
      Effect.catchTag("ObjectNotFound", () => Effect.succeed(Option.none())),
    );
  }

  private infoOfHead(key: string, output: HeadObjectCommandOutput): ObjectInfo {
    return {
      key,
      size: output.ContentLength ?? 0,
      contentType: output.ContentType ?? null,
      etag: bareEtag(output.ETag),
      lastModified: output.LastModified ?? null,
    };
  }

  /**
   * The response body as a `ByteStream`, at most `limit` bytes of it; a failure while reading
   * it is a classified `StorageFailure`. Stopping early (or the reader stopping) closes the
   * response.
   */
  private streamOf(body: unknown, location: ObjectLocation, limit?: number): ByteStream {
    const failure = (error: unknown) => this.failure("get", location, error);
    return {
      async *[Symbol.asyncIterator]() {
        if (body === undefined || body === null) return;
        if (!(body instanceof Readable)) throw failure(new Error("the response body is not a Node stream"));
        let remaining = limit ?? Number.POSITIVE_INFINITY;
        try {
          for await (const chunk of body) {
            const bytes: Uint8Array = chunk instanceof Uint8Array ? chunk : Buffer.from(String(chunk));
            if (bytes.length >= remaining) {
              yield bytes.subarray(0, remaining);
              return;
            }
            remaining -= bytes.length;
            yield bytes;
          }
        } catch (error) {
          throw failure(error);
        } finally {
          body.destroy();
        }
      },
    };
  }

  /** Runs one SDK call, interruptible, its errors classified; `notFound` maps a 404 to ObjectNotFound. */
  private call<A>(
    operation: Operation,
    location: ObjectLocation,
    send: (abortSignal: AbortSignal) => Promise<A>,
  ): Effect.Effect<A, StorageFailure>;
  private call<A>(
    operation: Operation,
    location: ObjectLocation,
    send: (abortSignal: AbortSignal) => Promise<A>,
    options: { readonly notFound: true },
  ): Effect.Effect<A, StorageFailure | ObjectNotFound>;
  private call<A>(
    operation: Operation,
    location: ObjectLocation,
    send: (abortSignal: AbortSignal) => Promise<A>,
    options?: { readonly notFound: true },
  ): Effect.Effect<A, StorageFailure | ObjectNotFound> {
    return Effect.tryPromise({
      try: send,
      catch: (error): StorageFailure | ObjectNotFound =>
        options?.notFound === true && isMissingObject(error)
          ? new ObjectNotFound(location)
          : this.failure(operation, location, error),
    });
  }

  private failure(operation: Operation, location: ObjectLocation, error: unknown): StorageFailure {
    const { transient, reason } = classifyAwsError(error);
    return new StorageFailure({ operation, bucket: location.bucket, key: location.key, transient, reason });
  }

  /** A request refused before or after talking to S3, for a reason no retry would change. */
  private refusal(operation: Operation, location: ObjectLocation, reason: string): StorageFailure {
    return new StorageFailure({
      operation,
      bucket: location.bucket,
      key: location.key,
      transient: false,
      reason,
    });
  }
}

const destroyBody = (body: unknown): void => {
  if (body instanceof Readable) body.destroy();
};
