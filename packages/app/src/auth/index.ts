export type {
  AuthenticatedBy,
  AuthState,
  CsrfState,
  PrincipalState,
  SessionData,
  SessionState,
} from "./auth-state.js";
export { makeCookieSeal, type CookieSeal, type CookieSealOptions, type SecretKey } from "./cookie-seal.js";
export {
  CSRF_COOKIE_NAME,
  CSRF_FAILURE_DETAIL,
  CSRF_HEADER_NAME,
  makeCsrfProtection,
  type CsrfContext,
  type CsrfOptions,
  type CsrfProtection,
} from "./csrf.js";
export { localNextPath } from "./local-next-path.js";
export {
  INVALID_TOKEN_DETAIL,
  makePrincipalMiddleware,
  TOKEN_IN_QUERY_DETAIL,
  type AuthenticateBearer,
  type BearerIdentity,
  type PrincipalOptions,
} from "./principal.js";
export {
  DEFAULT_SESSION_COOKIE_NAME,
  makeSessionCookie,
  type NewSession,
  type SessionContext,
  type SessionCookie,
  type SessionCookieOptions,
} from "./session-cookie.js";
export {
  CALLBACK_PATH,
  LOGIN_PATHS,
  LOGOUT_PATH,
  makeSignInRoutes,
  PENDING_SIGN_IN_COOKIE_NAME,
  type SignInFlow,
  type SignInRoutesOptions,
} from "./sign-in-routes.js";
