import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Router from "@koa/router";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeKoaApp } from "../../src/http/koa-app.js";
import { webPagePolicy, webRoutes } from "../../src/web/web-routes.js";
import { webAssetsDir } from "../../src/web/web-assets.js";

/**
 * The web UI's serving on a built UI made up for the test: the shell for pages (404 for other
 * paths), hashed assets cached for good, reserved paths left to the API, and the CSP.
 */
const CDN = "http://127.0.0.1:9";
const SHELL =
  '<!doctype html><html lang="en"><head><title>OVS</title></head><body><div id="root"></div></body></html>';
const KEY = "0123456789abcdef0123456789abcdef";

let server: Server;
let base = "";
let assetsDir = "";

beforeAll(async () => {
  assetsDir = mkdtempSync(join(tmpdir(), "ovs-web-dist-"));
  mkdirSync(join(assetsDir, "assets"));
  writeFileSync(join(assetsDir, "index.html"), SHELL);
  writeFileSync(join(assetsDir, "assets", "index-abc123.js"), "console.log(1);");
  const app = makeKoaApp({ logger: { error: () => undefined }, mediaSources: [] });
  const api = new Router();
  api.get("/api/v0/me/", (ctx) => {
    ctx.body = { user: null };
  });
  app.use(api.routes());
  app.use(webRoutes({ assetsDir, mediaOrigins: [CDN], dropboxChooser: false }));
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(assetsDir, { recursive: true, force: true });
});

const get = (path: string) => fetch(`${base}${path}`, { redirect: "manual" });

describe("the web UI's routes", () => {
  it("answer every page, upstream's URLs included, with the uncached shell and a strict CSP", async () => {
    for (const path of [
      "/collections/",
      `/collections/${KEY}/`,
      `/collections/${KEY}`,
      `/collections/${KEY}/settings/`,
      `/videos/${KEY}/`,
      "/tokens/",
      "/edx-endpoints/",
      "/help/",
      "/help/anything",
      "/terms/",
    ]) {
      const answer = await get(path);
      expect(answer.status, path).toBe(200);
      expect(answer.headers.get("content-type"), path).toMatch(/^text\/html/);
      expect(answer.headers.get("cache-control"), path).toBe("no-cache");
      const policy = answer.headers.get("content-security-policy") ?? "";
      expect(policy, path).toContain("script-src 'self';");
      expect(policy, path).toContain("frame-ancestors 'none'");
      expect(policy, path).not.toContain("unsafe-inline");
      expect(policy, path).toContain(`media-src 'self' ${CDN} blob:`);
      expect(policy, path).toContain(`connect-src 'self' ${CDN}`);
      expect(await answer.text(), path).toBe(SHELL);
    }
  });

  it("let any site frame the embed page, and only that one", async () => {
    const answer = await get(`/videos/${KEY}/embed/`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-security-policy")).toContain("frame-ancestors *");
  });

  it("send / to the collections and answer other paths with the shell and 404", async () => {
    const root = await get("/");
    expect(root.status).toBe(302);
    expect(root.headers.get("location")).toBe("/collections/");
    const missing = await get("/no/such/page/");
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe(SHELL);
    // A key that is not 32 hex characters is no page.
    expect((await get("/videos/not-a-key/")).status).toBe(404);
  });

  it("serve hashed assets with a year-long immutable cache, and nothing outside them", async () => {
    const asset = await get("/static/assets/index-abc123.js");
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(asset.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(await asset.text()).toBe("console.log(1);");
    expect((await get("/static/assets/missing.js")).status).toBe(404);
    expect((await get("/static/assets/..%2Findex.html")).status).toBe(404);
    expect((await get("/static/index.html")).status).toBe(404);
  });

  it("leave the API, sign-in, dev tools and health to their own routes", async () => {
    expect(await (await get("/api/v0/me/")).json()).toEqual({ user: null });
    const unknownApi = await get("/api/v0/nothing/");
    expect(unknownApi.status).toBe(404);
    expect(await unknownApi.json()).toEqual({ detail: "Not found." });
    for (const path of ["/login/", "/logout/", "/auth/x/", "/dev/mail", "/health/readiness", "/metrics"]) {
      const answer = await get(path);
      expect(answer.status, path).toBe(404);
      expect(await answer.text(), path).not.toBe(SHELL);
    }
  });

  it("allow Dropbox's Chooser script only when Dropbox is configured", () => {
    expect(webPagePolicy({ mediaOrigins: [], dropboxChooser: false }, false)).not.toContain("dropbox");
    expect(webPagePolicy({ mediaOrigins: [], dropboxChooser: true }, false)).toContain(
      "script-src 'self' https://www.dropbox.com;",
    );
    expect(() =>
      webPagePolicy({ mediaOrigins: ["x; script-src *"], dropboxChooser: false }, false),
    ).toThrow();
  });

  it("find the built UI in the @ovs/web package", () => {
    expect(webAssetsDir()).toMatch(/packages[/\\]web[/\\]dist$/);
  });
});
