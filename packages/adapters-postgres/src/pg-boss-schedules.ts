import { createRequire } from "node:module";
import type PgBoss from "pg-boss";
import type { QueueName } from "@ovs/domain";

/**
 * The queues that run on a clock (docs/architecture.md §7): sweeps that look for work rather than
 * being handed it. Their jobs carry no payload, and their queues are `stately`
 * (`QUEUE_POLICIES`), so one runs at a time however many workers poll.
 */
export const SCHEDULED_QUEUES = [
  "transcode.reconcile",
  "watch-bucket.poll",
  "uploads.fail-stuck",
  "retranscode.schedule",
  "mail.sweep",
] as const satisfies ReadonlyArray<QueueName>;

export type ScheduledQueue = (typeof SCHEDULED_QUEUES)[number];

/** Each scheduled queue's cron expression (5 fields, UTC), or null for no schedule. */
export type QueueSchedules = Readonly<Record<ScheduledQueue, string | null>>;

/** The time zone the cron expressions are read in. */
export const SCHEDULE_TIME_ZONE = "UTC";

/**
 * Makes pg-boss's schedules what `schedules` says: a queue with a cron gets (or keeps, with that
 * cron) its schedule, a queue with null loses it. pg-boss keeps one schedule per queue name in
 * the database, so every worker process installing the same schedules leaves exactly one of
 * each; the processes whose pg-boss supervises (`startPgBoss`'s default) take turns reading them
 * and queue each tick once. Schedules belong to the database, not to a process: give every
 * worker process the same settings, or the last one started wins.
 */
export const installSchedules = async (boss: PgBoss, schedules: QueueSchedules): Promise<void> => {
  for (const queue of SCHEDULED_QUEUES) {
    const cron = schedules[queue];
    if (cron === null) await boss.unschedule(queue);
    else await boss.schedule(queue, cron, {}, { tz: SCHEDULE_TIME_ZONE });
  }
};

interface CronParser {
  parseExpression(expression: string, options: { readonly tz: string }): unknown;
}

/**
 * pg-boss's own cron parser (its `cron-parser` dependency, resolved from pg-boss as pg-boss
 * resolves it), so an expression accepted here is one pg-boss accepts.
 */
const pgBossCronParser = (): CronParser => {
  const fromHere = createRequire(import.meta.url);
  const fromPgBoss = createRequire(fromHere.resolve("pg-boss"));
  return fromPgBoss("cron-parser") as CronParser;
};

let cronParser: CronParser | undefined;

/**
 * Why pg-boss would not take `expression` as a schedule, or null when it would. Only the
 * five-field form (minute, hour, day of month, month, day of week) is accepted: pg-boss checks
 * its schedules once a minute, so a seconds field would mislead, and its parser's aliases
 * (`@hourly`) and shortened forms are left out so every schedule reads the same way.
 */
export const cronProblem = (expression: string): string | null => {
  const fields = expression
    .trim()
    .split(/\s+/)
    .filter((field) => field !== "");
  if (fields.length !== 5) {
    return `a cron expression has 5 fields (minute hour day-of-month month day-of-week), this one has ${fields.length}`;
  }
  try {
    cronParser ??= pgBossCronParser();
    cronParser.parseExpression(fields.join(" "), { tz: SCHEDULE_TIME_ZONE });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
};
