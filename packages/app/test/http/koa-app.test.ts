import Router from "@koa/router";
import { Conflict, Forbidden, InvalidInput, PersistenceFailure, VideoNotFound } from "@ovs/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  contentSecurityPolicy,
  makeKoaApp,
  type HttpAnswerOptionsState,
  type RequestIdState,
} from "../../src/http/koa-app.js";
import { recordingLogger, startKoa, type KoaTestServer } from "./support/koa-test-server.js";

const CDN = "https://d111111abcdef8.cloudfront.net";
const SQL_MESSAGE = `relation "videos" does not exist: SELECT key, title FROM videos WHERE owner_id = 7`;

const logger = recordingLogger();
let server: KoaTestServer;

beforeAll(async () => {
  const app = makeKoaApp({ logger, mediaSources: [CDN] });
  const router = new Router<RequestIdState & HttpAnswerOptionsState>();
  router.get("/api/v0/echo/", (ctx) => {
    ctx.body = { requestId: ctx.state.requestId };
  });
  router.get("/page/", (ctx) => {
    ctx.type = "html";
    ctx.body = "<!doctype html><title>OVS</title>";
  });
  router.get("/embed/", (ctx) => {
    ctx.set("Content-Security-Policy", "frame-ancestors *");
    ctx.type = "html";
    ctx.body = "<!doctype html><title>embed</title>";
  });
  router.get("/api/v0/missing/", () => {
    throw new VideoNotFound({ key: "0b4f0a3855f44d4e9a432f4b1f7c4e21" });
  });
  router.get("/api/v0/forbidden/", () => {
    throw new Forbidden({ reason: "only admins of this collection may change it", signInRequired: false });
  });
  router.get("/api/v0/anonymous/", () => {
    throw new Forbidden({ reason: "sign in to see this video", signInRequired: true });
  });
  router.get("/api/v0/invalid/", () => {
    throw new InvalidInput({ problems: [{ field: "title", message: "This field is required." }] });
  });
  router.get("/api/v0/thumbnail/", (ctx) => {
    ctx.state.httpAnswerOptions = { invalidInput: "errorMessage" };
    throw new InvalidInput({ problems: [{ field: "thumbnail", message: "No thumbnail file provided." }] });
  });
  router.get("/api/v0/conflict/", () => {
    throw new Conflict({ reason: "the video is 'Uploading'" });
  });
  router.get("/api/v0/database-down/", () => {
    throw new PersistenceFailure({ operation: "videos.findByKey", cause: new Error(SQL_MESSAGE) });
  });
  router.get("/api/v0/bug/", () => {
    const error = new Error(SQL_MESSAGE);
    error.stack = `Error: ${SQL_MESSAGE}\n    at Object.handler (/srv/ovs/packages/app/src/api/videos-routes.ts:12:9)`;
    throw error;
  });
  router.get("/api/v0/download/", (ctx) => {
    ctx.set("Content-Disposition", 'attachment; filename="video.mp4"');
    throw new VideoNotFound({ key: "x" });
  });
  router.get("/api/v0/explicit-404/", (ctx) => {
    ctx.status = 404;
    ctx.body = { detail: "No Video matches the given query." };
  });
  app.use(router.routes());
  server = await startKoa(app);
});

afterAll(async () => {
  await server.close();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { headers });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("request ids", () => {
  it("keeps a sane incoming X-Request-Id and echoes it", async () => {
    const response = await get("/api/v0/echo/", { "X-Request-Id": "lb-1234_abc.DEF" });
    expect(response.headers.get("x-request-id")).toBe("lb-1234_abc.DEF");
    expect(await response.json()).toEqual({ requestId: "lb-1234_abc.DEF" });
  });

  it("makes one when the request has none", async () => {
    const response = await get("/api/v0/echo/");
    const id = response.headers.get("x-request-id") ?? "";
    expect(id).toMatch(UUID);
    expect(await response.json()).toEqual({ requestId: id });
  });

  it.each([
    ["too long", "a".repeat(65)],
    ["spaces", "two words"],
    ["markup", "<script>"],
    ["separators", "a;b,c"],
    ["escapes", "a%0d%0aSet-Cookie:x"],
  ])("refuses an incoming id with %s and makes its own", async (_case, incoming) => {
    const response = await get("/api/v0/echo/", { "X-Request-Id": incoming });
    const id = response.headers.get("x-request-id") ?? "";
    expect(id).toMatch(UUID);
    expect(await response.json()).toEqual({ requestId: id });
  });

  it("accepts exactly 64 characters", async () => {
    const incoming = "b".repeat(64);
    const response = await get("/api/v0/echo/", { "X-Request-Id": incoming });
    expect(response.headers.get("x-request-id")).toBe(incoming);
  });
});

describe("security headers", () => {
  const expectCommonHeaders = (response: Response) => {
    expect(response.headers.get("x-robots-tag")).toBe("noindex, nofollow");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
  };

  it("are on JSON responses, without a content security policy", async () => {
    const response = await get("/api/v0/echo/");
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expectCommonHeaders(response);
    expect(response.headers.get("content-security-policy")).toBeNull();
  });

  it("are on HTML responses, with a strict policy that admits the CDN for media", async () => {
    const response = await get("/page/");
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expectCommonHeaders(response);
    const policy = response.headers.get("content-security-policy") ?? "";
    const directives = new Map(
      policy.split(";").map((directive) => {
        const [name = "", ...sources] = directive.trim().split(/\s+/);
        return [name, sources] as const;
      }),
    );
    expect(directives.get("default-src")).toEqual(["'self'"]);
    expect(directives.get("object-src")).toEqual(["'none'"]);
    expect(directives.get("frame-ancestors")).toEqual(["'self'"]);
    expect(directives.get("base-uri")).toEqual(["'self'"]);
    expect(directives.get("media-src")).toEqual(["'self'", CDN, "blob:"]);
    expect(directives.get("img-src")).toEqual(["'self'", CDN]);
    expect(directives.get("connect-src")).toEqual(["'self'", CDN]);
  });

  it("leave a policy the route set itself", async () => {
    const response = await get("/embed/");
    expect(response.headers.get("content-security-policy")).toBe("frame-ancestors *");
  });

  it("are on error responses too, with the request id", async () => {
    const response = await get("/api/v0/bug/", { "X-Request-Id": "req-42" });
    expect(response.status).toBe(500);
    expectCommonHeaders(response);
    expect(response.headers.get("x-request-id")).toBe("req-42");
  });

  it("refuses a media source that would break out of its directive", () => {
    expect(() => contentSecurityPolicy(["https://cdn.example; script-src *"])).toThrow(/source expression/);
    expect(() => contentSecurityPolicy(["'unsafe-inline'"])).toThrow(/source expression/);
  });
});

describe("errors", () => {
  it.each([
    ["/api/v0/missing/", 404, { detail: "Not found." }],
    ["/api/v0/forbidden/", 403, { detail: "only admins of this collection may change it" }],
    ["/api/v0/anonymous/", 403, { detail: "Authentication credentials were not provided." }],
    ["/api/v0/invalid/", 400, { title: ["This field is required."] }],
    ["/api/v0/thumbnail/", 400, { error: "No thumbnail file provided." }],
    ["/api/v0/conflict/", 409, { detail: "the video is 'Uploading'" }],
    ["/api/v0/database-down/", 503, { detail: "Service temporarily unavailable, try again later." }],
  ])("answers %s with %i and its body", async (path, status, body) => {
    const response = await get(path);
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(body);
  });

  it("answers a bug 500 with neither its message, its SQL nor its stack, and logs it with the request id", async () => {
    const before = logger.failures.length;
    const response = await get("/api/v0/bug/", { "X-Request-Id": "bug-1" });
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ detail: "A server error occurred." });
    expect(text).not.toMatch(/SELECT|videos|owner_id|\/srv\/|\.ts:|\bat\b/);

    const logged = logger.failures.slice(before);
    expect(logged).toHaveLength(1);
    expect(logged[0]?.details).toMatchObject({
      requestId: "bug-1",
      method: "GET",
      path: "/api/v0/bug/",
      status: 500,
    });
    expect((logged[0]?.details as { error: Error }).error.message).toBe(SQL_MESSAGE);
  });

  it("logs a fault answered 503 but no client error", async () => {
    const before = logger.failures.length;
    await get("/api/v0/database-down/", { "X-Request-Id": "db-1" }).then((response) => response.text());
    await get("/api/v0/missing/").then((response) => response.text());
    await get("/api/v0/invalid/").then((response) => response.text());
    const logged = logger.failures.slice(before);
    expect(logged.map(({ details }) => (details as { requestId: string }).requestId)).toEqual(["db-1"]);
  });

  it("drops headers that described the body the handler meant to send", async () => {
    const response = await get("/api/v0/download/");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-disposition")).toBeNull();
  });
});

describe("unmatched paths", () => {
  it("answers an unmatched API path with a JSON 404", async () => {
    for (const path of ["/api/v0/nothing-here/", "/api/", "/api"]) {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({ detail: "Not found." });
    }
  });

  it("keeps a 404 body a route answered itself", async () => {
    const response = await get("/api/v0/explicit-404/");
    expect(await response.json()).toEqual({ detail: "No Video matches the given query." });
  });

  it("leaves other paths to the pages (no JSON)", async () => {
    const response = await get("/apiary/");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type") ?? "").not.toMatch(/json/);
    await response.text();
  });
});
