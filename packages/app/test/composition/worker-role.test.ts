import { Effect, Either } from "effect";
import { openPgliteDatabase } from "@ovs/adapters-postgres";
import type { QueueLogger } from "@ovs/adapters-postgres";
import { describe, expect, it } from "vitest";
import { createOvs } from "../../src/composition/create-ovs.js";
import type { AppConfig, Env } from "../../src/config/index.js";
import { readConfig } from "../../src/config/index.js";

const configOf = (env: Env): AppConfig => Either.getOrThrow(readConfig({ OVS_PROFILE: "test", ...env }));

const silent: QueueLogger = { error: () => undefined };

/** A bound on every wait, so work that never happens fails the test instead of hanging it. */
const eventually = async (what: string, check: () => boolean | Promise<boolean>): Promise<void> => {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe("the worker role of createOvs", () => {
  it("installs the configured schedules when the workers start, leaving out those turned off", async () => {
    const database = await openPgliteDatabase();
    const ovs = await createOvs({
      config: configOf({
        OVS_SCHEDULE_TRANSCODE_RECONCILE_CRON: "*/7 * * * *",
        OVS_SCHEDULE_WATCH_BUCKET_POLL_CRON: "",
      }),
      testDatabase: database,
      logger: silent,
    });
    try {
      const schedules = async () =>
        Object.fromEntries(
          (
            (await database.knex("pgboss.schedule").select("name", "cron")) as ReadonlyArray<{
              readonly name: string;
              readonly cron: string;
            }>
          ).map(({ name, cron }) => [name, cron]),
        );
      expect(await schedules()).toEqual({});

      await ovs.workers.start();

      // Retranscodes are off (FEATURE_RETRANSCODE_ENABLED), the watch bucket's schedule is empty.
      expect(await schedules()).toEqual({
        "transcode.reconcile": "*/7 * * * *",
        "uploads.fail-stuck": "0 * * * *",
        "mail.sweep": "*/30 * * * *",
      });
    } finally {
      await ovs.stop();
    }
  });

  it("leaves a queue set to 0 alone in memory too", async () => {
    const ovs = await createOvs({ config: configOf({ OVS_WORKERS_CDN_INVALIDATE: "0" }), logger: silent });
    const harness = ovs.harness;
    if (harness === null) throw new Error("the test profile has a harness");
    try {
      await Effect.runPromise(harness.jobs.enqueue("cdn.invalidate", { paths: ["a/*"] }));
      await Effect.runPromise(
        harness.jobs.enqueue("storage.delete", { bucket: "ovs-uploads", key: "a/", prefix: true }),
      );
      await ovs.workers.start();
      await eventually("the deletion ran", () => harness.jobs.pending("storage.delete").length === 0);
      expect(harness.jobs.pending().map((job) => job.queue)).toEqual(["cdn.invalidate"]);
      expect(harness.cdnInvalidator.invalidatedPaths).toEqual([]);
    } finally {
      await ovs.stop();
    }
  });
});
