import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePorts, spawnOvs, stopChild, waitUntilReady } from "./support/ovs-child.js";
import type { Spawned } from "./support/ovs-child.js";

/** Two `pnpm start`s on one machine: different `PORT` and `OVS_DATA_DIR`, nothing shared. */
describe("two local instances side by side", () => {
  const dataDirs: Array<string> = [];
  const instances: Array<Spawned> = [];

  afterAll(async () => {
    for (const instance of instances) await stopChild(instance, 35_000);
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it("both come up, each with its own data, and both stop cleanly", async () => {
    const ports = await freePorts(4);
    const started = [0, 1].map((index) => {
      const dataDir = mkdtempSync(join(tmpdir(), `ovs-side-${index}-`));
      dataDirs.push(dataDir);
      const port = ports[index * 2] as number;
      const instance = spawnOvs(`local-${index}`, ["serve"], {
        OVS_PROFILE: "local",
        OVS_DATA_DIR: dataDir,
        PORT: String(port),
        OVS_CDN_PORT: String(ports[index * 2 + 1]),
      });
      instances.push(instance);
      return { base: `http://127.0.0.1:${port}`, dataDir, instance };
    });
    await Promise.all(started.map(({ base, instance }) => waitUntilReady(base, instance, 180_000)));

    const [first, second] = started as [(typeof started)[0], (typeof started)[0]];
    const tokenOf = (dataDir: string) => readFileSync(join(dataDir, "cli-token"), "utf8").trim();
    const created = await fetch(`${first.base}/api/v0/collections/`, {
      method: "POST",
      headers: { Authorization: `Bearer ${tokenOf(first.dataDir)}`, "Content-Type": "application/json" },
      body: JSON.stringify({ title: "Only on the first" }),
    });
    expect(created.status).toBe(201);
    const listed = async (instance: (typeof started)[0]) =>
      (
        (await (
          await fetch(`${instance.base}/api/v0/collections/`, {
            headers: { Authorization: `Bearer ${tokenOf(instance.dataDir)}` },
          })
        ).json()) as { results: Array<{ title: string }> }
      ).results.map((collection) => collection.title);

    expect(await listed(first)).toEqual(["Only on the first"]);
    expect(await listed(second)).toEqual([]);
    // Each banner names its own data folder and CDN.
    for (const { dataDir, instance } of started) expect(instance.output().stdout).toContain(dataDir);

    const codes = await Promise.all(started.map(({ instance }) => stopChild(instance, 35_000)));
    expect(codes).toEqual([0, 0]);
  }, 300_000);
});
