import { Effect } from "effect";
import type { CdnInvalidationReason, JobQueue, QueueFailure } from "../../ports/job-queue.js";

/** Paths CloudFront takes in one invalidation (its limit on file paths in flight). */
export const CDN_PATHS_PER_INVALIDATION = 3_000;
/** Wildcard paths (`prefix/*`) CloudFront takes in one invalidation (its limit on wildcards in flight). */
export const CDN_WILDCARDS_PER_INVALIDATION = 15;

const isWildcard = (path: string): boolean => path.endsWith("*");

/**
 * Splits paths, without repeats and in their order, into groups that each fit one CloudFront
 * invalidation: at most `CDN_PATHS_PER_INVALIDATION` paths, of which at most
 * `CDN_WILDCARDS_PER_INVALIDATION` wildcards.
 */
export const cdnInvalidationBatches = (
  paths: ReadonlyArray<string>,
): ReadonlyArray<ReadonlyArray<string>> => {
  const batches: Array<Array<string>> = [];
  let current: Array<string> = [];
  let wildcards = 0;
  for (const path of new Set(paths)) {
    const wildcard = isWildcard(path);
    if (
      current.length >= CDN_PATHS_PER_INVALIDATION ||
      (wildcard && wildcards >= CDN_WILDCARDS_PER_INVALIDATION)
    ) {
      batches.push(current);
      current = [];
      wildcards = 0;
    }
    current.push(path);
    if (wildcard) wildcards += 1;
  }
  if (current.length > 0) batches.push(current);
  return batches;
};

/**
 * Queues the `cdn.invalidate` jobs that have the CDN forget `paths`: one job per invalidation
 * CloudFront accepts, so a failed one is retried alone and re-sends only its own paths. Called
 * inside the unit of work of the change the paths belong to, the jobs commit or roll back with
 * it. No singleton key: a change made while an earlier invalidation of the same paths runs
 * needs its own, later one. Nothing to forget queues nothing.
 */
export const enqueueCdnInvalidation = (
  jobs: JobQueue,
  paths: ReadonlyArray<string>,
  reason: CdnInvalidationReason,
): Effect.Effect<void, QueueFailure> =>
  Effect.forEach(
    cdnInvalidationBatches(paths),
    (batch) => jobs.enqueue("cdn.invalidate", { paths: batch, reason }),
    { discard: true },
  );
