import Router from "@koa/router";
import { hexKey } from "@ovs/domain";
import type { OutboxEntry } from "@ovs/domain";
import { promised } from "../composition/promised.js";
import type { UseCases } from "../composition/use-cases.js";
import { principalOf, queryOf } from "./api-context.js";

/** One abandoned status email as the API shows it; `reason` is why it was given up on. */
export const abandonedMailPayload = (entry: OutboxEntry) => ({
  id: entry.id,
  video_key: hexKey(entry.videoKey),
  template: entry.template,
  from_status: entry.fromStatus,
  to_status: entry.toStatus,
  attempts: entry.attempts,
  reason: entry.lastError,
  created_at: entry.createdAt.toISOString(),
  abandoned_at: entry.abandonedAt?.toISOString() ?? null,
});

/**
 * `GET /api/v0/mail/failed/`: the status emails given up on — a failure retrying would repeat,
 * nobody to tell, or too many failed sends — newest first, for staff and superusers
 * (`ovs mail failed`). `?limit=` (1 to 500, 50 when absent) is checked by the use case, which
 * names it in a field error.
 */
export const mailFailedRoutes = (input: { readonly useCases: Pick<UseCases, "listAbandonedMail"> }) => {
  const router = new Router();
  router.get("/api/v0/mail/failed/", async (ctx) => {
    const entries = await promised(
      input.useCases.listAbandonedMail.run(principalOf(ctx), { limit: queryOf(ctx).get("limit") }),
    );
    ctx.body = { count: entries.length, results: entries.map(abandonedMailPayload) };
  });
  return router;
};
