import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { Redacted } from "effect";

/** The app's secret key (upstream `SECRET_KEY`), plain or redacted. */
export type SecretKey = string | Redacted.Redacted<string>;

export interface CookieSealOptions {
  /** Seals with this key. At least 32 characters. */
  readonly secretKey: SecretKey;
  /** Earlier secret keys, still accepted when opening, so a key rotation signs nobody out. */
  readonly fallbackSecretKeys?: ReadonlyArray<SecretKey>;
  /**
   * What the sealed values are for (`session`, `sign-in`). Each purpose has its own key and
   * authenticated data, so a value sealed for one purpose never opens as another.
   */
  readonly purpose: string;
}

/** Seals JSON values into opaque cookie values: encrypted and authenticated (AES-256-GCM). */
export interface CookieSeal {
  seal(value: unknown): string;
  /** The value sealed, or `undefined` for anything tampered, truncated, or sealed with another key or purpose. */
  open(sealed: string): unknown;
}

const MINIMUM_SECRET_LENGTH = 32;
const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const HKDF_SALT = "ovs/cookie-seal/v1";
/** Bigger than any cookie a browser keeps; stops a sealed value from inflating without bound. */
const MAXIMUM_PLAINTEXT_BYTES = 64 * 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const secretOf = (key: SecretKey): string => (Redacted.isRedacted(key) ? Redacted.value(key) : key);

const deriveKey = (key: SecretKey, purpose: string): Buffer => {
  const secret = secretOf(key);
  if (secret.length < MINIMUM_SECRET_LENGTH)
    throw new Error(`the secret key must have at least ${MINIMUM_SECRET_LENGTH} characters`);
  return Buffer.from(hkdfSync("sha256", secret, HKDF_SALT, `ovs cookie: ${purpose}`, KEY_BYTES));
};

/**
 * Layout of a sealed value, base64url: version (1 byte) ‖ IV (12) ‖ ciphertext ‖ GCM tag (16).
 * The plaintext is the value's JSON, deflated (group lists and ID tokens are long; browsers keep
 * 4 KB per cookie). The key is HKDF-SHA256 of the secret key for the purpose.
 */
export const makeCookieSeal = (options: CookieSealOptions): CookieSeal => {
  const aad = Buffer.from(`ovs cookie: ${options.purpose}`, "utf8");
  const sealingKey = deriveKey(options.secretKey, options.purpose);
  const openingKeys = [
    sealingKey,
    ...(options.fallbackSecretKeys ?? []).map((key) => deriveKey(key, options.purpose)),
  ];

  const openWith = (key: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer): Buffer | undefined => {
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      return undefined;
    }
  };

  return {
    seal: (value) => {
      const plaintext = deflateRawSync(Buffer.from(JSON.stringify(value), "utf8"));
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", sealingKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad);
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([Buffer.of(FORMAT_VERSION), iv, ciphertext, cipher.getAuthTag()]).toString(
        "base64url",
      );
    },
    open: (sealed) => {
      if (!BASE64URL.test(sealed)) return undefined;
      const bytes = Buffer.from(sealed, "base64url");
      if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== FORMAT_VERSION) return undefined;
      const iv = bytes.subarray(1, 1 + IV_BYTES);
      const ciphertext = bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES);
      const tag = bytes.subarray(bytes.length - TAG_BYTES);
      for (const key of openingKeys) {
        const plaintext = openWith(key, iv, ciphertext, tag);
        if (plaintext === undefined) continue;
        try {
          return JSON.parse(
            inflateRawSync(plaintext, { maxOutputLength: MAXIMUM_PLAINTEXT_BYTES }).toString("utf8"),
          ) as unknown;
        } catch {
          return undefined;
        }
      }
      return undefined;
    },
  };
};
