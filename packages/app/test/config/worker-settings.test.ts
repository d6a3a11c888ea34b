import { Either } from "effect";
import { QUEUE_NAMES } from "@ovs/domain";
import { QUEUE_POLICIES, SCHEDULED_QUEUES } from "@ovs/adapters-postgres";
import { describe, expect, it } from "vitest";
import type { AppConfig, Env } from "../../src/config/index.js";
import {
  DEFAULT_SCHEDULES,
  DEFAULT_WORKERS,
  SCHEDULE_VARIABLES,
  describeConfig,
  readConfig,
  workersVariable,
} from "../../src/config/index.js";

const configOf = (env: Env): AppConfig => {
  const read = readConfig(env);
  if (Either.isLeft(read)) throw new Error(`unexpected configuration problems:\n${read.left.message}`);
  return read.right;
};

const problemsOf = (env: Env): ReadonlyArray<string> => {
  const read = readConfig(env);
  if (Either.isRight(read)) throw new Error("the configuration was accepted");
  return read.left.problems;
};

const reportOf = (env: Env): ReadonlyArray<string> => describeConfig(configOf(env)).split("\n");

describe("OVS_WORKERS_<QUEUE>", () => {
  it("names one variable per queue after the queue, upper-cased with . and - as _", () => {
    expect(workersVariable("video.ingest")).toBe("OVS_WORKERS_VIDEO_INGEST");
    expect(workersVariable("watch-bucket.poll")).toBe("OVS_WORKERS_WATCH_BUCKET_POLL");
    expect(workersVariable("edx.post-video")).toBe("OVS_WORKERS_EDX_POST_VIDEO");
    expect(new Set(QUEUE_NAMES.map(workersVariable)).size).toBe(QUEUE_NAMES.length);
  });

  it("defaults every queue: few ingests, a few outcomes and mails, one of each sweep", () => {
    const { concurrency } = configOf({}).workers;
    expect(concurrency).toEqual(DEFAULT_WORKERS);
    expect(Object.keys(concurrency).sort()).toEqual([...QUEUE_NAMES].sort());
    expect(concurrency["video.ingest"]).toBe(2);
    expect(concurrency["transcode.outcome"]).toBe(4);
    expect(concurrency["mail.send"]).toBe(4);
    for (const queue of SCHEDULED_QUEUES) expect(concurrency[queue], queue).toBe(1);
  });

  it("takes 0 to 64, 0 leaving the queue to other processes", () => {
    const { concurrency } = configOf({
      OVS_WORKERS_VIDEO_INGEST: "0",
      OVS_WORKERS_MAIL_SEND: "64",
      OVS_WORKERS_WATCH_BUCKET_POLL: " 3 ",
    }).workers;
    expect(concurrency["video.ingest"]).toBe(0);
    expect(concurrency["mail.send"]).toBe(64);
    expect(concurrency["watch-bucket.poll"]).toBe(3);
  });

  it("refuses anything else with one line naming the variable", () => {
    for (const value of ["65", "-1", "two", "1.5", "1e1"]) {
      expect(problemsOf({ OVS_WORKERS_VIDEO_INGEST: value }), value).toEqual([
        `OVS_WORKERS_VIDEO_INGEST: expected an integer between 0 and 64, got ${JSON.stringify(value)}`,
      ]);
    }
  });

  it("is in the configuration report, every queue", () => {
    const lines = reportOf({ OVS_WORKERS_VIDEO_INGEST: "1" });
    expect(lines).toContain("OVS_WORKERS_VIDEO_INGEST=1");
    expect(lines).toContain("OVS_WORKERS_MAIL_SEND=4 (default)");
    for (const queue of QUEUE_NAMES) {
      expect(lines.some((line) => line.startsWith(`${workersVariable(queue)}=`))).toBe(true);
    }
  });
});

describe("OVS_SCHEDULE_<NAME>_CRON", () => {
  it("defaults to upstream's rhythm; retranscodes only when FEATURE_RETRANSCODE_ENABLED", () => {
    expect(configOf({}).workers.schedules).toEqual({
      "transcode.reconcile": "*/5 * * * *",
      "watch-bucket.poll": "*/15 * * * *",
      "uploads.fail-stuck": "0 * * * *",
      "retranscode.schedule": null,
      "mail.sweep": "*/30 * * * *",
    });
    expect(configOf({ FEATURE_RETRANSCODE_ENABLED: "true" }).workers.schedules).toEqual(DEFAULT_SCHEDULES);
  });

  it("names the variables after the schedules", () => {
    expect(SCHEDULE_VARIABLES).toEqual({
      "transcode.reconcile": "OVS_SCHEDULE_TRANSCODE_RECONCILE_CRON",
      "watch-bucket.poll": "OVS_SCHEDULE_WATCH_BUCKET_POLL_CRON",
      "uploads.fail-stuck": "OVS_SCHEDULE_UPLOADS_FAIL_STUCK_CRON",
      "retranscode.schedule": "OVS_SCHEDULE_RETRANSCODE_CRON",
      "mail.sweep": "OVS_SCHEDULE_MAIL_SWEEP_CRON",
    });
  });

  it("takes a five-field cron, blanks between fields made single", () => {
    const { schedules } = configOf({
      OVS_SCHEDULE_WATCH_BUCKET_POLL_CRON: "  */5   8-18 * * MON-FRI ",
      OVS_SCHEDULE_RETRANSCODE_CRON: "0 3 * * *",
      FEATURE_RETRANSCODE_ENABLED: "true",
    }).workers;
    expect(schedules["watch-bucket.poll"]).toBe("*/5 8-18 * * MON-FRI");
    expect(schedules["retranscode.schedule"]).toBe("0 3 * * *");
    expect(reportOf({ OVS_SCHEDULE_WATCH_BUCKET_POLL_CRON: "  */5   8-18 * * MON-FRI " })).toContain(
      "OVS_SCHEDULE_WATCH_BUCKET_POLL_CRON=*/5 8-18 * * MON-FRI",
    );
  });

  it("turns a schedule off when set empty (unset keeps the default)", () => {
    const env = { OVS_SCHEDULE_WATCH_BUCKET_POLL_CRON: "", OVS_SCHEDULE_MAIL_SWEEP_CRON: "  " };
    const { schedules } = configOf(env).workers;
    expect(schedules["watch-bucket.poll"]).toBeNull();
    expect(schedules["mail.sweep"]).toBeNull();
    expect(schedules["transcode.reconcile"]).toBe("*/5 * * * *");
    const lines = reportOf(env);
    expect(lines).toContain("OVS_SCHEDULE_WATCH_BUCKET_POLL_CRON= (off)");
    expect(lines).toContain("OVS_SCHEDULE_MAIL_SWEEP_CRON= (off)");
    expect(lines).toContain("OVS_SCHEDULE_UPLOADS_FAIL_STUCK_CRON=0 * * * * (default)");
  });

  it("refuses what pg-boss would not schedule, with one line naming the variable and why", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["61 * * * *", "61"],
      ["0 24 * * *", "24"],
      ["*/0 * * * *", "*/0"],
      ["every hour", "this one has 2"],
      ["* * * *", "this one has 4"],
      ["0 */5 * * * *", "this one has 6"],
      ["@hourly", "this one has 1"],
    ];
    for (const [cron, reason] of cases) {
      const problems = problemsOf({ OVS_SCHEDULE_TRANSCODE_RECONCILE_CRON: cron });
      expect(problems, cron).toHaveLength(1);
      expect(problems[0], cron).toMatch(
        /^OVS_SCHEDULE_TRANSCODE_RECONCILE_CRON: expected a 5-field cron expression/,
      );
      expect(problems[0], cron).toContain(reason);
      expect(problems[0]?.includes("\n"), cron).toBe(false);
    }
  });

  it("checks the retranscode cron even while retranscodes are off", () => {
    expect(problemsOf({ OVS_SCHEDULE_RETRANSCODE_CRON: "soon" })).toEqual([
      expect.stringMatching(/^OVS_SCHEDULE_RETRANSCODE_CRON: /),
    ]);
  });
});

describe("the worker role's settings together", () => {
  it("reports every bad one at once, one line each", () => {
    const problems = problemsOf({
      OVS_WORKERS_VIDEO_INGEST: "100",
      OVS_WORKERS_CDN_INVALIDATE: "x",
      OVS_SCHEDULE_UPLOADS_FAIL_STUCK_CRON: "0 0 31 2 *",
    });
    expect(problems.map((line) => line.split(":")[0])).toEqual([
      "OVS_WORKERS_VIDEO_INGEST",
      "OVS_WORKERS_CDN_INVALIDATE",
      "OVS_SCHEDULE_UPLOADS_FAIL_STUCK_CRON",
    ]);
  });

  it("wants the ingest lease to lapse before pg-boss expires the ingest job", () => {
    const expiry = QUEUE_POLICIES["video.ingest"].expireInSeconds;
    const env = { OVS_STUCK_UPLOAD_THRESHOLD_SECONDS: String(10 * expiry) };
    expect(configOf({ ...env, OVS_INGEST_LEASE_TTL_SECONDS: String(expiry - 1) }).workers).toBeDefined();
    expect(problemsOf({ ...env, OVS_INGEST_LEASE_TTL_SECONDS: String(expiry) })).toEqual([
      `OVS_INGEST_LEASE_TTL_SECONDS: expected less than the video.ingest job's expiry (${expiry}), got ${expiry}: ` +
        "the retry of an ingest whose worker died would find its lease still held",
    ]);
  });
});
