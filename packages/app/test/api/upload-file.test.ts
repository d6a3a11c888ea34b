import { request as httpRequest } from "node:http";
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hexKey, userPrincipal } from "@ovs/domain";
import type { Collection, User } from "@ovs/domain";
import { aCollection, aUser, patternedBytes, storeIn } from "@ovs/domain/testing";
import { startTestService } from "./support/test-service.js";
import type { TestService } from "./support/test-service.js";
import { streamMultipartUntilAnswered } from "./support/streamed-multipart.js";

/**
 * `POST /api/v0/upload_file/`, as a client sees it: the real Koa app on the `test` profile, a
 * multipart form with `collection` and `file`, the bytes streamed into the upload bucket.
 */
const MIB = 1024 * 1024;
const SMALL_LIMIT = MIB;

interface Subject {
  readonly service: TestService;
  readonly collection: Collection;
  readonly ownerToken: string;
  readonly strangerToken: string;
}

const startSubject = async (env: Readonly<Record<string, string>> = {}): Promise<Subject> => {
  const service = await startTestService({ env });
  const store = storeIn(service.harness);
  const owner = await store.user(aUser().named("lecturer@example.edu").staff());
  const stranger = await store.user(aUser().named("passer-by@example.edu"));
  const issue = async (user: User) =>
    (await service.ovs.useCases.issueApiToken(userPrincipal(user), { name: "tests" })).token;
  const collection = await store.collection(aCollection().titled("18.06 Linear Algebra"), owner);
  return { service, collection, ownerToken: await issue(owner), strangerToken: await issue(stranger) };
};

let subject: Subject;
let small: Subject;

beforeAll(async () => {
  [subject, small] = await Promise.all([
    startSubject(),
    startSubject({ OVS_MAX_UPLOAD_BYTES: String(SMALL_LIMIT) }),
  ]);
});

afterAll(async () => {
  await Promise.all([subject.service.stop(), small.service.stop()]);
});

const uploadForm = (of: Subject, file: Blob | null, filename = "Lecture 1.mp4"): FormData => {
  const form = new FormData();
  form.set("collection", hexKey(of.collection.key));
  if (file !== null) form.set("file", file, filename);
  return form;
};

const upload = (of: Subject, form: FormData, token?: string) => {
  const headers = new Headers();
  if (token !== undefined) headers.set("Authorization", `Bearer ${token}`);
  return fetch(`${of.service.base}/api/v0/upload_file/`, { method: "POST", body: form, headers });
};

const uploadKeys = (of: Subject) =>
  of.service.harness.objectStore.keys(of.service.config.domain.buckets.upload);
const videosIn = (of: Subject) =>
  Effect.runPromise(of.service.harness.videos.listInCollection(of.collection.key));

/**
 * Sends the form with the file part's bytes chunk by chunk and no declared length, so the
 * limit can only be found while it streams: what the server answered, and how much was sent.
 */
const streamChunked = (of: Subject, total: number) => {
  const boundary = "----ovs-upload-boundary";
  return streamMultipartUntilAnswered({
    url: `${of.service.base}/api/v0/upload_file/`,
    method: "POST",
    token: of.ownerToken,
    boundary,
    head:
      `--${boundary}\r\nContent-Disposition: form-data; name="collection"\r\n\r\n${hexKey(of.collection.key)}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n` +
      "Content-Type: video/mp4\r\n\r\n",
    tail: `\r\n--${boundary}--\r\n`,
    total,
    chunked: true,
  });
};

describe("uploading a video file directly", () => {
  it("streams a multi-MiB file into the upload bucket intact and queues the video for transcoding", async () => {
    const bytes = patternedBytes(6 * MIB + 123, 42);
    const response = await upload(
      subject,
      uploadForm(subject, new Blob([bytes], { type: "video/mp4" })),
      subject.ownerToken,
    );

    expect(response.status).toBe(202);
    const body = (await response.json()) as Record<string, { s3key: string; title: string }>;
    const [video] = await videosIn(subject);
    expect(video).toMatchObject({ title: "Lecture 1.mp4", status: "Uploading" });
    if (video === undefined) return;
    const s3key = `${hexKey(video.key)}/video.mp4`;
    expect(body).toEqual({ [hexKey(video.key)]: { s3key, title: "Lecture 1.mp4" } });
    const { harness, config } = subject.service;
    const stored = harness.objectStore.read({ bucket: config.domain.buckets.upload, key: s3key });
    expect(stored?.length).toBe(bytes.length);
    expect(Buffer.from(stored ?? []).equals(Buffer.from(bytes))).toBe(true);
    expect(harness.jobs.pending("video.transcode").map((job) => job.payload)).toEqual([
      { videoKey: video.key },
    ]);
  });

  it("refuses a file over OVS_MAX_UPLOAD_BYTES with 413 and stores nothing", async () => {
    const response = await upload(
      small,
      uploadForm(small, new Blob([patternedBytes(SMALL_LIMIT + 1)])),
      small.ownerToken,
    );
    expect(response.status).toBe(413);
    expect(uploadKeys(small)).toEqual([]);
    expect(await videosIn(small)).toEqual([]);
  });

  it("answers 413 as soon as a file without a declared length passes the limit, storing nothing", async () => {
    const sent = await streamChunked(small, 64 * MIB);
    expect(sent.status).toBe(413);
    expect(sent.written).toBeLessThan(32 * MIB);
    expect(uploadKeys(small)).toEqual([]);
    expect(await videosIn(small)).toEqual([]);
    expect(small.service.harness.jobs.pending()).toEqual([]);
  });

  it("takes a file just under the limit", async () => {
    const bytes = patternedBytes(SMALL_LIMIT, 9);
    const response = await upload(small, uploadForm(small, new Blob([bytes]), "exact.mov"), small.ownerToken);
    expect(response.status).toBe(202);
    expect(uploadKeys(small)).toEqual([expect.stringMatching(/^[0-9a-f]{32}\/video\.mov$/)]);
    await Effect.runPromise(small.service.harness.videos.listInCollection(small.collection.key));
  });

  it("leaves nothing behind when the client breaks off half-way through the file", async () => {
    const before = uploadKeys(subject);
    const videosBefore = await videosIn(subject);
    const boundary = "----ovs-cut-boundary";
    const request = httpRequest(`${subject.service.base}/api/v0/upload_file/`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${subject.ownerToken}`,
        "Content-Type": `multipart/form-data; boundary=${boundary}`,
        "Content-Length": String(8 * MIB),
      },
    });
    request.on("error", () => undefined);
    request.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="collection"\r\n\r\n${hexKey(subject.collection.key)}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.mp4"\r\n\r\n`,
    );
    await new Promise<void>((resolve) =>
      request.write(Buffer.from(patternedBytes(2 * MIB)), () => resolve()),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    request.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(uploadKeys(subject)).toEqual(before);
    expect(await videosIn(subject)).toEqual(videosBefore);
  });

  it("answers 404 to a stranger, storing nothing", async () => {
    const before = uploadKeys(subject);
    const response = await upload(
      subject,
      uploadForm(subject, new Blob([patternedBytes(1000)])),
      subject.strangerToken,
    );
    expect(response.status).toBe(404);
    expect(uploadKeys(subject)).toEqual(before);
  });

  it("asks an anonymous caller to sign in", async () => {
    const response = await upload(subject, uploadForm(subject, new Blob([patternedBytes(1000)])));
    expect(response.status).toBe(403);
  });

  it("refuses a form without a file with 400", async () => {
    const response = await upload(subject, uploadForm(subject, null), subject.ownerToken);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ file: ["No file was submitted."] });
  });

  it("refuses a file sent before its collection with 400", async () => {
    const form = new FormData();
    form.set("file", new Blob([patternedBytes(1000)]), "early.mp4");
    form.set("collection", hexKey(subject.collection.key));
    const response = await upload(subject, form, subject.ownerToken);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ collection: ["This field is required, before the file."] });
  });
});
