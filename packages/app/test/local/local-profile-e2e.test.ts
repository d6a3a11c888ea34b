import { execFile } from "node:child_process";
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveFfmpegPath } from "@ovs/adapters-local";
import { FAILED_STATUSES } from "@ovs/domain";
import type { VideoStatus } from "@ovs/domain";
import { FormBrowser, parseForm } from "../../../adapters-local/test/support/form-browser.js";
import { CSRF_COOKIE_NAME, CSRF_FAILURE_DETAIL, DEFAULT_SESSION_COOKIE_NAME } from "../../src/auth/index.js";
import { AppBrowser, devPasswordsFrom } from "./support/app-browser.js";
import { freePorts, seconds, spawnOvs, waitFor, waitUntilReady } from "./support/ovs-child.js";
import type { Spawned } from "./support/ovs-child.js";

/**
 * The `local` profile end to end, as a person who ran `pnpm start` uses it: the real `ovs serve`
 * as a child process on loopback ports, signed into through its embedded issuer, fed a generated
 * video by file and by URL, played back through its CDN, with its mail read at `/dev/mail`.
 */
interface PlaybackAnswer {
  readonly status: string;
  readonly playable: boolean;
  readonly sources: ReadonlyArray<{ readonly src: string; readonly label: string; readonly type: string }>;
  readonly subtitles: ReadonlyArray<{
    readonly language: string;
    readonly label: string;
    readonly url: string;
  }>;
  readonly grant: {
    readonly queryParameters: Readonly<Record<string, string>>;
    readonly expiresAt: string;
  } | null;
}

interface DevMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** `url` with the grant's query parameters appended, as a player does for every CDN request. */
const withGrant = (url: string, grant: Readonly<Record<string, string>>): string => {
  const target = new URL(url);
  for (const [name, value] of Object.entries(grant)) target.searchParams.set(name, value);
  return target.href;
};

/** The URIs of a playlist's entries (variant playlists, or segments), resolved against it, without query. */
const playlistEntries = (playlist: string, playlistUrl: string): ReadonlyArray<string> => {
  const base = new URL(playlistUrl);
  base.search = "";
  return playlist
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((uri) => new URL(uri, base).href);
};

const STAFF_EMAIL = "staff@ovs.local";
const COLLECTION_TITLE = "Local e2e lectures";
const FILE_VIDEO = "lecture-1.mp4";
const URL_VIDEO = "lecture-2.mp4";
const NOT_A_VIDEO = "lecture.mp4";
const SRT =
  "1\n00:00:01,000 --> 00:00:04,000\nHello from the local profile.\n\n2\n00:00:05,000 --> 00:00:08,000\nSecond cue.\n";

describe("the local profile end to end, over HTTP, as a user would", { timeout: 240_000 }, () => {
  const folders: Array<string> = [];
  let served: Spawned | undefined;
  let testProfile: Spawned | undefined;
  let sourceServer: Server | undefined;
  let base = "";
  let videoPath = "";
  let passwords: ReadonlyMap<string, string> = new Map();
  let browser: AppBrowser | undefined;
  const app = () => browser ?? expect.unreachable("not signed in");
  let apiToken = "";
  let collectionKey = "";
  const videoKeys: { file?: string; url?: string; invalid?: string } = {};
  const figures: Array<string> = [];

  beforeAll(async () => {
    const [port, cdnPort] = await freePorts(2);
    const dataDir = mkdtempSync(join(tmpdir(), "ovs-local-e2e-"));
    const mediaDir = mkdtempSync(join(tmpdir(), "ovs-local-e2e-media-"));
    folders.push(dataDir, mediaDir);
    base = `http://127.0.0.1:${String(port)}`;
    videoPath = join(mediaDir, FILE_VIDEO);

    const spawnedAt = Date.now();
    served = spawnOvs("local", ["serve"], {
      OVS_PROFILE: "local",
      OVS_DATA_DIR: dataDir,
      PORT: String(port),
      OVS_CDN_PORT: String(cdnPort),
      OVS_URL_SOURCE_ALLOW_HTTP: "true",
      OVS_URL_SOURCE_ALLOWED_RANGES: "127.0.0.1/32",
    });
    const generate = promisify(execFile)(resolveFfmpegPath(), [
      ...["-hide_banner", "-loglevel", "error", "-y"],
      ...["-f", "lavfi", "-i", "testsrc=size=640x360:rate=25"],
      ...["-f", "lavfi", "-i", "sine=frequency=440"],
      ...["-t", "10", "-pix_fmt", "yuv420p", videoPath],
    ]);
    const running = served;
    await Promise.all([generate, waitUntilReady(base, running, 120_000)]);
    figures.push(`ready ${seconds(spawnedAt, Date.now())} s after spawn`);
    expect(statSync(videoPath).size).toBeGreaterThan(10_000);

    // The banner's three accounts and their passwords, printed once, on this first start.
    const banner = await waitFor(
      "the start banner",
      async () =>
        running.output().stdout.includes("Dev accounts (passwords shown")
          ? running.output().stdout
          : undefined,
      10_000,
    );
    passwords = devPasswordsFrom(banner);
    expect([...passwords.keys()].sort()).toEqual(["admin@ovs.local", "staff@ovs.local", "viewer@ovs.local"]);

    // A loopback server as an upload source: the same file, by URL.
    sourceServer = createServer((request, response) => {
      if (request.url !== `/${URL_VIDEO}`) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { "Content-Type": "video/mp4", "Content-Length": statSync(videoPath).size });
      if (request.method === "HEAD") response.end();
      else createReadStream(videoPath).pipe(response);
    });
    await new Promise<void>((resolve) => sourceServer?.listen(0, "127.0.0.1", resolve));
  }, 180_000);

  afterAll(async () => {
    for (const spawned of [served, testProfile]) {
      if (spawned !== undefined && spawned.child.exitCode === null && spawned.child.signalCode === null) {
        spawned.child.kill("SIGKILL");
        await spawned.exited;
      }
    }
    await new Promise((resolve) =>
      sourceServer === undefined ? resolve(undefined) : sourceServer.close(resolve),
    );
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  }, 30_000);

  /** A video's status, polled until it is `target` or another end (Complete or a failure). */
  const waitForStatus = async (key: string, target: VideoStatus): Promise<VideoStatus> =>
    waitFor(
      `video ${key} to reach ${target}`,
      async () => {
        const answer = await app().request(`/api/v0/videos/${key}/`);
        expect(answer.status).toBe(200);
        const { status } = (await answer.json()) as { status: VideoStatus };
        return status === target || status === "Complete" || FAILED_STATUSES.has(status) ? status : undefined;
      },
      150_000,
    );

  const mailbox = async (): Promise<ReadonlyArray<DevMail>> => {
    const answer = await fetch(`${base}/dev/mail`, { headers: { Accept: "application/json" } });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { count: number; results: ReadonlyArray<DevMail> };
    expect(body.results).toHaveLength(body.count);
    return body.results;
  };

  const waitForMail = (subject: string) =>
    waitFor(
      `a mail "${subject}"`,
      async () => (await mailbox()).find((mail) => mail.subject === subject),
      60_000,
    );

  const playback = async (key: string): Promise<PlaybackAnswer> => {
    const answer = await app().request(`/api/v0/videos/${key}/playback/`);
    expect(answer.status).toBe(200);
    return (await answer.json()) as PlaybackAnswer;
  };

  it("signs the staff account in through the embedded issuer, back to next, with a session that needs CSRF on writes", async () => {
    const signingIn = new AppBrowser(base);
    const isCallback = (url: string) => new URL(url).pathname === "/auth/complete/keycloak/";
    const login = await signingIn.request(
      `/login/?${new URLSearchParams({ next: "/api/v0/collections/" }).toString()}`,
    );
    expect(login.status).toBe(302);
    const authorizationUrl = login.headers.get("location") ?? "";
    expect(authorizationUrl.startsWith(`${base}/dev/oidc/`)).toBe(true);

    const issuer = new FormBrowser();
    const page = await issuer.follow(authorizationUrl, { stopAt: isCallback });
    expect(page.response?.status).toBe(200);
    const form = parseForm((await page.response?.text()) ?? "");
    expect(form?.inputs.has("login")).toBe(true);
    expect(form?.inputs.has("password")).toBe(true);

    // A wrong password: the form again, and no way back to the app.
    const wrong = await issuer.submit(
      page.url,
      form ?? expect.unreachable("no form"),
      {
        login: STAFF_EMAIL,
        password: "not the password",
      },
      isCallback,
    );
    expect(wrong.response?.status).toBe(200);
    const again = parseForm((await wrong.response?.text()) ?? "");
    expect(again?.inputs.has("password")).toBe(true);
    expect(again?.inputs.get("login")).toBe(STAFF_EMAIL);

    const right = await issuer.submit(
      wrong.url,
      again ?? expect.unreachable("no form"),
      {
        login: STAFF_EMAIL,
        password: passwords.get(STAFF_EMAIL) ?? "",
      },
      isCallback,
    );
    expect(right.response).toBeUndefined(); // stopped at the app's callback
    expect(new URL(right.url).origin).toBe(base);

    const completed = await signingIn.request(right.url);
    expect(completed.status).toBe(302);
    expect(completed.headers.get("location")).toBe("/api/v0/collections/");
    expect(signingIn.cookie(DEFAULT_SESSION_COOKIE_NAME)).toBeDefined();
    expect(signingIn.cookie(CSRF_COOKIE_NAME)).toBeDefined();
    browser = signingIn;

    const landing = await app().request("/api/v0/collections/");
    expect(landing.status).toBe(200);
    expect(await landing.json()).toMatchObject({ count: 0, results: [] });
    const tokens = await app().request("/api/v0/tokens/");
    expect(tokens.status).toBe(200);

    // A write with the session: refused without the CSRF header, done with it.
    const refused = await app().request("/api/v0/tokens/", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "e2e" }),
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ detail: CSRF_FAILURE_DETAIL });
    const created = await app().json("/api/v0/tokens/", "POST", { name: "e2e" });
    expect(created.status).toBe(201);
    apiToken = String((created.body as { token?: unknown }).token);
    expect(apiToken.length).toBeGreaterThan(20);
    const asBearer = await fetch(`${base}/api/v0/tokens/`, {
      headers: { Authorization: `Bearer ${apiToken}` },
    });
    expect(asBearer.status).toBe(200);
  });

  it("creates a collection, takes a generated video by file and by URL, and transcodes both to Complete", async () => {
    const created = await app().json("/api/v0/collections/", "POST", {
      title: COLLECTION_TITLE,
      view_lists: [],
      admin_lists: [],
    });
    expect(created.status).toBe(201);
    collectionKey = String((created.body as { key?: unknown }).key);
    expect(collectionKey).toMatch(/^[0-9a-f]{32}$/);

    // By file, with the session: `collection` first, then the file part.
    const form = new FormData();
    form.append("collection", collectionKey);
    form.append("file", new Blob([readFileSync(videoPath)], { type: "video/mp4" }), FILE_VIDEO);
    const fileSentAt = Date.now();
    const byFile = await app().request("/api/v0/upload_file/", { method: "POST", body: form, csrf: true });
    expect(byFile.status).toBe(202);
    const fileVideos = Object.entries((await byFile.json()) as Record<string, { title: string }>);
    expect(fileVideos).toHaveLength(1);
    expect(fileVideos[0]?.[1].title).toBe(FILE_VIDEO);
    const fileKey = fileVideos[0]?.[0] ?? "";
    videoKeys.file = fileKey;

    // By URL, with the API token the session made: the loopback server streams the same file.
    const { port } = sourceServer?.address() as AddressInfo;
    const urlSentAt = Date.now();
    const byUrl = await fetch(`${base}/api/v0/upload_videos/`, {
      method: "POST",
      headers: { Authorization: `Bearer ${apiToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        collection: collectionKey,
        files: [{ name: URL_VIDEO, link: `http://127.0.0.1:${String(port)}/${URL_VIDEO}` }],
      }),
    });
    expect(byUrl.status).toBe(202);
    const urlVideos = Object.entries((await byUrl.json()) as Record<string, { title: string }>);
    expect(urlVideos).toHaveLength(1);
    expect(urlVideos[0]?.[1].title).toBe(URL_VIDEO);
    const urlKey = urlVideos[0]?.[0] ?? "";
    videoKeys.url = urlKey;

    const [fileStatus, urlStatus] = await Promise.all([
      waitForStatus(fileKey, "Complete").then((status) => {
        figures.push(`file upload → Complete ${seconds(fileSentAt, Date.now())} s`);
        return status;
      }),
      waitForStatus(urlKey, "Complete").then((status) => {
        figures.push(`URL upload → Complete ${seconds(urlSentAt, Date.now())} s`);
        return status;
      }),
    ]);
    expect({ fileStatus, urlStatus }).toEqual({ fileStatus: "Complete", urlStatus: "Complete" });
  });

  it("plays a video back through the local CDN: HLS playlists and segments with the grant, MP4 ranges, nothing without it", async () => {
    const answer = await playback(videoKeys.file ?? "");
    expect(answer).toMatchObject({ status: "Complete", playable: true });
    const grant = answer.grant?.queryParameters ?? expect.unreachable("a private video has a grant");
    const hls = answer.sources[0] ?? expect.unreachable("no sources");
    expect(hls.type).toBe("application/x-mpegURL");

    const master = await fetch(hls.src);
    expect(master.status).toBe(200);
    expect(master.headers.get("content-type")).toBe("application/vnd.apple.mpegurl");
    const masterText = await master.text();
    expect(masterText.startsWith("#EXTM3U")).toBe(true);
    const variantUrl = playlistEntries(masterText, hls.src)[0] ?? expect.unreachable("no variant");

    const variant = await fetch(withGrant(variantUrl, grant));
    expect(variant.status).toBe(200);
    expect(variant.headers.get("content-type")).toBe("application/vnd.apple.mpegurl");
    const segmentUrl =
      playlistEntries(await variant.text(), variantUrl)[0] ?? expect.unreachable("no segment");
    expect(segmentUrl).toMatch(/\.ts$/);

    const segment = await fetch(withGrant(segmentUrl, grant));
    expect(segment.status).toBe(200);
    expect(segment.headers.get("content-type")).toBe("video/mp2t");
    expect((await segment.arrayBuffer()).byteLength).toBeGreaterThan(0);

    const mp4 = answer.sources.find((source) => source.type === "video/mp4") ?? expect.unreachable("no MP4");
    const range = await fetch(mp4.src, { headers: { Range: "bytes=0-99" } });
    expect(range.status).toBe(206);
    expect(range.headers.get("content-type")).toBe("video/mp4");
    expect((await range.arrayBuffer()).byteLength).toBe(100);

    const unsigned = await fetch(segmentUrl);
    expect(unsigned.status).toBe(403);
    await unsigned.arrayBuffer();
  });

  it("takes SRT subtitles, lists the track in playback and serves it from the CDN as WebVTT", async () => {
    const key = videoKeys.file ?? "";
    const form = new FormData();
    form.append("video", key);
    form.append("language", "en");
    form.append("file", new Blob([SRT], { type: "application/x-subrip" }), "captions.srt");
    const uploaded = await app().request("/api/v0/upload_subtitles/", {
      method: "POST",
      body: form,
      csrf: true,
    });
    expect(uploaded.status).toBe(202);

    const { subtitles } = await playback(key);
    expect(subtitles).toHaveLength(1);
    const track = subtitles[0] ?? expect.unreachable("no track");
    expect(track).toMatchObject({ language: "en", label: "English" });
    const vtt = await fetch(track.url);
    expect(vtt.status).toBe(200);
    expect(vtt.headers.get("content-type")).toMatch(/^text\/vtt\b/);
    const text = await vtt.text();
    expect(text.startsWith("WEBVTT")).toBe(true);
    expect(text).toContain("Hello from the local profile.");
  });

  it("has the success email of each video at /dev/mail", async () => {
    for (const title of [FILE_VIDEO, URL_VIDEO]) {
      const mail = await waitForMail(`Video "${title}" is ready in collection "${COLLECTION_TITLE}"`);
      expect(mail.to).toBe(STAFF_EMAIL);
    }
  });

  it("fails a text file named like a video with the video error, and mails the invalid-format email", async () => {
    const form = new FormData();
    form.append("collection", collectionKey);
    form.append(
      "file",
      new Blob(["this is a text file, not a video\n".repeat(100)], { type: "video/mp4" }),
      NOT_A_VIDEO,
    );
    const sentAt = Date.now();
    const uploaded = await app().request("/api/v0/upload_file/", { method: "POST", body: form, csrf: true });
    expect(uploaded.status).toBe(202);
    const [key] = Object.keys((await uploaded.json()) as Record<string, unknown>);
    videoKeys.invalid = key ?? "";

    expect(await waitForStatus(videoKeys.invalid, "Transcode failed video error")).toBe(
      "Transcode failed video error",
    );
    figures.push(`text file → failed ${seconds(sentAt, Date.now())} s`);
    const mail = await waitForMail(`Error posting your video "${NOT_A_VIDEO}"`);
    expect(mail.to).toBe(STAFF_EMAIL);
  });

  it("mounts neither /dev/mail nor the dev issuer in the test profile", async () => {
    const [port] = await freePorts(1);
    const dataDir = mkdtempSync(join(tmpdir(), "ovs-local-e2e-test-profile-"));
    folders.push(dataDir);
    const testBase = `http://127.0.0.1:${String(port)}`;
    testProfile = spawnOvs("local", ["serve"], {
      OVS_PROFILE: "test",
      OVS_DATA_DIR: dataDir,
      PORT: String(port),
    });
    await waitUntilReady(testBase, testProfile, 60_000);
    expect((await fetch(`${testBase}/dev/mail`, { headers: { Accept: "application/json" } })).status).toBe(
      404,
    );
    expect((await fetch(`${testBase}/dev/oidc/.well-known/openid-configuration`)).status).toBe(404);
    testProfile.child.kill("SIGTERM");
    expect(await testProfile.exited).toBe(0);
  });

  it("stops on SIGTERM with exit code 0", async () => {
    const running = served ?? expect.unreachable("not started");
    running.child.kill("SIGTERM");
    expect(await running.exited, running.output().stderr).toBe(0);
    console.log(`[local-e2e] ${figures.join("; ")}`);
  });
});
