import { Effect } from "effect";
import { startTestService } from "./support/test-service.js";
import type { TestService } from "./support/test-service.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hexKey, userPrincipal } from "@ovs/domain";
import type { Collection, User, Video } from "@ovs/domain";
import { aCollection, anEncodeJob, aUser, aVideo, jpegBytes, pngBytes, storeIn } from "@ovs/domain/testing";
import type { InMemoryHarness } from "@ovs/domain/testing";
import type { Ovs } from "../../src/composition/create-ovs.js";
import type { AppConfig } from "../../src/config/index.js";
import { streamMultipartUntilAnswered } from "./support/streamed-multipart.js";

/**
 * Multipart uploads (subtitles, thumbnails) and the per-video status, as a client sees them: the
 * real Koa app on the `test` profile, called with `fetch` and bearer tokens.
 */
let config: AppConfig;
let ovs: Ovs;
let harness: InMemoryHarness;
let service: TestService;
let base: string;
let owner: User;
let ownerToken: string;
let strangerToken: string;
let collection: Collection;

const MIB = 1024 * 1024;

const api = (path: string, init: RequestInit & { token?: string } = {}) => {
  const headers = new Headers(init.headers);
  if (init.token !== undefined) headers.set("Authorization", `Bearer ${init.token}`);
  return fetch(`${base}${path}`, { ...init, headers });
};

const aStoredVideo = (): Promise<Video> => storeIn(harness).video(collection, aVideo());

const subtitleForm = (video: Video, file: Blob | null, filename = "lecture.srt"): FormData => {
  const form = new FormData();
  form.set("collection", hexKey(collection.key));
  form.set("video", hexKey(video.key));
  form.set("language", "en");
  form.set("filename", filename);
  if (file !== null) form.set("file", file, filename);
  return form;
};

const thumbnailForm = (bytes: Uint8Array, type: string): FormData => {
  const form = new FormData();
  form.set("thumbnail", new Blob([bytes], { type }), "thumb");
  return form;
};

const SRT = [
  "1",
  "00:00:01,000 --> 00:00:02,500",
  "Hello, linear algebra.",
  "",
  "2",
  "00:00:03,000 --> 00:00:04,000",
  "Vectors first.",
  "",
].join("\r\n");

const subtitleKeysOf = (video: Video): ReadonlyArray<string> =>
  harness.objectStore.keys(config.domain.buckets.subtitle).filter((key) => key.includes(hexKey(video.key)));

const subtitlesOf = (video: Video) => Effect.runPromise(harness.videoSubtitles.listForVideo(video.key));

/** A multipart body whose file part is sent until the server answers (see `streamMultipartUntilAnswered`). */
const streamOversizedFile = (path: string, token: string, fieldName: string, total: number) => {
  const boundary = "----ovs-test-boundary";
  return streamMultipartUntilAnswered({
    url: `${base}${path}`,
    method: path.includes("thumbnail") ? "PATCH" : "POST",
    token,
    boundary,
    head:
      `--${boundary}\r\nContent-Disposition: form-data; name="${fieldName}"; filename="big.srt"\r\n` +
      "Content-Type: application/octet-stream\r\n\r\n",
    total,
  });
};

beforeAll(async () => {
  service = await startTestService();
  ovs = service.ovs;
  base = service.base;
  config = service.config;
  harness = service.harness;
  owner = await storeIn(harness).user(aUser().named("lecturer@example.edu").staff());
  const stranger = await storeIn(harness).user(aUser().named("passer-by@example.edu"));
  const issue = (user: User) => ovs.useCases.issueApiToken(userPrincipal(user), { name: "tests" });
  ownerToken = (await issue(owner)).token;
  strangerToken = (await issue(stranger)).token;
  collection = await storeIn(harness).collection(aCollection().titled("18.06 Linear Algebra"), owner);
});

afterAll(async () => {
  await service.stop();
});

describe("subtitles", () => {
  it("uploads an SRT file as WebVTT, reads it back, and deletes it", async () => {
    const video = await aStoredVideo();
    const uploaded = await api("/api/v0/upload_subtitles/", {
      method: "POST",
      token: ownerToken,
      body: subtitleForm(video, new Blob([SRT], { type: "application/x-subrip" })),
    });
    expect(uploaded.status).toBe(202);
    const payload = (await uploaded.json()) as Record<string, unknown>;
    expect(payload).toMatchObject({
      filename: "lecture.srt",
      language: "en",
      language_name: "English",
      bucket_name: config.domain.buckets.subtitle,
    });
    expect(Object.keys(payload)).toEqual([
      "id",
      "created_at",
      "filename",
      "s3_object_key",
      "bucket_name",
      "language",
      "language_name",
    ]);
    const key = payload["s3_object_key"] as string;
    expect(key).toMatch(/\.vtt$/);
    const stored = harness.objectStore.readText({ bucket: config.domain.buckets.subtitle, key }) ?? "";
    expect(stored.startsWith("WEBVTT")).toBe(true);
    expect(stored).toContain("00:00:01.000 --> 00:00:02.500");

    const path = `/api/v0/subtitles/${String(payload["id"])}/`;
    const read = await api(path, { token: ownerToken });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(payload);

    // A stranger learns nothing about it, and cannot delete it.
    expect((await api(path, { token: strangerToken })).status).toBe(404);
    const refused = await api(path, { method: "DELETE", token: strangerToken });
    expect(refused.status).toBe(404);
    expect(await refused.json()).toEqual({ detail: "Not found." });
    expect(await subtitlesOf(video)).toHaveLength(1);

    expect((await api(path, { method: "DELETE", token: ownerToken })).status).toBe(204);
    expect((await api(path, { token: ownerToken })).status).toBe(404);
    expect(await subtitlesOf(video)).toHaveLength(0);
  });

  it("answers 404 for an id that names no subtitle", async () => {
    expect((await api("/api/v0/subtitles/999999/", { token: ownerToken })).status).toBe(404);
    expect((await api("/api/v0/subtitles/not-a-number/", { token: ownerToken })).status).toBe(404);
  });

  it("refuses a file over 5 MiB with 413 and stores nothing", async () => {
    const video = await aStoredVideo();
    const tooBig = new Blob([SRT, "x".repeat(5 * MIB)], { type: "application/x-subrip" });
    const answer = await api("/api/v0/upload_subtitles/", {
      method: "POST",
      token: ownerToken,
      body: subtitleForm(video, tooBig),
    });
    expect(answer.status).toBe(413);
    expect(await answer.json()).toEqual({ detail: `The request body is larger than ${5 * MIB} bytes.` });
    expect(await subtitlesOf(video)).toHaveLength(0);
    expect(subtitleKeysOf(video)).toEqual([]);
  });

  it("answers 413 while an endless file is still being sent", async () => {
    const total = 256 * MIB;
    const answer = await streamOversizedFile("/api/v0/upload_subtitles/", ownerToken, "file", total);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ detail: `The request body is larger than ${5 * MIB} bytes.` });
    expect(answer.written).toBeLessThan(total / 4);
  });

  it("refuses a .srt file that is not SRT with 400, storing nothing", async () => {
    const video = await aStoredVideo();
    const answer = await api("/api/v0/upload_subtitles/", {
      method: "POST",
      token: ownerToken,
      body: subtitleForm(video, new Blob(["this is not a subtitle file\n"], { type: "text/plain" })),
    });
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { file?: Array<string> };
    expect(body.file?.[0]).toMatch(/^invalid SRT subtitles: /);
    expect(subtitleKeysOf(video)).toEqual([]);
  });

  it("refuses a form without a file part with 400", async () => {
    const video = await aStoredVideo();
    const answer = await api("/api/v0/upload_subtitles/", {
      method: "POST",
      token: ownerToken,
      body: subtitleForm(video, null),
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ file: ["No file was submitted."] });
  });

  it("refuses JSON with 415", async () => {
    const video = await aStoredVideo();
    const answer = await api("/api/v0/upload_subtitles/", {
      method: "POST",
      token: ownerToken,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ video: hexKey(video.key), filename: "a.srt", file: SRT }),
    });
    expect(answer.status).toBe(415);
    expect(await answer.json()).toEqual({ detail: 'Unsupported media type "application/json" in request.' });
  });

  it("answers 404 to a stranger uploading to a video hidden from them", async () => {
    const video = await aStoredVideo();
    const answer = await api("/api/v0/upload_subtitles/", {
      method: "POST",
      token: strangerToken,
      body: subtitleForm(video, new Blob([SRT])),
    });
    expect(answer.status).toBe(404);
    expect(subtitleKeysOf(video)).toEqual([]);
  });
});

describe("thumbnails", () => {
  const patchThumbnail = (video: Video, body: FormData, token = ownerToken) =>
    api(`/api/v0/videos/${hexKey(video.key)}/thumbnail/`, { method: "PATCH", token, body });

  it("creates a JPEG thumbnail with 201, then replaces it with 200, answering the video", async () => {
    const video = await aStoredVideo();
    const created = await patchThumbnail(video, thumbnailForm(jpegBytes(640, 360), "image/jpeg"));
    expect(created.status).toBe(201);
    const first = (await created.json()) as {
      key: string;
      videothumbnail_set: Array<{ s3_object_key: string }>;
    };
    expect(first.key).toBe(hexKey(video.key));
    expect(first.videothumbnail_set).toHaveLength(1);

    const replaced = await patchThumbnail(video, thumbnailForm(jpegBytes(320, 180), "image/jpeg"));
    expect(replaced.status).toBe(200);
    const second = (await replaced.json()) as typeof first;
    expect(second.videothumbnail_set.map((thumbnail) => thumbnail.s3_object_key)).toEqual(
      first.videothumbnail_set.map((thumbnail) => thumbnail.s3_object_key),
    );
  });

  it("takes a PNG", async () => {
    const video = await aStoredVideo();
    const answer = await patchThumbnail(video, thumbnailForm(pngBytes(640, 360), "image/png"));
    expect(answer.status).toBe(201);
  });

  it("answers upstream's {error} bodies", async () => {
    const video = await aStoredVideo();
    const gif = Uint8Array.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0, 0, 0, 0x3b]);
    const attempts: ReadonlyArray<readonly [FormData, string]> = [
      [thumbnailForm(gif, "image/gif"), "Only JPEG and PNG image files are allowed."],
      [thumbnailForm(gif, "image/jpeg"), "Invalid thumbnail data provided."],
      [new FormData(), "No thumbnail file provided."],
    ];
    for (const [form, error] of attempts) {
      const answer = await patchThumbnail(video, form);
      expect(answer.status, error).toBe(400);
      expect(await answer.json()).toEqual({ error });
    }
    const empty = await api(`/api/v0/videos/${hexKey(video.key)}/thumbnail/`, {
      method: "PATCH",
      token: ownerToken,
    });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toEqual({ error: "No thumbnail file provided." });
    const json = await api(`/api/v0/videos/${hexKey(video.key)}/thumbnail/`, {
      method: "PATCH",
      token: ownerToken,
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(json.status).toBe(415);
  });

  it("refuses an image over the limit with 413, storing nothing", async () => {
    const video = await aStoredVideo();
    const limit = config.domain.thumbnails.maxUploadBytes;
    const expected = { error: "The uploaded image is too large (max 1 MB)." };
    for (const size of [limit + 1, 2 * limit + 1]) {
      const bytes = new Uint8Array(size);
      bytes.set(jpegBytes(640, 360));
      const answer = await patchThumbnail(video, thumbnailForm(bytes, "image/jpeg"));
      expect(answer.status, String(size)).toBe(413);
      expect(await answer.json()).toEqual(expected);
    }
    expect(
      harness.objectStore
        .keys(config.domain.buckets.thumbnail)
        .filter((key) => key.includes(hexKey(video.key))),
    ).toEqual([]);
  });

  it("answers 404 to a stranger", async () => {
    const video = await aStoredVideo();
    const answer = await patchThumbnail(
      video,
      thumbnailForm(jpegBytes(640, 360), "image/jpeg"),
      strangerToken,
    );
    expect(answer.status).toBe(404);
  });
});

describe("video status", () => {
  it("shows an admin the status and the latest transcode job", async () => {
    const video = await storeIn(harness).video(
      collection,
      aVideo().withStatus("Transcode failed video error"),
    );
    await Effect.runPromise(
      harness.encodeJobs.insert(
        anEncodeJob()
          .forVideo(video)
          .with({ state: "Error", errorCode: 1010, errorMessage: "Unsupported codec" })
          .build(),
      ),
    );
    const answer = await api(`/api/v0/videos/${hexKey(video.key)}/status/`, { token: ownerToken });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({
      key: hexKey(video.key),
      status: "Transcode failed video error",
      encode_jobs: [{ state: "Error", error_code: 1010, error_message: "Unsupported codec" }],
    });
  });

  it("lists no job for a video never transcoded", async () => {
    const video = await aStoredVideo();
    const answer = await api(`/api/v0/videos/${hexKey(video.key)}/status/`, { token: ownerToken });
    expect(await answer.json()).toMatchObject({ key: hexKey(video.key), encode_jobs: [] });
  });

  it("answers 404 to a signed-in stranger and asks anonymous callers to sign in", async () => {
    const video = await aStoredVideo();
    const path = `/api/v0/videos/${hexKey(video.key)}/status/`;
    expect((await api(path, { token: strangerToken })).status).toBe(404);
    expect((await api(path)).status).toBe(403);
  });
});
