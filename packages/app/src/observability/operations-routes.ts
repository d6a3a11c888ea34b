import Router from "@koa/router";
import { Redacted } from "effect";
import { sameSecret } from "../http/same-secret.js";
import type { Operations } from "./operations.js";
import type { ServiceMetrics } from "./service-metrics.js";

/** Where the process is in its life: readiness is 503 before it serves and once it drains. */
export type ServicePhase = "starting" | "serving" | "draining";

/**
 * `/health/liveness` (the process answers), `/health/readiness` (it can take work now: serving,
 * and the database and the job queue answer) and `/metrics` (Prometheus; with `OVS_METRICS_TOKEN`
 * set, only for `Authorization: Bearer <token>`).
 */
export const operationsRoutes = (input: {
  readonly operations: Operations;
  readonly metrics: ServiceMetrics;
  readonly metricsToken: Redacted.Redacted<string> | null;
  readonly phase: () => ServicePhase;
}) => {
  const router = new Router();

  router.get("/health/liveness", (ctx) => {
    ctx.set("Cache-Control", "no-store");
    ctx.body = { status: "alive" };
  });

  router.get("/health/readiness", async (ctx) => {
    ctx.set("Cache-Control", "no-store");
    const phase = input.phase();
    if (phase !== "serving") {
      ctx.status = 503;
      ctx.body = { status: phase };
      return;
    }
    const report = await input.operations.readiness();
    ctx.status = report.ready ? 200 : 503;
    ctx.body = { status: report.ready ? "ready" : "not ready", checks: report.checks };
  });

  router.get("/metrics", async (ctx) => {
    ctx.set("Cache-Control", "no-store");
    if (input.metricsToken !== null) {
      const given = /^Bearer (.+)$/.exec(ctx.get("Authorization"))?.[1] ?? "";
      if (!sameSecret(given, Redacted.value(input.metricsToken))) {
        ctx.status = 401;
        ctx.set("WWW-Authenticate", 'Bearer realm="metrics"');
        ctx.body = { detail: "The metrics need Authorization: Bearer with OVS_METRICS_TOKEN." };
        return;
      }
    }
    ctx.type = input.metrics.contentType;
    ctx.body = await input.metrics.render();
  });

  return router;
};
