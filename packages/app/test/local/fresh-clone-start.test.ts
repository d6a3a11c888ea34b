import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { freePorts, waitUntilReady } from "./support/ovs-child.js";
import type { Spawned } from "./support/ovs-child.js";

/**
 * The README's start command on a fresh clone of this repository: `pnpm install
 * --frozen-lockfile && pnpm start` (pnpm itself is already installed here) reaches readiness.
 * Only what is committed is cloned, so a file the start needs but git does not have fails here.
 */
const repository = fileURLToPath(new URL("../../../../", import.meta.url));
const isCheckout = existsSync(join(repository, ".git"));

describe.skipIf(!isCheckout)("the README's start command on a fresh clone", () => {
  const workDir = mkdtempSync(join(tmpdir(), "ovs-fresh-clone-"));
  let started: Spawned | undefined;

  afterAll(async () => {
    // `sh` runs pnpm, which runs node: the whole group gets the signal, as a terminal's Ctrl-C would.
    if (started?.child.pid !== undefined && started.child.exitCode === null) {
      process.kill(-started.child.pid, "SIGTERM");
      const killer = setTimeout(() => {
        if (started?.child.pid !== undefined) process.kill(-started.child.pid, "SIGKILL");
      }, 35_000);
      await started.exited;
      clearTimeout(killer);
    }
    rmSync(workDir, { recursive: true, force: true });
  });

  it("sets up and reaches readiness", async () => {
    const clone = join(workDir, "ovs");
    execFileSync("git", ["clone", "--quiet", repository, clone], { stdio: "pipe" });
    const [port, cdnPort] = (await freePorts(2)) as [number, number];
    const env = {
      PATH: process.env["PATH"] ?? "",
      HOME: process.env["HOME"] ?? "",
      PORT: String(port),
      OVS_CDN_PORT: String(cdnPort),
    };
    const child = spawn("sh", ["-c", "pnpm install --frozen-lockfile && pnpm start"], {
      cwd: clone,
      env,
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    started = { name: "fresh clone", child, exited, output: () => ({ stdout, stderr }) };

    await waitUntilReady(`http://127.0.0.1:${port}`, started, 600_000);

    expect(stdout).toContain("OVS is running (local profile)");
    expect(stdout).toContain(join(clone, ".ovs"));
  }, 700_000);
});
