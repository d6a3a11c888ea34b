import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Effect, Redacted } from "effect";
import Koa from "koa";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
// The real sign-in of the app, as the local profile uses it (a test-only reach into adapters-http).
import {
  KeycloakSignIn,
  makeKeycloakSignInSettings,
  type PendingSignIn,
  type SignedIn,
} from "../../adapters-http/src/keycloak-sign-in.js";
import { makeDevOidcIssuer, type DevOidcIssuer } from "../src/dev-oidc-issuer.js";
import { addDevUser, devUserSubject, ensureDevUsersFile, type CreatedDevAccount } from "../src/dev-users.js";
import { FormBrowser, parseForm } from "./support/form-browser.js";

const MOUNT = "/dev/oidc";
const CONFIDENTIAL = { id: "ovs-local", secret: "ovs-local-client-secret" } as const;
const PUBLIC_CLIENT = "ovs-local-public";
const COOKIE_KEY = "a cookie key of the dev issuer tests";

interface IssuerApp {
  readonly base: string;
  readonly issuer: DevOidcIssuer;
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
  readonly close: () => Promise<void>;
}

/** A Koa app on loopback with the dev issuer mounted under /dev/oidc, as the local profile mounts it. */
const startIssuerApp = async (options: {
  readonly usersFile: string;
  readonly jwksFile?: string;
  readonly port?: number;
}): Promise<IssuerApp> => {
  const route: { handle?: (request: IncomingMessage, response: ServerResponse) => void } = {};
  const server: Server = createServer((request, response) => route.handle?.(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const redirectUri = `${base}/auth/complete/keycloak/`;
  const postLogoutRedirectUri = `${base}/`;
  const issuer = await makeDevOidcIssuer({
    issuerUrl: `${base}${MOUNT}`,
    usersFile: options.usersFile,
    clients: [
      {
        client_id: CONFIDENTIAL.id,
        client_secret: CONFIDENTIAL.secret,
        client_name: "OVS <local>",
        redirect_uris: [redirectUri],
        post_logout_redirect_uris: [postLogoutRedirectUri],
      },
      {
        client_id: PUBLIC_CLIENT,
        redirect_uris: [redirectUri],
        post_logout_redirect_uris: [postLogoutRedirectUri],
      },
    ],
    cookieKeys: [COOKIE_KEY],
    ...(options.jwksFile === undefined ? {} : { jwksFile: options.jwksFile }),
  });
  const app = new Koa();
  app.use(issuer.middleware);
  app.use((ctx) => {
    ctx.body = `the app at ${ctx.path}`;
  });
  const callback = app.callback();
  route.handle = (request, response) => void callback(request, response);
  return {
    base,
    issuer,
    redirectUri,
    postLogoutRedirectUri,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

const signInClient = (app: IssuerApp, confidential = true): KeycloakSignIn =>
  new KeycloakSignIn(
    makeKeycloakSignInSettings({
      issuerUrl: app.issuer.issuer,
      clientId: confidential ? CONFIDENTIAL.id : PUBLIC_CLIENT,
      ...(confidential ? { clientSecret: Redacted.make(CONFIDENTIAL.secret) } : {}),
      redirectUri: app.redirectUri,
      postLogoutRedirectUri: app.postLogoutRedirectUri,
      allowInsecureRequests: true,
    }),
  );

let folder: string;
let usersFile: string;
let accounts: ReadonlyMap<string, CreatedDevAccount>;
let app: IssuerApp;
let signIn: KeycloakSignIn;

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), "ovs-dev-oidc-"));
  usersFile = path.join(folder, "users.json");
  const ensured = await ensureDevUsersFile(usersFile);
  if (!ensured.created) throw new Error("the users file should be new");
  accounts = new Map(ensured.accounts.map((account) => [account.role, account]));
  app = await startIssuerApp({ usersFile });
  signIn = signInClient(app);
});

afterAll(async () => {
  await app.close();
  await rm(folder, { recursive: true, force: true });
});

const account = (role: string): CreatedDevAccount => {
  const found = accounts.get(role);
  if (found === undefined) throw new Error(`no ${role} account`);
  return found;
};

const isCallback = (url: string): boolean => url.startsWith(app.redirectUri);

/** `start()`, then the browser to the issuer's sign-in form; returns the form page. */
const openSignInForm = async (
  browser: FormBrowser,
  client: KeycloakSignIn = signIn,
  options: { readonly loginHint?: string; readonly on?: IssuerApp } = {},
): Promise<{ readonly pending: PendingSignIn; readonly url: string; readonly html: string }> => {
  const on = options.on ?? app;
  const { authorizationUrl, pending } = await Effect.runPromise(
    client.start(options.loginHint === undefined ? {} : { loginHint: options.loginHint }),
  );
  expect(authorizationUrl.startsWith(`${on.issuer.issuer}/`)).toBe(true);
  const { url, response } = await browser.follow(authorizationUrl, {
    stopAt: (location) => location.startsWith(on.redirectUri),
  });
  if (response === undefined) throw new Error(`the issuer went straight back to ${url}`);
  expect(response.status).toBe(200);
  expect(new URL(url).pathname).toMatch(/^\/dev\/oidc\/interaction\/[A-Za-z0-9_-]+$/);
  return { pending, url, html: await response.text() };
};

interface Posted {
  /** The app's callback URL the issuer sent the browser to, when it did. */
  readonly callback?: string;
  readonly status?: number;
  readonly html?: string;
  readonly url: string;
}

/** Posts the page's form as a person would; returns the callback URL, or the page the issuer answered. */
const postCredentials = async (
  browser: FormBrowser,
  page: { readonly url: string; readonly html?: string | undefined },
  login: string,
  password: string,
  on: IssuerApp = app,
): Promise<Posted> => {
  const form = parseForm(page.html ?? "");
  if (form === undefined) throw new Error(`no form on ${page.url}`);
  const { url, response } = await browser.submit(page.url, form, { login, password }, (location) =>
    location.startsWith(on.redirectUri),
  );
  if (response === undefined) return { callback: url, url };
  return { status: response.status, html: await response.text(), url };
};

const signInAs = async (
  login: string,
  password: string,
  options: { readonly browser?: FormBrowser; readonly client?: KeycloakSignIn; readonly on?: IssuerApp } = {},
): Promise<SignedIn> => {
  const browser = options.browser ?? new FormBrowser();
  const on = options.on ?? app;
  const client = options.client ?? (on === app ? signIn : signInClient(on));
  const page = await openSignInForm(browser, client, { on });
  const { callback, html } = await postCredentials(browser, page, login, password, on);
  if (callback === undefined) throw new Error(`the sign-in did not come back: ${html?.slice(0, 400)}`);
  return Effect.runPromise(client.complete(callback, page.pending));
};

describe("the dev OIDC issuer, mounted under /dev/oidc in a Koa app", () => {
  it("advertises its endpoints under the mount path and leaves other paths to the app", async () => {
    const discovery = (await (
      await fetch(`${app.issuer.issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(discovery["issuer"]).toBe(`${app.base}/dev/oidc`);
    for (const endpoint of [
      "authorization_endpoint",
      "token_endpoint",
      "userinfo_endpoint",
      "jwks_uri",
      "end_session_endpoint",
    ]) {
      expect(String(discovery[endpoint])).toMatch(new RegExp(`^${app.base}/dev/oidc/`));
    }
    expect(discovery["code_challenge_methods_supported"]).toEqual(["S256"]);
    expect(discovery["claims_supported"]).toContain("user_groups");

    expect(await (await fetch(`${app.base}/`)).text()).toBe("the app at /");
    expect(await (await fetch(`${app.base}/dev/oidcx/`)).text()).toBe("the app at /dev/oidcx/");
    expect(await (await fetch(`${app.base}/dev/mail`)).text()).toBe("the app at /dev/mail");
  });

  it("signs the admin in through KeycloakSignIn as a superuser and staff", async () => {
    const { password } = account("superuser");
    const { identity, tokens } = await signInAs("admin@ovs.local", password);
    expect(identity).toEqual({
      subject: devUserSubject("admin@ovs.local"),
      username: "admin@ovs.local",
      email: "admin@ovs.local",
      preferredUsername: "admin@ovs.local",
      firstName: "Ada",
      lastName: "Admin",
      groupPaths: ["/admin", "/staff"],
      groupNames: ["admin", "staff"],
      isSuperuser: true,
      isStaff: true,
    });
    expect(tokens.idToken).not.toBeNull();
    expect(tokens.refreshToken).not.toBeNull();
  });

  it("signs the staff member in as staff, with its groups, and the viewer with neither flag", async () => {
    const staff = await signInAs("staff@ovs.local", account("staff").password);
    expect(staff.identity).toMatchObject({
      email: "staff@ovs.local",
      groupNames: ["staff", "faculty"],
      isStaff: true,
      isSuperuser: false,
    });
    // The email is matched whatever its case.
    const viewer = await signInAs("Viewer@OVS.local", account("viewer").password);
    expect(viewer.identity).toMatchObject({
      email: "viewer@ovs.local",
      groupPaths: ["/students"],
      groupNames: ["students"],
      isStaff: false,
      isSuperuser: false,
    });
  });

  it("serves a plain form with inputs login and password, escaped, prefilled from login_hint", async () => {
    const hint = `x"><script>alert(1)</script>@example.edu`;
    const { html } = await openSignInForm(new FormBrowser(), signIn, { loginHint: hint });
    const form = parseForm(html);
    expect(form?.method).toBe("post");
    expect(form?.action).toMatch(/^\/dev\/oidc\/interaction\/[A-Za-z0-9_-]+\/login$/);
    expect([...(form?.inputs.keys() ?? [])]).toEqual(["login", "password"]);
    expect(form?.inputs.get("login")).toBe(hint);
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("OVS &lt;local&gt;");
  });

  it("shows the form again with one message for a wrong password or an unknown email, then signs in", async () => {
    const browser = new FormBrowser();
    const page = await openSignInForm(browser);
    const wrongPassword = await postCredentials(browser, page, "staff@ovs.local", "not the password");
    expect(wrongPassword.callback).toBeUndefined();
    expect(wrongPassword.status).toBe(200);
    expect(wrongPassword.html).toContain("Wrong email or password.");
    const again = parseForm(wrongPassword.html ?? "");
    expect(again?.inputs.get("login")).toBe("staff@ovs.local");

    const unknown = await postCredentials(browser, wrongPassword, "nobody@ovs.local", "whatever it is");
    expect(unknown.status).toBe(200);
    const message = (html: string): string | undefined =>
      /<p class="error"[^>]*>([^<]*)<\/p>/.exec(html)?.[1];
    expect(message(unknown.html ?? "")).toBe(message(wrongPassword.html ?? ""));

    const escaped = await postCredentials(browser, unknown, `"><b>x</b>`, "whatever it is");
    expect(escaped.html).not.toContain("<b>x</b>");
    expect(escaped.html).toContain("&quot;&gt;&lt;b&gt;x&lt;/b&gt;");

    const done = await postCredentials(browser, escaped, "staff@ovs.local", account("staff").password);
    expect(done.callback).toBeDefined();
    const signedIn = await Effect.runPromise(signIn.complete(done.callback ?? "", page.pending));
    expect(signedIn.identity.email).toBe("staff@ovs.local");
  });

  it("keeps the issuer's session in the browser: a second sign-in needs no form", async () => {
    const browser = new FormBrowser();
    await signInAs("viewer@ovs.local", account("viewer").password, { browser });
    expect(browser.cookieNames()).toContain("ovs_dev_oidc_session");
    const { authorizationUrl, pending } = await Effect.runPromise(signIn.start());
    const { url, response } = await browser.follow(authorizationUrl, { stopAt: isCallback });
    expect(response).toBeUndefined();
    const again = await Effect.runPromise(signIn.complete(url, pending));
    expect(again.identity.email).toBe("viewer@ovs.local");
  });

  it("signs in an account added after the start, and refresh gives its groups as they are now", async () => {
    await addDevUser(usersFile, {
      email: "grace@example.edu",
      password: "grace's password",
      name: "Grace Brewster Hopper",
      groups: ["physics"],
    });
    const grace = await signInAs("grace@example.edu", "grace's password");
    expect(grace.identity).toMatchObject({
      firstName: "Grace",
      lastName: "Brewster Hopper",
      groupNames: ["physics"],
      isStaff: false,
    });

    await addDevUser(usersFile, {
      email: "grace@example.edu",
      groups: ["physics", "chemistry"],
      staff: true,
    });
    const refreshed = await Effect.runPromise(signIn.refresh(grace.tokens.refreshToken ?? ""));
    expect(refreshed.identity).toMatchObject({
      subject: grace.identity.subject,
      groupNames: ["staff", "physics", "chemistry"],
      isStaff: true,
    });
  });

  it("works for a public client (PKCE, no secret)", async () => {
    const signedIn = await signInAs("viewer@ovs.local", account("viewer").password, {
      client: signInClient(app, false),
    });
    expect(signedIn.identity.email).toBe("viewer@ovs.local");
  });

  it("refuses an authorization request without PKCE", async () => {
    const { authorizationUrl } = await Effect.runPromise(signIn.start());
    const withoutPkce = new URL(authorizationUrl);
    withoutPkce.searchParams.delete("code_challenge");
    withoutPkce.searchParams.delete("code_challenge_method");
    const { url, response } = await new FormBrowser().follow(withoutPkce.href, { stopAt: isCallback });
    expect(response).toBeUndefined();
    expect(new URL(url).searchParams.get("error")).toBe("invalid_request");
  });

  it("logs out with id_token_hint and sends the browser to the post-logout redirect", async () => {
    const browser = new FormBrowser();
    const { tokens } = await signInAs("admin@ovs.local", account("superuser").password, { browser });
    const logoutUrl = await Effect.runPromise(signIn.logoutUrl(tokens.idToken));
    expect(logoutUrl.startsWith(`${app.issuer.issuer}/`)).toBe(true);

    const page = await browser.send(logoutUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    // The page submits itself (a script allowed by its nonce), as Keycloak skips its confirmation.
    const nonce = /<script nonce="([^"]+)">/.exec(html)?.[1];
    expect(nonce).toBeDefined();
    expect(page.headers.get("content-security-policy")).toContain(`'nonce-${nonce}'`);
    const form = parseForm(html);
    expect(form?.inputs.get("logout")).toBe("yes");
    const { url, response } = await browser.submit(
      logoutUrl,
      form ?? { action: "", method: "post", inputs: new Map() },
      {},
      (location) => location === app.postLogoutRedirectUri,
    );
    expect(response).toBeUndefined();
    expect(url).toBe(app.postLogoutRedirectUri);
    expect(browser.cookieNames()).not.toContain("ovs_dev_oidc_session");

    // Signed out of the issuer: the next sign-in asks for the password again.
    await openSignInForm(browser);
  });

  it("says a sign-in page without its cookie has expired", async () => {
    const response = await fetch(`${app.issuer.issuer}/interaction/not-a-real-one`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Sign-in expired");
    const post = await fetch(`${app.issuer.issuer}/interaction/not-a-real-one/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "login=a&password=b",
    });
    expect(post.status).toBe(400);
  });
});

describe("the dev OIDC issuer with a broken users file", () => {
  let brokenFolder: string;
  let brokenApp: IssuerApp;

  afterEach(async () => {
    await brokenApp.close();
    await rm(brokenFolder, { recursive: true, force: true });
  });

  it("shows the problem on the form, escaped, and signs nobody in", async () => {
    brokenFolder = await mkdtemp(path.join(tmpdir(), "ovs-dev-oidc-broken-"));
    const file = path.join(brokenFolder, "users.json");
    await ensureDevUsersFile(file);
    brokenApp = await startIssuerApp({ usersFile: file });
    const browser = new FormBrowser();
    const { authorizationUrl } = await Effect.runPromise(signInClient(brokenApp).start());
    const { url, response } = await browser.follow(authorizationUrl);
    const html = (await response?.text()) ?? "";
    await writeFile(file, '{ "users": [ { "email": "<b>x</b>" } ] }');
    const form = parseForm(html);
    const posted = await browser.submit(url, form ?? { action: "", method: "post", inputs: new Map() }, {
      login: "admin@ovs.local",
      password: "whatever it is",
    });
    expect(posted.response?.status).toBe(500);
    const page = (await posted.response?.text()) ?? "";
    expect(page).toContain("The users file cannot be read");
    expect(page).toContain("users[0].email: &quot;&lt;b&gt;x&lt;/b&gt;&quot; is not an email address");
    expect(parseForm(page)?.inputs.has("password")).toBe(true);
  });
});

describe("the dev OIDC issuer's signing key", () => {
  let keyFolder: string;
  let keyApp: IssuerApp | undefined;

  afterEach(async () => {
    await keyApp?.close();
    await rm(keyFolder, { recursive: true, force: true });
  });

  it("is kept in the data folder, so an ID token from before a restart still logs out", async () => {
    keyFolder = await mkdtemp(path.join(tmpdir(), "ovs-dev-oidc-keys-"));
    const file = path.join(keyFolder, "users.json");
    const jwksFile = path.join(keyFolder, "dev-oidc-jwks.json");
    const ensured = await ensureDevUsersFile(file);
    if (!ensured.created) throw new Error("the users file should be new");
    const viewer = ensured.accounts.find((created) => created.role === "viewer");

    keyApp = await startIssuerApp({ usersFile: file, jwksFile });
    const port = Number(new URL(keyApp.base).port);
    const jwks = await (await fetch(`${keyApp.issuer.issuer}/jwks`)).text();
    expect((await stat(jwksFile)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(await readFile(jwksFile, "utf8")) as {
      keys: Array<{ kid: string; d?: string }>;
    };
    expect(stored.keys[0]?.d).toBeDefined();
    expect(jwks).toContain(stored.keys[0]?.kid ?? "no kid");
    expect(jwks).not.toContain('"d"');

    const signedIn = await signInAs("viewer@ovs.local", viewer?.password ?? "", { on: keyApp });
    await keyApp.close();
    keyApp = undefined;

    // A restart on the same address, with the same key file: the same key, and the old ID token is a valid hint.
    keyApp = await startIssuerApp({ usersFile: file, jwksFile, port });
    expect(await (await fetch(`${keyApp.issuer.issuer}/jwks`)).text()).toBe(jwks);
    const logoutUrl = await Effect.runPromise(signInClient(keyApp).logoutUrl(signedIn.tokens.idToken));
    const logoutPage = await fetch(logoutUrl);
    expect(logoutPage.status).toBe(200);
    const form = parseForm(await logoutPage.text());
    expect(form?.inputs.has("xsrf")).toBe(true);

    // A hint the issuer did not sign is refused.
    const forged = await Effect.runPromise(signInClient(keyApp).logoutUrl("e30.e30.c2lnbmF0dXJl"));
    expect((await fetch(forged)).status).toBe(400);
  });
});
