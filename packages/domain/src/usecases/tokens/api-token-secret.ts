import { Effect, Encoding } from "effect";

/**
 * The secret of an API token: `ovs_` and 32 random bytes in unpadded base64url (43 characters).
 * The prefix lets secret scanners and people recognise the token; only its SHA-256 is stored.
 */
export const API_TOKEN_PREFIX = "ovs_";
const SECRET_BYTES = 32;
const WELL_FORMED = /^ovs_[A-Za-z0-9_-]{43}$/;

/** A fresh token from the Web Crypto generator. */
export const newApiTokenSecret: Effect.Effect<string> = Effect.sync(
  () =>
    `${API_TOKEN_PREFIX}${Encoding.encodeBase64Url(globalThis.crypto.getRandomValues(new Uint8Array(SECRET_BYTES)))}`,
);

/** Whether a string has the shape of a token this service issues (checked before any lookup). */
export const isWellFormedApiToken = (token: string): boolean => WELL_FORMED.test(token);

/** The lowercase hex SHA-256 of the token's UTF-8 bytes: what the repository stores and looks up. */
export const hashApiToken = (token: string): Effect.Effect<string> =>
  Effect.map(
    Effect.promise(() => globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(token))),
    (digest) => Encoding.encodeHex(new Uint8Array(digest)),
  );
