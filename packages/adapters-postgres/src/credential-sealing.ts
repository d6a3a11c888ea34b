import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { Data, Either, Redacted } from "effect";

/**
 * Secrets kept at rest in a column (an edX endpoint's client id, secret key and cached token),
 * sealed with AES-256-GCM so a copy of the database (a dump, a replica, a backup) does not
 * give them away. Stored as text:
 *
 *     ovs-sealed:v1:<iv>.<ciphertext>.<tag>        (each part unpadded base64url)
 *
 * - The key is derived from the service's secret key (`OVS_SECRET_KEY` in the app) with
 *   HKDF-SHA256, under a salt and info that name this purpose, so it is never the key that
 *   seals session cookies, and a future purpose derives its own.
 * - Each value gets a random 12-byte IV; the 16-byte tag makes any change to the value, or a
 *   different key, fail to open rather than open to garbage.
 * - The column the value belongs in is authenticated with it (additional data), so a value
 *   copied into another column (the secret key into the client id) does not open either.
 * - `v1` names the algorithm and the derivation: a change to either is a new version, and old
 *   values keep opening while they are re-sealed.
 */
export const SEALED_PREFIX = "ovs-sealed:v1:";

const KEY_DERIVATION_SALT = "ovs/adapters-postgres/credential-sealing";
const KEY_DERIVATION_INFO = "ovs credentials at rest v1: AES-256-GCM";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** As the app requires of `OVS_SECRET_KEY`: a shorter secret would make a guessable key. */
export const MIN_CREDENTIALS_KEY_LENGTH = 32;

/** Where a sealed value lives; it is authenticated with the value. */
export type SealedColumn =
  "edx_endpoints.client_id" | "edx_endpoints.secret_key" | "edx_endpoints.access_token";

/**
 * A stored value that does not open: sealed with another key, altered, or not in the sealed
 * format although it claims to be. The reason never contains the value.
 */
export class SealedValueUnreadable extends Data.TaggedError("SealedValueUnreadable")<{
  readonly column: SealedColumn;
  readonly reason: string;
}> {
  override get message(): string {
    return `the sealed value of ${this.column} cannot be opened: ${this.reason}`;
  }
}

/** What a stored value opened to, and whether it was stored before sealing existed. */
export interface OpenedValue {
  readonly value: Redacted.Redacted<string>;
  /** Plaintext written before values were sealed: it should be sealed at the next write. */
  readonly legacyPlaintext: boolean;
}

const toBase64Url = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64url");

const BASE64URL = /^[A-Za-z0-9_-]*$/;

const fromBase64Url = (text: string): Buffer | undefined =>
  BASE64URL.test(text) ? Buffer.from(text, "base64url") : undefined;

export class CredentialSealer {
  private readonly key: Buffer;

  /** Throws on a key shorter than `MIN_CREDENTIALS_KEY_LENGTH`: a configuration error, found at start. */
  constructor(secretKey: Redacted.Redacted<string>) {
    const secret = Redacted.value(secretKey);
    if (secret.length < MIN_CREDENTIALS_KEY_LENGTH) {
      throw new Error(
        `the credentials key must be at least ${MIN_CREDENTIALS_KEY_LENGTH} characters (got ${secret.length})`,
      );
    }
    this.key = Buffer.from(hkdfSync("sha256", secret, KEY_DERIVATION_SALT, KEY_DERIVATION_INFO, KEY_BYTES));
  }

  seal(value: Redacted.Redacted<string>, column: SealedColumn): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(column, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(Redacted.value(value), "utf8"), cipher.final()]);
    return `${SEALED_PREFIX}${toBase64Url(iv)}.${toBase64Url(ciphertext)}.${toBase64Url(cipher.getAuthTag())}`;
  }

  /**
   * Opens a stored value. One without the prefix is legacy plaintext, written before values were
   * sealed: it is returned as it is, flagged so the repository seals it at its next write (the
   * migration that introduced sealing could not: migrations run without the key).
   */
  open(stored: string, column: SealedColumn): Either.Either<OpenedValue, SealedValueUnreadable> {
    if (!stored.startsWith(SEALED_PREFIX)) {
      return Either.right({ value: Redacted.make(stored), legacyPlaintext: true });
    }
    const unreadable = (reason: string) => Either.left(new SealedValueUnreadable({ column, reason }));
    const parts = stored.slice(SEALED_PREFIX.length).split(".");
    if (parts.length !== 3) return unreadable("it is not in the sealed format");
    const [iv, ciphertext, tag] = parts.map(fromBase64Url);
    if (iv?.length !== IV_BYTES || ciphertext === undefined || tag?.length !== TAG_BYTES) {
      return unreadable("it is not in the sealed format");
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(column, "utf8"));
      decipher.setAuthTag(tag);
      const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
      return Either.right({ value: Redacted.make(plaintext), legacyPlaintext: false });
    } catch {
      return unreadable("it was sealed with another key, or altered");
    }
  }
}
