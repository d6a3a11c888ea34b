import type { Principal, UserId } from "@ovs/domain";

/** A signed-in browser's session, as the session cookie carries it (docs/architecture.md §6.9). */
export interface SessionData {
  readonly userId: UserId;
  readonly username: string;
  /** Group names (leaves of the sign-in token's group paths), as of the sign-in. */
  readonly groups: ReadonlyArray<string>;
  /** The issuer's ID token, for `id_token_hint` at logout; `null` when the issuer gave none. */
  readonly idToken: string | null;
  readonly issuedAt: Date;
  /** Refreshed at most once per refresh interval (a minute by default). */
  readonly lastSeenAt: Date;
}

/** How the request proved who it is; CSRF applies to `session` only. */
export type AuthenticatedBy = "session" | "bearer" | "none";

/** Set by the session middleware: the valid session, if the request carried one. */
export interface SessionState {
  session?: SessionData | undefined;
}

/** Set by the principal middleware, before any route runs. */
export interface PrincipalState {
  principal: Principal;
  authenticatedBy: AuthenticatedBy;
}

/** Set by the CSRF middleware: the `csrftoken` cookie's value, for pages that embed it. */
export interface CsrfState {
  csrfToken?: string | undefined;
}

/** `ctx.state` of a route behind the session, principal and CSRF middleware, in that order. */
export type AuthState = SessionState & PrincipalState & CsrfState;
