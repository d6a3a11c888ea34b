import { createServer, connect } from "node:net";
import type { Server, Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { Redacted } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresDatabase, shutDown, startPgBoss } from "@ovs/adapters-postgres";
import { createServerDatabase, serverUrl } from "../../../adapters-postgres/test/support/test-backends.js";
import { makeKoaApp } from "../../src/http/koa-app.js";
import { databaseOperations } from "../../src/observability/operations.js";
import { operationsRoutes } from "../../src/observability/operations-routes.js";
import type { ServicePhase } from "../../src/observability/operations-routes.js";
import { requestObserver } from "../../src/observability/request-observer.js";
import { startTestService } from "../api/support/test-service.js";
import type { TestService } from "../api/support/test-service.js";

const METRICS_TOKEN = "metrics-token-of-at-least-thirty-two-characters";

describe("the operations endpoints", () => {
  let service: TestService;
  let base: string;
  let phase: ServicePhase = "starting";
  let server: ReturnType<ReturnType<typeof makeKoaApp>["listen"]>;
  const logged: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    service = await startTestService();
    const logger = {
      error: () => undefined,
      info: (message: string, details?: unknown) => logged.push({ msg: message, ...(details as object) }),
    };
    const app = makeKoaApp({
      logger,
      mediaSources: [],
      requestObservers: [requestObserver({ logger, metrics: service.ovs.metrics })],
    });
    const routes = operationsRoutes({
      operations: service.ovs.operations,
      metrics: service.ovs.metrics,
      metricsToken: Redacted.make(METRICS_TOKEN),
      phase: () => phase,
    });
    app.use(routes.routes());
    app.use(service.ovs.router.routes());
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await service.stop();
  });

  it("answers readiness 503 while starting and draining, 200 while serving; liveness always", async () => {
    const readiness = async () => {
      const answer = await fetch(`${base}/health/readiness`);
      return { status: answer.status, body: (await answer.json()) as unknown };
    };
    phase = "starting";
    expect(await readiness()).toEqual({ status: 503, body: { status: "starting" } });
    phase = "serving";
    expect(await readiness()).toEqual({
      status: 200,
      body: { status: "ready", checks: { database: "ok", queue: "ok" } },
    });
    phase = "draining";
    expect(await readiness()).toEqual({ status: 503, body: { status: "draining" } });
    expect((await fetch(`${base}/health/liveness`)).status).toBe(200);
    phase = "serving";
  });

  it("keeps the metrics behind OVS_METRICS_TOKEN, and counts requests by route pattern", async () => {
    await fetch(`${base}/api/v0/public/videos/`);
    await fetch(`${base}/api/v0/videos/${"0".repeat(32)}/`);

    const refused = await Promise.all([
      fetch(`${base}/metrics`),
      fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}x` } }),
    ]);
    const answer = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    const text = await answer.text();

    expect(refused.map((refusal) => refusal.status)).toEqual([401, 401]);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(text).toMatch(
      /^ovs_http_request_duration_seconds_count\{method="GET",route="\/api\/v0\/public\/videos\/",status="200"\} 1$/m,
    );
    // The route's pattern, not the key: the labels stay bounded however many videos there are.
    expect(text).toMatch(/route="\/api\/v0\/videos\/:key\/",status="404"/);
    expect(text).toMatch(/^ovs_mail_outbox_unsent 0$/m);
    expect(text).toContain("ovs_queue_jobs");
    expect(logged.find((line) => line["route"] === "/api/v0/public/videos/")).toMatchObject({
      msg: "request",
      method: "GET",
      status: 200,
      requestId: expect.any(String),
    });
  });
});

/** A TCP proxy in front of Postgres that can be taken down and brought back on the same port. */
const postgresProxy = async (target: { host: string; port: number }) => {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const up = async () => {
    server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server?.listen(port, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  };
  const down = async () => {
    const closed = new Promise((resolve) => server?.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  await up();
  return { port: () => port, up, down };
};

describe.skipIf(serverUrl() === undefined)("readiness on a Postgres server", () => {
  it("flips to 503 when the database goes away and back to 200 when it returns", async () => {
    const created = await createServerDatabase(serverUrl() as string);
    const target = new URL(created.url);
    const proxy = await postgresProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(created.url);
    viaProxy.host = `127.0.0.1:${proxy.port()}`;
    const database = await openPostgresDatabase(viaProxy.href);
    const boss = await startPgBoss(database, { supervise: false, logger: { error: () => undefined } });
    const operations = databaseOperations(database, boss);
    const eventually = async (ready: boolean) => {
      for (let attempt = 0; attempt < 50; attempt += 1) {
        const report = await operations.readiness();
        if (report.ready === ready) return report;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return operations.readiness();
    };
    try {
      expect((await operations.readiness()).ready).toBe(true);

      await proxy.down();
      const away = await eventually(false);
      expect(away.ready).toBe(false);
      expect(away.checks["database"]).toMatchObject({ problem: expect.any(String) });

      await proxy.up();
      expect((await eventually(true)).checks).toEqual({ database: "ok", queue: "ok" });
    } finally {
      await shutDown(database, boss);
      await proxy.down();
      await created.drop();
    }
  }, 60_000);
});
