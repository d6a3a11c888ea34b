import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingHttpHeaders } from "node:http";
import { createServer as createNetServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The data commands as an operator runs them: child processes of `ovs`, against a served app. */
const entry = fileURLToPath(new URL("../../src/cli/ovs.ts", import.meta.url));

const spawnOvs = (args: ReadonlyArray<string>, env: Record<string, string>) => {
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", "--no-warnings", entry, ...args],
    { env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", ...env } },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
};

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const run = async (args: ReadonlyArray<string>, env: Record<string, string>): Promise<Ran> => {
  const started = spawnOvs(args, env);
  const code = await started.exited;
  return { code, ...started.output() };
};

/** A port nothing listens on now: the OS hands out a free one, which is closed again at once. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createNetServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

const json = (ran: Ran): unknown => {
  expect(ran.stderr).toBe("");
  expect(ran.code).toBe(0);
  return JSON.parse(ran.stdout) as unknown;
};

const record = (value: unknown): Record<string, unknown> => {
  expect(value).toBeTypeOf("object");
  expect(value).not.toBeNull();
  return value as Record<string, unknown>;
};

describe("ovs data commands against a served app", () => {
  let served: ChildProcess | undefined;
  let servedExit: Promise<number | null> | undefined;
  let env: Record<string, string> = {};
  let dataDir: string | undefined;

  beforeAll(async () => {
    const port = String(await freePort());
    dataDir = mkdtempSync(join(tmpdir(), "ovs-data-cli-"));
    const started = spawnOvs(["serve"], { OVS_PROFILE: "test", PORT: port, OVS_DATA_DIR: dataDir });
    served = started.child;
    servedExit = started.exited;
    let answer: Response | undefined;
    for (let attempt = 0; attempt < 150 && answer === undefined; attempt += 1) {
      answer = await fetch(`http://127.0.0.1:${port}/api/v0/public/videos/`).catch(() => undefined);
      if (answer === undefined) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(answer?.status, started.output().stderr).toBe(200);
    // The commands find the service by PORT and the token in the file `ovs serve` wrote.
    env = { PORT: port, OVS_DATA_DIR: dataDir };
  }, 60_000);

  afterAll(async () => {
    served?.kill("SIGTERM");
    expect(await servedExit).toBe(0);
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  }, 40_000);

  it("creates, lists and updates collections, uploads from a URL, and reads the video back", async () => {
    const created = record(json(await run(["collection", "create", "--title", "Lectures", "--json"], env)));
    expect(created["key"]).toMatch(/^[0-9a-f]{32}$/);
    expect(created["title"]).toBe("Lectures");
    const key = String(created["key"]);

    const [listed, updated, uploaded, human] = await Promise.all([
      run(["collection", "list", "--json"], env),
      run(["collection", "update", key, "--title", "New", "--json"], env),
      run(["upload", "https://example.org/lecture.mp4", "--collection", key, "--json"], env),
      run(["collection", "create", "--title", "Seminars"], env),
    ]);
    const all = json(listed);
    expect(Array.isArray(all)).toBe(true);
    expect((all as Array<unknown>).map((item) => record(item)["key"])).toContain(key);
    expect(record(json(updated))).toMatchObject({ key, title: "New" });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^created collection [0-9a-f]{32} "Seminars"\n$/);

    const videos = Object.entries(record(json(uploaded)));
    expect(videos).toHaveLength(1);
    const [videoKey, video] = videos[0] ?? [];
    expect(record(video)).toMatchObject({ title: "lecture.mp4" });

    const got = record(json(await run(["video", "get", String(videoKey), "--json"], env)));
    expect(got).toMatchObject({ key: videoKey, collection_key: key });
    expect(got["status"]).toBeTypeOf("string");
  }, 60_000);

  it("streams a local file to the service and reads the video back", async () => {
    const created = record(json(await run(["collection", "create", "--title", "Files", "--json"], env)));
    const key = String(created["key"]);
    const dir = mkdtempSync(join(tmpdir(), "ovs-upload-file-"));
    try {
      const path = join(dir, "lecture 2.mp4");
      const bytes = Buffer.alloc(3 * 1024 * 1024 + 12_345);
      for (let index = 0; index < bytes.length; index += 1) bytes[index] = (index * 31 + 7) % 251;
      writeFileSync(path, bytes);

      const uploaded = Object.entries(
        record(json(await run(["upload", path, "--collection", key, "--json"], env))),
      );
      expect(uploaded).toHaveLength(1);
      const [videoKey, video] = uploaded[0] ?? [];
      expect(videoKey).toMatch(/^[0-9a-f]{32}$/);
      expect(record(video)).toMatchObject({ title: "lecture 2.mp4" });
      expect(record(video)["s3key"]).toBeTypeOf("string");

      const got = record(json(await run(["video", "get", String(videoKey), "--json"], env)));
      expect(got).toMatchObject({ key: videoKey, collection_key: key });
      expect(got["status"]).toBeTypeOf("string");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("lists the failed jobs for the operator, as JSON and as a table", async () => {
    const listed = record(json(await run(["jobs", "failed", "--limit", "5", "--json"], env)));
    expect(listed).toEqual({ count: 0, results: [] });
    const table = await run(["jobs", "failed"], env);
    expect(table).toMatchObject({ code: 0, stdout: "no failed jobs\n" });
    const badLimit = await run(["jobs", "failed", "--limit", "0"], env);
    expect(badLimit.code).toBe(1);
    expect(badLimit.stderr).toContain('{"limit":["Expected a whole number from 1 to 500."]}');
  }, 60_000);

  it("lists the status emails given up on for the operator, and reports a bad limit as the API names it", async () => {
    const listed = record(json(await run(["mail", "failed", "--limit", "5", "--json"], env)));
    expect(listed["count"]).toBeTypeOf("number");
    expect(Array.isArray(listed["results"])).toBe(true);
    expect((listed["results"] as Array<unknown>).length).toBe(listed["count"]);
    expect(listed["count"]).toBeLessThanOrEqual(5);
    const badLimit = await run(["mail", "failed", "--limit", "0"], env);
    expect(badLimit).toMatchObject({ code: 1, stdout: "" });
    expect(badLimit.stderr).toContain(
      'ovs: GET /api/v0/mail/failed/ answered 400 Bad Request: {"limit":["Expected a whole number from 1 to 500."]}',
    );
  }, 60_000);

  it("creates, lists and revokes API tokens", async () => {
    const created = record(json(await run(["token", "create", "--name", "x", "--json"], env)));
    expect(created["token"]).toBeTypeOf("string");
    expect(created["name"]).toBe("x");
    const id = String(created["id"]);

    const listed = json(await run(["token", "list", "--json"], env)) as Array<Record<string, unknown>>;
    expect(listed.find((token) => token["id"] === id)).toMatchObject({ name: "x", state: "active" });

    const revoked = await run(["token", "revoke", id], env);
    expect(revoked).toMatchObject({ code: 0, stdout: `revoked token ${id}\n` });

    // The revoked secret no longer opens the API.
    const refused = await run(["token", "list"], { ...env, OVS_TOKEN: String(created["token"]) });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^ovs: GET \/api\/v0\/tokens\/ answered 401 .*"detail"/);
  }, 60_000);

  it("reports the API's error and exits 1", async () => {
    const [badUpdate, badUpload, badGroup] = await Promise.all([
      run(["collection", "update", "not-a-key", "--title", "x", "--json"], env),
      run(["upload", "https://example.org/a.mp4", "--collection", "not-a-key"], env),
      run(["collection", "create", "--title", "x", "--view-group", "no-such-group", "--json"], env),
    ]);
    expect(badUpdate).toMatchObject({ code: 1, stdout: "" });
    expect(badUpdate.stderr).toBe(
      'ovs: PATCH /api/v0/collections/not-a-key/ answered 404 Not Found: {"detail":"Not found."}\n',
    );
    expect(badUpload.code).toBe(1);
    expect(badUpload.stderr).toMatch(/answered 400 Bad Request: \{"collection":\[/);
    expect(badGroup.code).toBe(1);
    expect(badGroup.stderr).toContain('{"view_lists":["Group does not exist: no-such-group"]}');
  }, 60_000);

  it("sets the operator flags of a collection as staff, and refuses a bad stream source before sending anything", async () => {
    const created = record(
      json(
        await run(
          [
            "collection",
            "create",
            "--title",
            "Shorts",
            "--public",
            "--for-shorts",
            "--stream-source",
            "YouTube",
            "--json",
          ],
          env,
        ),
      ),
    );
    expect(created).toMatchObject({ is_public: true, stream_source: "Youtube" });

    const updated = record(
      json(
        await run(
          [
            "collection",
            "update",
            String(created["key"]),
            "--no-public",
            "--include-in-learn",
            "--stream-source",
            "none",
            "--json",
          ],
          env,
        ),
      ),
    );
    expect(updated).toMatchObject({
      is_public: false,
      include_in_learn: true,
      for_shorts: true,
      stream_source: null,
    });

    const [badSource, localFile] = await Promise.all([
      run(["collection", "create", "--title", "Never", "--stream-source", "vimeo"], env),
      run(["upload", "./lecture.mp4", "--collection", "0".repeat(32)], env),
    ]);
    expect(badSource).toMatchObject({ code: 1, stdout: "" });
    expect(badSource.stderr).toContain(
      "--stream-source <source>' argument 'vimeo' is invalid. expected youtube, cloudfront or none",
    );
    expect(localFile.code).toBe(1);
    expect(localFile.stderr).toBe(
      'ovs: upload: "./lecture.mp4" is not an http(s) URL and no such file exists\n',
    );
    expect(localFile.stdout).toBe("");
    const after = json(await run(["collection", "list", "--json"], env)) as Array<Record<string, unknown>>;
    expect(after.map((collection) => collection["title"])).not.toContain("Never");
  }, 60_000);
});

describe("ovs data commands without a service", () => {
  it("says where it looked for a token when there is none", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "ovs-no-token-"));
    const ran = await run(["collection", "list"], { OVS_DATA_DIR: dataDir, PORT: String(await freePort()) });
    rmSync(dataDir, { recursive: true, force: true });
    expect(ran).toMatchObject({ code: 1, stdout: "" });
    const lines = ran.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("OVS_TOKEN is not set");
    expect(lines[0]).toContain(join(dataDir, "cli-token"));
  });

  it("names the URL in one line when nothing answers there", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const ran = await run(["video", "get", "0".repeat(32), "--json"], { OVS_URL: url, OVS_TOKEN: "t" });
    expect(ran).toMatchObject({ code: 1, stdout: "" });
    const lines = ran.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`cannot reach the ovs service at ${url}/`);
  });

  it("prints the status emails given up on as a table, or says there are none", async () => {
    const answers: Array<unknown> = [
      {
        count: 1,
        results: [
          {
            id: "entry-1",
            video_key: "0123456789abcdef0123456789abcdef",
            template: "other_error",
            from_status: "Uploading",
            to_status: "Upload failed",
            attempts: 10,
            reason: "sending mail failed: Mailgun answered 502",
            created_at: "2026-03-02T09:15:30.250Z",
            abandoned_at: "2026-03-02T12:00:00.000Z",
          },
        ],
      },
      { count: 0, results: [] },
    ];
    const seen: Array<string> = [];
    const server = createServer((request, response) => {
      seen.push(request.url ?? "");
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(JSON.stringify(answers.shift() ?? { count: 0, results: [] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const env = { OVS_URL: `http://127.0.0.1:${port}`, OVS_TOKEN: "secret" };
      const listed = await run(["mail", "failed", "--limit", "20"], env);
      const none = await run(["mail", "failed"], env);

      expect(listed).toMatchObject({ code: 0, stderr: "" });
      expect(listed.stdout).toBe(
        [
          "ABANDONED                 VIDEO                             TEMPLATE     STATUS                      ATTEMPTS  REASON",
          "2026-03-02T12:00:00.000Z  0123456789abcdef0123456789abcdef  other_error  Uploading -> Upload failed  10        sending mail failed: Mailgun answered 502",
          "",
        ].join("\n"),
      );
      expect(none).toMatchObject({ code: 0, stdout: "no abandoned status emails\n" });
      expect(seen).toEqual(["/api/v0/mail/failed/?limit=20", "/api/v0/mail/failed/"]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("lists every page, following next by its query whatever host the service names", async () => {
    const seen: Array<{ readonly url: string; readonly headers: IncomingHttpHeaders }> = [];
    const pages: Record<string, unknown> = {
      "/prefix/api/v0/collections/": {
        count: 2,
        next: "https://public.example/api/v0/collections/?page=2",
        previous: null,
        results: [{ key: "a", title: "A", video_count: 0 }],
      },
      "/prefix/api/v0/collections/?page=2": {
        count: 2,
        next: null,
        previous: "https://public.example/api/v0/collections/",
        results: [{ key: "b", title: "B", video_count: 3 }],
      },
    };
    const server = createServer((request, response) => {
      seen.push({ url: request.url ?? "", headers: request.headers });
      const page = pages[request.url ?? ""];
      response.writeHead(page === undefined ? 404 : 200, { "Content-Type": "application/json" });
      response.end(JSON.stringify(page ?? { detail: "Not found." }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const env = { OVS_URL: `http://127.0.0.1:${port}/prefix`, OVS_TOKEN: "secret" };
      const [asJson, asTable] = await Promise.all([
        run(["collection", "list", "--json"], env),
        run(["collection", "list"], env),
      ]);
      expect(json(asJson)).toEqual([
        { key: "a", title: "A", video_count: 0 },
        { key: "b", title: "B", video_count: 3 },
      ]);
      expect(asTable.stdout).toBe("KEY  VIDEOS  TITLE\na    0       A\nb    3       B\n");
      expect(seen.map((request) => request.headers.authorization)).toEqual(Array(4).fill("Bearer secret"));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
