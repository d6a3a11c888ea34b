import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createServer as createNetServer } from "node:net";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

/**
 * The real `ovs` program as the local-profile tests run it: a child process on loopback ports,
 * started from the sources as `pnpm start` does, with only the environment a test gives it.
 */
const entry = fileURLToPath(new URL("../../../src/cli/ovs.ts", import.meta.url));

export interface Spawned {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly output: () => { readonly stdout: string; readonly stderr: string };
}

export const spawnOvs = (name: string, args: ReadonlyArray<string>, env: Record<string, string>): Spawned => {
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", "--no-warnings", entry, ...args],
    { env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", ...env } },
  );
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { name, child, exited, output: () => ({ stdout, stderr }) };
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

/** `count` distinct free ports. */
export const freePorts = async (count: number): Promise<ReadonlyArray<number>> => {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const seconds = (fromMs: number, toMs: number) => ((toMs - fromMs) / 1000).toFixed(1);

/** Polls `probe` with short sleeps until it gives a value, or fails naming `what` after `timeoutMs`. */
export const waitFor = async <T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(intervalMs);
  }
};

export const running = (spawned: Spawned) =>
  spawned.child.exitCode === null && spawned.child.signalCode === null;

/** Waits until `/health/readiness` answers 200; fails at once, with its stderr, if the program exits first. */
export const waitUntilReady = async (base: string, served: Spawned, timeoutMs: number): Promise<void> => {
  await waitFor(
    `${served.name} at ${base}/health/readiness`,
    async () => {
      if (!running(served)) {
        throw new Error(`${served.name} exited before ready:\n${served.output().stderr}`);
      }
      const answer = await fetch(`${base}/health/readiness`).catch(() => undefined);
      return answer?.status === 200 ? true : undefined;
    },
    timeoutMs,
  );
};

/** Stops a child with SIGTERM (SIGKILL after `graceMs`); its exit code, or null when killed. */
export const stopChild = async (spawned: Spawned, graceMs: number): Promise<number | null> => {
  if (!running(spawned)) return spawned.child.exitCode;
  spawned.child.kill("SIGTERM");
  const timer = setTimeout(() => spawned.child.kill("SIGKILL"), graceMs);
  const code = await spawned.exited;
  clearTimeout(timer);
  return code;
};
