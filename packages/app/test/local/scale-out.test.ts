import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveFfmpegPath } from "@ovs/adapters-local";
import { openPostgresDatabase } from "@ovs/adapters-postgres";
import type { Database } from "@ovs/adapters-postgres";
import { ENCODE_JOB_STATES, FAILED_STATUSES } from "@ovs/domain";
import type { VideoStatus } from "@ovs/domain";
import { createServerDatabase, serverUrl } from "../../../adapters-postgres/test/support/test-backends.js";
import {
  freePorts,
  seconds,
  sleep,
  spawnOvs,
  stopChild,
  waitFor,
  waitUntilReady,
} from "./support/ovs-child.js";
import type { Spawned } from "./support/ovs-child.js";

/**
 * Scale-out on the real Postgres server: two `--role web` and two `--role worker` processes of
 * the real `ovs serve` (local profile) on one database and one data folder (storage, dev users,
 * CDN key, mailbox and operator token shared, as S3, Keycloak and Mailgun would be). Twenty
 * videos uploaded by URL through both web processes: each is downloaded once, transcoded once and
 * mailed about once, and the schedules queue one job per tick whichever worker's turn it is.
 */

const VIDEO_COUNT = 20;
const COLLECTION_TITLE = "Scale-out lectures";
const OPERATOR_EMAIL = "ovs-operator@localhost";
const SECRET_KEY = "scale-out-test-secret-key-0123456789abcdef";
/** The schedules made to tick every minute, for the once-per-tick check (each is cheap when idle). */
const EVERY_MINUTE = {
  "mail.sweep": "OVS_SCHEDULE_MAIL_SWEEP_CRON",
  "transcode.reconcile": "OVS_SCHEDULE_TRANSCODE_RECONCILE_CRON",
  "watch-bucket.poll": "OVS_SCHEDULE_WATCH_BUCKET_POLL_CRON",
} as const;
const COMPLETE_STATE = ENCODE_JOB_STATES.indexOf("Complete");

interface DevMail {
  readonly to: string;
  readonly subject: string;
}

const subjectOf = (title: string) => `Video "${title}" is ready in collection "${COLLECTION_TITLE}"`;

const titleOf = (index: number) => `scale-${String(index + 1).padStart(2, "0")}.mp4`;

describe.skipIf(serverUrl() === undefined)(
  "scale-out: two web and two worker processes on one Postgres server, nothing done twice",
  { timeout: 600_000 },
  () => {
    const folders: Array<string> = [];
    const processes: Array<Spawned> = [];
    let dropDatabase: (() => Promise<void>) | undefined;
    let database: Database | undefined;
    let sourceServer: Server | undefined;
    const webBases: Array<string> = [];
    const workerBases: Array<string> = [];
    let token = "";
    let videoPath = "";
    let workersReadyAt = 0;
    /** GETs and HEADs per path the source server saw. */
    const gets = new Map<string, number>();
    const heads = new Map<string, number>();
    const videoKeys = new Map<string, string>(); // title → key
    const figures: Array<string> = [];
    let duplicates = 0;
    const db = () => database ?? expect.unreachable("no database");

    beforeAll(async () => {
      const created = await createServerDatabase(serverUrl() ?? "");
      dropDatabase = created.drop;
      const dataDir = mkdtempSync(join(tmpdir(), "ovs-scale-out-"));
      const mediaDir = mkdtempSync(join(tmpdir(), "ovs-scale-out-media-"));
      folders.push(dataDir, mediaDir);
      videoPath = join(mediaDir, "source.mp4");

      const [web1, cdn1, web2, cdn2, worker1, worker2] = (await freePorts(6)) as [
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      const common: Record<string, string> = {
        OVS_PROFILE: "local",
        OVS_DATA_DIR: dataDir,
        DATABASE_URL: created.url,
        OVS_SECRET_KEY: SECRET_KEY,
        OVS_URL_SOURCE_ALLOW_HTTP: "true",
        OVS_URL_SOURCE_ALLOWED_RANGES: "127.0.0.1/32",
        OVS_TRANSCODE_CONCURRENCY: "1",
        OVS_LOG_LEVEL: "warn",
        ...Object.fromEntries(Object.values(EVERY_MINUTE).map((name) => [name, "* * * * *"])),
      };
      const webEnv = (port: number, cdnPort: number) => ({
        ...common,
        PORT: String(port),
        OVS_CDN_PORT: String(cdnPort),
        ODL_VIDEO_BASE_URL: `http://127.0.0.1:${String(port)}`,
      });
      // Workers link to (and sign URLs for) the first web process and its CDN.
      const workerEnv = (port: number) => ({
        ...common,
        PORT: String(port),
        OVS_CDN_PORT: String(cdn1),
        ODL_VIDEO_BASE_URL: `http://127.0.0.1:${String(web1)}`,
        OVS_WORKERS_VIDEO_INGEST: "2",
        OVS_WORKERS_VIDEO_TRANSCODE: "2",
      });
      webBases.push(`http://127.0.0.1:${String(web1)}`, `http://127.0.0.1:${String(web2)}`);
      workerBases.push(`http://127.0.0.1:${String(worker1)}`, `http://127.0.0.1:${String(worker2)}`);

      const spawnedAt = Date.now();
      // The first process alone: it migrates and writes the shared files (users, key, token).
      const first = spawnOvs("web-1", ["serve", "--role", "web"], webEnv(web1, cdn1));
      processes.push(first);
      const generate = promisify(execFile)(resolveFfmpegPath(), [
        ...["-hide_banner", "-loglevel", "error", "-y"],
        ...["-f", "lavfi", "-i", "testsrc=size=160x90:rate=25"],
        ...["-f", "lavfi", "-i", "sine=frequency=440"],
        ...["-t", "1", "-pix_fmt", "yuv420p", "-shortest", videoPath],
      ]);
      await Promise.all([generate, waitUntilReady(webBases[0] ?? "", first, 120_000)]);
      figures.push(`first ready ${seconds(spawnedAt, Date.now())} s`);
      token = readFileSync(join(dataDir, "cli-token"), "utf8").trim();
      expect(token.length).toBeGreaterThan(20);

      const others = [
        spawnOvs("web-2", ["serve", "--role", "web"], webEnv(web2, cdn2)),
        spawnOvs("worker-1", ["serve", "--role", "worker"], workerEnv(worker1)),
        spawnOvs("worker-2", ["serve", "--role", "worker"], workerEnv(worker2)),
      ];
      processes.push(...others);
      const othersAt = Date.now();
      await Promise.all(
        others.map((spawned, index) =>
          waitUntilReady(`http://127.0.0.1:${String([web2, worker1, worker2][index])}`, spawned, 120_000),
        ),
      );
      workersReadyAt = Date.now();
      figures.push(`others ready ${seconds(othersAt, workersReadyAt)} s`);

      database = await openPostgresDatabase(created.url, { poolSize: 2 });

      // The upload source: one file under twenty names, every request counted by method and path.
      const size = statSync(videoPath).size;
      const media = readFileSync(videoPath);
      sourceServer = createServer((request, response) => {
        const path = request.url ?? "";
        const counts = request.method === "HEAD" ? heads : gets;
        counts.set(path, (counts.get(path) ?? 0) + 1);
        if (!/^\/scale-\d\d\.mp4$/.test(path)) {
          response.writeHead(404).end();
          return;
        }
        response.writeHead(200, { "Content-Type": "video/mp4", "Content-Length": size });
        response.end(request.method === "HEAD" ? undefined : media);
      });
      await new Promise<void>((resolve) => sourceServer?.listen(0, "127.0.0.1", resolve));
    }, 300_000);

    afterAll(async () => {
      await Promise.all(processes.map((spawned) => stopChild(spawned, 35_000)));
      await new Promise((resolve) =>
        sourceServer === undefined ? resolve(undefined) : sourceServer.close(resolve),
      );
      await database?.close();
      await dropDatabase?.();
      for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    }, 120_000);

    const api = async (base: string, path: string, init: { method?: string; body?: unknown } = {}) => {
      const answer = await fetch(`${base}${path}`, {
        method: init.method ?? "GET",
        headers: {
          Authorization: `Bearer ${token}`,
          ...(init.body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      return { status: answer.status, body: (await answer.json()) as unknown };
    };

    const mailbox = async (base: string): Promise<ReadonlyArray<DevMail>> => {
      const answer = await fetch(`${base}/dev/mail`, { headers: { Accept: "application/json" } });
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as { count: number; results: ReadonlyArray<DevMail> };
      expect(body.results).toHaveLength(body.count);
      return body.results;
    };

    it(`takes ${String(VIDEO_COUNT)} videos by URL through both web processes and brings each to Complete`, async () => {
      const [base1 = "", base2 = ""] = webBases;
      const collection = await api(base1, "/api/v0/collections/", {
        method: "POST",
        body: { title: COLLECTION_TITLE, view_lists: [], admin_lists: [] },
      });
      expect(collection.status, JSON.stringify(collection.body)).toBe(201);
      const collectionKey = String((collection.body as { key?: unknown }).key);

      const { port } = sourceServer?.address() as AddressInfo;
      const sentAt = Date.now();
      for (let index = 0; index < VIDEO_COUNT; index += 1) {
        const title = titleOf(index);
        const uploaded = await api(index % 2 === 0 ? base1 : base2, "/api/v0/upload_videos/", {
          method: "POST",
          body: {
            collection: collectionKey,
            files: [{ name: title, link: `http://127.0.0.1:${String(port)}/${title}` }],
          },
        });
        expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(202);
        const keys = Object.keys(uploaded.body as Record<string, unknown>);
        expect(keys).toHaveLength(1);
        videoKeys.set(title, keys[0] ?? "");
      }
      figures.push(`uploads sent ${seconds(sentAt, Date.now())} s`);

      // Polled through both web processes in turn: either answers for every video.
      let poll = 0;
      const statuses = await waitFor(
        "every video to reach Complete or a failure",
        async () => {
          poll += 1;
          const base = poll % 2 === 0 ? base1 : base2;
          const seen = new Map<string, VideoStatus>();
          for (const [title, key] of videoKeys) {
            const answer = await api(base, `/api/v0/videos/${key}/`);
            expect(answer.status).toBe(200);
            seen.set(title, (answer.body as { status: VideoStatus }).status);
          }
          const ended = [...seen.values()].every(
            (status) => status === "Complete" || FAILED_STATUSES.has(status),
          );
          return ended ? seen : undefined;
        },
        300_000,
        2_000,
      );
      const allCompleteS = seconds(sentAt, Date.now());
      figures.push(`all Complete ${allCompleteS} s after the first upload`);
      expect(Object.fromEntries(statuses)).toEqual(
        Object.fromEntries([...videoKeys.keys()].map((title) => [title, "Complete"])),
      );
    });

    it("downloaded each source once", () => {
      const expected = Object.fromEntries([...videoKeys.keys()].map((title) => [`/${title}`, 1]));
      duplicates += [...gets.values()].filter((count) => count > 1).length;
      figures.push(`source GETs ${String([...gets.values()].reduce((sum, count) => sum + count, 0))}`);
      figures.push(`HEADs ${String([...heads.values()].reduce((sum, count) => sum + count, 0))}`);
      expect(Object.fromEntries(gets)).toEqual(expected);
    });

    it("transcoded each video once: one encode job per video, Complete", async () => {
      const rows: ReadonlyArray<{ video_key: string; jobs: number; complete: number }> = await db()
        .knex("encode_jobs")
        .select(db().knex.raw("replace(video_key::text, '-', '') as video_key"))
        .count<ReadonlyArray<{ video_key: string; jobs: number; complete: number }>>({ jobs: "*" })
        .select(db().knex.raw("count(*) filter (where state = ?)::int as complete", [COMPLETE_STATE]))
        .groupBy(db().knex.raw("video_key"));
      const byVideo = new Map(
        rows.map((row) => [row.video_key, { jobs: Number(row.jobs), complete: row.complete }]),
      );
      duplicates += [...byVideo.values()].filter((row) => row.jobs > 1).length;
      figures.push(`encode jobs ${String([...byVideo.values()].reduce((sum, row) => sum + row.jobs, 0))}`);
      expect(Object.fromEntries(byVideo)).toEqual(
        Object.fromEntries([...videoKeys.values()].map((key) => [key, { jobs: 1, complete: 1 }])),
      );
    });

    it("mailed one success email per video, seen alike through both web processes", async () => {
      const [base1 = "", base2 = ""] = webBases;
      const subjects = [...videoKeys.keys()].map(subjectOf);
      const mails = await waitFor(
        `${String(VIDEO_COUNT)} success emails`,
        async () => {
          const seen = await mailbox(base1);
          return subjects.every((subject) => seen.some((mail) => mail.subject === subject))
            ? seen
            : undefined;
        },
        60_000,
        1_000,
      );
      // A moment for a late duplicate to land, then the whole mailbox, from the other process too.
      await sleep(3_000);
      const all = await mailbox(base2);
      expect(all.length).toBeGreaterThanOrEqual(mails.length);
      const perSubject = new Map<string, number>();
      for (const mail of all) perSubject.set(mail.subject, (perSubject.get(mail.subject) ?? 0) + 1);
      duplicates += [...perSubject.values()].filter((count) => count > 1).length;
      figures.push(`emails ${String(all.length)}`);
      expect(Object.fromEntries(perSubject)).toEqual(
        Object.fromEntries(subjects.map((subject) => [subject, 1])),
      );
      expect(new Set(all.map((mail) => mail.to))).toEqual(new Set([OPERATOR_EMAIL]));
    });

    /** Jobs of the every-minute schedules, per queue and minute, in the queue and its archive. */
    const ticks = async (): Promise<ReadonlyArray<{ name: string; tick: string; jobs: number }>> => {
      const knex = db().knex;
      const hasArchive = await knex.raw<{ rows: ReadonlyArray<{ present: boolean }> }>(
        "select to_regclass('pgboss.archive') is not null as present",
      );
      const archived =
        hasArchive.rows[0]?.present === true ? " union all select name, created_on from pgboss.archive" : "";
      const result = await knex.raw<{ rows: ReadonlyArray<{ name: string; tick: string; jobs: number }> }>(
        `select name, to_char(date_trunc('minute', created_on), 'HH24:MI') as tick, count(*)::int as jobs
           from (select name, created_on from pgboss.job${archived}) as jobs
          where name = any(?) group by 1, 2 order by 2, 1`,
        [Object.keys(EVERY_MINUTE)],
      );
      return result.rows;
    };

    it("queued each schedule once per tick across both workers", async () => {
      // At least two ticks of mail.sweep since the workers started (cron's granularity is a minute).
      const rows = await waitFor(
        "two mail.sweep ticks",
        async () => {
          const seen = await ticks();
          return seen.filter((row) => row.name === "mail.sweep").length >= 2 ? seen : undefined;
        },
        Math.max(0, workersReadyAt + 180_000 - Date.now()),
        5_000,
      );
      const sweepTicks = rows.filter((row) => row.name === "mail.sweep").length;
      duplicates += rows.filter((row) => row.jobs > 1).length;
      figures.push(
        `schedule ticks ${Object.keys(EVERY_MINUTE)
          .map((name) => `${name}=${String(rows.filter((row) => row.name === name).length)}`)
          .join(",")}`,
      );
      expect(sweepTicks).toBeGreaterThanOrEqual(2);
      expect(rows.filter((row) => row.jobs !== 1)).toEqual([]);
    });

    it("ended no job failed", async () => {
      const knex = db().knex;
      const result = await knex.raw<{
        rows: ReadonlyArray<{ name: string; state: string; jobs: number; retried: number }>;
      }>(
        `select name, state, count(*)::int as jobs, count(*) filter (where retry_count > 0)::int as retried
           from pgboss.job group by 1, 2 order by 1, 2`,
      );
      const failed = result.rows.filter((row) => row.state === "failed");
      const retried = result.rows.reduce((sum, row) => sum + row.retried, 0);
      figures.push(
        `jobs ${String(result.rows.reduce((sum, row) => sum + row.jobs, 0))} (retried ${String(retried)})`,
      );
      expect(failed).toEqual([]);
    });

    /** Jobs of `queue` a worker process finished, from its `/metrics` (`ovs_jobs_total`). */
    const jobsDone = async (base: string, queue: string): Promise<number> => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return text
        .split("\n")
        .filter((line) => line.startsWith("ovs_jobs_total{") && line.includes(`queue="${queue}"`))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
    };

    it("shared the work between the two worker processes", async () => {
      const split: Record<string, ReadonlyArray<number>> = {};
      for (const queue of ["video.ingest", "video.transcode", "mail.send"]) {
        split[queue] = await Promise.all(workerBases.map((base) => jobsDone(base, queue)));
      }
      figures.push(
        `per worker ${Object.entries(split)
          .map(([queue, counts]) => `${queue}=${counts.join("/")}`)
          .join(",")}`,
      );
      expect((split["video.transcode"] ?? []).reduce((sum, count) => sum + count, 0)).toBe(VIDEO_COUNT);
    });

    it("stops all four processes on SIGTERM with exit code 0", async () => {
      const codes = await Promise.all(
        processes.map(async (spawned) => [spawned.name, await stopChild(spawned, 35_000)] as const),
      );
      const failures = processes
        .filter((spawned) => spawned.child.exitCode !== 0)
        .map((spawned) => spawned.output().stderr);
      expect(Object.fromEntries(codes), failures.join("\n---\n")).toEqual({
        "web-1": 0,
        "web-2": 0,
        "worker-1": 0,
        "worker-2": 0,
      });
      console.log(
        `[scale-out] videos=${String(videoKeys.size)} processes=${String(processes.length)} duplicates=${String(duplicates)} ${figures.join("; ")}`,
      );
    });
  },
);
