import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, ListMultipartUploadsCommand, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";

/**
 * s3rver 3.7 is a real S3-compatible HTTP server on the filesystem, with three gaps this
 * wrapper fills, answering those requests itself over s3rver's own files and handing every
 * other request to s3rver:
 * - it has no `AbortMultipartUpload` and no `ListMultipartUploads`, which the tests need to
 *   prove that a failed put leaves no parts behind (its upload store is
 *   `<bucket>/._S3rver_uploads/<uploadId>/`: a `key` file and one file per part, removed when
 *   the upload completes);
 * - its `ListObjectsV2` walks folders instead of ordering keys by their bytes as S3 does
 *   (`a/b` comes before `a-b`), and every truncated listing fails with a 500 because its
 *   continuation tokens use single DES, which OpenSSL 3 no longer has. The wrapper lists in S3's
 *   order with `prefix`, `start-after`, `continuation-token` and `max-keys` (no delimiter).
 */

export interface LocalS3 {
  readonly endpoint: string;
  /** A client with the settings the adapter is used with against s3rver. */
  readonly client: S3Client;
  /** Another such client, for a test that records or breaks its own. */
  newClient(options?: { readonly maxAttempts?: number }): S3Client;
  /** Makes a fresh, empty bucket with a unique, DNS-valid name. */
  createBucket(label: string): Promise<string>;
  /** Uploads that were started and neither completed nor aborted, through `ListMultipartUploads`. */
  pendingUploads(bucket: string): Promise<ReadonlyArray<{ readonly key: string; readonly uploadId: string }>>;
  close(): Promise<void>;
}

/** s3rver's built-in account. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

const UPLOADS_FOLDER = "._S3rver_uploads";
const OBJECT_SUFFIX = "._S3rver_object";
const SAFE_NAME = /^[A-Za-z0-9._-]+$/;

const xmlEscape = (text: string): string =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

const sendXml = (response: ServerResponse, status: number, xml: string): void => {
  response.writeHead(status, { "content-type": "application/xml" });
  response.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
};

const exists = async (path: string): Promise<boolean> => {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
};

const listUploads = async (
  directory: string,
  bucket: string,
): Promise<ReadonlyArray<{ readonly key: string; readonly uploadId: string }>> => {
  const uploadsPath = join(directory, bucket, UPLOADS_FOLDER);
  if (!(await exists(uploadsPath))) return [];
  const uploadIds = await readdir(uploadsPath);
  return Promise.all(
    uploadIds.map(async (uploadId) => ({
      uploadId,
      // A part that lands after an abort recreates the folder without its key: list it anyway.
      key: await readFile(join(uploadsPath, uploadId, "key"), "utf8").catch(() => ""),
    })),
  );
};

/** Every object file under a folder of s3rver's store, as bucket-relative keys. */
const objectKeysUnder = async (bucketPath: string, folder = ""): Promise<ReadonlyArray<string>> => {
  const entries = await readdir(join(bucketPath, folder), { withFileTypes: true });
  const keys: Array<string> = [];
  for (const entry of entries) {
    const relative = folder.length === 0 ? entry.name : `${folder}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== UPLOADS_FOLDER) keys.push(...(await objectKeysUnder(bucketPath, relative)));
    } else if (entry.name.endsWith(OBJECT_SUFFIX)) {
      keys.push(relative.slice(0, -OBJECT_SUFFIX.length));
    }
  }
  return keys;
};

/** S3 lists keys in the order of their UTF-8 bytes. */
const byteOrder = (left: string, right: string): number =>
  Buffer.compare(Buffer.from(left), Buffer.from(right));

const listObjectsV2 = async (directory: string, bucket: string, query: URLSearchParams): Promise<string> => {
  const bucketPath = join(directory, bucket);
  const prefix = query.get("prefix") ?? "";
  const token = query.get("continuation-token");
  const startAfter =
    token === null ? (query.get("start-after") ?? "") : Buffer.from(token, "base64url").toString();
  const maxKeys = Math.min(Number(query.get("max-keys") ?? "1000"), 1000);
  const matching = [...(await objectKeysUnder(bucketPath))]
    .filter((key) => key.startsWith(prefix) && byteOrder(key, startAfter) > 0)
    .sort(byteOrder);
  const page = matching.slice(0, maxKeys);
  const truncated = matching.length > page.length;
  const contents = await Promise.all(
    page.map(async (key) => {
      const objectPath = join(bucketPath, `${key}${OBJECT_SUFFIX}`);
      const [stats, md5] = await Promise.all([
        stat(objectPath),
        readFile(`${objectPath}.md5`, "utf8").catch(() => ""),
      ]);
      return (
        `<Contents><Key>${xmlEscape(key)}</Key><LastModified>${stats.mtime.toISOString()}</LastModified>` +
        `<ETag>&quot;${md5}&quot;</ETag><Size>${stats.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`
      );
    }),
  );
  const lastKey = page[page.length - 1];
  const next =
    truncated && lastKey !== undefined
      ? `<NextContinuationToken>${Buffer.from(lastKey).toString("base64url")}</NextContinuationToken>`
      : "";
  return (
    `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xmlEscape(bucket)}</Name>` +
    `<Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>` +
    `<IsTruncated>${truncated}</IsTruncated>${contents.join("")}${next}</ListBucketResult>`
  );
};

/** Handles the operations s3rver lacks or gets wrong; false when the request is s3rver's. */
const handleMissingOperation = async (
  directory: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<boolean> => {
  const url = new URL(request.url ?? "/", "http://localhost");
  const [bucket, ...keyParts] = url.pathname
    .slice(1)
    .split("/")
    .filter((part, index, parts) => part.length > 0 || index < parts.length - 1);
  if (bucket === undefined || bucket.length === 0 || !SAFE_NAME.test(bucket)) return false;

  if (
    request.method === "GET" &&
    keyParts.length === 0 &&
    url.searchParams.get("list-type") === "2" &&
    !url.searchParams.has("delimiter") &&
    (await exists(join(directory, bucket)))
  ) {
    sendXml(response, 200, await listObjectsV2(directory, bucket, url.searchParams));
    return true;
  }

  if (request.method === "GET" && keyParts.length === 0 && url.searchParams.has("uploads")) {
    const uploads = await listUploads(directory, bucket);
    const entries = uploads
      .map(
        ({ key, uploadId }) =>
          `<Upload><Key>${xmlEscape(key)}</Key><UploadId>${xmlEscape(uploadId)}</UploadId></Upload>`,
      )
      .join("");
    sendXml(
      response,
      200,
      `<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xmlEscape(bucket)}</Bucket>` +
        `<MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>${entries}</ListMultipartUploadsResult>`,
    );
    return true;
  }

  const uploadId = url.searchParams.get("uploadId");
  if (request.method === "DELETE" && keyParts.length > 0 && uploadId !== null) {
    const key = keyParts.map(decodeURIComponent).join("/");
    const uploadPath = join(directory, bucket, UPLOADS_FOLDER, uploadId);
    const storedKey = SAFE_NAME.test(uploadId)
      ? await readFile(join(uploadPath, "key"), "utf8").catch(() => undefined)
      : undefined;
    if (storedKey !== key) {
      sendXml(
        response,
        404,
        `<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>`,
      );
      return true;
    }
    await rm(uploadPath, { recursive: true, force: true });
    response.writeHead(204);
    response.end();
    return true;
  }
  return false;
};

/** Starts s3rver on a loopback port in a fresh temporary folder. */
export const startLocalS3 = async (
  options: { readonly maxAttempts?: number; readonly parentDirectory?: string } = {},
): Promise<LocalS3> => {
  const directory = await mkdtemp(join(options.parentDirectory ?? tmpdir(), "ovs-s3rver-"));
  const s3rver = new S3rver({ directory, silent: true, configureBuckets: [] });
  const handle = s3rver.callback();
  const server: Server = createServer((request, response) => {
    handleMissingOperation(directory, request, response).then(
      (handled) => {
        if (!handled) handle(request, response);
      },
      (error: unknown) => {
        response.writeHead(500);
        response.end(String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: Array<S3Client> = [];
  const newClient = (clientOptions: { readonly maxAttempts?: number } = {}): S3Client => {
    const maxAttempts = clientOptions.maxAttempts ?? options.maxAttempts;
    const created = new S3Client({
      region: "us-east-1",
      endpoint,
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      ...(maxAttempts === undefined ? {} : { maxAttempts }),
    });
    clients.push(created);
    return created;
  };
  const client = newClient();
  let buckets = 0;
  const run = `${Date.now().toString(36)}${process.pid.toString(36)}`;

  return {
    endpoint,
    client,
    newClient,
    async createBucket(label) {
      buckets += 1;
      const bucket = `ovs-${label}-${run}-${buckets}`.toLowerCase().slice(0, 63);
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      return bucket;
    },
    async pendingUploads(bucket) {
      const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      return (listed.Uploads ?? []).map((upload) => ({
        key: upload.Key ?? "",
        uploadId: upload.UploadId ?? "",
      }));
    },
    async close() {
      for (const created of clients) created.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
};
