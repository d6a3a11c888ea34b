import type { Middleware } from "koa";
import type { EventLogger } from "./service-logger.js";
import type { ServiceMetrics } from "./service-metrics.js";

/** The route pattern a request matched (`/api/v0/videos/:key/`); never the raw path, which would explode the metric's labels. */
const routeOf = (ctx: { readonly _matchedRoute?: unknown }): string =>
  typeof ctx._matchedRoute === "string" ? ctx._matchedRoute : "unmatched";

/**
 * One log line and one latency observation per request, with its final status: registered
 * outside the error map, it sees the status the client gets. The line has the request id, the
 * method, the path without its query (a query may carry what should not be logged), the route
 * pattern, the status and the time taken.
 */
export const requestObserver =
  (input: { readonly logger: EventLogger; readonly metrics?: ServiceMetrics }): Middleware =>
  async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(ctx as { _matchedRoute?: unknown });
      // An error that escapes here is answered by Koa itself with a 500.
      const status = ctx.status;
      input.metrics?.observeRequest({ method: ctx.method, route, status }, seconds);
      input.logger.info("request", {
        requestId: (ctx.state as { requestId?: string }).requestId,
        method: ctx.method,
        path: ctx.path,
        route,
        status,
        ms: Math.round(seconds * 1000 * 10) / 10,
      });
    }
  };
