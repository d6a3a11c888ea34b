import Router from "@koa/router";
import type { PendingSignIn, SignedIn, SignInFailure, SignInStart } from "@ovs/adapters-http";
import type { DomainPorts } from "@ovs/domain";
import { roleFlagsFromGroupPaths } from "@ovs/domain";
import { Duration, Effect, Either, Option, Schema } from "effect";
import type { ParameterizedContext } from "koa";
import { promised } from "../composition/promised.js";
import type { CsrfState, SessionState } from "./auth-state.js";
import { makeCookieSeal, type SecretKey } from "./cookie-seal.js";
import type { CsrfProtection } from "./csrf.js";
import { localNextPath } from "./local-next-path.js";
import type { SessionCookie } from "./session-cookie.js";

/** The part of `KeycloakSignIn` the routes use; any OIDC client of that shape will do. */
export interface SignInFlow {
  start(): Effect.Effect<SignInStart, SignInFailure>;
  complete(callback: URLSearchParams, pending: PendingSignIn): Effect.Effect<SignedIn, SignInFailure>;
  logoutUrl(idToken: string | null): Effect.Effect<string, SignInFailure>;
}

export interface SignInRoutesOptions {
  readonly signIn: SignInFlow;
  readonly sessions: Pick<SessionCookie, "start" | "end">;
  /** Rotates the CSRF token at sign-in, as Django's `login()` does. */
  readonly csrf?: Pick<CsrfProtection, "rotate">;
  /** The app's secret key; the pending sign-in cookie is sealed with a key derived from it. */
  readonly secretKey: SecretKey;
  readonly fallbackSecretKeys?: ReadonlyArray<SecretKey>;
  /** How long a browser has between `/login/` and the callback; 10 minutes by default. */
  readonly pendingLifetime?: Duration.DurationInput;
  /** Leave out the `Secure` attribute (the local profile, served over http). */
  readonly insecure?: boolean;
}

export const LOGIN_PATHS = ["/login/", "/auth/login/keycloak/"] as const;
export const CALLBACK_PATH = "/auth/complete/keycloak/";
export const LOGOUT_PATH = "/logout/";
export const PENDING_SIGN_IN_COOKIE_NAME = "ovs_sign_in";

const PendingCookie = Schema.Struct({
  state: Schema.String,
  nonce: Schema.String,
  codeVerifier: Schema.String,
  next: Schema.String,
  createdAt: Schema.Number,
});
const decodePendingCookie = Schema.decodeUnknownEither(PendingCookie);

const STALE_SIGN_IN =
  "This sign-in link is invalid, has expired or was already used. Nothing was changed; please sign in again.";

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (character) =>
      ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[character] ?? character,
  );

type SignInContext = ParameterizedContext<SessionState & CsrfState>;

const failurePage = (ctx: SignInContext, status: number, message: string): void => {
  ctx.status = status;
  ctx.type = "text/html; charset=utf-8";
  ctx.body = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign-in failed</title></head>
<body>
<h1>Sign-in failed</h1>
<p>${escapeHtml(message)}</p>
<p><a href="${LOGIN_PATHS[0]}">Sign in again</a></p>
</body>
</html>
`;
};

const failureMessage = (failure: SignInFailure): { readonly status: number; readonly message: string } =>
  failure._tag === "SignInUnavailable"
    ? {
        status: 503,
        message: `The sign-in service is unavailable; please try again later (${failure.reason}).`,
      }
    : { status: 400, message: `${STALE_SIGN_IN} (${failure.reason})` };

/**
 * The browser side of sign-in (docs/architecture.md §6.9):
 * - `GET /login/?next=…` (and the former `/auth/login/keycloak/`) sends the browser to the issuer,
 *   keeping `state`, `nonce`, the PKCE verifier and the local `next` in a short-lived sealed,
 *   httpOnly cookie scoped to the callback;
 * - `GET /auth/complete/keycloak/` checks the callback with that cookie (used once: it is cleared
 *   whatever the outcome), creates or updates the user, starts a new session, and redirects to
 *   `next`; a bad callback is a 400 page and no session;
 * - `GET|POST /logout/` ends the session and sends the browser to the issuer's logout with
 *   `id_token_hint`.
 * Mount after the session, principal and CSRF middleware.
 */
export const makeSignInRoutes = (
  ports: Pick<DomainPorts, "users" | "clock">,
  options: SignInRoutesOptions,
): Router<SessionState & CsrfState> => {
  const seal = makeCookieSeal({
    secretKey: options.secretKey,
    fallbackSecretKeys: options.fallbackSecretKeys ?? [],
    purpose: "sign-in",
  });
  const pendingMs = Duration.toMillis(Duration.decode(options.pendingLifetime ?? Duration.minutes(10)));
  const pendingAttributes = {
    path: CALLBACK_PATH,
    httpOnly: true,
    sameSite: "lax",
    secure: options.insecure !== true,
    overwrite: true,
    signed: false,
  } as const;

  const takePending = (ctx: SignInContext): (PendingSignIn & { readonly next: string }) | undefined => {
    const raw = ctx.cookies.get(PENDING_SIGN_IN_COOKIE_NAME);
    if (raw === undefined) return undefined;
    ctx.cookies.set(PENDING_SIGN_IN_COOKIE_NAME, null, pendingAttributes);
    const decoded = decodePendingCookie(seal.open(raw));
    if (Either.isLeft(decoded)) return undefined;
    const age = ports.clock.now().getTime() - decoded.right.createdAt;
    return age >= 0 && age < pendingMs ? decoded.right : undefined;
  };

  const router = new Router<SessionState & CsrfState>();

  router.get([...LOGIN_PATHS], async (ctx) => {
    ctx.set("Cache-Control", "no-store");
    const next = localNextPath(ctx.query["next"]);
    const started = await Effect.runPromise(Effect.either(options.signIn.start()));
    if (Either.isLeft(started)) {
      const { status, message } = failureMessage(started.left);
      return failurePage(ctx, status, message);
    }
    const { authorizationUrl, pending } = started.right;
    ctx.cookies.set(
      PENDING_SIGN_IN_COOKIE_NAME,
      seal.seal({ ...pending, next, createdAt: ports.clock.now().getTime() }),
      { ...pendingAttributes, maxAge: pendingMs },
    );
    ctx.redirect(authorizationUrl);
  });

  router.get(CALLBACK_PATH, async (ctx) => {
    ctx.set("Cache-Control", "no-store");
    const pending = takePending(ctx);
    if (pending === undefined) return failurePage(ctx, 400, STALE_SIGN_IN);
    const completed = await Effect.runPromise(
      Effect.either(options.signIn.complete(new URLSearchParams(ctx.querystring), pending)),
    );
    if (Either.isLeft(completed)) {
      const { status, message } = failureMessage(completed.left);
      return failurePage(ctx, status, message);
    }
    const { identity, tokens } = completed.right;
    const now = ports.clock.now();
    const stored = await promised(ports.users.findByUsername(identity.username));
    // /admin and /staff set the flags; without either, the stored flags stay (roleFlagsFromGroupPaths).
    const flags = roleFlagsFromGroupPaths(
      identity.groupPaths,
      Option.getOrElse(stored, () => ({ isSuperuser: false, isStaff: false })),
    );
    const user = await promised(
      ports.users.upsertByUsername(
        {
          username: identity.username,
          email: identity.email,
          isSuperuser: flags.isSuperuser,
          isStaff: flags.isStaff,
        },
        now,
      ),
    );
    options.sessions.start(ctx, {
      userId: user.id,
      username: user.username,
      groups: identity.groupNames,
      idToken: tokens.idToken,
    });
    options.csrf?.rotate(ctx);
    ctx.redirect(pending.next);
  });

  const logout = async (ctx: SignInContext): Promise<void> => {
    ctx.set("Cache-Control", "no-store");
    const session = ctx.state.session;
    options.sessions.end(ctx);
    if (session === undefined) return ctx.redirect("/");
    const url = await Effect.runPromise(
      options.signIn.logoutUrl(session.idToken).pipe(Effect.orElseSucceed(() => "/")),
    );
    ctx.redirect(url);
  };
  router.get(LOGOUT_PATH, logout);
  router.post(LOGOUT_PATH, logout);

  return router;
};
