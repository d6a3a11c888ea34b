import Router from "@koa/router";
import type { Duration } from "effect";
import type { Context, Middleware } from "koa";
import type { DomainPorts, DomainSettings } from "@ovs/domain";
import {
  makeCsrfProtection,
  makePrincipalMiddleware,
  makeSessionCookie,
  makeSignInRoutes,
} from "../auth/index.js";
import type { AuthenticateBearer, SecretKey, SignInFlow } from "../auth/index.js";
import type { UseCases } from "../composition/use-cases.js";
import { readJsonBody } from "../http/json-body.js";
import { collectionsRoutes } from "./collections-routes.js";
import { edxEndpointsRoutes } from "./edx-endpoints-routes.js";
import { feedRoutes } from "./feed-routes.js";
import { ingestRoutes } from "./ingest-routes.js";
import { subtitlesRoutes } from "./subtitles-routes.js";
import { DEFAULT_THUMBNAIL_MAX_UPLOAD_BYTES, thumbnailRoutes } from "./thumbnail-routes.js";
import { openApiRoutes } from "./openapi-routes.js";
import { tokensRoutes } from "./tokens-routes.js";
import { transcodeWebhookRoutes } from "./transcode-webhook-routes.js";
import { failedJobsRoutes } from "./failed-jobs-routes.js";
import { mailFailedRoutes } from "./mail-failed-routes.js";
import { downloadRoutes } from "./download-routes.js";
import { meRoutes } from "./me-routes.js";
import type { MeSettings } from "./me-routes.js";
import type { Operations } from "../observability/operations.js";
import type { TranscodeWebhook } from "./transcode-webhook-routes.js";
import { DEFAULT_VIDEO_MAX_UPLOAD_BYTES, uploadFileRoutes } from "./upload-file-routes.js";
import { videoStatusRoutes } from "./video-status-routes.js";
import { videosRoutes } from "./videos-routes.js";

/** The largest JSON body any API route takes; uploads of media go through their own streamed routes. */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;

export interface ServiceRouterOptions {
  readonly useCases: UseCases;
  readonly ports: Pick<DomainPorts, "users" | "clock" | "videoSubtitles" | "encodeJobs">;
  /**
   * The domain settings the edge reads: the thumbnail upload limit, enforced while the image
   * streams in. Without them, upstream's default (1 MiB) applies.
   */
  readonly settings?: Pick<DomainSettings, "thumbnails">;
  /** `OVS_MAX_UPLOAD_BYTES`: the largest video a direct upload takes, enforced while it streams in. */
  readonly maxUploadBytes?: number;
  /** `ODL_VIDEO_BASE_URL`: every absolute link is built from it, never from request headers. */
  readonly baseUrl: string;
  readonly secretKey: SecretKey;
  readonly session: {
    readonly idleLifetime: Duration.DurationInput;
    readonly absoluteLifetime: Duration.DurationInput;
  };
  /** Cookies without `Secure`: only the local profile, which is plain http on loopback. */
  readonly insecureCookies: boolean;
  /**
   * `OVS_PLAYBACK_SIGNED_COOKIES` on: the playback endpoint also sets the grant as CDN cookies,
   * with `OVS_PLAYBACK_COOKIE_DOMAIN` (null for host-only). Off when left out.
   */
  readonly playbackCookies?: { readonly domain: string | null };
  /** The OIDC flow; without one, the sign-in routes are absent (an embedder authenticates its own way). */
  readonly signIn?: SignInFlow;
  readonly authenticateBearer: AuthenticateBearer;
  /** The failed jobs operators list (`GET /api/v0/jobs/failed/`). */
  readonly operations: Pick<Operations, "failedJobs">;
  /** MediaConvert's completion events; without it (no MediaConvert), the webhook route is absent. */
  readonly transcodeWebhook?: TranscodeWebhook;
  /** What `GET /api/v0/me/` tells the web UI; without it, no Dropbox key and upstream's default address. */
  readonly me?: MeSettings;
}

/**
 * Everything OVS serves, as one router an embedder mounts under a prefix: sessions, the principal
 * (session or bearer token), CSRF on unsafe session requests, sign-in, and the JSON API.
 */
export const makeServiceRouter = (options: ServiceRouterOptions): Router => {
  const sessions = makeSessionCookie({
    secretKey: options.secretKey,
    clock: options.ports.clock,
    idleLifetime: options.session.idleLifetime,
    absoluteLifetime: options.session.absoluteLifetime,
    insecure: options.insecureCookies,
  });
  const csrf = makeCsrfProtection({ insecure: options.insecureCookies });
  const readJson = (ctx: Context) => readJsonBody(ctx, JSON_BODY_LIMIT_BYTES);

  const router = new Router();
  router.use(sessions.middleware as Middleware);
  router.use(
    makePrincipalMiddleware(options.ports, {
      authenticateBearer: options.authenticateBearer,
      sessions,
    }) as Middleware,
  );
  router.use(csrf.middleware as Middleware);
  if (options.signIn !== undefined) {
    const signIn = makeSignInRoutes(options.ports, {
      signIn: options.signIn,
      sessions,
      csrf,
      secretKey: options.secretKey,
      insecure: options.insecureCookies,
    });
    router.use(signIn.routes() as Middleware, signIn.allowedMethods() as Middleware);
  }
  for (const routes of [
    collectionsRoutes({ useCases: options.useCases, baseUrl: options.baseUrl, readJson }),
    videosRoutes({
      useCases: options.useCases,
      baseUrl: options.baseUrl,
      readJson,
      playbackCookies:
        options.playbackCookies === undefined
          ? null
          : { domain: options.playbackCookies.domain, insecure: options.insecureCookies },
    }),
    videoStatusRoutes({ useCases: options.useCases, ports: options.ports }),
    thumbnailRoutes({
      useCases: options.useCases,
      maxUploadBytes: options.settings?.thumbnails.maxUploadBytes ?? DEFAULT_THUMBNAIL_MAX_UPLOAD_BYTES,
    }),
    subtitlesRoutes({ useCases: options.useCases, ports: options.ports }),
    ingestRoutes({ useCases: options.useCases, readJson }),
    uploadFileRoutes({
      useCases: options.useCases,
      maxUploadBytes: options.maxUploadBytes ?? DEFAULT_VIDEO_MAX_UPLOAD_BYTES,
    }),
    feedRoutes({ useCases: options.useCases }),
    downloadRoutes({ useCases: options.useCases }),
    tokensRoutes({ useCases: options.useCases, readJson }),
    edxEndpointsRoutes({ useCases: options.useCases, readJson }),
    openApiRoutes({ baseUrl: options.baseUrl }),
    meRoutes({ settings: options.me ?? { dropboxKey: null, supportEmail: "support@example.com" } }),
    failedJobsRoutes({ operations: options.operations }),
    mailFailedRoutes({ useCases: options.useCases }),
    ...(options.transcodeWebhook === undefined
      ? []
      : [transcodeWebhookRoutes({ useCases: options.useCases, webhook: options.transcodeWebhook })]),
  ]) {
    // `use` copies a router's routes into this one; the caller's `allowedMethods()` of this
    // router answers OPTIONS and 405 for all of them, so each sub-router's own would only add a
    // middleware every request passes through.
    router.use(routes.routes());
  }
  return router;
};
