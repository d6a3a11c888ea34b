import type { Server } from "node:http";
import { createOvs } from "../composition/create-ovs.js";
import type { AppConfig } from "../config/index.js";
import { makeKoaApp } from "../http/koa-app.js";
import { writeOperatorTokenOnce } from "./operator-token.js";

export type Role = "web" | "worker" | "all";

/** How long a stop may take before the process gives up waiting (in-flight requests, running jobs). */
const STOP_TIMEOUT_MS = 30_000;

const log = (message: string, details?: unknown) =>
  process.stderr.write(
    `${message}${details === undefined ? "" : ` ${JSON.stringify(details, errorReplacer)}`}\n`,
  );

const errorReplacer = (_key: string, value: unknown) =>
  value instanceof Error ? { name: value.name, message: value.message } : value;

/**
 * `ovs serve`: the web role serves the API, the worker role works the queues, `all` does both.
 * On SIGTERM or SIGINT it stops accepting, finishes in-flight requests, stops the workers, closes
 * the video sources and the database, in that order, within a bound.
 */
export const serve = async (config: AppConfig, role: Role): Promise<void> => {
  const ovs = await createOvs({ config, logger: { error: log } });
  const tokenFile = await writeOperatorTokenOnce(ovs, config.dataDir, { replace: config.profile === "test" });
  if (tokenFile !== null) log(`ovs: wrote an API token for the CLI to ${tokenFile}`);
  let server: Server | undefined;
  if (role !== "worker") {
    const cdnHost = config.aws === null ? [] : [`https://${config.aws.cloudFrontUrls.host}`];
    const app = makeKoaApp({ logger: { error: log }, mediaSources: cdnHost });
    // Behind a TLS-terminating proxy, Koa must trust X-Forwarded-Proto to set Secure cookies.
    app.proxy = config.profile === "aws";
    app.use(ovs.router.routes());
    app.use(ovs.router.allowedMethods());
    server = app.listen(config.port, config.profile === "aws" ? "0.0.0.0" : "127.0.0.1");
    await new Promise((resolve) => server?.once("listening", resolve));
    log(`ovs: serving ${config.baseUrl} (profile ${config.profile}) on port ${config.port}`);
  }
  if (role !== "web") {
    await ovs.workers.start();
    log(`ovs: working every queue (profile ${config.profile})`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`ovs: ${signal} received, stopping`);
    const timer = setTimeout(() => {
      log("ovs: stopping took too long, exiting");
      process.exit(1);
    }, STOP_TIMEOUT_MS);
    timer.unref();
    if (server !== undefined) {
      const closed = new Promise((resolve) => server?.close(resolve));
      server.closeIdleConnections();
      await closed;
    }
    await ovs.stop();
    clearTimeout(timer);
    log("ovs: stopped");
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
};
