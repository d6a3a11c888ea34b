import { Option, Redacted } from "effect";
import { startTestService } from "./support/test-service.js";
import type { TestService } from "./support/test-service.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeycloakSignIn, makeKeycloakSignInSettings } from "@ovs/adapters-http";
import { run } from "@ovs/domain/testing";
import {
  CLIENTS,
  signInThroughIssuer,
  startOidcTestIssuer,
  type OidcTestIssuer,
} from "../../../adapters-http/test/support/oidc-test-issuer.js";
import { CSRF_COOKIE_NAME, CSRF_FAILURE_DETAIL, DEFAULT_SESSION_COOKIE_NAME } from "../../src/auth/index.js";
import type { Ovs } from "../../src/composition/create-ovs.js";
import { TestBrowser } from "../auth/support/auth-test-app.js";

/**
 * Sign-in end to end as `ovs serve` composes it: `createOvs` on the `test` profile, given a real
 * `KeycloakSignIn` pointed at the real OIDC test issuer, mounted in `makeKoaApp` on loopback, and
 * driven by a cookie-jar browser through the issuer's login and consent pages.
 */
let issuer: OidcTestIssuer;
let ovs: Ovs;
let service: TestService;
let base: string;

type CollectionList = { count: number; results: Array<{ key: string; title: string }> };

beforeAll(async () => {
  issuer = await startOidcTestIssuer({ claimsInIdToken: true });
  const signIn = new KeycloakSignIn(
    makeKeycloakSignInSettings({
      issuerUrl: issuer.issuer,
      clientId: CLIENTS.basic.id,
      clientSecret: Redacted.make(CLIENTS.basic.secret),
      redirectUri: issuer.redirectUri,
      postLogoutRedirectUri: issuer.postLogoutRedirectUri,
      allowInsecureRequests: true,
    }),
  );
  service = await startTestService({ signIn });
  ovs = service.ovs;
  base = service.base;
});

afterAll(async () => {
  await service.stop();
  await issuer.close();
});

/** `GET /login/?next=…` and the issuer's pages as `login`; the callback on this app, not yet visited. */
const startSignIn = async (browser: TestBrowser, login: string, next?: string): Promise<string> => {
  const response = await browser.request(
    next === undefined ? "/login/" : `/login/?${new URLSearchParams({ next }).toString()}`,
  );
  expect(response.status).toBe(302);
  const authorizationUrl = response.headers.get("location") ?? "";
  expect(new URL(authorizationUrl).origin).toBe(issuer.issuer);
  const callback = new URL(await signInThroughIssuer(authorizationUrl, login, issuer.redirectUri));
  expect(callback.pathname).toBe("/auth/complete/keycloak/");
  return `${base}${callback.pathname}${callback.search}`;
};

const signIn = async (browser: TestBrowser, login: string, next?: string): Promise<Response> =>
  browser.request(await startSignIn(browser, login, next));

const newCollection = (title: string) => JSON.stringify({ title, view_lists: [], admin_lists: [] });

describe("sign-in through createOvs against a real OIDC issuer", () => {
  it("signs a staff user in, lands on next, and uses the API with the session and CSRF token", async () => {
    const browser = new TestBrowser(base);
    const completed = await signIn(browser, "staff", "/api/v0/collections/");
    expect(completed.status).toBe(302);
    expect(completed.headers.get("location")).toBe("/api/v0/collections/");
    expect(browser.cookie(DEFAULT_SESSION_COOKIE_NAME)).toBeDefined();
    const csrfToken = browser.cookie(CSRF_COOKIE_NAME) ?? "";
    expect(csrfToken).not.toBe("");

    // The issuer's group claims (/Staff) made a staff user in the app's store.
    const stored = Option.getOrThrow(await run(ovs.ports.users.findByUsername("staff@ovs.local")));
    expect(stored).toMatchObject({ email: "staff@ovs.local", isStaff: true, isSuperuser: false });

    const landing = await browser.request(completed.headers.get("location") ?? "");
    expect(landing.status).toBe(200);
    expect(((await landing.json()) as CollectionList).count).toBe(0);

    const refused = await browser.request("/api/v0/collections/", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ detail: CSRF_FAILURE_DETAIL });

    // The test browser sends no bodies: the same cookies, by hand.
    const created = await fetch(`${base}/api/v0/collections/`, {
      method: "POST",
      headers: {
        cookie: [...browser.cookies]
          .filter(([, stored]) => stored.path === "/")
          .map(([name, stored]) => `${name}=${stored.value}`)
          .join("; "),
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken,
      },
      body: newCollection("Signed-in collection"),
    });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };

    const listed = (await browser.json("/api/v0/collections/")) as CollectionList;
    expect(listed.results.map((item) => item.key)).toContain(key);
    // Anonymous callers do not see it.
    const anonymous = (await (await fetch(`${base}/api/v0/collections/`)).json()) as CollectionList;
    expect(anonymous.results.map((item) => item.key)).not.toContain(key);

    // Logout clears the session: the next API call is anonymous.
    const logout = await browser.request("/logout/");
    expect(logout.status).toBe(302);
    const location = new URL(logout.headers.get("location") ?? "");
    expect(location.origin).toBe(issuer.issuer);
    expect(location.searchParams.has("id_token_hint")).toBe(true);
    expect(browser.cookie(DEFAULT_SESSION_COOKIE_NAME)).toBeUndefined();
    const after = (await browser.json("/api/v0/collections/")) as CollectionList;
    expect(after.results.map((item) => item.key)).not.toContain(key);
    const afterWrite = await browser.request("/api/v0/collections/", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": browser.cookie(CSRF_COOKIE_NAME) ?? "" },
    });
    expect(afterWrite.status).toBe(403);
    expect(await afterWrite.json()).not.toEqual({ detail: CSRF_FAILURE_DETAIL });
  });

  it("refuses a callback whose state was tampered with, and starts no session", async () => {
    const browser = new TestBrowser(base);
    const callback = new URL(await startSignIn(browser, "staff", "/api/v0/collections/"));
    callback.searchParams.set("state", `${callback.searchParams.get("state") ?? ""}x`);
    const response = await browser.request(callback.href);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/Sign-in failed/);
    expect(browser.cookie(DEFAULT_SESSION_COOKIE_NAME)).toBeUndefined();
    const write = await browser.request("/api/v0/collections/", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": browser.cookie(CSRF_COOKIE_NAME) ?? "" },
    });
    expect(write.status).toBe(403); // anonymous, not a CSRF failure
    expect(await write.json()).not.toEqual({ detail: CSRF_FAILURE_DETAIL });
  });

  it.each(["https://elsewhere.example/", "//elsewhere.example/"])("lands on / for next=%j", async (next) => {
    const browser = new TestBrowser(base);
    const completed = await signIn(browser, "user", next);
    expect(completed.status).toBe(302);
    expect(completed.headers.get("location")).toBe("/");
    expect(browser.cookie(DEFAULT_SESSION_COOKIE_NAME)).toBeDefined();
  });
});
