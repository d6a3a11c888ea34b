import { Option } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "@ovs/domain/testing";
import {
  signInThroughIssuer,
  startOidcTestIssuer,
  type OidcTestIssuer,
} from "../../../adapters-http/test/support/oidc-test-issuer.js";
import {
  CSRF_COOKIE_NAME,
  DEFAULT_SESSION_COOKIE_NAME,
  PENDING_SIGN_IN_COOKIE_NAME,
} from "../../src/auth/index.js";
import {
  signIn,
  startAuthTestApp,
  startSignIn,
  TestBrowser,
  type AuthTestApp,
} from "./support/auth-test-app.js";

const decodeJwtPayload = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;

describe("sign-in routes against a real OIDC issuer", () => {
  let issuer: OidcTestIssuer;
  let app: AuthTestApp;

  beforeAll(async () => {
    issuer = await startOidcTestIssuer({ claimsInIdToken: true });
    app = await startAuthTestApp(issuer);
  });

  afterAll(async () => {
    await app.close();
    await issuer.close();
  });

  it("signs in: issuer → callback → session cookie → a protected route sees the user and groups", async () => {
    const browser = new TestBrowser(app.url);
    expect((await browser.request("/protected")).status).toBe(403);

    const next = new URLSearchParams({ next: "/collections/abc def?tab=videos" });
    const login = await browser.request(`/login/?${next.toString()}`);
    expect(login.status).toBe(302);
    const authorizationUrl = new URL(login.headers.get("location") ?? "");
    expect(authorizationUrl.origin).toBe(issuer.issuer);
    expect(authorizationUrl.searchParams.get("code_challenge_method")).toBe("S256");
    expect(login.headers.get("cache-control")).toBe("no-store");
    const pendingCookie = browser.setCookie(PENDING_SIGN_IN_COOKIE_NAME) ?? "";
    expect(pendingCookie).toMatch(/; path=\/auth\/complete\/keycloak\//);
    expect(pendingCookie).toMatch(/; httponly/i);
    expect(pendingCookie).toMatch(/; samesite=lax/i);
    // Sealed: the state and the verifier are not readable in the cookie.
    const state = authorizationUrl.searchParams.get("state") ?? "";
    expect(
      Buffer.from(browser.cookie(PENDING_SIGN_IN_COOKIE_NAME) ?? "", "base64url").toString("latin1"),
    ).not.toContain(state);

    const callback = new URL(await signInThroughIssuer(authorizationUrl.href, "staff", issuer.redirectUri));
    const completed = await browser.request(`${callback.pathname}${callback.search}`);
    expect(completed.status).toBe(302);
    expect(completed.headers.get("location")).toBe("/collections/abc%20def?tab=videos");
    const sessionCookie = browser.setCookie(DEFAULT_SESSION_COOKIE_NAME) ?? "";
    expect(sessionCookie).toMatch(/; httponly/i);
    expect(sessionCookie).toMatch(/; samesite=lax/i);
    expect(sessionCookie).not.toMatch(/; secure/i); // this app is the insecure (local, http) profile
    expect(sessionCookie).not.toContain("staff@ovs.local");
    expect(browser.cookie(PENDING_SIGN_IN_COOKIE_NAME)).toBeUndefined(); // used once
    expect(browser.cookie(CSRF_COOKIE_NAME)).toMatch(/^[A-Za-z0-9_-]{43}$/); // rotated at sign-in

    const protectedPage = await browser.request("/protected");
    expect(protectedPage.status).toBe(200);
    const stored = Option.getOrThrow(await run(app.users.findByUsername("staff@ovs.local")));
    expect(await protectedPage.json()).toEqual({
      authenticatedBy: "session",
      principal: {
        _tag: "User",
        id: stored.id,
        username: "staff@ovs.local",
        email: "staff@ovs.local",
        isSuperuser: false,
        isStaff: true,
        groups: ["Staff", "physics-admins"],
      },
    });
    expect(stored).toMatchObject({ isStaff: true, isSuperuser: false });
  });

  it("updates the same user on the next sign-in, rotating the session cookie", async () => {
    const browser = new TestBrowser(app.url);
    await signIn(browser, app, issuer, "admin");
    const first = browser.cookie(DEFAULT_SESSION_COOKIE_NAME);
    const firstCsrf = browser.cookie(CSRF_COOKIE_NAME);
    const firstUser = (await browser.json("/whoami")) as { principal: { id: number; isSuperuser: boolean } };
    expect(firstUser.principal.isSuperuser).toBe(true);

    await signIn(browser, app, issuer, "admin");
    expect(browser.cookie(DEFAULT_SESSION_COOKIE_NAME)).toBeDefined();
    expect(browser.cookie(DEFAULT_SESSION_COOKIE_NAME)).not.toBe(first);
    expect(browser.cookie(CSRF_COOKIE_NAME)).not.toBe(firstCsrf);
    const again = (await browser.json("/whoami")) as { principal: { id: number } };
    expect(again.principal.id).toBe(firstUser.principal.id);
  });

  it("replaces another user's session when someone else signs in on the same browser", async () => {
    const browser = new TestBrowser(app.url);
    await signIn(browser, app, issuer, "admin");
    await signIn(browser, app, issuer, "user");
    const whoami = (await browser.json("/whoami")) as { principal: { username: string; groups: string[] } };
    expect(whoami.principal).toMatchObject({ username: "user@ovs.local", groups: ["Regular"] });
  });

  it("lands on / without next", async () => {
    const browser = new TestBrowser(app.url);
    const completed = await signIn(browser, app, issuer, "user");
    expect(completed.headers.get("location")).toBe("/");
  });

  it.each([
    "https://elsewhere.example/",
    "//elsewhere.example/",
    "/\\elsewhere.example/",
    "javascript:alert(document.cookie)",
    "/\t/elsewhere.example/",
    "http:/elsewhere.example",
  ])("lands on / for the open redirect attempt %j", async (next) => {
    const browser = new TestBrowser(app.url);
    const completed = await signIn(browser, app, issuer, "user", next);
    expect(completed.status).toBe(302);
    expect(completed.headers.get("location")).toBe("/");
  });

  it("refuses a callback whose state was tampered with, and starts no session", async () => {
    const browser = new TestBrowser(app.url);
    const callback = new URL(await startSignIn(browser, app, issuer, "user"));
    callback.searchParams.set("state", `${callback.searchParams.get("state") ?? ""}x`);
    const response = await browser.request(callback.href);
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await response.text()).toMatch(/Sign-in failed[\s\S]*invalid, has expired or was already used/);
    expect(browser.cookie(DEFAULT_SESSION_COOKIE_NAME)).toBeUndefined();
    expect(((await browser.json("/whoami")) as { authenticatedBy: string }).authenticatedBy).toBe("none");
  });

  it("refuses a callback whose pending sign-in cookie was tampered with, or is missing", async () => {
    const browser = new TestBrowser(app.url);
    const callback = await startSignIn(browser, app, issuer, "user");
    const sealed = browser.cookie(PENDING_SIGN_IN_COOKIE_NAME) ?? "";
    const flipped = `${sealed.slice(0, 20)}${sealed[20] === "A" ? "B" : "A"}${sealed.slice(21)}`;
    browser.setCookieValue(PENDING_SIGN_IN_COOKIE_NAME, flipped, "/auth/complete/keycloak/");
    expect((await browser.request(callback)).status).toBe(400);
    expect(browser.cookie(DEFAULT_SESSION_COOKIE_NAME)).toBeUndefined();

    const stranger = new TestBrowser(app.url); // a callback this browser never started
    expect((await stranger.request(callback)).status).toBe(400);
    expect(stranger.cookie(DEFAULT_SESSION_COOKIE_NAME)).toBeUndefined();
  });

  it("refuses a replayed callback, even with the pending cookie replayed too", async () => {
    const browser = new TestBrowser(app.url);
    const callback = await startSignIn(browser, app, issuer, "user");
    const pending = browser.cookie(PENDING_SIGN_IN_COOKIE_NAME) ?? "";
    expect((await browser.request(callback)).status).toBe(302);

    const replay = new TestBrowser(app.url);
    expect((await replay.request(callback)).status).toBe(400); // the pending cookie was used up
    replay.setCookieValue(PENDING_SIGN_IN_COOKIE_NAME, pending, "/auth/complete/keycloak/");
    const replayed = await replay.request(callback); // the issuer refuses the code a second time
    expect(replayed.status).toBe(400);
    expect(await replayed.text()).toContain("invalid_grant");
    expect(replay.cookie(DEFAULT_SESSION_COOKIE_NAME)).toBeUndefined();
  });

  it("refuses a pending sign-in older than its lifetime", async () => {
    const browser = new TestBrowser(app.url);
    const callback = await startSignIn(browser, app, issuer, "user");
    app.clock.advance("11 minutes");
    try {
      expect((await browser.request(callback)).status).toBe(400);
    } finally {
      app.clock.advance("-11 minutes");
    }
    expect(browser.cookie(DEFAULT_SESSION_COOKIE_NAME)).toBeUndefined();
  });

  it("logs out: clears the session and sends the browser to the issuer with id_token_hint", async () => {
    const browser = new TestBrowser(app.url);
    await signIn(browser, app, issuer, "staff");
    const response = await browser.request("/logout/");
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.origin).toBe(issuer.issuer);
    expect(location.searchParams.get("post_logout_redirect_uri")).toBe(issuer.postLogoutRedirectUri);
    const hint = decodeJwtPayload(location.searchParams.get("id_token_hint") ?? "");
    expect(hint).toMatchObject({ sub: "staff", aud: "ovs-basic", iss: issuer.issuer });
    expect(browser.setCookie(DEFAULT_SESSION_COOKIE_NAME)).toMatch(/expires=Thu, 01 Jan 1970/i);
    expect(browser.cookie(DEFAULT_SESSION_COOKIE_NAME)).toBeUndefined();
    expect(((await browser.json("/whoami")) as { authenticatedBy: string }).authenticatedBy).toBe("none");
  });

  it("logs out by POST with the CSRF header; without it the session stays", async () => {
    const browser = new TestBrowser(app.url);
    await signIn(browser, app, issuer, "staff");
    expect((await browser.request("/logout/", { method: "POST" })).status).toBe(403);
    expect(((await browser.json("/whoami")) as { authenticatedBy: string }).authenticatedBy).toBe("session");

    const response = await browser.request("/logout/", {
      method: "POST",
      headers: { "X-CSRFToken": browser.cookie(CSRF_COOKIE_NAME) ?? "" },
    });
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get("location") ?? "").searchParams.has("id_token_hint")).toBe(true);
    expect(browser.cookie(DEFAULT_SESSION_COOKIE_NAME)).toBeUndefined();
  });

  it("sends an anonymous logout to /", async () => {
    const browser = new TestBrowser(app.url);
    const response = await browser.request("/logout/");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/");
  });

  it("keeps the former login URL", async () => {
    const browser = new TestBrowser(app.url);
    const response = await browser.request("/auth/login/keycloak/?next=/videos/");
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get("location") ?? "").origin).toBe(issuer.issuer);
  });
});

describe("sign-in routes outside the local profile", () => {
  let issuer: OidcTestIssuer;
  let app: AuthTestApp;

  beforeAll(async () => {
    issuer = await startOidcTestIssuer({ claimsInIdToken: true });
    app = await startAuthTestApp(issuer, { insecure: false });
  });

  afterAll(async () => {
    await app.close();
    await issuer.close();
  });

  it("marks every cookie Secure behind an https proxy", async () => {
    const https = { "X-Forwarded-Proto": "https" };
    const browser = new TestBrowser(app.url);
    const login = await browser.request("/login/", { headers: https });
    expect(login.status).toBe(302);
    expect(browser.setCookie(PENDING_SIGN_IN_COOKIE_NAME)).toMatch(/; secure/i);
    const callback = new URL(
      await signInThroughIssuer(login.headers.get("location") ?? "", "user", issuer.redirectUri),
    );
    const completed = await browser.request(`${callback.pathname}${callback.search}`, { headers: https });
    expect(completed.status).toBe(302);
    expect(browser.setCookie(DEFAULT_SESSION_COOKIE_NAME)).toMatch(/; secure/i);
    expect(browser.setCookie(CSRF_COOKIE_NAME)).toMatch(/; secure/i);
    const whoami = (await browser.json("/whoami", { headers: https })) as { authenticatedBy: string };
    expect(whoami.authenticatedBy).toBe("session");
  });
});
