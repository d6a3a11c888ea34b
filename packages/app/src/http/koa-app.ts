import { randomUUID } from "node:crypto";
import Koa from "koa";
import type { Middleware, ParameterizedContext } from "koa";
import { httpAnswerFor, NOT_FOUND } from "./errors.js";
import type { HttpAnswerOptions } from "./errors.js";

/** Where the HTTP layer reports failed requests; shaped so pino or console can be passed as is. */
export interface HttpLogger {
  error(message: string, details?: unknown): void;
}

/** Set on `ctx.state` before anything else runs. */
export interface RequestIdState {
  requestId: string;
}

/**
 * Set by a route whose errors keep another shape (`{"error": …}` for its validation errors),
 * before it runs its use case; the error middleware answers with these options.
 */
export interface HttpAnswerOptionsState {
  httpAnswerOptions?: HttpAnswerOptions | undefined;
}

export interface KoaAppOptions {
  readonly logger: HttpLogger;
  /**
   * CSP source expressions of the hosts pages load media and images from, besides their own
   * origin: the CDN's origin (`https://d123.cloudfront.net`), or the local CDN's.
   */
  readonly mediaSources: ReadonlyArray<string>;
  /**
   * Middleware that sees every request and its final status (the request log line, the latency
   * metric): run just inside the request id, outside the error map.
   */
  readonly requestObservers?: ReadonlyArray<Middleware<RequestIdState>>;
}

export const REQUEST_ID_HEADER = "X-Request-Id";

/** What an incoming request id may look like to be kept: short, and safe in headers and logs. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Keeps the caller's `X-Request-Id` (a proxy's or load balancer's) when it is sane, so one id
 * follows a request through every hop; otherwise makes one. The id is echoed on the response.
 */
export const requestIdMiddleware = (): Middleware<RequestIdState> => async (ctx, next) => {
  const incoming = ctx.get(REQUEST_ID_HEADER);
  const requestId = SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  ctx.state.requestId = requestId;
  ctx.set(REQUEST_ID_HEADER, requestId);
  await next();
};

/** A source expression that cannot break out of its directive. */
const SOURCE_EXPRESSION = /^[^\s;,'"]+$/;

/**
 * The policy of HTML pages: nothing but the service's own origin, except that media, their
 * playlists (hls.js fetches them, so `connect-src`) and images may come from the CDN, and
 * `<video>` may play the `blob:` URLs that Media Source Extensions hand it. No plugins, no
 * `<base>` rewriting, and only the service itself may frame its pages.
 */
export const contentSecurityPolicy = (mediaSources: ReadonlyArray<string>): string => {
  const refused = mediaSources.find((source) => !SOURCE_EXPRESSION.test(source));
  if (refused !== undefined) throw new Error(`not a CSP source expression: ${JSON.stringify(refused)}`);
  const media = ["'self'", ...mediaSources].join(" ");
  return [
    "default-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'self'",
    "base-uri 'self'",
    `img-src ${media}`,
    `media-src ${media} blob:`,
    `connect-src ${media}`,
  ].join("; ");
};

/**
 * Headers of every response, errors included: no indexing (the old service sent the same),
 * no MIME sniffing, no referrer to other origins. HTML responses also get the content security
 * policy, unless their route set its own (a page meant to be framed elsewhere).
 */
export const securityHeadersMiddleware = (mediaSources: ReadonlyArray<string>): Middleware => {
  const policy = contentSecurityPolicy(mediaSources);
  return async (ctx, next) => {
    ctx.set("X-Robots-Tag", "noindex, nofollow");
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.set("Referrer-Policy", "same-origin");
    await next();
    if (ctx.response.is("html") !== false && !ctx.res.hasHeader("Content-Security-Policy")) {
      ctx.set("Content-Security-Policy", policy);
    }
  };
};

/** Headers describing a body the failed handler meant to send, wrong for the error's body. */
const ENTITY_HEADERS = [
  "Content-Disposition",
  "Content-Encoding",
  "Content-Language",
  "Content-Range",
  "ETag",
  "Last-Modified",
];

type RequestContext = ParameterizedContext<Partial<RequestIdState> & HttpAnswerOptionsState>;

const failureDetails = (ctx: RequestContext, status: number, error: unknown) => ({
  requestId: ctx.state.requestId,
  method: ctx.method,
  // The path only: a query can carry tokens.
  path: ctx.path,
  status,
  error,
});

/**
 * Answers every error a handler throws through the one error map (docs/architecture.md §3).
 * Server-side failures are logged with the request id; what the client gets never includes
 * their message, stack or SQL. Once the headers are out nothing can be answered, so the
 * connection is cut and the client sees a truncated response rather than a wrong one.
 */
export const errorMiddleware =
  (logger: HttpLogger): Middleware<Partial<RequestIdState> & HttpAnswerOptionsState> =>
  async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const answer = httpAnswerFor(error, ctx.state.httpAnswerOptions);
      if (answer.status >= 500) {
        logger.error("request failed", failureDetails(ctx, answer.status, error));
      }
      if (ctx.headerSent || !ctx.writable) {
        ctx.res.destroy();
        return;
      }
      for (const name of ENTITY_HEADERS) ctx.remove(name);
      ctx.status = answer.status;
      ctx.body = answer.body;
    }
  };

const isApiPath = (path: string): boolean => path === "/api" || path.startsWith("/api/");

/** An API path no route answered is a JSON 404 in the API's shape, not an HTML page. */
export const apiNotFoundMiddleware = (): Middleware => async (ctx, next) => {
  await next();
  if (ctx.status === 404 && ctx.body == null && isApiPath(ctx.path)) {
    ctx.status = 404;
    ctx.body = { detail: NOT_FOUND };
  }
};

/**
 * The service's Koa application with the middleware every route runs inside, in this order:
 * request id, the request observers, security headers, the error map, the API's JSON 404. Routes are added with
 * `app.use(...)` afterwards, so they run inside all four. Errors Koa itself catches later (a
 * response stream failing) are logged with the request id too.
 */
export const makeKoaApp = (options: KoaAppOptions): Koa<RequestIdState & HttpAnswerOptionsState> => {
  const app = new Koa<RequestIdState & HttpAnswerOptionsState>();
  app.use(requestIdMiddleware());
  for (const observer of options.requestObservers ?? []) app.use(observer);
  app.use(securityHeadersMiddleware(options.mediaSources));
  app.use(errorMiddleware(options.logger));
  app.use(apiNotFoundMiddleware());
  app.on("error", (error: unknown, ctx?: RequestContext) => {
    options.logger.error("response failed", {
      requestId: ctx?.state.requestId,
      method: ctx?.method,
      path: ctx?.path,
      error,
    });
  });
  return app;
};
