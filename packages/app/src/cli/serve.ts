import type { Server } from "node:http";
import { createOvs } from "../composition/create-ovs.js";
import type { AppConfig } from "../config/index.js";
import { makeKoaApp } from "../http/koa-app.js";
import { operationsRoutes } from "../observability/operations-routes.js";
import type { ServicePhase } from "../observability/operations-routes.js";
import { requestObserver } from "../observability/request-observer.js";
import { eventLoggerOf, makeServiceLogger } from "../observability/service-logger.js";
import { devMailRoutes } from "../dev/dev-mail-routes.js";
import { webRoutes } from "../web/web-routes.js";
import { localBanner } from "./local-banner.js";
import { writeOperatorTokenOnce } from "./operator-token.js";

export type Role = "web" | "worker" | "all";

/** How long a stop may take before the process gives up waiting (in-flight requests, running jobs). */
const STOP_TIMEOUT_MS = 30_000;

/**
 * `ovs serve`: the web role serves the API, the worker role works the queues, `all` does both.
 * Every role listens on `PORT` for `/health/liveness`, `/health/readiness` and `/metrics` (the
 * worker role for nothing else), and logs JSON lines to stdout. On SIGTERM or SIGINT it turns
 * readiness to 503, stops accepting, finishes in-flight requests, stops the workers, closes the
 * video sources and the database, in that order, within a bound.
 */
export const serve = async (config: AppConfig, role: Role): Promise<void> => {
  const pino = makeServiceLogger(config.logLevel);
  const logger = eventLoggerOf(pino);
  let phase: ServicePhase = "starting";
  const ovs = await createOvs({ config, logger, serveLocalCdn: role !== "worker" });
  const tokenFile = await writeOperatorTokenOnce(ovs, config.dataDir, { replace: config.profile === "test" });
  if (tokenFile !== null) logger.info(`wrote an API token for the CLI to ${tokenFile}`, { tokenFile });

  const cdnHost = config.aws === null ? [] : [`https://${config.aws.cloudFrontUrls.host}`];
  const app = makeKoaApp({
    logger,
    mediaSources: cdnHost,
    requestObservers: [requestObserver({ logger, metrics: ovs.metrics })],
  });
  // Behind a TLS-terminating proxy, Koa must trust X-Forwarded-Proto to set Secure cookies.
  app.proxy = config.profile === "aws";
  const operations = operationsRoutes({
    operations: ovs.operations,
    metrics: ovs.metrics,
    metricsToken: config.metricsToken,
    phase: () => phase,
  });
  app.use(operations.routes());
  if (role !== "worker") {
    if (ovs.local !== null) {
      // The dev issuer reads its own form bodies and sets its own cookies: before the router.
      app.use(ovs.local.issuer.middleware);
      const mail = devMailRoutes(ovs.local.mailbox);
      app.use(mail.routes());
    }
    app.use(ovs.router.routes());
    app.use(ovs.router.allowedMethods());
    // The browser UI's pages and assets, for the paths the API and sign-in left unanswered.
    app.use(
      webRoutes({
        mediaOrigins: [...cdnHost, ...(ovs.local?.cdnUrl == null ? [] : [ovs.local.cdnUrl])],
        dropboxChooser: config.aws !== null,
      }),
    );
  }
  const server: Server = app.listen(config.port, config.profile === "aws" ? "0.0.0.0" : "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  if (role !== "web") await ovs.workers.start();
  phase = "serving";
  if (ovs.local !== null) process.stdout.write(localBanner(config, ovs.local));
  logger.info(
    role === "worker"
      ? `working every queue (profile ${config.profile}); health and metrics on port ${config.port}`
      : `serving ${config.baseUrl} (profile ${config.profile}, role ${role}) on port ${config.port}`,
    { profile: config.profile, role, port: config.port },
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    phase = "draining";
    logger.info(`${signal} received, stopping`, { signal });
    const timer = setTimeout(() => {
      logger.error("stopping took too long, exiting");
      pino.flush();
      process.exit(1);
    }, STOP_TIMEOUT_MS);
    timer.unref();
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections();
    await closed;
    await ovs.stop();
    clearTimeout(timer);
    logger.info("stopped");
    pino.flush();
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
};
