import { Data } from "effect";
import type { Effect } from "effect";
import type { HexKey } from "../model/keys.js";

/**
 * A grant to fetch every object of one protected video until `expiresAt`: query parameters the
 * player appends to each request on the CDN host (CloudFront `Policy`, `Signature`,
 * `Key-Pair-Id`).
 */
export interface SignedAccess {
  readonly queryParameters: Readonly<Record<string, string>>;
  /**
   * The same grant as cookies the CDN honours instead of the query parameters (CloudFront
   * signed cookies: `CloudFront-Policy`, `CloudFront-Signature`, `CloudFront-Key-Pair-Id`), for
   * a CDN that shares the app's cookie domain.
   */
  readonly cookies: Readonly<Record<string, string>>;
  readonly expiresAt: Date;
}

export class CdnSigningFailure extends Data.TaggedError("CdnSigningFailure")<{ readonly reason: string }> {
  override get message(): string {
    return `could not sign CDN access: ${this.reason}`;
  }
}

/** Media URLs on the CDN host. */
export interface CdnUrls {
  /** `https://<cdn host>/<key>`, unsigned, the key not re-encoded. */
  plainUrl(key: string): string;
  /**
   * One signature covering `restricted/*\/<hex>/*`. Grants are cut per expiry window: every
   * request in a window gets the same grant, expiring one ttl after the window ends, so one
   * signature serves a busy video for the whole window on every replica.
   */
  signedAccess(hex: HexKey): Effect.Effect<SignedAccess, CdnSigningFailure>;
}
export const CdnUrls = Symbol.for("ovs/CdnUrls");

/** A plain URL with the grant's parameters appended. */
export const withSignedAccess = (url: string, access: SignedAccess): string => {
  const query = Object.entries(access.queryParameters)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join("&");
  if (query.length === 0) return url;
  return `${url}${url.includes("?") ? "&" : "?"}${query}`;
};
