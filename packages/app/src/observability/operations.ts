import { checkDatabase, readFailedJobs, readOperationalStatistics } from "@ovs/adapters-postgres";
import type { Database, FailedJob, OperationalStatistics, startPgBoss } from "@ovs/adapters-postgres";
import type { InMemoryHarness } from "@ovs/domain/testing";

type PgBoss = Awaited<ReturnType<typeof startPgBoss>>;

/** One dependency's answer: "ok", or why not. */
export type CheckResult = "ok" | { readonly problem: string };

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, CheckResult>>;
}

/** What the operations endpoints ask the composed service: can it take work, and how is it doing. */
export interface Operations {
  /** Whether the database and the job queue answer now, each within a bound. */
  readiness(): Promise<ReadinessReport>;
  statistics(): Promise<OperationalStatistics>;
  /** Jobs that will not run again by themselves, newest first, at most `limit`. */
  failedJobs(limit: number): Promise<ReadonlyArray<FailedJob>>;
}

/** A check that does not answer within this is a failed check: readiness must answer fast. */
const CHECK_TIMEOUT_MS = 2_000;

const problemOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const bounded = async (check: () => Promise<unknown>): Promise<CheckResult> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return "ok";
  } catch (error) {
    return { problem: problemOf(error) };
  } finally {
    clearTimeout(timer);
  }
};

const report = (checks: Record<string, CheckResult>): ReadinessReport => ({
  ready: Object.values(checks).every((check) => check === "ok"),
  checks,
});

/** On a database with pg-boss: both must answer (pg-boss has its own connections on Postgres). */
export const databaseOperations = (database: Database, boss: PgBoss): Operations => ({
  readiness: async () => {
    const [databaseCheck, queueCheck] = await Promise.all([
      bounded(() => checkDatabase(database)),
      bounded(async () => {
        if ((await boss.getQueue("video.ingest")) === null) throw new Error("the job queues are not created");
      }),
    ]);
    return report({ database: databaseCheck, queue: queueCheck });
  },
  statistics: () => readOperationalStatistics(database),
  failedJobs: (limit) => readFailedJobs(database, limit),
});

/**
 * The in-memory harness is always there; its statistics come from its tables, and its failed
 * jobs are the ones its drain reported (it does not retry them).
 */
export const harnessOperations = (
  harness: InMemoryHarness,
  failedJobs: () => ReadonlyArray<FailedJob>,
): Operations => ({
  failedJobs: (limit) => Promise.resolve(failedJobs().slice(0, limit)),
  readiness: () => Promise.resolve(report({ database: "ok", queue: "ok" })),
  statistics: () => {
    const tables = harness.database.tables;
    const videosByStatus: Record<string, number> = {};
    for (const video of tables.videos.values())
      videosByStatus[video.status] = (videosByStatus[video.status] ?? 0) + 1;
    const waiting = new Map<string, number>();
    for (const job of harness.jobs.pending()) waiting.set(job.queue, (waiting.get(job.queue) ?? 0) + 1);
    return Promise.resolve({
      videosByStatus,
      jobsByQueueAndState: [...waiting].map(([queue, count]) => ({ queue, state: "created", count })),
      unsentMail: [...tables.mailOutbox.values()].filter(
        (entry) => entry.sentAt === null && entry.abandonedAt === null,
      ).length,
    });
  },
});
