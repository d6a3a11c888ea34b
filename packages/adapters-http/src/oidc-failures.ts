import * as oidc from "openid-client";
import { describeTransportFailure, isTransientStatus } from "./http-support.js";

/**
 * Sorts what openid-client throws into "try again later" (the issuer is down, slow or
 * unreachable) and "this will not work" (the issuer said no, or its answer failed validation).
 * Reasons name the OAuth error and the check that failed, never a token or secret.
 */
export const describeOidcFailure = (
  error: unknown,
): { readonly transient: boolean; readonly reason: string } => {
  if (error instanceof oidc.ResponseBodyError) {
    const description = error.error_description === undefined ? "" : ` (${error.error_description})`;
    return {
      transient: isTransientStatus(error.status),
      reason: `the issuer answered ${error.status} ${error.error}${description}`,
    };
  }
  if (error instanceof oidc.AuthorizationResponseError) {
    const description = error.error_description === undefined ? "" : ` (${error.error_description})`;
    return { transient: false, reason: `the issuer refused the sign-in: ${error.error}${description}` };
  }
  if (error instanceof oidc.WWWAuthenticateChallengeError) {
    const challenge = error.cause[0]?.parameters;
    const named = challenge?.error === undefined ? "" : ` ${challenge.error}`;
    const description = challenge?.error_description === undefined ? "" : ` (${challenge.error_description})`;
    return {
      transient: isTransientStatus(error.status),
      reason: `the issuer answered ${error.status}${named}${description}`,
    };
  }
  if (error instanceof oidc.ClientError) {
    // Unexpected statuses and non-JSON answers carry the Response: an HTML 502 from a proxy is an outage.
    const cause: unknown = error.cause;
    if (cause instanceof Response) {
      return {
        transient: isTransientStatus(cause.status),
        reason: `${error.message} (status ${cause.status})`,
      };
    }
    // The library's message is generic ("unexpected JWT claim value encountered"); its cause names the check.
    const detail = cause instanceof Error && cause.message !== error.message ? `: ${cause.message}` : "";
    return { transient: false, reason: `${error.message}${detail}` };
  }
  // fetch failures (TypeError: fetch failed), timeouts and aborts.
  return describeTransportFailure(error);
};
