import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveFfmpegPath } from "@ovs/adapters-local";
import { freePorts, spawnOvs, stopChild, waitUntilReady } from "../../../app/test/local/support/ovs-child.js";
import type { Spawned } from "../../../app/test/local/support/ovs-child.js";
import { ensureChromium, launchChromium } from "./support/chromium.js";
import { auditPage } from "./support/page-audit.js";
import type { PageAudit } from "./support/page-audit.js";

/**
 * The web UI in Debian's Chromium against the real program in the `local` profile (one child
 * process for the whole file): staff signs in through the embedded issuer, creates a collection,
 * uploads a generated video from disk, watches it reach Complete without reloading, plays it with
 * subtitles, and restricts it; an outsider gets the 403 page and no media; a view-group member
 * plays it, also embedded in a page of another origin. Every page is screenshotted and checked
 * with axe-core.
 */
const run = promisify(execFile);
const webDir = join(import.meta.dirname, "..", "..");

const PASSWORD = "correct horse battery staple";
const STAFF = "staff@ovs.local";
const OUTSIDER = "outsider@ovs.local";
const MEMBER = "member@ovs.local";
const VIEW_GROUP = "lecture-viewers";
const COLLECTION_TITLE = "Browser lectures <b>escaped</b>";
const VIDEO_FILE = "lecture-one.mp4";
const VTT = "WEBVTT\n\n00:00:00.200 --> 00:00:07.800\nHello from the subtitles.\n";

describe("the web UI in Chromium", { timeout: 240_000 }, () => {
  const folders: Array<string> = [];
  let served: Spawned | undefined;
  let browser: Browser | undefined;
  let otherOrigin: Server | undefined;
  let base = "";
  let otherBase = "";
  let videoPath = "";
  let subtitlePath = "";
  let collectionKey = "";
  let videoKey = "";
  const contexts = new Map<string, BrowserContext>();
  const audits: Array<PageAudit> = [];
  /** Messages the pages printed about refused resources (CSP) or script errors. */
  const pageProblems: Array<string> = [];

  beforeAll(async () => {
    ensureChromium();
    const [port, cdnPort, otherPort] = await freePorts(3);
    const dataDir = mkdtempSync(join(tmpdir(), "ovs-web-ui-"));
    const mediaDir = mkdtempSync(join(tmpdir(), "ovs-web-ui-media-"));
    folders.push(dataDir, mediaDir);
    base = `http://127.0.0.1:${String(port)}`;
    otherBase = `http://localhost:${String(otherPort)}`;
    videoPath = join(mediaDir, VIDEO_FILE);
    subtitlePath = join(mediaDir, "lecture-one.vtt");
    writeFileSync(subtitlePath, VTT);

    const env = { OVS_PROFILE: "local", OVS_DATA_DIR: dataDir };
    // The accounts, made before the first start so their passwords are known.
    for (const [email, flags] of [
      [STAFF, ["--staff"]],
      [OUTSIDER, []],
      [MEMBER, ["--group", VIEW_GROUP]],
    ] as const) {
      const added = spawnOvs("user add", ["user", "add", email, "--password", PASSWORD, ...flags], env);
      expect(await added.exited, added.output().stderr).toBe(0);
    }
    served = spawnOvs("local", ["serve"], { ...env, PORT: String(port), OVS_CDN_PORT: String(cdnPort) });
    const generate = run(resolveFfmpegPath(), [
      ...["-hide_banner", "-loglevel", "error", "-y"],
      ...["-f", "lavfi", "-i", "testsrc=size=640x360:rate=25"],
      ...["-f", "lavfi", "-i", "sine=frequency=440"],
      ...["-t", "8", "-pix_fmt", "yuv420p", videoPath],
    ]);
    // The UI as the sources say now: the test never runs an old build.
    const build = run(
      process.execPath,
      [join(webDir, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn"],
      {
        cwd: webDir,
      },
    );
    const running = served;
    await Promise.all([generate, build, waitUntilReady(base, running, 120_000)]);

    // A page on another origin (another site, even: localhost is not 127.0.0.1) that embeds the player.
    otherOrigin = createServer((request, response) => {
      const key = new URL(request.url ?? "/", otherBase).searchParams.get("video") ?? "";
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      response.end(
        `<!doctype html><html lang="en"><head><title>A course page</title></head><body><h1>A course page</h1>` +
          `<iframe id="player" title="Lecture video" width="800" height="500" allow="autoplay; fullscreen" ` +
          `src="${base}/videos/${key}/embed/"></iframe></body></html>`,
      );
    });
    await new Promise<void>((resolve) => otherOrigin?.listen(otherPort, "127.0.0.1", resolve));
    browser = await launchChromium();
  }, 200_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) =>
      otherOrigin === undefined ? resolve(undefined) : otherOrigin.close(resolve),
    );
    if (served !== undefined) await stopChild(served, 10_000);
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    process.stdout.write(`${audits.length} pages audited\n`);
  }, 60_000);

  /** A person's own browser context (cookies), watching for CSP refusals and script errors. */
  const contextOf = async (who: string): Promise<BrowserContext> => {
    const known = contexts.get(who);
    if (known !== undefined) return known;
    const context = await (browser ?? expect.unreachable("no browser")).newContext({
      viewport: { width: 1280, height: 900 },
    });
    context.on("page", (page) => {
      page.on("console", (message) => {
        const text = message.text();
        if (message.type() === "error" && /Content Security Policy|Refused to/i.test(text)) {
          pageProblems.push(`${who} ${page.url()}: ${text}`);
        }
      });
      page.on("pageerror", (error) => pageProblems.push(`${who} ${page.url()}: ${error.message}`));
    });
    contexts.set(who, context);
    return context;
  };

  /** Signs in through the app's sign-in link and the embedded issuer's form; ends on the collections. */
  const signIn = async (who: string): Promise<Page> => {
    const page = await (await contextOf(who)).newPage();
    await page.goto(`${base}/collections/`);
    // Anonymous: the page sends the visitor to sign in, which goes to the issuer's form.
    await page.locator("#login").waitFor();
    await page.fill("#login", who);
    await page.fill("#password", PASSWORD);
    await page.click("button[type=submit]");
    await page.waitForURL(`${base}/collections/`);
    await page.getByRole("heading", { name: "My collections" }).waitFor();
    return page;
  };

  const audit = async (name: string, page: Page) => {
    const result = await auditPage(name, page);
    audits.push(result);
    expect(
      result.seriousViolations.map((violation) => violation.id),
      name,
    ).toEqual([]);
  };

  const videoElement = (page: Page) => page.locator("video[data-testid=player-video]");

  /** Plays the page's video until `currentTime` passes `seconds`. */
  const playPast = async (page: Page, seconds: number) => {
    await videoElement(page).waitFor();
    await page.waitForFunction(() => {
      const video = document.querySelector("video");
      if (video === null) return false;
      if (video.paused) video.play().catch(() => undefined);
      return true;
    });
    await page.waitForFunction(
      (past) => (document.querySelector("video")?.currentTime ?? 0) > past,
      seconds,
      { timeout: 60_000 },
    );
  };

  it("signs staff in, creates a collection, uploads a video from disk and shows it reach Complete without reloading", async () => {
    const page = await signIn(STAFF);
    await audit("collections-empty", page);
    await page.getByRole("button", { name: "New collection" }).click();
    const dialog = page.getByRole("dialog", { name: "New collection" });
    await dialog.getByRole("button", { name: "Create collection" }).click();
    await dialog.getByText("Enter a title.").waitFor();
    await dialog.getByLabel("Title").fill(COLLECTION_TITLE);
    await dialog.getByLabel("View groups").fill(VIEW_GROUP);
    await audit("new-collection-dialog", page);
    await dialog.getByRole("button", { name: "Create collection" }).click();
    await page.waitForURL(/\/collections\/[0-9a-f]{32}\/$/);
    collectionKey = /\/collections\/([0-9a-f]{32})\//.exec(page.url())?.[1] ?? "";
    // The title is text, not markup.
    await page.getByRole("heading", { name: COLLECTION_TITLE }).waitFor();
    expect(await page.locator("h1 b").count()).toBe(0);

    await page.getByRole("button", { name: "Upload videos" }).click();
    const upload = page.getByRole("dialog", { name: "Upload videos" });
    await upload.getByLabel("Video files", { exact: true }).setInputFiles(videoPath);
    await upload.getByText("Uploaded").waitFor({ timeout: 60_000 });
    await audit("upload-dialog", page);
    await upload.getByRole("button", { name: "Close" }).click();

    const card = page.locator(".video-card", { hasText: "lecture-one.mp4" });
    await card.waitFor();
    videoKey = (await card.getAttribute("data-video-key")) ?? "";
    expect(videoKey).toMatch(/^[0-9a-f]{32}$/);
    const loads: Array<string> = [];
    page.on("load", () => loads.push(page.url()));
    // Uploading → Transcoding → Complete, polled live; the page is never reloaded.
    await card.locator('[data-status="Complete"]').waitFor({ timeout: 180_000 });
    expect(loads).toEqual([]);
    await card.getByText("Ready").waitFor();
    // The generated video is 8 s long: its card says so once the transcode measured it.
    await card.locator(".duration", { hasText: /^Duration 0:0[7-9]$/ }).waitFor({ timeout: 30_000 });
    await audit("collection", page);
  });

  it("cancels an upload in flight, and explains a failed one with a retry for the admin", async () => {
    const page = await (await contextOf(STAFF)).newPage();
    await page.goto(`${base}/collections/${collectionKey}/`);
    await page.getByRole("button", { name: "Upload videos" }).click();
    const upload = page.getByRole("dialog", { name: "Upload videos" });
    // A slow line, so the upload is still going when it is cancelled.
    const devtools = await page.context().newCDPSession(page);
    await devtools.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 16 * 1024,
    });
    await upload.getByLabel("Video files", { exact: true }).setInputFiles(videoPath);
    await upload.getByRole("button", { name: "Cancel" }).click();
    await upload.getByText("Cancelled").waitFor();
    await devtools.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await devtools.detach();

    // A link the service may not fetch (a loopback address): the video fails, in words.
    await upload.getByLabel("Links to video files").fill("https://127.0.0.1:9/unreachable-lecture.mp4");
    await upload.getByRole("button", { name: "Add from links" }).click();
    await upload.getByText("1 video added").waitFor();
    await upload.getByRole("button", { name: "Close" }).click();
    const failed = page.locator(".video-card", { hasText: "unreachable-lecture.mp4" });
    await failed.locator('[data-status="Upload failed"]').waitFor({ timeout: 90_000 });
    await failed.getByText("The file could not be copied in").waitFor();
    await failed.getByRole("button", { name: "Retry upload" }).waitFor();
    await audit("collection-failed-upload", page);
    // Retry: the API takes it (the video is fetched again), and the link being still refused, the
    // card comes back to the failure, in words, without a reload.
    const retried = page.waitForResponse(
      (response) => response.url().endsWith("/retry_upload/") && response.request().method() === "POST",
    );
    await failed.getByRole("button", { name: "Retry upload" }).click();
    expect((await retried).status()).toBe(202);
    await failed.locator('.status:not([data-status="Upload failed"])').waitFor();
    await failed.locator('.status[data-status="Upload failed"]').waitFor({ timeout: 90_000 });
    await failed.getByText("The file could not be copied in").waitFor();
    await failed.getByRole("button", { name: "Retry upload" }).waitFor();
    // The cancelled file never became a video.
    expect(await page.locator(".video-card", { hasText: "lecture-one.mp4" }).count()).toBe(1);
    await page.close();
  });

  it("plays it with the grant on every CDN request and a subtitle cue, then makes it private", async () => {
    const page = await (await contextOf(STAFF)).newPage();
    const cdnRequests: Array<string> = [];
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.origin !== base && url.protocol === "http:") cdnRequests.push(request.url());
    });
    await page.goto(`${base}/videos/${videoKey}/`);
    await page.getByRole("heading", { name: "lecture-one.mp4" }).waitFor();

    const subtitles = page.getByRole("region", { name: "Subtitles" });
    await subtitles.getByLabel("Language code").fill("en");
    await subtitles.getByLabel("Subtitle file (.vtt or .srt)").setInputFiles(subtitlePath);
    await subtitles.getByRole("button", { name: "Upload subtitles" }).click();
    await subtitles.getByText("Subtitles added.").waitFor();
    await subtitles.getByText("English").waitFor();

    await page.waitForFunction(() => (document.querySelector("video")?.textTracks.length ?? 0) > 0);
    await playPast(page, 1.5);
    await page.waitForFunction(
      () => {
        const track = document.querySelector("video")?.textTracks[0];
        return track !== undefined && track.mode === "showing" && (track.activeCues?.length ?? 0) > 0;
      },
      undefined,
      { timeout: 30_000 },
    );
    const cue = await page.evaluate(() => {
      const active = document.querySelector("video")?.textTracks[0]?.activeCues?.[0] as VTTCue | undefined;
      return active?.text;
    });
    expect(cue).toBe("Hello from the subtitles.");
    // The video is not public: every request to the CDN carried the signature.
    expect(cdnRequests.length).toBeGreaterThan(2);
    expect(cdnRequests.filter((url) => !new URL(url).searchParams.has("Signature"))).toEqual([]);
    await page.evaluate(() => document.querySelector("video")?.pause());
    await audit("video-admin", page);
    // Not public: the MP4 download is the playback's own source, with the admin's grant.
    const protectedDownload = await page.getByRole("link", { name: "Download MP4" }).getAttribute("href");
    expect(new URL(protectedDownload ?? "", base).searchParams.has("Signature")).toBe(true);

    // The share link follows the playing position.
    await page.getByRole("checkbox", { name: /Start at/ }).check();
    expect(await page.getByLabel("Link to this video").inputValue()).toMatch(
      new RegExp(`/videos/${videoKey}/\\?start=\\d+$`),
    );

    const edit = page.getByRole("region", { name: "Edit video" });
    await edit.getByLabel("Only the collection’s admins (private)").check();
    await edit.getByRole("button", { name: "Save changes" }).click();
    await edit.getByText("Saved.").waitFor();
    await page.getByText("Private (collection admins only)").waitFor();
    const saved = await page.evaluate(
      async (key) => (await fetch(`/api/v0/videos/${key}/`)).json(),
      videoKey,
    );
    expect(saved).toMatchObject({ is_private: true, is_public: false });
  });

  it("shows a signed-in viewer outside the video's groups the 403 page, and its media stay closed to them", async () => {
    const page = await signIn(OUTSIDER);
    await page.goto(`${base}/videos/${videoKey}/`);
    await page.getByRole("heading", { name: "You can’t see this" }).waitFor();
    await page.getByText("Error 403").waitFor();
    await audit("error-403", page);
    const playback = await page.evaluate(
      async (key) => (await fetch(`/api/v0/videos/${key}/playback/`)).status,
      videoKey,
    );
    expect(playback).toBe(404);

    // The media URLs (from staff's playback) without the grant staff got: the CDN refuses them.
    const staff = await (await contextOf(STAFF)).newPage();
    await staff.goto(`${base}/help/`);
    const sources = await staff.evaluate(async (key) => {
      const answer = (await (await fetch(`/api/v0/videos/${key}/playback/`)).json()) as {
        sources: ReadonlyArray<{ src: string }>;
      };
      return answer.sources.map((source) => source.src.split("?")[0] ?? "");
    }, videoKey);
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) {
      const answer = await page.request.get(src);
      expect(answer.status(), src).toBe(403);
    }
    await staff.close();

    // Signing out goes through the issuer and back; the collections then ask to sign in again.
    await page.getByRole("link", { name: "Sign out", exact: true }).click();
    await page.locator("#login").waitFor();
  });

  it("lets a view-group member play it once it is shared with the collection's viewers, also embedded on another origin", async () => {
    const member = await signIn(MEMBER);
    // Private: admins only, so the member is refused too.
    await member.goto(`${base}/videos/${videoKey}/`);
    await member.getByRole("heading", { name: "You can’t see this" }).waitFor();

    const staff = await (await contextOf(STAFF)).newPage();
    await staff.goto(`${base}/videos/${videoKey}/`);
    const edit = staff.getByRole("region", { name: "Edit video" });
    await edit.getByLabel("The collection’s viewers and the groups below").check();
    await edit.getByRole("button", { name: "Save changes" }).click();
    await edit.getByText("Saved.").waitFor();
    await staff.close();

    await member.goto(`${base}/videos/${videoKey}/?start=2`);
    await member.getByRole("heading", { name: "lecture-one.mp4" }).waitFor();
    expect(await member.getByRole("region", { name: "Edit video" }).count()).toBe(0);
    await playPast(member, 2.5);
    await member.evaluate(() => document.querySelector("video")?.pause());
    await audit("video-viewer", member);

    // The embed page alone, then inside another origin's iframe.
    const embed = await (await contextOf(MEMBER)).newPage();
    await embed.goto(`${base}/videos/${videoKey}/embed/`);
    await playPast(embed, 1);
    await embed.evaluate(() => document.querySelector("video")?.pause());
    await audit("embed", embed);
    await embed.close();

    const host = await (await contextOf("anonymous host")).newPage();
    // An anonymous visitor of the other site: the public check is below; this one is not shared.
    await host.goto(`${otherBase}/?video=${videoKey}`);
    const anonymousFrame = host.frameLocator("#player");
    await anonymousFrame.getByRole("heading", { name: "Sign in to watch this video" }).waitFor();
    await host.close();

    const staffAgain = await (await contextOf(STAFF)).newPage();
    await staffAgain.goto(`${base}/videos/${videoKey}/`);
    const editAgain = staffAgain.getByRole("region", { name: "Edit video" });
    await editAgain.getByLabel("Anyone with the link").check();
    await editAgain.getByRole("button", { name: "Save changes" }).click();
    await editAgain.getByText("Saved.").waitFor();
    await staffAgain.close();

    const visitor = await (await contextOf("visitor")).newPage();
    await visitor.goto(`${otherBase}/?video=${videoKey}`);
    const frame = visitor.frame({ url: new RegExp(`/videos/${videoKey}/embed/`) });
    expect(frame).not.toBeNull();
    await visitor.frameLocator("#player").locator("video").waitFor({ timeout: 60_000 });
    await frame?.waitForFunction(
      () => {
        const video = document.querySelector("video");
        if (video === null) return false;
        if (video.paused) video.play().catch(() => undefined);
        return video.currentTime > 1;
      },
      undefined,
      { timeout: 60_000, polling: 250 },
    );
    await audit("embed-on-other-origin", visitor);
  });

  it("shows the other pages, each checked with axe-core", async () => {
    const page = await (await contextOf(STAFF)).newPage();
    await page.goto(`${base}/collections/`);
    await page.getByRole("link", { name: COLLECTION_TITLE }).waitFor();
    await audit("collections", page);

    await page.goto(`${base}/collections/${collectionKey}/settings/`);
    await page.getByRole("heading", { name: "Collection settings" }).waitFor();
    await page.getByLabel("Title").fill("");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Enter a title.").waitFor();
    // Focus went to the field to fix; typing in it takes its message away.
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-invalid"))).toBe("true");
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe("");
    await page.getByLabel("Title").fill(COLLECTION_TITLE);
    expect(await page.getByText("Enter a title.").count()).toBe(0);
    // Staff choose where the collection's public videos stream from.
    await page.getByLabel("Stream source").selectOption("Cloudfront");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Saved.").waitFor();
    const savedSettings = await page.evaluate(
      async (key) => (await fetch(`/api/v0/collections/${key}/`)).json(),
      collectionKey,
    );
    expect(savedSettings).toMatchObject({ stream_source: "Cloudfront" });
    // No edX course, so no endpoint: the results say so, and the list the page read is empty.
    const edx = page.getByRole("region", { name: "Sync to edX" });
    await edx.getByText("No edX endpoint is linked").waitFor();
    expect(await edx.getByRole("button", { name: "Sync videos to edX" }).isDisabled()).toBe(true);
    const posts = await page.evaluate(
      async (key) => (await fetch(`/api/v0/collections/${key}/edx_posts/`)).json(),
      collectionKey,
    );
    expect(posts).toEqual({ results: [] });
    await audit("collection-settings", page);

    // With a course and an endpoint (answers made up here: no real edX is reached), a sync is
    // followed until edX answered for every queued video; the left-out one keeps its reason.
    const realCollection = (await page.evaluate(
      async (key) => (await fetch(`/api/v0/collections/${key}/`)).json(),
      collectionKey,
    )) as Record<string, unknown>;
    let syncedAt: string | undefined;
    const edxPost = (outcome: string, status: number | null, detail: string | null, retrying: boolean) => ({
      video_key: videoKey,
      video_title: "lecture-one.mp4",
      endpoint_id: outcome === "Created" ? 1 : 2,
      endpoint_name: outcome === "Created" ? "edX Learn" : "edX staging",
      outcome,
      status,
      detail,
      retrying,
      attempt: 1,
      posted_at: syncedAt ?? "2026-01-01T00:00:00.000Z",
    });
    await page.route(`**/api/v0/collections/${collectionKey}/`, (route) =>
      route.fulfill({ json: { ...realCollection, edx_course_id: "course-v1:OVS+101+2026" } }),
    );
    await page.route(`**/api/v0/collections/${collectionKey}/edx_posts/`, (route) =>
      route.fulfill({
        json: {
          results:
            syncedAt === undefined
              ? []
              : [
                  edxPost("Created", 201, null, false),
                  edxPost("Failed", null, "edX did not answer in time", true),
                ],
        },
      }),
    );
    await page.route("**/api/v0/sync_collection_videos_with_edx/", (route) => {
      setTimeout(() => {
        syncedAt = new Date(Date.now() + 1_000).toISOString();
      }, 2_500);
      return route.fulfill({
        status: 202,
        json: {
          message: "Sync started.",
          task_id: null,
          collection_id: collectionKey,
          status: "processing",
          to_post: [{ key: videoKey, title: "lecture-one.mp4" }],
          refused: [{ key: "f".repeat(32), title: "unreachable-lecture.mp4", reason: "not ready" }],
        },
      });
    });
    await page.reload();
    await edx.getByText("Nothing has been posted to edX yet").waitFor();
    await edx.getByRole("button", { name: "Sync videos to edX" }).click();
    await edx.getByText("Posting to edX: 0 of 1 video answered so far").waitFor();
    await edx.getByText("edX answered for the video.").waitFor({ timeout: 15_000 });
    await edx.getByText("unreachable-lecture.mp4: not ready").waitFor();
    const table = edx.getByRole("table", { name: "What edX answered" });
    await table.getByRole("cell", { name: "Added to edX" }).waitFor();
    await table.getByRole("cell", { name: "HTTP 201" }).waitFor();
    await table.getByRole("cell", { name: "edX did not answer in time" }).waitFor();
    await table.getByRole("cell", { name: /^retrying/ }).waitFor();
    await audit("collection-settings-edx", page);
    await page.unrouteAll();

    await page.goto(`${base}/tokens/`);
    await page.getByLabel("Name").fill("browser test");
    await page.getByRole("button", { name: "Create token" }).click();
    await page.getByText("it will not be shown again").waitFor();
    await page.getByRole("cell", { name: "browser test", exact: true }).waitFor();
    await audit("tokens", page);
    await page.getByRole("button", { name: "Revoke browser test" }).click();
    await page.getByRole("cell", { name: "revoked" }).waitFor();

    await page.goto(`${base}/edx-endpoints/`);
    await page.getByRole("heading", { name: "edX endpoints" }).waitFor();
    await audit("edx-endpoints", page);

    await page.goto(`${base}/help/`);
    await page.getByRole("heading", { name: "Help", exact: true }).waitFor();
    await audit("help", page);

    await page.goto(`${base}/terms/`);
    await page.getByRole("heading", { name: "Terms of service" }).waitFor();
    await audit("terms", page);

    const missing = await page.goto(`${base}/no/such/page/`);
    expect(missing?.status()).toBe(404);
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    await audit("error-404", page);

    // The service failing: the 500 page says what to do.
    await page.route(`**/api/v0/collections/${collectionKey}/`, (route) =>
      route.fulfill({
        status: 500,
        contentType: "application/json",
        body: '{"detail":"A server error occurred."}',
      }),
    );
    await page.goto(`${base}/collections/${collectionKey}/`);
    await page.getByRole("heading", { name: "Something went wrong" }).waitFor();
    await audit("error-500", page);
    await page.unroute(`**/api/v0/collections/${collectionKey}/`);

    // A collection of 1,000 videos: the grid shows the first cards and offers the rest.
    const many = {
      key: collectionKey,
      title: "A thousand lectures",
      description: null,
      is_admin: true,
      videos: Array.from({ length: 1000 }, (_, index) => ({
        key: index.toString(16).padStart(32, "0"),
        title: `Lecture ${index + 1}`,
        status: index % 10 === 0 ? "Transcode failed video error" : "Complete",
        videothumbnail_set: [],
      })),
    };
    await page.route(`**/api/v0/collections/${collectionKey}/`, (route) =>
      route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(many) }),
    );
    await page.goto(`${base}/collections/${collectionKey}/`);
    await page.getByText("1000 videos").waitFor();
    expect(await page.locator(".video-card").count()).toBe(48);
    await page.getByRole("button", { name: /Show more videos/ }).click();
    expect(await page.locator(".video-card").count()).toBe(96);
    await page.getByLabel("Find a video by title").fill("Lecture 999");
    await page.getByText("1 of 1000 videos match").waitFor();
    await audit("collection-1000-videos", page);
    await page.unroute(`**/api/v0/collections/${collectionKey}/`);

    // Phone width.
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${base}/videos/${videoKey}/`);
    await page.getByRole("heading", { name: "lecture-one.mp4" }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await audit("video-phone", page);

    // The video is public now: its download link redirects to the MP4 on the CDN.
    const download = page.getByRole("link", { name: "Download MP4" });
    expect(await download.getAttribute("href")).toBe(`/videos/${videoKey}/download/`);
    const redirect = await page.request.get(`${base}/videos/${videoKey}/download/`, { maxRedirects: 0 });
    expect(redirect.status()).toBe(302);
    const mp4 = await page.request.get(redirect.headers()["location"] ?? "");
    expect(mp4.status()).toBe(200);
    expect(mp4.headers()["content-type"]).toBe("video/mp4");

    // The CSP refused nothing the pages needed, and no script failed.
    expect(pageProblems).toEqual([]);
  });
});
