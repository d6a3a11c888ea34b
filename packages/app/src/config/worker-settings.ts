import { QUEUE_POLICIES, SCHEDULED_QUEUES, cronProblem } from "@ovs/adapters-postgres";
import type { QueueSchedules, ScheduledQueue } from "@ovs/adapters-postgres";
import { QUEUE_NAMES } from "@ovs/domain";
import type { DomainSettings, QueueName } from "@ovs/domain";
import { Duration, Option, Schema } from "effect";
import type { EnvReader } from "./env-reader.js";
import type { EnvValue } from "./env-value.js";
import { integer } from "./env-value.js";

/** What the worker role runs: how many jobs of each queue at once, and the schedules it installs. */
export interface WorkersConfig {
  /** `OVS_WORKERS_<QUEUE>`: jobs of each queue this process runs at once; 0 leaves the queue to other processes. */
  readonly concurrency: Readonly<Record<QueueName, number>>;
  /**
   * `OVS_SCHEDULE_<NAME>_CRON`: each scheduled queue's cron (5 fields, UTC), or null for none: set
   * empty, or the retranscode schedule while `FEATURE_RETRANSCODE_ENABLED` is false.
   */
  readonly schedules: QueueSchedules;
}

/** More workers per queue than this in one process is a typo, or a job for more processes. */
export const MAX_WORKERS_PER_QUEUE = 64;

/** `OVS_WORKERS_` and the queue's name upper-cased, `.` and `-` as `_`: `OVS_WORKERS_VIDEO_INGEST`. */
export const workersVariable = (queue: QueueName): string =>
  `OVS_WORKERS_${queue.toUpperCase().replaceAll(".", "_").replaceAll("-", "_")}`;

/**
 * Jobs run at once per queue in one process, by default. Ingest streams whole videos through the
 * process (a few multipart buffers each) and holds its slot for as long as the transfer takes:
 * few. Outcomes, mail and edX posts are short calls: a few. A scheduled sweep runs one at a time
 * across every process anyway (its queue is `stately`): one. CDN invalidations go one by one,
 * as CloudFront limits how many may be in progress.
 */
export const DEFAULT_WORKERS: Readonly<Record<QueueName, number>> = {
  "video.ingest": 2,
  "video.transcode": 2,
  "transcode.outcome": 4,
  "transcode.reconcile": 1,
  "watch-bucket.poll": 1,
  "uploads.fail-stuck": 1,
  "retranscode.schedule": 1,
  "video.visibility": 2,
  "mail.send": 4,
  "mail.sweep": 1,
  "edx.post-video": 2,
  "edx.sync-collection": 1,
  "storage.delete": 2,
  "cdn.invalidate": 1,
};

/** The variable of each schedule. */
export const SCHEDULE_VARIABLES: Readonly<Record<ScheduledQueue, string>> = {
  "transcode.reconcile": "OVS_SCHEDULE_TRANSCODE_RECONCILE_CRON",
  "watch-bucket.poll": "OVS_SCHEDULE_WATCH_BUCKET_POLL_CRON",
  "uploads.fail-stuck": "OVS_SCHEDULE_UPLOADS_FAIL_STUCK_CRON",
  "retranscode.schedule": "OVS_SCHEDULE_RETRANSCODE_CRON",
  "mail.sweep": "OVS_SCHEDULE_MAIL_SWEEP_CRON",
};

/**
 * docs/architecture.md §7: reconciliation every 5 minutes, the watch bucket every 15 (upstream's
 * `VIDEO_WATCH_BUCKET_FREQUENCY`), stuck uploads hourly, retranscodes every 10 minutes, and the
 * unsent-mail sweep every 30 (after the `mail.send` job's own retries, so only mail they lost).
 */
export const DEFAULT_SCHEDULES: Readonly<Record<ScheduledQueue, string>> = {
  "transcode.reconcile": "*/5 * * * *",
  "watch-bucket.poll": "*/15 * * * *",
  "uploads.fail-stuck": "0 * * * *",
  "retranscode.schedule": "*/10 * * * *",
  "mail.sweep": "*/30 * * * *",
};

const CRON_EXPECTED =
  "a 5-field cron expression (minute hour day-of-month month day-of-week, UTC) such as */15 * * * *, or an empty value for no schedule";

/** The text as written, blanks between fields made single; checked against pg-boss below. */
const cronText = (): EnvValue<string> => ({
  schema: Schema.transform(Schema.String, Schema.String, {
    strict: true,
    decode: (text) => text.trim().split(/\s+/).join(" "),
    encode: (text) => text,
  }),
  expected: CRON_EXPECTED,
  secret: false,
});

const readSchedule = (r: EnvReader, queue: ScheduledQueue): Option.Option<string | null> => {
  const name = SCHEDULE_VARIABLES[queue];
  const read = r.withDefaultOrOff(name, cronText(), DEFAULT_SCHEDULES[queue]);
  return Option.flatMap(read, (cron) => {
    if (cron === null) return Option.some(null);
    const problem = cronProblem(cron);
    if (problem === null) return Option.some(cron);
    r.problem(`${name}: expected ${CRON_EXPECTED}, got ${JSON.stringify(cron)} (${problem})`);
    return Option.none();
  });
};

/**
 * The worker role's settings. The ingest lease must lapse before pg-boss gives up on the job
 * holding it (`QUEUE_POLICIES`' `video.ingest` expiry), or the retry of an ingest whose worker
 * died would meet its lease still held and do nothing.
 */
export const readWorkers = (
  r: EnvReader,
  domain: Option.Option<DomainSettings>,
): Option.Option<WorkersConfig> => {
  const concurrency = Option.all(
    Object.fromEntries(
      QUEUE_NAMES.map((queue) => [
        queue,
        r.withDefault(
          workersVariable(queue),
          integer(0, MAX_WORKERS_PER_QUEUE),
          String(DEFAULT_WORKERS[queue]),
        ),
      ]),
    ) as Record<QueueName, Option.Option<number>>,
  );
  const crons = Option.all(
    Object.fromEntries(SCHEDULED_QUEUES.map((queue) => [queue, readSchedule(r, queue)])) as Record<
      ScheduledQueue,
      Option.Option<string | null>
    >,
  );
  const ingestExpiry = QUEUE_POLICIES["video.ingest"].expireInSeconds;
  if (Option.isSome(domain)) {
    const lease = Duration.toSeconds(Duration.decode(domain.value.ingest.leaseTtl));
    if (lease >= ingestExpiry) {
      r.problem(
        `OVS_INGEST_LEASE_TTL_SECONDS: expected less than the video.ingest job's expiry (${ingestExpiry}), got ${lease}: ` +
          "the retry of an ingest whose worker died would find its lease still held",
      );
    }
  }
  return Option.all({ concurrency, crons, domain }).pipe(
    Option.map((read): WorkersConfig => ({
      concurrency: read.concurrency,
      schedules: {
        ...read.crons,
        "retranscode.schedule": read.domain.retranscodeEnabled ? read.crons["retranscode.schedule"] : null,
      },
    })),
  );
};
