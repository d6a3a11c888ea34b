import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { ExpectStatic } from "vitest";
import { resolveFfmpegPath } from "@ovs/adapters-local";
import { FAILED_STATUSES } from "@ovs/domain";
import type { VideoStatus } from "@ovs/domain";
import { freePorts, seconds, sleep, waitFor } from "./support/ovs-child.js";

/**
 * Crashes leave nothing stuck (docs/architecture.md §6): the real `ovs serve`, local profile,
 * PGlite in a temp data folder, killed mid-transcode, killed mid-ingest and stopped mid-job,
 * then started again on the same folder (one process at a time per folder). Each scenario has
 * its own folder, so the three run side by side.
 *
 * The recovery paths exercised:
 * - a transcode whose process died: the encode job stays in flight in the database while the
 *   restarted ffmpeg transcoder has no record of it, so `transcode.reconcile` (every minute
 *   here, `OVS_TRANSCODE_RECONCILE_AFTER_SECONDS=1`, the smallest the config accepts)
 *   resubmits it and the video completes;
 * - an ingest whose process died: its `video.ingest` job stays `active` in pg-boss until the
 *   queue's expiry (4 h, `QUEUE_POLICIES`, not configurable), so no retry comes within the
 *   test; the stuck-upload janitor (`uploads.fail-stuck`, every minute here) fails it once its
 *   heartbeat is older than `OVS_STUCK_UPLOAD_THRESHOLD_SECONDS`, whose smallest accepted value
 *   is 600 s (the longest retry delay) + the lease TTL (2 s, the smallest above a 1 s
 *   heartbeat) + 1: about eleven minutes from the crash to `Upload failed`.
 */
const entry = fileURLToPath(new URL("../../src/cli/ovs.ts", import.meta.url));

const LOG = "[crash-recovery]";

interface Spawned {
  readonly child: ChildProcess;
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  readonly output: () => { readonly stdout: string; readonly stderr: string };
}

const spawnOvs = (env: Record<string, string>): Spawned => {
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", "--no-warnings", entry, "serve"],
    { env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", ...env } },
  );
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => ({ stdout, stderr }) };
};

/** Resolves with the exit, or fails after `timeoutMs`. */
const exitWithin = async (served: Spawned, timeoutMs: number) => {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`ovs serve did not exit within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([served.exited, timedOut]);
  } finally {
    clearTimeout(timer);
  }
};

const isRunning = (served: Spawned | undefined): served is Spawned =>
  served !== undefined && served.child.exitCode === null && served.child.signalCode === null;

/** The ffmpeg processes whose command line names `dataDir` (the transcoder's work folder is under it). */
const ffmpegUnder = async (
  dataDir: string,
): Promise<ReadonlyArray<{ readonly pid: number; readonly args: string }>> => {
  const { stdout } = await promisify(execFile)("ps", ["-eo", "pid=,args="]);
  return stdout
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ pid: Number(match[1]), args: match[2] ?? "" }))
    .filter(({ args }) => args.includes("ffmpeg") && args.includes(dataDir));
};

/** Kills what a dead server left running: a crashed host takes its ffmpeg children along. */
const killOrphans = async (dataDir: string): Promise<number> => {
  const orphans = await ffmpegUnder(dataDir);
  for (const { pid } of orphans) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  return orphans.length;
};

/** Every file below `folder`, relative to it (none when it does not exist). */
const filesBelow = (folder: string): ReadonlyArray<string> => {
  let entries;
  try {
    entries = readdirSync(folder, { recursive: true, withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)));
};

interface DevMail {
  readonly to: string;
  readonly subject: string;
}

interface StatusAnswer {
  readonly status: VideoStatus;
  readonly encode_jobs: ReadonlyArray<{
    readonly state: string;
    readonly purpose: string;
    readonly error_message: string | null;
    readonly created_at: string;
  }>;
}

const generateVideo = async (path: string, durationSeconds: number): Promise<void> => {
  await promisify(execFile)(resolveFfmpegPath(), [
    ...["-hide_banner", "-loglevel", "error", "-y"],
    ...["-f", "lavfi", "-i", "testsrc=size=640x360:rate=25"],
    ...["-f", "lavfi", "-i", "sine=frequency=440"],
    ...["-t", String(durationSeconds), "-pix_fmt", "yuv420p", path],
  ]);
};

/** The settings every start of every scenario shares: loopback URL sources, a reconcile every minute. */
const COMMON_ENV = {
  OVS_PROFILE: "local",
  OVS_URL_SOURCE_ALLOW_HTTP: "true",
  OVS_URL_SOURCE_ALLOWED_RANGES: "127.0.0.1/32",
  OVS_SCHEDULE_TRANSCODE_RECONCILE_CRON: "* * * * *",
  // The smallest the config accepts (`seconds(1)`).
  OVS_TRANSCODE_RECONCILE_AFTER_SECONDS: "1",
  OVS_TRANSCODE_CONCURRENCY: "1",
};

/** One data folder, served by one `ovs serve` at a time. */
class Instance {
  served: Spawned | undefined;
  base = "";
  private token = "";

  constructor(
    readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {}

  async start(): Promise<void> {
    if (isRunning(this.served)) throw new Error("already running");
    const [port, cdnPort] = await freePorts(2);
    this.base = `http://127.0.0.1:${String(port)}`;
    const served = spawnOvs({
      ...COMMON_ENV,
      ...this.env,
      OVS_DATA_DIR: this.dataDir,
      PORT: String(port),
      OVS_CDN_PORT: String(cdnPort),
    });
    this.served = served;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    void served.exited.then((how) => (exit = how));
    await waitFor(
      `${this.base}/health/readiness`,
      async () => {
        if (exit !== undefined) {
          throw new Error(
            `ovs serve exited with ${String(exit.code ?? exit.signal)} before ready:\n${served.output().stderr}`,
          );
        }
        const answer = await fetch(`${this.base}/health/readiness`).catch(() => undefined);
        return answer?.status === 200 ? true : undefined;
      },
      120_000,
    );
    this.token = readFileSync(join(this.dataDir, "cli-token"), "utf8").trim();
  }

  running(): Spawned {
    if (!isRunning(this.served)) throw new Error("not running");
    return this.served;
  }

  async api(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${this.token}`);
    return fetch(new URL(path, this.base), { ...init, headers });
  }

  async createCollection(title: string): Promise<string> {
    const created = await this.api("/api/v0/collections/", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ title, view_lists: [], admin_lists: [] }),
    });
    if (created.status !== 201) throw new Error(`collection: ${created.status} ${await created.text()}`);
    return String(((await created.json()) as { key?: unknown }).key);
  }

  async uploadFile(collection: string, path: string, title: string): Promise<string> {
    const form = new FormData();
    form.append("collection", collection);
    form.append("file", new Blob([readFileSync(path)], { type: "video/mp4" }), title);
    const uploaded = await this.api("/api/v0/upload_file/", { method: "POST", body: form });
    if (uploaded.status !== 202) throw new Error(`upload_file: ${uploaded.status} ${await uploaded.text()}`);
    const [key] = Object.keys((await uploaded.json()) as Record<string, unknown>);
    return key ?? "";
  }

  async uploadUrl(collection: string, link: string, title: string): Promise<string> {
    const uploaded = await this.api("/api/v0/upload_videos/", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ collection, files: [{ name: title, link }] }),
    });
    if (uploaded.status !== 202)
      throw new Error(`upload_videos: ${uploaded.status} ${await uploaded.text()}`);
    const [key] = Object.keys((await uploaded.json()) as Record<string, unknown>);
    return key ?? "";
  }

  async status(key: string): Promise<StatusAnswer> {
    const answer = await this.api(`/api/v0/videos/${key}/status/`);
    if (answer.status !== 200) throw new Error(`status: ${answer.status} ${await answer.text()}`);
    return (await answer.json()) as StatusAnswer;
  }

  /** Polls the video until it is Complete or failed. */
  async waitForEnd(key: string, timeoutMs: number): Promise<StatusAnswer> {
    return waitFor(
      `video ${key} to end`,
      async () => {
        const answer = await this.status(key);
        return answer.status === "Complete" || FAILED_STATUSES.has(answer.status) ? answer : undefined;
      },
      timeoutMs,
      1_000,
    );
  }

  async mailbox(): Promise<ReadonlyArray<DevMail>> {
    const answer = await fetch(`${this.base}/dev/mail`, { headers: { Accept: "application/json" } });
    if (answer.status !== 200) throw new Error(`/dev/mail: ${answer.status}`);
    return ((await answer.json()) as { results: ReadonlyArray<DevMail> }).results;
  }

  /** Waits for a mail with `subject`, then a little more, and returns every mail with it. */
  async mailsWithSubject(subject: string): Promise<ReadonlyArray<DevMail>> {
    await waitFor(
      `a mail "${subject}"`,
      async () => ((await this.mailbox()).some((mail) => mail.subject === subject) ? true : undefined),
      60_000,
    );
    // A duplicate would be queued with the first: give the mail queue a few polls to show it.
    await sleep(5_000);
    return (await this.mailbox()).filter((mail) => mail.subject === subject);
  }

  async kill(): Promise<void> {
    const served = this.running();
    served.child.kill("SIGKILL");
    await served.exited;
  }

  /** Stops whatever still runs, for the teardown. */
  async dispose(): Promise<void> {
    if (isRunning(this.served)) {
      this.served.child.kill("SIGKILL");
      await this.served.exited;
    }
    await killOrphans(this.dataDir);
  }
}

const successSubject = (video: string, collection: string) =>
  `Video "${video}" is ready in collection "${collection}"`;
const errorSubject = (video: string) => `Error posting your video "${video}"`;

describe(
  "crashes leave nothing stuck: the local profile killed and restarted",
  { timeout: 20 * 60_000 },
  () => {
    const folders: Array<string> = [];
    const instances: Array<Instance> = [];
    let mediaDir = "";
    let longVideo = "";
    let shortVideo = "";
    let sourceServer: Server | undefined;
    /** Bytes the slow source has written so far. */
    let sourceBytesSent = 0;

    const newInstance = (name: string, env: Record<string, string> = {}) => {
      const dataDir = mkdtempSync(join(tmpdir(), `ovs-crash-${name}-`));
      folders.push(dataDir);
      const instance = new Instance(dataDir, env);
      instances.push(instance);
      return instance;
    };

    beforeAll(async () => {
      mediaDir = mkdtempSync(join(tmpdir(), "ovs-crash-media-"));
      folders.push(mediaDir);
      longVideo = join(mediaDir, "long.mp4");
      shortVideo = join(mediaDir, "short.mp4");
      // 60 s at 640x360: ffmpeg runs for a good while, so it is surely still running at the kill.
      await Promise.all([generateVideo(longVideo, 60), generateVideo(shortVideo, 10)]);

      // A source that trickles: 8 KiB every 250 ms, so an ingest is mid-stream for many seconds.
      sourceServer = createServer((request, response) => {
        if (request.url !== "/slow.mp4") {
          response.writeHead(404).end();
          return;
        }
        const bytes = readFileSync(shortVideo);
        response.writeHead(200, { "Content-Type": "video/mp4", "Content-Length": bytes.length });
        if (request.method === "HEAD") {
          response.end();
          return;
        }
        let offset = 0;
        const timer = setInterval(() => {
          if (response.destroyed) {
            clearInterval(timer);
            return;
          }
          const chunk = bytes.subarray(offset, offset + 8 * 1024);
          offset += chunk.length;
          sourceBytesSent += chunk.length;
          if (offset >= bytes.length) {
            clearInterval(timer);
            response.end(chunk);
          } else response.write(chunk);
        }, 250);
        response.on("close", () => clearInterval(timer));
      });
      await new Promise<void>((resolve) => sourceServer?.listen(0, "127.0.0.1", resolve));
    }, 120_000);

    afterAll(async () => {
      await Promise.all(instances.map((instance) => instance.dispose()));
      await new Promise((resolve) =>
        sourceServer === undefined ? resolve(undefined) : sourceServer.close(resolve),
      );
      for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    }, 60_000);

    /** Waits until the video is `Transcoding` and an ffmpeg encode (not the probe) runs under the folder. */
    const waitForTranscoding = (instance: Instance, key: string) =>
      waitFor(
        `video ${key} to be transcoding with ffmpeg running`,
        async () => {
          const { status } = await instance.status(key);
          if (FAILED_STATUSES.has(status) || status === "Complete") {
            throw new Error(`video ${key} ended (${status}) before it could be interrupted`);
          }
          if (status !== "Transcoding") return undefined;
          const encoding = (await ffmpegUnder(instance.dataDir)).filter(({ args }) => args.includes("/out/"));
          return encoding.length > 0 ? encoding : undefined;
        },
        5 * 60_000,
        500,
      );

    /**
     * A scenario whose failure is logged at once and whose server is stopped at once: the
     * scenarios run side by side, and the longest would otherwise hold the others' reports back.
     */
    const scenario = (
      name: string,
      body: (context: {
        readonly expect: ExpectStatic;
        readonly newInstance: typeof newInstance;
      }) => Promise<void>,
    ) =>
      it.concurrent(name, { timeout: 20 * 60_000 }, async ({ expect }) => {
        const mine: Array<Instance> = [];
        try {
          await body({
            expect,
            newInstance: (label, env) => {
              const instance = newInstance(label, env);
              mine.push(instance);
              return instance;
            },
          });
        } catch (error) {
          console.log(`${LOG} FAILED: ${name}: ${String(error)}`);
          for (const instance of mine) {
            if (instance.served !== undefined)
              console.log(`${LOG} its stderr: ${instance.served.output().stderr.slice(-3000)}`);
          }
          throw error;
        } finally {
          await Promise.all(mine.map((instance) => instance.dispose()));
        }
      });

    scenario(
      "SIGKILL mid-transcode, restart: the reconciler resubmits the lost job and the video completes",
      async ({ expect, newInstance }) => {
        const instance = newInstance("transcode");
        const collection = "Crash during transcode";
        await instance.start();
        const collectionKey = await instance.createCollection(collection);
        const key = await instance.uploadFile(collectionKey, longVideo, "long.mp4");
        const encoding = await waitForTranscoding(instance, key);
        expect(encoding.length).toBeGreaterThan(0);
        const before = await instance.status(key);
        expect(before.status).toBe("Transcoding");
        const lostJob = before.encode_jobs[0] ?? expect.unreachable("no encode job while transcoding");

        await instance.kill();
        const killedAt = Date.now();
        const orphans = await killOrphans(instance.dataDir);
        expect(await ffmpegUnder(instance.dataDir)).toEqual([]);

        await instance.start();
        const restartedAt = Date.now();
        const end = await instance.waitForEnd(key, 5 * 60_000);
        const completedAt = Date.now();
        expect(end.status).toBe("Complete");
        // The job the video completed with was submitted by the restarted process: a resubmission.
        const job = end.encode_jobs[0] ?? expect.unreachable("no encode job");
        expect(job.state).toBe("Complete");
        expect(job.created_at).not.toBe(lostJob.created_at);
        expect(Date.parse(job.created_at)).toBeGreaterThan(Date.parse(lostJob.created_at));

        const successes = await instance.mailsWithSubject(successSubject("long.mp4", collection));
        expect(successes).toHaveLength(1);
        expect(
          (await instance.mailbox()).filter((mail) => mail.subject === errorSubject("long.mp4")),
        ).toEqual([]);

        console.log(
          `${LOG} SIGKILL mid-transcode: ${orphans} orphaned ffmpeg killed; Complete ${seconds(killedAt, completedAt)} s after the kill ` +
            `(${seconds(restartedAt, completedAt)} s after the restart was ready)`,
        );
        instance.running().child.kill("SIGTERM");
        expect((await exitWithin(instance.running(), 45_000)).code).toBe(0);
      },
    );

    /**
     * Runs only with `OVS_SLOW_TESTS=1`: a crashed ingest's job stays active in pg-boss until its
     * expiry (4 h), so what recovers it is the stuck-upload janitor, whose threshold cannot go
     * below 600 s plus the lease TTL — about 11 minutes, too long for every CI run.
     */
    const slowScenario: typeof scenario =
      process.env["OVS_SLOW_TESTS"] === "1" ? scenario : (name) => it.skip(name, () => undefined);

    slowScenario(
      "SIGKILL mid-ingest, restart: the upload ends Complete or Upload failed, never stuck",
      async ({ expect, newInstance }) => {
        const ingestEnv = {
          // The smallest valid lease and heartbeat (the TTL must exceed the heartbeat).
          OVS_INGEST_LEASE_TTL_SECONDS: "2",
          OVS_INGEST_HEARTBEAT_SECONDS: "1",
          // The smallest threshold the config accepts: > 600 s (the longest retry delay) + the lease TTL.
          OVS_STUCK_UPLOAD_THRESHOLD_SECONDS: "603",
          OVS_SCHEDULE_UPLOADS_FAIL_STUCK_CRON: "* * * * *",
        };
        const instance = newInstance("ingest", ingestEnv);
        const collection = "Crash during ingest";
        await instance.start();
        const collectionKey = await instance.createCollection(collection);
        const { port } = sourceServer?.address() as AddressInfo;
        const key = await instance.uploadUrl(
          collectionKey,
          `http://127.0.0.1:${String(port)}/slow.mp4`,
          "slow.mp4",
        );

        // Mid-stream: Uploading, and bytes flowing from the slow source.
        await waitFor(
          `video ${key} to be uploading mid-stream`,
          async () => {
            const { status } = await instance.status(key);
            if (status !== "Uploading" && status !== "Created") {
              throw new Error(`video ${key} is ${status} before it could be interrupted`);
            }
            return status === "Uploading" && sourceBytesSent >= 24 * 1024 ? true : undefined;
          },
          60_000,
        );
        const sentAtKill = sourceBytesSent;
        await instance.kill();
        const killedAt = Date.now();
        expect(sentAtKill).toBeLessThan(statSync(shortVideo).size);

        await instance.start();
        const end = await instance.waitForEnd(key, 15 * 60_000);
        const endedAt = Date.now();
        expect(["Complete", "Upload failed"]).toContain(end.status);
        const subject =
          end.status === "Complete" ? successSubject("slow.mp4", collection) : errorSubject("slow.mp4");
        expect(await instance.mailsWithSubject(subject)).toHaveLength(1);

        // The upload bucket holds the final object when there is one, and nothing partial.
        const bucket = join(instance.dataDir, "storage", "ovs-uploads");
        const visible = filesBelow(bucket).filter((file) => !file.startsWith(".ovs-object-store"));
        if (end.status === "Complete") {
          expect(visible).toHaveLength(1);
          expect(statSync(join(bucket, visible[0] ?? "")).size).toBe(statSync(shortVideo).size);
        } else {
          expect(visible).toEqual([]);
        }
        // The store's hidden temp area: the killed put's temp file may remain (the store sweeps
        // temp files older than an hour, at the first write of a process); none from after the crash.
        const tempArea = join(bucket, ".ovs-object-store", "tmp");
        const temps = filesBelow(tempArea).map((file) => ({ file, stats: statSync(join(tempArea, file)) }));
        for (const { stats } of temps) expect(stats.mtimeMs).toBeLessThanOrEqual(killedAt);

        console.log(
          `${LOG} SIGKILL mid-ingest (${sentAtKill} bytes streamed): ${end.status} ${seconds(killedAt, endedAt)} s after the kill; ` +
            `left in the upload bucket's temp area: ${temps.length === 0 ? "nothing" : temps.map(({ file, stats }) => `${file} (${stats.size} bytes)`).join(", ")}`,
        );
        instance.running().child.kill("SIGTERM");
        expect((await exitWithin(instance.running(), 45_000)).code).toBe(0);
      },
    );

    scenario(
      "SIGTERM during a transcode: exits 0 within the stop bound, and after a restart the video completes",
      async ({ expect, newInstance }) => {
        const instance = newInstance("sigterm");
        const collection = "Stopped during transcode";
        await instance.start();
        const collectionKey = await instance.createCollection(collection);
        const key = await instance.uploadFile(collectionKey, longVideo, "long.mp4");
        await waitForTranscoding(instance, key);

        const running = instance.running();
        running.child.kill("SIGTERM");
        const stoppingAt = Date.now();
        // The process gives itself 30 s and exits 1 past them: 0 means it stopped within the bound.
        const exit = await exitWithin(running, 45_000);
        const stoppedAt = Date.now();
        expect(exit, running.output().stderr).toEqual({ code: 0, signal: null });
        // Its ffmpeg children went with it.
        expect(await ffmpegUnder(instance.dataDir)).toEqual([]);

        await instance.start();
        const end = await instance.waitForEnd(key, 5 * 60_000);
        const completedAt = Date.now();
        expect(end.status).toBe("Complete");
        expect(await instance.mailsWithSubject(successSubject("long.mp4", collection))).toHaveLength(1);
        expect(
          (await instance.mailbox()).filter((mail) => mail.subject === errorSubject("long.mp4")),
        ).toEqual([]);

        console.log(
          `${LOG} SIGTERM mid-transcode: exited 0 in ${seconds(stoppingAt, stoppedAt)} s; Complete ${seconds(stoppedAt, completedAt)} s after the stop`,
        );
        instance.running().child.kill("SIGTERM");
        expect((await exitWithin(instance.running(), 45_000)).code).toBe(0);
      },
    );
  },
);
