import type { DomainPorts, User } from "@ovs/domain";
import { anonymous, userPrincipal } from "@ovs/domain";
import { Option } from "effect";
import type { Middleware, ParameterizedContext } from "koa";
import { promised } from "../composition/promised.js";
import type { PrincipalState, SessionState } from "./auth-state.js";
import type { SessionCookie } from "./session-cookie.js";

/** Who a bearer token stands for, with the group names that apply to the request. */
export interface BearerIdentity {
  readonly user: Pick<User, "id" | "username" | "email" | "isSuperuser" | "isStaff">;
  readonly groups: Iterable<string>;
}

/**
 * Resolves an API token (as sent, without the `Bearer ` prefix) to its user, or `undefined`
 * when it is unknown, revoked or expired. A rejection is a failure of the lookup, not a bad token.
 */
export type AuthenticateBearer = (token: string) => Promise<BearerIdentity | undefined>;

export interface PrincipalOptions {
  readonly authenticateBearer: AuthenticateBearer;
  /** To end a session whose user no longer exists. */
  readonly sessions: Pick<SessionCookie, "end">;
}

export const INVALID_TOKEN_DETAIL = "Invalid token.";
export const TOKEN_IN_QUERY_DETAIL =
  "Tokens are not accepted in the query string; send them in the Authorization header.";
/** Query parameters that look like credentials; refused so no token lands in access logs or history. */
const QUERY_TOKEN_PARAMETERS = ["token", "access_token"];
/** RFC 6750 `b64token`, bounded. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const MAXIMUM_TOKEN_LENGTH = 1024;

type PrincipalContext = ParameterizedContext<PrincipalState & SessionState>;

const refuseToken = (ctx: PrincipalContext): void => {
  ctx.status = 401;
  ctx.set("WWW-Authenticate", 'Bearer error="invalid_token"');
  ctx.body = { detail: INVALID_TOKEN_DETAIL };
};

/**
 * The token of an `Authorization: Bearer <token>` header; `null` for a malformed bearer header;
 * `undefined` when there is no header or it uses another scheme.
 */
const bearerTokenOf = (authorization: string): string | null | undefined => {
  const match = /^bearer(?:\s+(.*))?$/i.exec(authorization.trim());
  if (match === null) return undefined;
  const token = match[1]?.trim() ?? "";
  return token.length > 0 && token.length <= MAXIMUM_TOKEN_LENGTH && BEARER_TOKEN.test(token) ? token : null;
};

/**
 * Sets `ctx.state.principal` and `ctx.state.authenticatedBy` (docs/architecture.md §6.9): from an
 * `Authorization: Bearer` header when there is one (the session is then ignored), else from the
 * session the session middleware found, else anonymous. The session's user is read again on
 * every request, so role flags are current; its groups are those of the sign-in.
 */
export const makePrincipalMiddleware = (
  ports: Pick<DomainPorts, "users">,
  options: PrincipalOptions,
): Middleware<PrincipalState & SessionState> => {
  return async (ctx, next) => {
    ctx.state.principal = anonymous;
    ctx.state.authenticatedBy = "none";

    // Most requests have no query string: nothing to parse then.
    if (ctx.querystring !== "" && QUERY_TOKEN_PARAMETERS.some((name) => ctx.query[name] !== undefined)) {
      ctx.status = 400;
      ctx.body = { detail: TOKEN_IN_QUERY_DETAIL };
      return;
    }

    const bearer = bearerTokenOf(ctx.get("Authorization"));
    if (bearer === null) return refuseToken(ctx);
    if (bearer !== undefined) {
      const identity = await options.authenticateBearer(bearer);
      if (identity === undefined) return refuseToken(ctx);
      ctx.state.principal = userPrincipal(identity.user, identity.groups);
      ctx.state.authenticatedBy = "bearer";
      return next();
    }

    const session = ctx.state.session;
    if (session !== undefined) {
      const user = await promised(ports.users.findById(session.userId));
      if (Option.isSome(user) && user.value.username === session.username) {
        ctx.state.principal = userPrincipal(user.value, session.groups);
        ctx.state.authenticatedBy = "session";
      } else {
        options.sessions.end(ctx);
      }
    }
    return next();
  };
};
