import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The packages as an outside project gets them: packed (`pnpm pack` builds `dist/` first),
 * installed with npm into a fresh project outside the workspace, and run with plain `node` — no
 * tsx, no `source` condition, no workspace links. The program is the README's embedding example.
 */
const exec = promisify(execFile);
const repository = resolve(import.meta.dirname, "../..");
const packagesDir = join(repository, "packages");
const example = join(repository, "examples/embedding/upload-to-complete.mjs");

const workDir = mkdtempSync(join(tmpdir(), "ovs-packed-"));
const tarballs = join(workDir, "tarballs");
const project = join(workDir, "project");
const dataDir = join(workDir, "data");

/**
 * The environment of a shell outside the workspace: pnpm and vitest set NODE_PATH, NODE_OPTIONS and
 * npm_config_* for their children, which would let the program find the workspace's packages.
 */
const outsideEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) =>
      !name.startsWith("npm_") && !name.startsWith("VITEST") && !["NODE_PATH", "NODE_OPTIONS"].includes(name),
  ),
);

/** Runs a command; a failure carries what the command printed, so the test report shows why. */
const runIn = async (cwd: string, command: string, args: ReadonlyArray<string>) => {
  try {
    return await exec(command, args, { cwd, maxBuffer: 16 * 1024 * 1024, env: outsideEnv });
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${stdout}\n${stderr}`, { cause: error });
  }
};

beforeAll(async () => {
  for (const name of readdirSync(packagesDir)) {
    await runIn(join(packagesDir, name), "pnpm", ["pack", "--pack-destination", tarballs]);
  }
  mkdirSync(project, { recursive: true });
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "embeds-ovs", private: true, type: "module" }),
    { flag: "w" },
  );
  const packed = readdirSync(tarballs).map((file) => join(tarballs, file));
  await runIn(project, "npm", [
    "install",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    ...packed,
    "effect@^3",
  ]);
  cpSync(example, join(project, "upload-to-complete.mjs"));
}, 900_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe("the packed packages, installed with npm and run with plain node", () => {
  it("ship built JavaScript and declarations, and no tests or sources", () => {
    const installed = join(project, "node_modules/@ovs/domain");
    const files = readdirSync(installed, { recursive: true }).map(String);
    expect(files).toContain(join("dist", "index.js"));
    expect(files).toContain(join("dist", "index.d.ts"));
    expect(files).toContain(join("dist", "testing", "index.js"));
    expect(files).toContain(join("dist", "contracts", "index.js"));
    expect(files.filter((file) => file.includes(".test."))).toEqual([]);
    expect(files.filter((file) => file.startsWith("src"))).toEqual([]);
  });

  it("load the harness without vitest installed", async () => {
    const { stdout } = await runIn(project, "node", [
      "--input-type=module",
      "-e",
      'const t = await import("@ovs/domain/testing"); console.log(typeof t.makeInMemoryHarness);',
    ]);
    expect(stdout.trim()).toBe("function");
    await expect(runIn(project, "node", ["-e", 'require.resolve("vitest")'])).rejects.toThrow();
  });

  it("drive a video to Complete in memory and on PGlite with the worker runner, twice on one data folder", async () => {
    const first = await runIn(project, "node", ["upload-to-complete.mjs", dataDir]);
    expect(first.stdout).toMatch(
      /^in-memory: video [0-9a-f]{32} Complete; files: HLS, desktop_mp4, original; emails sent: 1$/m,
    );
    expect(first.stdout).toMatch(
      /^pglite: video [0-9a-f]{32} Complete; files: HLS, desktop_mp4, original; videos in .*: 1, Complete: 1$/m,
    );

    // The workers log every failed job to stderr: a clean run fails none, the second one included.
    expect(first.stderr).toBe("");
    const second = await runIn(project, "node", ["upload-to-complete.mjs", dataDir]);
    expect(second.stderr).toBe("");
    expect(second.stdout).toMatch(/^pglite: video [0-9a-f]{32} Complete; .*videos in .*: 2, Complete: 2$/m);
  });

  it("refuse another major of effect at install, naming the peer range it needs", async () => {
    const other = join(workDir, "effect-2");
    mkdirSync(other, { recursive: true });
    writeFileSync(
      join(other, "package.json"),
      JSON.stringify({ name: "old-effect", private: true, type: "module" }),
    );
    const domain = readdirSync(tarballs).find((file) => file.startsWith("ovs-domain-"));
    const installing = runIn(other, "npm", [
      "install",
      "--no-audit",
      "--no-fund",
      join(tarballs, String(domain)),
      "effect@^2",
    ]);
    await expect(installing).rejects.toThrow(/peer effect@"\^3" from @ovs\/domain@/);
  });
});
