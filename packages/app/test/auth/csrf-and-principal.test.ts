import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UserId } from "@ovs/domain";
import {
  startOidcTestIssuer,
  type OidcTestIssuer,
} from "../../../adapters-http/test/support/oidc-test-issuer.js";
import {
  CSRF_COOKIE_NAME,
  CSRF_FAILURE_DETAIL,
  INVALID_TOKEN_DETAIL,
  TOKEN_IN_QUERY_DETAIL,
  type BearerIdentity,
} from "../../src/auth/index.js";
import { signIn, startAuthTestApp, TestBrowser, type AuthTestApp } from "./support/auth-test-app.js";

const API_TOKEN = "ovs_abcdefghijklmnopqrstuvwxyz012345";
const robot: BearerIdentity = {
  user: {
    id: 4242 as UserId,
    username: "robot@ovs.local",
    email: "robot@ovs.local",
    isSuperuser: false,
    isStaff: true,
  },
  groups: ["Robots"],
};

describe("CSRF and the principal", () => {
  let issuer: OidcTestIssuer;
  let app: AuthTestApp;
  let browser: TestBrowser;

  beforeAll(async () => {
    issuer = await startOidcTestIssuer({ claimsInIdToken: true });
    app = await startAuthTestApp(issuer, { tokens: new Map([[API_TOKEN, robot]]) });
    browser = new TestBrowser(app.url);
    await signIn(browser, app, issuer, "staff");
  });

  afterAll(async () => {
    await app.close();
    await issuer.close();
  });

  describe("CSRF", () => {
    it("issues a readable csrftoken cookie on a GET that lacks one, and keeps it afterwards", async () => {
      const anonymous = new TestBrowser(app.url);
      const body = (await anonymous.json("/whoami")) as { csrfToken: string };
      const header = anonymous.setCookie(CSRF_COOKIE_NAME) ?? "";
      expect(header).not.toMatch(/; httponly/i);
      expect(header).toMatch(/; samesite=lax/i);
      expect(header).toMatch(/; path=\//);
      const token = anonymous.cookie(CSRF_COOKIE_NAME) ?? "";
      expect(token).toMatch(/^[A-Za-z0-9_-]{32,}$/);
      expect(body.csrfToken).toBe(token);
      await anonymous.request("/whoami");
      expect(anonymous.setCookie(CSRF_COOKIE_NAME)).toBeUndefined();
      expect(anonymous.cookie(CSRF_COOKIE_NAME)).toBe(token);
    });

    it("replaces a csrftoken cookie of the wrong format", async () => {
      const other = new TestBrowser(app.url);
      other.setCookieValue(CSRF_COOKIE_NAME, "short");
      await other.request("/whoami");
      expect(other.cookie(CSRF_COOKIE_NAME)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it.each(["POST", "PUT", "PATCH", "DELETE"])(
      "refuses %s with a session and no or a wrong X-CSRFToken, and lets it through with the right one",
      async (method) => {
        const token = browser.cookie(CSRF_COOKIE_NAME) ?? "";
        for (const headers of [{}, { "X-CSRFToken": `${token.slice(0, -1)}x` }, { "X-CSRFToken": "" }]) {
          const refused = await browser.request("/things", { method, headers });
          expect(refused.status).toBe(403);
          expect(await refused.json()).toEqual({ detail: CSRF_FAILURE_DETAIL });
        }
        const passed = await browser.request("/things", { method, headers: { "X-CSRFToken": token } });
        expect(passed.status).toBe(200);
        expect(await passed.json()).toMatchObject({
          done: method,
          authenticatedBy: "session",
          principal: { username: "staff@ovs.local" },
        });
      },
    );

    it("refuses a session request whose header matches no cookie (the cookie was dropped)", async () => {
      const token = browser.cookie(CSRF_COOKIE_NAME) ?? "";
      const session = browser.cookies.get("ovs_session")?.value ?? "";
      const response = await fetch(`${app.url}/things`, {
        method: "POST",
        headers: { cookie: `ovs_session=${session}`, "X-CSRFToken": token },
      });
      expect(response.status).toBe(403);
    });

    it("lets a bearer request through without a CSRF token, even with a session cookie", async () => {
      const headers = { Authorization: `Bearer ${API_TOKEN}` };
      const bare = await fetch(`${app.url}/things`, { method: "POST", headers });
      expect(bare.status).toBe(200);
      expect(await bare.json()).toMatchObject({
        authenticatedBy: "bearer",
        principal: { username: "robot@ovs.local" },
      });
      const withSession = await browser.request("/things", { method: "DELETE", headers });
      expect(withSession.status).toBe(200);
      expect(await withSession.json()).toMatchObject({ authenticatedBy: "bearer" });
    });

    it("lets an anonymous write through to the route, which decides", async () => {
      const response = await fetch(`${app.url}/things`, { method: "POST" });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        authenticatedBy: "none",
        principal: { _tag: "Anonymous" },
      });
    });
  });

  describe("the principal", () => {
    it("is the bearer token's user and groups", async () => {
      const response = await fetch(`${app.url}/protected`, {
        headers: { Authorization: `bearer ${API_TOKEN}` },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        authenticatedBy: "bearer",
        principal: {
          _tag: "User",
          id: 4242,
          username: "robot@ovs.local",
          email: "robot@ovs.local",
          isSuperuser: false,
          isStaff: true,
          groups: ["Robots"],
        },
      });
    });

    it.each([
      "Bearer unknown-token",
      "Bearer",
      "Bearer    ",
      "Bearer two tokens",
      "Bearer tok<en>",
      `Bearer ${"a".repeat(2000)}`,
    ])(
      "refuses %j with 401 Invalid token. and WWW-Authenticate: Bearer, even with a session",
      async (authorization) => {
        const response = await browser.request("/whoami", { headers: { Authorization: authorization } });
        expect(response.status).toBe(401);
        expect(response.headers.get("www-authenticate")).toMatch(/^Bearer\b/);
        expect(await response.json()).toEqual({ detail: INVALID_TOKEN_DETAIL });
      },
    );

    it("asks the authenticator only about well-formed tokens", async () => {
      const before = app.bearerLookups().length;
      await fetch(`${app.url}/whoami`, { headers: { Authorization: "Bearer two tokens" } });
      await fetch(`${app.url}/whoami`, { headers: { Authorization: "Bearer unknown-token" } });
      expect(app.bearerLookups().slice(before)).toEqual(["unknown-token"]);
    });

    it("ignores other authorization schemes and falls back to the session", async () => {
      const response = await browser.request("/whoami", { headers: { Authorization: "Basic dXNlcjpwYXNz" } });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ authenticatedBy: "session" });
    });

    it.each(["token", "access_token"])(
      "refuses a token in the query string (?%s=) with 400 and never uses it",
      async (name) => {
        const before = app.bearerLookups().length;
        for (const path of [`/protected?${name}=${API_TOKEN}`, `/things?a=1&${name}=`]) {
          const response = await browser.request(path, {
            method: path.startsWith("/things") ? "POST" : "GET",
          });
          expect(response.status).toBe(400);
          expect(await response.json()).toEqual({ detail: TOKEN_IN_QUERY_DETAIL });
        }
        expect(app.bearerLookups().length).toBe(before);
      },
    );

    it("is anonymous without credentials", async () => {
      expect(await (await fetch(`${app.url}/whoami`)).json()).toMatchObject({
        authenticatedBy: "none",
        principal: { _tag: "Anonymous" },
      });
    });
  });
});
