import { request as httpRequest } from "node:http";
import Router from "@koa/router";
import { paginationEnvelope } from "@ovs/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeKoaApp } from "../../src/http/koa-app.js";
import { makePaginationLinks } from "../../src/http/pagination-links.js";
import { recordingLogger, startKoa, type KoaTestServer } from "./support/koa-test-server.js";

const BASE_URL = "https://video.example.edu";
const COUNT = 9;

let server: KoaTestServer;

beforeAll(async () => {
  const links = makePaginationLinks(BASE_URL);
  const app = makeKoaApp({ logger: recordingLogger(), mediaSources: [] });
  const router = new Router();
  router.get("/api/v0/videos/", (ctx) => {
    const query = new URLSearchParams(ctx.querystring);
    const page = Number(query.get("page") ?? "1");
    const pageSize = Number(query.get("page_size") ?? "2");
    ctx.body = paginationEnvelope({
      count: COUNT,
      page,
      pageSize,
      results: [],
      ...links.pageNumberLinks(ctx, { page, count: COUNT, pageSize }),
    });
  });
  router.get("/api/v0/crawl/", (ctx) => {
    ctx.body = links.cursorLinks(ctx, { nextCursor: "eyJhIjoiMSJ9", page: 3 });
  });
  app.use(router.routes());
  server = await startKoa(app);
});

afterAll(async () => {
  await server.close();
});

/** A GET with whatever headers a client may forge; `fetch` would not send a chosen `Host`. */
const getJson = (path: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    const request = httpRequest({ host: "127.0.0.1", port: server.port, path, method: "GET", headers });
    request.on("response", (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown }),
      );
    });
    request.on("error", reject);
    request.end();
  });

describe("page-number links", () => {
  it("are absolute on the base URL, keeping the other parameters and replacing page", async () => {
    const { body } = await getJson("/api/v0/videos/?title=a%20b&page=2&page_size=2");
    expect(body).toMatchObject({
      count: COUNT,
      next: `${BASE_URL}/api/v0/videos/?page=3&page_size=2&title=a+b`,
      previous: `${BASE_URL}/api/v0/videos/?page_size=2&title=a+b`,
      start_index: 3,
      end_index: 4,
      num_pages: 5,
    });
  });

  it("use the base URL even when Host and X-Forwarded-* are forged", async () => {
    const { body } = await getJson("/api/v0/videos/?page=2", {
      Host: "evil.example",
      "X-Forwarded-Host": "evil.example",
      "X-Forwarded-Proto": "http",
      Forwarded: "host=evil.example;proto=http",
    });
    const { next, previous } = body as { next: string; previous: string };
    expect(next).toBe(`${BASE_URL}/api/v0/videos/?page=3`);
    expect(previous).toBe(`${BASE_URL}/api/v0/videos/`);
  });

  it("are null at either end", async () => {
    const first = (await getJson("/api/v0/videos/")).body as { next: string | null; previous: string | null };
    expect(first.previous).toBeNull();
    expect(first.next).toBe(`${BASE_URL}/api/v0/videos/?page=2`);
    const last = (await getJson("/api/v0/videos/?page=5")).body as { next: string | null };
    expect(last.next).toBeNull();
  });

  it("drop a cursor the request carried", () => {
    const links = makePaginationLinks(BASE_URL);
    const { nextUrl } = links.pageNumberLinks(
      { path: "/api/v0/videos/", querystring: "cursor=abc&page=1" },
      { page: 1, count: 3, pageSize: 1 },
    );
    expect(nextUrl).toBe(`${BASE_URL}/api/v0/videos/?page=2`);
  });
});

describe("cursor links", () => {
  it("replace the cursor, drop page, and point previous at the page before", async () => {
    const { body } = await getJson("/api/v0/crawl/?cursor=old&page=9&is_public=true", {
      Host: "evil.example",
    });
    expect(body).toEqual({
      nextUrl: `${BASE_URL}/api/v0/crawl/?cursor=eyJhIjoiMSJ9&is_public=true`,
      previousUrl: `${BASE_URL}/api/v0/crawl/?is_public=true&page=2`,
    });
  });

  it("have no next on the last page and no previous without a page number", () => {
    const links = makePaginationLinks(BASE_URL);
    expect(links.cursorLinks({ path: "/api/v0/crawl/", querystring: "" }, { nextCursor: null })).toEqual({
      nextUrl: null,
      previousUrl: null,
    });
  });
});

describe("the base URL", () => {
  it("may carry a path prefix, with or without a trailing slash", () => {
    for (const base of ["https://example.edu/ovs", "https://example.edu/ovs/"]) {
      const links = makePaginationLinks(base);
      expect(links.listUrl({ path: "/api/v0/videos/", querystring: "" })).toBe(
        "https://example.edu/ovs/api/v0/videos/",
      );
    }
  });

  it("keeps the links on its host whatever the request path looks like", () => {
    const links = makePaginationLinks(BASE_URL);
    const url = new URL(links.listUrl({ path: "//evil.example/api/v0/videos/", querystring: "" }));
    expect(url.host).toBe("video.example.edu");
  });

  it.each([
    ["not http", "ftp://video.example.edu"],
    ["a query", "https://video.example.edu/?x=1"],
    ["a fragment", "https://video.example.edu/#top"],
    ["credentials", "https://user:pass@video.example.edu"],
    ["not a URL", "video.example.edu"],
  ])("is refused with %s", (_case, base) => {
    expect(() => makePaginationLinks(base)).toThrow();
  });
});
