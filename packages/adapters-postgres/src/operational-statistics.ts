import type { Database } from "./database.js";

/**
 * What an operator watches, read straight from the tables at scrape time: how many videos are in
 * each status, how many jobs wait, run or failed per queue, and how many status emails are not
 * sent yet. Counts only; nothing here is a business rule.
 */
export interface OperationalStatistics {
  readonly videosByStatus: Readonly<Record<string, number>>;
  /** pg-boss job states per queue (`created`, `retry`, `active`, `failed`, …); finished states are left out. */
  readonly jobsByQueueAndState: ReadonlyArray<{
    readonly queue: string;
    readonly state: string;
    readonly count: number;
  }>;
  /** Outbox entries still to be sent (not sent, not given up). */
  readonly unsentMail: number;
}

/** The job states worth a gauge: work waiting, running, or given up. Completed jobs are history. */
const OPEN_JOB_STATES = ["created", "retry", "active", "failed"] as const;

export const readOperationalStatistics = async (database: Database): Promise<OperationalStatistics> => {
  const knex = database.knex;
  const [videos, jobs, mail] = await Promise.all([
    knex("videos").select("status").count({ count: "*" }).groupBy("status") as Promise<
      ReadonlyArray<{ readonly status: string; readonly count: string | number }>
    >,
    knex("pgboss.job")
      .whereIn("state", [...OPEN_JOB_STATES])
      .select({ queue: "name", state: "state" })
      .count({ count: "*" })
      .groupBy("name", "state") as Promise<
      ReadonlyArray<{ readonly queue: string; readonly state: string; readonly count: string | number }>
    >,
    knex("mail_outbox")
      .whereNull("sent_at")
      .whereNull("abandoned_at")
      .count({ count: "*" })
      .first() as Promise<{ readonly count: string | number } | undefined>,
  ]);
  return {
    videosByStatus: Object.fromEntries(videos.map((row) => [row.status, Number(row.count)])),
    jobsByQueueAndState: jobs.map((row) => ({
      queue: row.queue,
      state: row.state,
      count: Number(row.count),
    })),
    unsentMail: Number(mail?.count ?? 0),
  };
};

/** Resolves when the database answers a query now; rejects with the driver's error otherwise. */
export const checkDatabase = async (database: Database): Promise<void> => {
  await database.knex.raw("select 1");
};

/**
 * A job that will not run again by itself: failed with no retries left, or completed with the
 * failure a retry would repeat (`notRetried`, see `startWorkers`).
 */
export interface FailedJob {
  readonly id: string;
  readonly queue: string;
  readonly payload: unknown;
  readonly end: "exhausted" | "not_retried";
  /** The failure's tag and message, as the worker recorded them. */
  readonly failure: { readonly tag: string; readonly message: string } | null;
  readonly attempts: number;
  readonly createdAt: Date;
  readonly endedAt: Date | null;
}

interface JobRow {
  readonly id: string;
  readonly name: string;
  readonly data: unknown;
  readonly state: string;
  readonly output: unknown;
  readonly retry_count: number;
  readonly created_on: Date;
  readonly completed_on: Date | null;
}

const failureIn = (output: unknown): FailedJob["failure"] => {
  if (typeof output !== "object" || output === null) return null;
  const record = (output as { notRetried?: unknown }).notRetried ?? output;
  const { tag, message } = record as { tag?: unknown; message?: unknown };
  return typeof message === "string" ? { tag: typeof tag === "string" ? tag : "Error", message } : null;
};

/** The newest failed jobs, at most `limit`, newest first. */
export const readFailedJobs = async (
  database: Database,
  limit: number,
): Promise<ReadonlyArray<FailedJob>> => {
  const rows: ReadonlyArray<JobRow> = await database
    .knex("pgboss.job")
    .where("state", "failed")
    .orWhere((query) => query.where("state", "completed").whereRaw("output \\? 'notRetried'"))
    .orderBy([
      { column: "completed_on", order: "desc", nulls: "first" },
      { column: "created_on", order: "desc" },
    ])
    .limit(limit)
    .select("id", "name", "data", "state", "output", "retry_count", "created_on", "completed_on");
  return rows.map((row) => ({
    id: row.id,
    queue: row.name,
    payload: row.data,
    end: row.state === "failed" ? "exhausted" : "not_retried",
    failure: failureIn(row.output),
    attempts: row.retry_count + 1,
    createdAt: new Date(row.created_on),
    endedAt: row.completed_on === null ? null : new Date(row.completed_on),
  }));
};
