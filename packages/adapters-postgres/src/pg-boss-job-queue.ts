import { Effect, FiberRef } from "effect";
import PgBoss from "pg-boss";
import type { EnqueueOptions, EnqueueResult, JobPayloads, JobQueue, QueueName } from "@ovs/domain";
import { QUEUE_NAMES, QueueFailure } from "@ovs/domain";
import type { Database, SqlExecutor } from "./database.js";
import { transactionExecutor } from "./database.js";
import type { QueueLogger } from "./queue-logger.js";
import { stderrQueueLogger } from "./queue-logger.js";
import { currentTransaction } from "./sql-context.js";

/** Retry, expiry and retention of one queue (docs/architecture.md §7). */
export interface QueuePolicy {
  /**
   * pg-boss's queue policy. `stately` (the scheduled sweeps) allows at most one job per state
   * (`created`, `retry`, `active`) in the queue, across every process on the database: one run
   * at a time, and at most one more waiting, however many workers poll and however many cron
   * ticks pass while a run is slow or the workers are down. `singleton` would allow one active
   * job but let every tick queue another. `standard` is every other queue's.
   */
  readonly policy: "standard" | "stately";
  readonly retryLimit: number;
  readonly retryDelaySeconds: number;
  readonly retryBackoff: boolean;
  readonly expireInSeconds: number;
  /** How long a job may wait in the queue before pg-boss drops it. */
  readonly retentionMinutes: number;
  /** How long finished jobs are kept for operators. */
  readonly deleteAfterSeconds: number;
}

const DAY_MINUTES = 24 * 60;
const WEEK_SECONDS = 7 * 24 * 3600;

const quick: QueuePolicy = {
  policy: "standard",
  retryLimit: 5,
  retryDelaySeconds: 30,
  retryBackoff: true,
  expireInSeconds: 5 * 60,
  retentionMinutes: 14 * DAY_MINUTES,
  deleteAfterSeconds: WEEK_SECONDS,
};

/** A scheduled sweep: one run at a time, retried little (the next tick runs it anyway). */
const sweep: QueuePolicy = { ...quick, policy: "stately", retryLimit: 1, retentionMinutes: 60 };

/**
 * Per-queue policies. Media jobs stream or transcode large files, so they get long expiries
 * (ingest heartbeats its lease; the janitor catches the rest); scheduled sweeps are cheap and
 * rerun on their own, so they retry little, and run one at a time (`stately`: the expiry of a
 * sweep must exceed its longest run, or a second could start beside it; a crashed worker's
 * sweep holds the next ones back until it expires); mail and edX posts retry with backoff. CDN
 * invalidations retry long with backoff: CloudFront refuses new ones while too many are in
 * progress, and those take minutes to finish; a lost one leaves stale or moved media cached.
 */
export const QUEUE_POLICIES: Readonly<Record<QueueName, QueuePolicy>> = {
  // Expiry vs the ingest lease (docs/architecture.md §6.4). pg-boss 10 has no job heartbeat: a
  // job still active after `expireInSeconds` is failed and retried, whatever its handler is
  // doing. The ingest's own heartbeat renews the video's lease (OVS_INGEST_LEASE_TTL_SECONDS,
  // 120 s, renewed every OVS_INGEST_HEARTBEAT_SECONDS, 30 s) while bytes flow, so:
  // - the expiry must exceed the longest legitimate stream: 4 h moves the largest source
  //   (OVS_MAX_UPLOAD_BYTES, 20 GiB) at 1.5 MB/s. A stream that outlives it is not cut off: its
  //   retry meets the lease still held and completes as `LeaseHeld`, doing nothing;
  // - the expiry must exceed the lease TTL (the app refuses a TTL that does not), so the retry
  //   of an ingest whose worker died finds the dead worker's lease lapsed and streams again;
  // - the stuck-upload janitor (OVS_STUCK_UPLOAD_THRESHOLD_SECONDS, 2 h without a heartbeat)
  //   catches uploads whose worker died before pg-boss expires their job.
  "video.ingest": { ...quick, retryLimit: 3, retryDelaySeconds: 60, expireInSeconds: 4 * 3600 },
  "video.transcode": { ...quick, retryLimit: 3, retryDelaySeconds: 60, expireInSeconds: 15 * 60 },
  "transcode.outcome": { ...quick, retryLimit: 10 },
  "transcode.reconcile": { ...sweep, expireInSeconds: 10 * 60 },
  "watch-bucket.poll": { ...sweep, expireInSeconds: 30 * 60 },
  "uploads.fail-stuck": sweep,
  "retranscode.schedule": sweep,
  "video.visibility": { ...quick, retryLimit: 10, expireInSeconds: 30 * 60 },
  "mail.send": { ...quick, retryLimit: 8, retryDelaySeconds: 60 },
  "mail.sweep": sweep,
  "edx.post-video": { ...quick, retryLimit: 8, retryDelaySeconds: 60 },
  "edx.sync-collection": { ...quick, retryLimit: 3 },
  "storage.delete": { ...quick, retryLimit: 10, retryDelaySeconds: 60 },
  "cdn.invalidate": { ...quick, retryLimit: 10, retryDelaySeconds: 60 },
};

export interface PgBossOptions {
  /** Runs pg-boss's maintenance and cron scheduler (on for workers, off in tests). */
  readonly supervise?: boolean;
  readonly schema?: string;
  /** Receives pg-boss's `error` events (maintenance, cron, its own connection pool); stderr by default. */
  readonly logger?: QueueLogger;
}

/** Starts pg-boss on the database and creates every queue with its policy. */
export const startPgBoss = async (database: Database, options: PgBossOptions = {}): Promise<PgBoss> => {
  const supervise = options.supervise ?? true;
  const logger = options.logger ?? stderrQueueLogger;
  const common = { schema: options.schema ?? "pgboss", supervise, schedule: supervise, migrate: true };
  const boss =
    database.executor !== null
      ? new PgBoss({ ...common, db: database.executor as PgBoss.Db })
      : new PgBoss({ ...common, connectionString: database.connectionString ?? "", max: 4 });
  // An `error` event without a listener would throw out of pg-boss's timers and end the process;
  // ignoring it would hide a queue that has stopped working.
  boss.on("error", (error: { readonly message?: unknown }) => {
    logger.error(
      `pg-boss error: ${typeof error.message === "string" ? error.message : String(error)}`,
      error,
    );
  });
  await boss.start();
  for (const queue of QUEUE_NAMES) {
    const policy = QUEUE_POLICIES[queue];
    const settings = {
      name: queue,
      policy: policy.policy,
      retryLimit: policy.retryLimit,
      retryDelay: policy.retryDelaySeconds,
      retryBackoff: policy.retryBackoff,
      expireInSeconds: policy.expireInSeconds,
      retentionMinutes: policy.retentionMinutes,
      deleteAfterSeconds: policy.deleteAfterSeconds,
    };
    if ((await boss.getQueue(queue)) === null) await boss.createQueue(queue, settings);
    else await boss.updateQueue(queue, settings);
  }
  return boss;
};

/** Jobs not finished yet: what a singleton key keeps unique. */
const UNFINISHED_STATES = ["created", "retry", "active"];

/**
 * The JobQueue port on pg-boss. Inside a unit of work the job is inserted on the unit's own
 * transaction (pg-boss `db` option), so it commits or rolls back with the data. Singleton keys
 * mean "at most one unfinished job per queue and key"; pg-boss 10's standard queues do not
 * enforce that (its `short`/`stately` policies also collide jobs *without* a key), so the check
 * runs here, under a transaction-scoped advisory lock on (queue, key) that serialises two
 * concurrent senders of the same key.
 */
export class PgBossJobQueue implements JobQueue {
  constructor(
    private readonly boss: PgBoss,
    private readonly database: Database,
    private readonly schema = "pgboss",
  ) {}

  enqueue<Q extends QueueName>(
    queue: Q,
    payload: JobPayloads[Q],
    options: EnqueueOptions = {},
  ): Effect.Effect<EnqueueResult, QueueFailure> {
    return Effect.flatMap(FiberRef.get(currentTransaction), (outer) =>
      Effect.tryPromise({
        try: async (): Promise<EnqueueResult> => {
          const sendOptions = {
            ...(options.singletonKey === undefined ? {} : { singletonKey: options.singletonKey }),
            ...(options.startAfter === undefined ? {} : { startAfter: options.startAfter }),
          };
          const data = payload as object;
          if (options.singletonKey === undefined) {
            const id =
              outer === null
                ? await this.boss.send(queue, data, sendOptions)
                : await this.boss.send(queue, data, {
                    ...sendOptions,
                    db: transactionExecutor(outer) as PgBoss.Db,
                  });
            if (id === null) throw new Error("pg-boss refused the job");
            return { _tag: "Enqueued", jobId: id };
          }
          const singletonKey = options.singletonKey;
          const sendOnce = async (executor: SqlExecutor): Promise<EnqueueResult> => {
            await executor.executeSql("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", [
              queue,
              singletonKey,
            ]);
            const existing = await executor.executeSql(
              `SELECT 1 FROM ${this.schema}.job WHERE name = $1 AND singleton_key = $2 AND state IN (${UNFINISHED_STATES.map((state) => `'${state}'`).join(", ")}) LIMIT 1`,
              [queue, singletonKey],
            );
            if (existing.rows.length > 0) return { _tag: "AlreadyQueued", singletonKey };
            const id = await this.boss.send(queue, data, { ...sendOptions, db: executor as PgBoss.Db });
            return id === null ? { _tag: "AlreadyQueued", singletonKey } : { _tag: "Enqueued", jobId: id };
          };
          if (outer !== null) return sendOnce(transactionExecutor(outer));
          return this.database.knex.transaction((transaction) => sendOnce(transactionExecutor(transaction)));
        },
        catch: (cause) => new QueueFailure({ queue, cause }),
      }),
    );
  }
}
