import type { Duration } from "effect";
import { randomBytes } from "node:crypto";
import Koa from "koa";
import type { UserId } from "@ovs/domain";
import { InMemoryClock } from "@ovs/domain/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackServer } from "../../../adapters-http/test/support/loopback-server.js";
import {
  startOidcTestIssuer,
  type OidcTestIssuer,
} from "../../../adapters-http/test/support/oidc-test-issuer.js";
import {
  DEFAULT_SESSION_COOKIE_NAME,
  makeCookieSeal,
  makeSessionCookie,
  type SessionState,
} from "../../src/auth/index.js";
import {
  SECRET_KEY,
  signIn,
  startAuthTestApp,
  TestBrowser,
  type AuthTestApp,
} from "./support/auth-test-app.js";

const authenticatedBy = async (browser: TestBrowser): Promise<string> =>
  ((await browser.json("/whoami")) as { authenticatedBy: string }).authenticatedBy;

describe("the session cookie", () => {
  let issuer: OidcTestIssuer;
  let app: AuthTestApp;

  beforeAll(async () => {
    issuer = await startOidcTestIssuer({ claimsInIdToken: true });
    app = await startAuthTestApp(issuer, { idleLifetime: "30 minutes", absoluteLifetime: "2 hours" });
  });

  afterAll(async () => {
    await app.close();
    await issuer.close();
  });

  const signedIn = async (): Promise<TestBrowser> => {
    const browser = new TestBrowser(app.url);
    await signIn(browser, app, issuer, "user");
    expect(await authenticatedBy(browser)).toBe("session");
    return browser;
  };

  /** Moves the app's clock for one test only. */
  const travel = async (
    steps: ReadonlyArray<Duration.DurationInput>,
    work: () => Promise<void>,
  ): Promise<void> => {
    const start = app.clock.now();
    try {
      for (const step of steps) app.clock.advance(step);
      await work();
    } finally {
      app.clock.set(start);
    }
  };

  it("is ignored and cleared when tampered with", async () => {
    const browser = await signedIn();
    const sealed = browser.cookie(DEFAULT_SESSION_COOKIE_NAME) ?? "";
    for (const tampered of [
      `${sealed.slice(0, 30)}${sealed[30] === "A" ? "B" : "A"}${sealed.slice(31)}`,
      sealed.slice(0, -4),
      `${sealed}AAAA`,
      "not-a-session",
      "",
    ]) {
      browser.setCookieValue(DEFAULT_SESSION_COOKIE_NAME, tampered);
      const response = await browser.request("/protected");
      expect(response.status).toBe(403);
      if (tampered !== "")
        expect(browser.setCookie(DEFAULT_SESSION_COOKIE_NAME)).toMatch(/expires=Thu, 01 Jan 1970/i);
    }
  });

  it("is ignored when sealed with another key, or for another purpose", async () => {
    const browser = await signedIn();
    const now = Date.now();
    const payload = { uid: 1, usr: "admin@ovs.local", grp: ["Admin"], idt: null, iat: now, seen: now };
    const forged = makeCookieSeal({
      secretKey: "another-secret-key-0123456789abcdefghijkl",
      purpose: "session",
    });
    browser.setCookieValue(DEFAULT_SESSION_COOKIE_NAME, forged.seal(payload));
    expect(await authenticatedBy(browser)).toBe("none");
    const otherPurpose = makeCookieSeal({ secretKey: SECRET_KEY, purpose: "sign-in" });
    browser.setCookieValue(DEFAULT_SESSION_COOKIE_NAME, otherPurpose.seal(payload));
    expect(await authenticatedBy(browser)).toBe("none");
  });

  it("is ignored when the sealed payload is not a session", async () => {
    const browser = await signedIn();
    const seal = makeCookieSeal({ secretKey: SECRET_KEY, purpose: "session" });
    browser.setCookieValue(DEFAULT_SESSION_COOKIE_NAME, seal.seal({ uid: "1", usr: "user@ovs.local" }));
    expect(await authenticatedBy(browser)).toBe("none");
  });

  it("ends when the user it names no longer matches", async () => {
    const browser = await signedIn();
    const seal = makeCookieSeal({ secretKey: SECRET_KEY, purpose: "session" });
    const now = app.clock.now().getTime();
    browser.setCookieValue(
      DEFAULT_SESSION_COOKIE_NAME,
      seal.seal({ uid: 999_999, usr: "ghost@ovs.local", grp: [], idt: null, iat: now, seen: now }),
    );
    expect(await authenticatedBy(browser)).toBe("none");
    expect(browser.setCookie(DEFAULT_SESSION_COOKIE_NAME)).toMatch(/expires=Thu, 01 Jan 1970/i);
  });

  it("refreshes lastSeenAt at most once a minute", async () => {
    const browser = await signedIn();
    const first = browser.cookie(DEFAULT_SESSION_COOKIE_NAME);
    await travel(["30 seconds"], async () => {
      expect(await authenticatedBy(browser)).toBe("session");
      expect(browser.setCookie(DEFAULT_SESSION_COOKIE_NAME)).toBeUndefined();
      app.clock.advance("31 seconds");
      expect(await authenticatedBy(browser)).toBe("session");
      const refreshed = browser.setCookie(DEFAULT_SESSION_COOKIE_NAME) ?? "";
      expect(refreshed).toMatch(/; httponly/i);
      expect(browser.cookie(DEFAULT_SESSION_COOKIE_NAME)).not.toBe(first);
    });
  });

  it("ends after the idle lifetime without use", async () => {
    const browser = await signedIn();
    await travel(["29 minutes"], async () => {
      expect(await authenticatedBy(browser)).toBe("session"); // and refreshed
      app.clock.advance("29 minutes");
      expect(await authenticatedBy(browser)).toBe("session");
      app.clock.advance("31 minutes");
      expect(await authenticatedBy(browser)).toBe("none");
      expect(browser.cookie(DEFAULT_SESSION_COOKIE_NAME)).toBeUndefined();
    });
  });

  it("ignores a stale cookie replayed after the idle lifetime, even though a newer one exists", async () => {
    const browser = await signedIn();
    const stale = browser.cookie(DEFAULT_SESSION_COOKIE_NAME) ?? "";
    await travel(["20 minutes"], async () => {
      expect(await authenticatedBy(browser)).toBe("session");
      app.clock.advance("15 minutes");
      expect(await authenticatedBy(browser)).toBe("session");
      browser.setCookieValue(DEFAULT_SESSION_COOKIE_NAME, stale);
      expect(await authenticatedBy(browser)).toBe("none");
    });
  });

  it("ends after the absolute lifetime however much it is used", async () => {
    const browser = await signedIn();
    await travel([], async () => {
      for (let step = 0; step < 7; step += 1) {
        app.clock.advance("17 minutes");
        expect(await authenticatedBy(browser)).toBe("session");
      }
      app.clock.advance("17 minutes"); // 2 h 16 min after sign-in, last seen 17 minutes ago
      expect(await authenticatedBy(browser)).toBe("none");
      expect(browser.cookie(DEFAULT_SESSION_COOKIE_NAME)).toBeUndefined();
    });
  });

  it("lets the cookie expire no later than the session does", async () => {
    const expiresIn = (browser: TestBrowser): number => {
      const header = browser.setCookie(DEFAULT_SESSION_COOKIE_NAME) ?? "";
      const expires = /expires=([^;]+)/i.exec(header)?.[1] ?? "";
      return Math.round((Date.parse(expires) - Date.now()) / 60_000);
    };
    const browser = new TestBrowser(app.url);
    await signIn(browser, app, issuer, "user");
    expect(expiresIn(browser)).toBe(30); // the idle lifetime
    await travel([], async () => {
      for (let step = 0; step < 3; step += 1) {
        app.clock.advance("25 minutes");
        expect(await authenticatedBy(browser)).toBe("session");
        expect(expiresIn(browser)).toBe(30);
      }
      app.clock.advance("20 minutes"); // 1 h 35 min after sign-in: 25 minutes of the absolute lifetime left
      expect(await authenticatedBy(browser)).toBe("session");
      expect(expiresIn(browser)).toBe(25);
      app.clock.advance("20 minutes");
      expect(await authenticatedBy(browser)).toBe("session");
      expect(expiresIn(browser)).toBe(5);
    });
  });
});

describe("the session cookie across a secret key rotation", () => {
  let issuer: OidcTestIssuer;

  beforeAll(async () => {
    issuer = await startOidcTestIssuer({ claimsInIdToken: true });
  });

  afterAll(async () => {
    await issuer.close();
  });

  it("still opens with the previous key listed as a fallback, and not once it is dropped", async () => {
    const before = await startAuthTestApp(issuer);
    const browser = new TestBrowser(before.url);
    await signIn(browser, before, issuer, "user");
    const sealed = browser.cookie(DEFAULT_SESSION_COOKIE_NAME) ?? "";
    await before.close();

    const newKey = "the-new-secret-key-0123456789abcdefghijklmnop";
    for (const [fallbackSecretKeys, expected] of [
      [[SECRET_KEY], "session"],
      [[], "none"],
    ] as const) {
      const after = await startAuthTestApp(issuer, {
        secretKey: newKey,
        fallbackSecretKeys,
        users: before.users,
      });
      const next = new TestBrowser(after.url);
      next.setCookieValue(DEFAULT_SESSION_COOKIE_NAME, sealed);
      expect(await authenticatedBy(next)).toBe(expected);
      await after.close();
    }
  });
});

describe("a session too big for a cookie", () => {
  it("drops the ID token rather than the session", async () => {
    const sessions = makeSessionCookie({
      secretKey: SECRET_KEY,
      clock: new InMemoryClock(),
      idleLifetime: "30 minutes",
      absoluteLifetime: "2 hours",
      insecure: true,
    });
    const app = new Koa<SessionState>();
    app.use(sessions.middleware);
    app.use((ctx) => {
      if (ctx.path === "/start") {
        const idToken = ctx.query["big"] === "1" ? randomBytes(4000).toString("base64url") : "small.id.token";
        sessions.start(ctx, {
          userId: 1 as UserId,
          username: "user@ovs.local",
          groups: ["Regular"],
          idToken,
        });
      }
      ctx.body = {
        idToken: ctx.state.session?.idToken ?? null,
        username: ctx.state.session?.username ?? null,
      };
    });
    const server = await startLoopbackServer(app.callback());
    try {
      for (const [big, expected] of [
        ["0", "small.id.token"],
        ["1", null],
      ] as const) {
        const browser = new TestBrowser(server.url);
        expect(await browser.json(`/start?big=${big}`)).toEqual({
          idToken: expected,
          username: "user@ovs.local",
        });
        expect((browser.cookie(DEFAULT_SESSION_COOKIE_NAME) ?? "").length).toBeLessThan(3800);
        expect(await browser.json("/read")).toEqual({ idToken: expected, username: "user@ovs.local" });
      }
    } finally {
      await server.close();
    }
  });
});
