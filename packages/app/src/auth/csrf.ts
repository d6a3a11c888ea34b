import { randomFillSync } from "node:crypto";
import type { Middleware, ParameterizedContext } from "koa";
import { sameSecret } from "../http/same-secret.js";
import type { CsrfState, PrincipalState } from "./auth-state.js";

export interface CsrfOptions {
  /** Leave out the `Secure` attribute (the local profile, served over http). */
  readonly insecure?: boolean;
}

export type CsrfContext = ParameterizedContext<CsrfState & Partial<PrincipalState>>;

export interface CsrfProtection {
  /**
   * Issues the `csrftoken` cookie on a GET or HEAD that lacks it, and refuses an unsafe method
   * of a session-authenticated request whose `X-CSRFToken` header is not the cookie's value.
   * Runs after the principal middleware, which says how the request authenticated.
   */
  readonly middleware: Middleware<CsrfState & Partial<PrincipalState>>;
  /** A new token (at sign-in, as Django's `login()` rotates it); returns it. */
  rotate(ctx: CsrfContext): string;
}

export const CSRF_COOKIE_NAME = "csrftoken";
export const CSRF_HEADER_NAME = "x-csrftoken";
export const CSRF_FAILURE_DETAIL = "CSRF Failed: CSRF token missing or incorrect.";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);
/** 32 random bytes in base64url: 43 characters. Older or foreign formats are replaced. */
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{32,128}$/;
const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;

const TOKEN_BYTES = 32;
/** Random bytes drawn from the CSPRNG 128 tokens at a time; each token uses its own 32 bytes once. */
const entropy = Buffer.alloc(TOKEN_BYTES * 128);
let entropyOffset = entropy.length;

/**
 * 32 bytes from the CSPRNG, in base64url. A GET without the cookie gets a token, so this runs on
 * many requests: the bytes come from a pool refilled 4 KiB at a time (as `randomUUID` does)
 * rather than from one call into the CSPRNG per token. No bytes are ever handed out twice.
 */
const newToken = (): string => {
  if (entropyOffset + TOKEN_BYTES > entropy.length) {
    randomFillSync(entropy);
    entropyOffset = 0;
  }
  const token = entropy.toString("base64url", entropyOffset, entropyOffset + TOKEN_BYTES);
  entropyOffset += TOKEN_BYTES;
  return token;
};

/**
 * CSRF protection as the upstream UI expects it (docs/architecture.md §6.9): the SPA reads the
 * `csrftoken` cookie (so it is not httpOnly) and sends it back in `X-CSRFToken` on writes. Only
 * requests authenticated by the session cookie are checked: a bearer token is not sent by
 * browsers on their own, and an anonymous request has nothing to forge. When the principal
 * middleware did not run (`authenticatedBy` unset), unsafe methods are checked.
 */
export const makeCsrfProtection = (options: CsrfOptions = {}): CsrfProtection => {
  const attributes = {
    path: "/",
    httpOnly: false,
    sameSite: "lax",
    secure: options.insecure !== true,
    overwrite: true,
    signed: false,
    maxAge: ONE_YEAR_MS,
  } as const;

  const rotate = (ctx: CsrfContext): string => {
    const token = newToken();
    ctx.cookies.set(CSRF_COOKIE_NAME, token, attributes);
    ctx.state.csrfToken = token;
    return token;
  };

  return {
    middleware: async (ctx, next) => {
      const cookie = ctx.cookies.get(CSRF_COOKIE_NAME);
      const token = cookie !== undefined && TOKEN_FORMAT.test(cookie) ? cookie : undefined;
      const authenticatedBy = ctx.state.authenticatedBy;
      if (!SAFE_METHODS.has(ctx.method) && authenticatedBy !== "bearer" && authenticatedBy !== "none") {
        const header = ctx.get(CSRF_HEADER_NAME);
        if (token === undefined || header === "" || !sameSecret(header, token)) {
          ctx.status = 403;
          ctx.body = { detail: CSRF_FAILURE_DETAIL };
          return;
        }
      }
      if (token !== undefined) ctx.state.csrfToken = token;
      else if (ctx.method === "GET" || ctx.method === "HEAD") rotate(ctx);
      await next();
    },
    rotate,
  };
};
