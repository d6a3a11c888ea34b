import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

/**
 * Whether a presented secret (a CSRF token, a webhook secret, a metrics token) equals the
 * expected one. Compared as digests in constant time, so neither the contents nor the length of
 * the secret shows in the timing.
 */
export const sameSecret = (given: string, expected: string): boolean =>
  timingSafeEqual(digest(given), digest(expected));
