import { type Duration, Redacted } from "effect";
import Koa from "koa";
import Router from "@koa/router";
import { isAuthenticated } from "@ovs/domain";
import { InMemoryClock, InMemoryDatabase, InMemoryUserRepository } from "@ovs/domain/testing";
import { KeycloakSignIn, makeKeycloakSignInSettings } from "@ovs/adapters-http";
import {
  makeCsrfProtection,
  makePrincipalMiddleware,
  makeSessionCookie,
  makeSignInRoutes,
  type AuthState,
  type BearerIdentity,
} from "../../../src/auth/index.js";
import { startLoopbackServer } from "../../../../adapters-http/test/support/loopback-server.js";
import {
  CLIENTS,
  signInThroughIssuer,
  type OidcTestIssuer,
} from "../../../../adapters-http/test/support/oidc-test-issuer.js";

export const SECRET_KEY = "test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz";

export interface AuthTestAppOptions {
  readonly insecure?: boolean;
  readonly secretKey?: string;
  readonly fallbackSecretKeys?: ReadonlyArray<string>;
  readonly idleLifetime?: Duration.DurationInput;
  readonly absoluteLifetime?: Duration.DurationInput;
  /** Share another app's users (as several web processes share one database). */
  readonly users?: InMemoryUserRepository;
  /** API tokens the bearer authenticator knows. */
  readonly tokens?: ReadonlyMap<string, BearerIdentity>;
}

export interface AuthTestApp {
  readonly url: string;
  readonly clock: InMemoryClock;
  readonly users: InMemoryUserRepository;
  readonly bearerLookups: () => ReadonlyArray<string>;
  readonly close: () => Promise<void>;
}

/**
 * The auth middleware as the app mounts it — session, principal, CSRF, sign-in routes — in front
 * of test routes, on a real Koa server on loopback, signing in against the real test issuer.
 */
export const startAuthTestApp = async (
  issuer: OidcTestIssuer,
  options: AuthTestAppOptions = {},
): Promise<AuthTestApp> => {
  const clock = InMemoryClock.realTime();
  const users = options.users ?? new InMemoryUserRepository(new InMemoryDatabase());
  const insecure = options.insecure ?? true;
  const secretKey = Redacted.make(options.secretKey ?? SECRET_KEY);
  const fallbackSecretKeys = (options.fallbackSecretKeys ?? []).map((key) => Redacted.make(key));
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
  const sessions = makeSessionCookie({
    secretKey,
    fallbackSecretKeys,
    clock,
    idleLifetime: options.idleLifetime ?? "30 minutes",
    absoluteLifetime: options.absoluteLifetime ?? "12 hours",
    insecure,
  });
  const csrf = makeCsrfProtection({ insecure });
  const bearerLookups: Array<string> = [];
  const principal = makePrincipalMiddleware(
    { users },
    {
      sessions,
      authenticateBearer: async (token) => {
        bearerLookups.push(token);
        return options.tokens?.get(token);
      },
    },
  );
  const signInRoutes = makeSignInRoutes(
    { users, clock },
    { signIn, sessions, csrf, secretKey, fallbackSecretKeys, insecure },
  );

  const testRoutes = new Router<AuthState>();
  const describe = (state: AuthState) => ({
    authenticatedBy: state.authenticatedBy,
    principal: isAuthenticated(state.principal)
      ? {
          _tag: state.principal._tag,
          id: state.principal.id,
          username: state.principal.username,
          email: state.principal.email,
          isSuperuser: state.principal.isSuperuser,
          isStaff: state.principal.isStaff,
          groups: [...state.principal.groups].sort(),
        }
      : { _tag: state.principal._tag },
  });
  testRoutes.get("/whoami", (ctx) => {
    ctx.body = { ...describe(ctx.state), csrfToken: ctx.state.csrfToken ?? null };
  });
  testRoutes.get("/protected", (ctx) => {
    if (!isAuthenticated(ctx.state.principal)) {
      ctx.status = 403;
      ctx.body = { detail: "Authentication credentials were not provided." };
      return;
    }
    ctx.body = describe(ctx.state);
  });
  for (const method of ["post", "put", "patch", "delete"] as const)
    testRoutes[method]("/things", (ctx) => {
      ctx.body = { done: ctx.method, ...describe(ctx.state) };
    });

  const app = new Koa<AuthState>();
  app.proxy = true; // trusts X-Forwarded-Proto, as behind a TLS-terminating proxy
  app.use(sessions.middleware);
  app.use(principal);
  app.use(csrf.middleware);
  app.use(signInRoutes.routes());
  app.use(signInRoutes.allowedMethods());
  app.use(testRoutes.routes());
  const server = await startLoopbackServer(app.callback());
  return {
    url: server.url,
    clock,
    users,
    bearerLookups: () => [...bearerLookups],
    close: () => server.close(),
  };
};

export interface StoredCookie {
  readonly value: string;
  readonly path: string;
  /** The whole `Set-Cookie` line that set it. */
  readonly header: string;
}

/** A browser as far as these tests need one: a cookie jar (with paths), no automatic redirects. */
export class TestBrowser {
  readonly cookies = new Map<string, StoredCookie>();
  /** Every `Set-Cookie` line of the last response. */
  lastSetCookies: ReadonlyArray<string> = [];

  constructor(private readonly baseUrl: string) {}

  async request(
    pathOrUrl: string,
    init: { readonly method?: string; readonly headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const url = new URL(pathOrUrl, this.baseUrl);
    const cookie = [...this.cookies]
      .filter(([, stored]) => url.pathname.startsWith(stored.path))
      .map(([name, stored]) => `${name}=${stored.value}`)
      .join("; ");
    const response = await fetch(url, {
      method: init.method ?? "GET",
      redirect: "manual",
      headers: { ...(cookie === "" ? {} : { cookie }), ...init.headers },
    });
    this.lastSetCookies = response.headers.getSetCookie();
    for (const header of this.lastSetCookies) {
      const [pair = "", ...attributes] = header.split(";").map((part) => part.trim());
      const separator = pair.indexOf("=");
      const name = pair.slice(0, separator);
      const value = pair.slice(separator + 1);
      const path = attributes.find((attribute) => /^path=/i.test(attribute))?.slice(5) ?? "/";
      const expired =
        /expires=Thu, 01 Jan 1970/i.test(header) || /max-age=0(;|$)/i.test(header) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, { value, path, header });
    }
    return response;
  }

  /** The `Set-Cookie` line of the last response for `name`, if it set one. */
  setCookie(name: string): string | undefined {
    return this.lastSetCookies.find((header) => header.startsWith(`${name}=`));
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name)?.value;
  }

  setCookieValue(name: string, value: string, path = "/"): void {
    this.cookies.set(name, { value, path, header: "" });
  }

  async json(pathOrUrl: string, init: Parameters<TestBrowser["request"]>[1] = {}): Promise<unknown> {
    return (await this.request(pathOrUrl, init)).json();
  }
}

/** `GET /login/?next=…`, the issuer's pages as `login`; returns the callback URL on the app, not yet visited. */
export const startSignIn = async (
  browser: TestBrowser,
  app: AuthTestApp,
  issuer: OidcTestIssuer,
  login: string,
  next?: string,
): Promise<string> => {
  const response = await browser.request(
    next === undefined ? "/login/" : `/login/?${new URLSearchParams({ next }).toString()}`,
  );
  if (response.status !== 302) throw new Error(`/login/ answered ${response.status}`);
  const location = response.headers.get("location") ?? "";
  const callback = new URL(await signInThroughIssuer(location, login, issuer.redirectUri));
  return `${app.url}${callback.pathname}${callback.search}`;
};

/** The whole sign-in; returns the callback's response (a redirect to `next` when it worked). */
export const signIn = async (
  browser: TestBrowser,
  app: AuthTestApp,
  issuer: OidcTestIssuer,
  login: string,
  next?: string,
): Promise<Response> => browser.request(await startSignIn(browser, app, issuer, login, next));
