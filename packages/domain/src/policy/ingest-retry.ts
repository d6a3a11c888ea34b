import { SourceStreamFailed, StorageFailure } from "../ports/object-store.js";
import { SourceRejected, SourceUnavailable } from "../ports/video-source.js";

/**
 * When a failed ingest attempt is tried again, and when (upstream `cloudsync/tasks.py`:
 * `_should_retry_upload`, `_retry_after_seconds`; docs/upstream.md §3). Pure:
 * the caller supplies the random fraction, so the jitter is testable.
 */

/** Upstream `CLOUDSYNC_STREAM_S3_MAX_RETRIES`: at most three attempts in all. */
export const MAX_INGEST_RETRIES = 2;
/** Upstream `CLOUDSYNC_STREAM_S3_RETRY_BACKOFF`. */
export const RETRY_BACKOFF_FACTOR_SECONDS = 60;
/**
 * Upstream `CLOUDSYNC_STREAM_S3_MAX_BACKOFF`, and also the cap on a source's `Retry-After`:
 * upstream waited whatever the source asked (tests accepted 99999 s), longer than the broker's
 * visibility timeout and the stuck-upload threshold (docs/architecture.md §6.7).
 */
export const MAX_RETRY_DELAY_SECONDS = 600;

export type IngestFailure =
  | {
      readonly _tag: "Transient";
      readonly reason: string;
      /** The source's `Retry-After`, in seconds, when it sent one. */
      readonly retryAfterSeconds?: number;
    }
  | { readonly _tag: "Permanent"; readonly reason: string };

const transient = (reason: string, retryAfterSeconds?: number): IngestFailure =>
  retryAfterSeconds === undefined
    ? { _tag: "Transient", reason }
    : { _tag: "Transient", reason, retryAfterSeconds };

const reasonOf = (error: unknown): string =>
  error instanceof Error ? error.message : typeof error === "string" ? error : "unknown failure";

/**
 * Sorts an attempt's failure: what the source or the store says is worth retrying is transient,
 * so is a transfer that broke half-way for any reason the source did not call permanent (the
 * upstream rule for resets, timeouts and protocol errors); a rejected source (bad link, revoked
 * access, too large) and a permanent store failure (no such bucket, access denied) are not.
 */
export const classifyIngestFailure = (error: unknown): IngestFailure => {
  if (error instanceof SourceRejected) return { _tag: "Permanent", reason: error.message };
  if (error instanceof SourceUnavailable) return transient(error.message, error.retryAfterSeconds);
  if (error instanceof StorageFailure) {
    return error.transient ? transient(error.message) : { _tag: "Permanent", reason: error.message };
  }
  if (error instanceof SourceStreamFailed) {
    const cause = error.cause;
    if (
      cause instanceof SourceRejected ||
      cause instanceof SourceUnavailable ||
      cause instanceof StorageFailure
    ) {
      return classifyIngestFailure(cause);
    }
    return transient(`the transfer broke off: ${reasonOf(cause)}`);
  }
  return transient(reasonOf(error));
};

/** Upper bound of the full-jitter backoff after `retriesSoFar` retries: 60 s, 120 s, 240 s … 600 s. */
export const backoffCeilingSeconds = (retriesSoFar: number): number =>
  Math.min(MAX_RETRY_DELAY_SECONDS, RETRY_BACKOFF_FACTOR_SECONDS * 2 ** Math.max(0, retriesSoFar));

/**
 * Seconds to wait before the next attempt: a whole number drawn uniformly from
 * [0, ceiling] with `fraction` in [0, 1) (Celery's `full_jitter`), but never less than the
 * source's `Retry-After`, and never more than the cap.
 */
export const retryDelaySeconds = (
  retriesSoFar: number,
  fraction: number,
  retryAfterSeconds?: number,
): number => {
  const ceiling = backoffCeilingSeconds(retriesSoFar);
  const clampedFraction = Math.min(Math.max(fraction, 0), 1 - Number.EPSILON);
  const jittered = Math.floor(clampedFraction * (ceiling + 1));
  const asked =
    retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0
      ? Math.ceil(retryAfterSeconds)
      : 0;
  return Math.min(MAX_RETRY_DELAY_SECONDS, Math.max(jittered, asked));
};

export type IngestRetryDecision =
  | {
      readonly _tag: "RetryLater";
      /** The `attempt` the next job carries: how many retries it is. */
      readonly nextAttempt: number;
      readonly delaySeconds: number;
      readonly reason: string;
    }
  | { readonly _tag: "GiveUp"; readonly reason: string };

/** Retries so far, from the job payload (absent on the first try; anything odd counts as none). */
export const priorRetries = (attempt: number | undefined): number =>
  attempt !== undefined && Number.isFinite(attempt) && attempt > 0 ? Math.floor(attempt) : 0;

/** What to do after attempt number `retriesSoFar + 1` failed. */
export const decideAfterFailure = (
  retriesSoFar: number,
  failure: IngestFailure,
  fraction: number,
): IngestRetryDecision => {
  if (failure._tag === "Permanent") return { _tag: "GiveUp", reason: failure.reason };
  if (retriesSoFar >= MAX_INGEST_RETRIES) {
    return {
      _tag: "GiveUp",
      reason: `gave up after ${retriesSoFar + 1} attempts: ${failure.reason}`,
    };
  }
  return {
    _tag: "RetryLater",
    nextAttempt: retriesSoFar + 1,
    delaySeconds: retryDelaySeconds(retriesSoFar, fraction, failure.retryAfterSeconds),
    reason: failure.reason,
  };
};
