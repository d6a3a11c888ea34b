import type { Clock } from "@ovs/domain";
import { UserId } from "@ovs/domain";
import { Duration, Either, Schema } from "effect";
import type { Middleware, ParameterizedContext } from "koa";
import type { SessionData, SessionState } from "./auth-state.js";
import { makeCookieSeal, type SecretKey } from "./cookie-seal.js";

export interface SessionCookieOptions {
  /** The app's secret key; the session is sealed with a key derived from it. */
  readonly secretKey: SecretKey;
  /** Earlier secret keys whose sessions are still accepted (and resealed with the current key). */
  readonly fallbackSecretKeys?: ReadonlyArray<SecretKey>;
  readonly clock: Clock;
  /** A session unused for this long ends. */
  readonly idleLifetime: Duration.DurationInput;
  /** A session ends this long after sign-in, used or not. */
  readonly absoluteLifetime: Duration.DurationInput;
  /** `lastSeenAt` (and so the cookie) is renewed at most this often; a minute by default. */
  readonly refreshInterval?: Duration.DurationInput;
  /**
   * Leave out the `Secure` attribute (the local profile, served over http). Otherwise the cookie
   * is `Secure`, and Koa refuses to set it on a request it does not see as https: behind a
   * TLS-terminating proxy, the app needs `proxy = true`.
   */
  readonly insecure?: boolean;
  /** `ovs_session` by default. */
  readonly cookieName?: string;
}

/** What a sign-in puts in a new session; the times come from the clock. */
export interface NewSession {
  readonly userId: UserId;
  readonly username: string;
  readonly groups: ReadonlyArray<string>;
  readonly idToken: string | null;
}

export type SessionContext = ParameterizedContext<SessionState>;

export interface SessionCookie {
  /**
   * Reads the cookie into `ctx.state.session`. A tampered, undecryptable or expired cookie is
   * no session, and is cleared; a valid one older than the refresh interval is renewed.
   */
  readonly middleware: Middleware<SessionState>;
  /** Starts a session: always a new cookie value, replacing any session the browser had. */
  start(ctx: SessionContext, session: NewSession): SessionData;
  /** Ends the session: clears the cookie and `ctx.state.session`. */
  end(ctx: SessionContext): void;
}

export const DEFAULT_SESSION_COOKIE_NAME = "ovs_session";

/** The sealed payload; short names, because browsers keep 4 KB per cookie. */
const SealedSession = Schema.Struct({
  uid: UserId,
  usr: Schema.String.pipe(Schema.minLength(1)),
  grp: Schema.Array(Schema.String),
  idt: Schema.NullOr(Schema.String),
  iat: Schema.Number,
  seen: Schema.Number,
});
type SealedSession = typeof SealedSession.Type;
const decodeSealedSession = Schema.decodeUnknownEither(SealedSession);

/** Browsers keep about 4096 bytes per cookie, name and attributes included. */
const MAXIMUM_COOKIE_VALUE_LENGTH = 3800;

/** A session that claims to start later than this is not believed (clocks of several processes drift a little). */
const CLOCK_SKEW_MS = 60_000;

const toSessionData = (sealed: SealedSession): SessionData => ({
  userId: sealed.uid,
  username: sealed.usr,
  groups: sealed.grp,
  idToken: sealed.idt,
  issuedAt: new Date(sealed.iat),
  lastSeenAt: new Date(sealed.seen),
});

const toSealed = (session: SessionData): SealedSession => ({
  uid: session.userId,
  usr: session.username,
  grp: session.groups,
  idt: session.idToken,
  iat: session.issuedAt.getTime(),
  seen: session.lastSeenAt.getTime(),
});

/**
 * Sessions without a server-side table (docs/architecture.md §6.9): the whole session is sealed
 * (AES-256-GCM, key derived from the secret key) in an httpOnly, SameSite=Lax cookie, so any
 * web process with the secret key reads it. It has an idle and an absolute lifetime.
 */
export const makeSessionCookie = (options: SessionCookieOptions): SessionCookie => {
  const seal = makeCookieSeal({
    secretKey: options.secretKey,
    fallbackSecretKeys: options.fallbackSecretKeys ?? [],
    purpose: "session",
  });
  const cookieName = options.cookieName ?? DEFAULT_SESSION_COOKIE_NAME;
  const idleMs = Duration.toMillis(Duration.decode(options.idleLifetime));
  const absoluteMs = Duration.toMillis(Duration.decode(options.absoluteLifetime));
  const refreshMs = Duration.toMillis(Duration.decode(options.refreshInterval ?? Duration.minutes(1)));
  if (!(idleMs > 0) || !(absoluteMs > 0)) throw new Error("session lifetimes must be positive");
  const attributes = {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: options.insecure !== true,
    overwrite: true,
    signed: false, // sealing authenticates the value; Koa's keys are not needed
  } as const;

  const expiresAt = (session: SessionData): number =>
    Math.min(session.lastSeenAt.getTime() + idleMs, session.issuedAt.getTime() + absoluteMs);

  const write = (ctx: SessionContext, wanted: SessionData, now: number): SessionData => {
    let session = wanted;
    let value = seal.seal(toSealed(session));
    if (value.length > MAXIMUM_COOKIE_VALUE_LENGTH && session.idToken !== null) {
      // A browser drops a cookie this big; without the ID token, logout only lacks `id_token_hint`.
      session = { ...session, idToken: null };
      value = seal.seal(toSealed(session));
    }
    ctx.cookies.set(cookieName, value, { ...attributes, maxAge: Math.max(0, expiresAt(session) - now) });
    ctx.state.session = session;
    return session;
  };

  const end = (ctx: SessionContext): void => {
    ctx.state.session = undefined;
    ctx.cookies.set(cookieName, null, attributes);
  };

  const read = (raw: string, now: number): SessionData | undefined => {
    const decoded = decodeSealedSession(seal.open(raw));
    if (Either.isLeft(decoded)) return undefined;
    const session = toSessionData(decoded.right);
    if (session.issuedAt.getTime() > now + CLOCK_SKEW_MS) return undefined;
    if (session.lastSeenAt.getTime() < session.issuedAt.getTime()) return undefined;
    return now < expiresAt(session) ? session : undefined;
  };

  return {
    middleware: async (ctx, next) => {
      const raw = ctx.cookies.get(cookieName);
      if (raw !== undefined && raw !== "") {
        const now = options.clock.now().getTime();
        const session = read(raw, now);
        if (session === undefined) end(ctx);
        else if (now - session.lastSeenAt.getTime() >= refreshMs)
          write(ctx, { ...session, lastSeenAt: new Date(now) }, now);
        else ctx.state.session = session;
      }
      await next();
    },
    start: (ctx, fresh) => {
      const now = options.clock.now();
      return write(
        ctx,
        { ...fresh, groups: [...fresh.groups], issuedAt: now, lastSeenAt: now },
        now.getTime(),
      );
    },
    end,
  };
};
