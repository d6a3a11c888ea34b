import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** The `ovs` program as an operator runs it: a child process, its output and its exit code. */
const entry = fileURLToPath(new URL("../../src/cli/ovs.ts", import.meta.url));

const ovs = (args: ReadonlyArray<string>, env: Record<string, string>) => {
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", "--no-warnings", entry, ...args],
    {
      env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", ...env },
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
};

const SECRET = "a-secret-of-more-than-thirty-two-characters";

describe("ovs config check", () => {
  it("prints the effective configuration with secrets masked", async () => {
    const run = ovs(["config", "check"], { OVS_PROFILE: "test", OVS_SECRET_KEY: SECRET, PORT: "4100" });
    expect(await run.exited).toBe(0);
    const { stdout } = run.output();
    expect(stdout).toContain("OVS_PROFILE=test");
    expect(stdout).toContain("PORT=4100\n");
    expect(stdout).toContain("OVS_SECRET_KEY=****");
    expect(stdout).not.toContain(SECRET);
  });

  it("stops with one line per wrong setting, naming the variable, and a non-zero exit", async () => {
    const run = ovs(["config", "check"], { OVS_PROFILE: "test", PORT: "eighty", OVS_MAX_UPLOAD_BYTES: "-1" });
    expect(await run.exited).toBe(2);
    const lines = run.output().stderr.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^ovs: PORT: expected an integer between 1 and 65535, got "eighty"$/);
    expect(lines[1]).toMatch(/^ovs: OVS_MAX_UPLOAD_BYTES: /);
  });
});

describe("ovs serve", () => {
  it("serves the API with an operator token written for the CLI, until SIGTERM, then stops cleanly", async () => {
    const port = String(41_000 + Math.floor(Math.random() * 1000));
    const dataDir = mkdtempSync(join(tmpdir(), "ovs-cli-"));
    const run = ovs(["serve"], { OVS_PROFILE: "test", PORT: port, OVS_DATA_DIR: dataDir });
    let answer: Response | undefined;
    for (let attempt = 0; attempt < 300 && answer === undefined; attempt += 1) {
      answer = await fetch(`http://127.0.0.1:${port}/api/v0/public/videos/`).catch(() => undefined);
      if (answer === undefined) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(answer?.status).toBe(200);
    const tokenFile = join(dataDir, "cli-token");
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenFile, "utf8").trim();
    const tokens = await fetch(`http://127.0.0.1:${port}/api/v0/tokens/`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(tokens.status).toBe(200);
    const readiness = await fetch(`http://127.0.0.1:${port}/health/readiness`);
    expect(readiness.status).toBe(200);
    expect(await readiness.json()).toEqual({ status: "ready", checks: { database: "ok", queue: "ok" } });
    expect((await fetch(`http://127.0.0.1:${port}/health/liveness`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(
      /^ovs_http_request_duration_seconds_count\{method="GET",route="\/api\/v0\/tokens\/",status="200"\} 1$/m,
    );
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);

    // One JSON object per line: the request lines carry their id and route, and no line a token.
    const lines = run
      .output()
      .stdout.split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const tokenRequest = lines.find(
      (line) => line["msg"] === "request" && line["route"] === "/api/v0/tokens/",
    );
    expect(tokenRequest).toMatchObject({ method: "GET", status: 200, path: "/api/v0/tokens/" });
    expect(tokenRequest?.["requestId"]).toEqual(expect.any(String));
    expect(lines.map((line) => line["msg"])).toContain("stopped");
    expect(run.output().stdout).not.toContain(token);
  }, 120_000);
});
