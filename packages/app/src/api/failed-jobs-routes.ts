import Router from "@koa/router";
import { Forbidden, canWatchOperations, invalidField } from "@ovs/domain";
import type { FailedJob } from "@ovs/adapters-postgres";
import type { Operations } from "../observability/operations.js";
import { principalOf, queryOf } from "./api-context.js";

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

const failedJobPayload = (job: FailedJob) => ({
  id: job.id,
  queue: job.queue,
  payload: job.payload,
  end: job.end,
  failure: job.failure,
  attempts: job.attempts,
  created_at: job.createdAt.toISOString(),
  ended_at: job.endedAt?.toISOString() ?? null,
});

const limitOf = (raw: string | null): number => {
  if (raw === null) return DEFAULT_LIMIT;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_LIMIT) {
    throw invalidField("limit", `Expected a whole number from 1 to ${MAX_LIMIT}.`);
  }
  return Number(raw);
};

/**
 * `GET /api/v0/jobs/failed/`: the jobs that will not run again by themselves — failed with no
 * retries left (`exhausted`), or failed in a way a retry would repeat (`not_retried`) — newest
 * first, for staff and superusers (`ovs jobs failed`). Nothing is dropped silently: each one is
 * here with its queue, its payload and its failure until pg-boss's retention removes it.
 */
export const failedJobsRoutes = (input: { readonly operations: Pick<Operations, "failedJobs"> }) => {
  const router = new Router();
  router.get("/api/v0/jobs/failed/", async (ctx) => {
    const principal = principalOf(ctx);
    if (!canWatchOperations(principal)) {
      throw new Forbidden({
        reason: "only staff and superusers may see the failed jobs",
        signInRequired: principal._tag === "Anonymous",
      });
    }
    const jobs = await input.operations.failedJobs(limitOf(queryOf(ctx).get("limit")));
    ctx.body = { count: jobs.length, results: jobs.map(failedJobPayload) };
  });
  return router;
};
