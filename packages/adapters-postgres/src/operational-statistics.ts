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
  /** Outbox entries not sent yet, given up ones included. */
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
    knex("mail_outbox").whereNull("sent_at").count({ count: "*" }).first() as Promise<
      { readonly count: string | number } | undefined
    >,
  ]);
  return {
    videosByStatus: Object.fromEntries(videos.map((row) => [row.status, Number(row.count)])),
    jobsByQueueAndState: jobs.map((row) => ({ queue: row.queue, state: row.state, count: Number(row.count) })),
    unsentMail: Number(mail?.count ?? 0),
  };
};

/** Resolves when the database answers a query now; rejects with the driver's error otherwise. */
export const checkDatabase = async (database: Database): Promise<void> => {
  await database.knex.raw("select 1");
};
