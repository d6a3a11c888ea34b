import { Either, Redacted } from "effect";
import { describe, expect, it } from "vitest";
import { CredentialSealer, SEALED_PREFIX } from "../src/credential-sealing.js";
import type { SealedColumn } from "../src/credential-sealing.js";

const KEY = Redacted.make("the-service-secret-key-0123456789abcdef");
const OTHER_KEY = Redacted.make("another-service-secret-key-0123456789ab");
const SECRET = "edx-client-secret-Ä-✓";

const sealer = new CredentialSealer(KEY);

/** The opened value, or the reason it did not open. */
const opened = (
  stored: string,
  by: CredentialSealer = sealer,
  column: SealedColumn = "edx_endpoints.secret_key",
) =>
  Either.match(by.open(stored, column), {
    onLeft: (error) => ({ unreadable: error.reason }),
    onRight: ({ value, legacyPlaintext }) => ({ value: Redacted.value(value), legacyPlaintext }),
  });

/** Flips one bit of the base64url part `part` (0 iv, 1 ciphertext, 2 tag) of a sealed value. */
const tampered = (sealed: string, part: 0 | 1 | 2): string => {
  const parts = sealed.slice(SEALED_PREFIX.length).split(".");
  const bytes = Buffer.from(parts[part] ?? "", "base64url");
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  parts[part] = bytes.toString("base64url");
  return `${SEALED_PREFIX}${parts.join(".")}`;
};

describe("sealing credentials at rest", () => {
  it("round-trips a value, and the sealed text shows neither the value nor its encodings", () => {
    const sealed = sealer.seal(Redacted.make(SECRET), "edx_endpoints.secret_key");

    expect(sealed).toMatch(/^ovs-sealed:v1:[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    for (const form of [
      SECRET,
      Buffer.from(SECRET).toString("base64"),
      Buffer.from(SECRET).toString("base64url"),
    ]) {
      expect(sealed).not.toContain(form);
    }
    expect(opened(sealed)).toEqual({ value: SECRET, legacyPlaintext: false });
  });

  it("seals the same value differently every time (a fresh IV each)", () => {
    const first = sealer.seal(Redacted.make(SECRET), "edx_endpoints.secret_key");
    const second = sealer.seal(Redacted.make(SECRET), "edx_endpoints.secret_key");

    expect(first).not.toBe(second);
    expect(opened(first)).toEqual(opened(second));
  });

  it("seals an empty value too", () => {
    expect(opened(sealer.seal(Redacted.make(""), "edx_endpoints.secret_key"))).toEqual({
      value: "",
      legacyPlaintext: false,
    });
  });

  it.each<[0 | 1 | 2, string]>([
    [0, "the IV"],
    [1, "the ciphertext"],
    [2, "the tag"],
  ])("refuses a value whose part %s (%s) was altered", (part) => {
    const sealed = sealer.seal(Redacted.make(SECRET), "edx_endpoints.secret_key");

    expect(opened(tampered(sealed, part))).toEqual({
      unreadable: "it was sealed with another key, or altered",
    });
  });

  it("refuses a value sealed with another key, without saying what it holds", () => {
    const sealed = new CredentialSealer(OTHER_KEY).seal(Redacted.make(SECRET), "edx_endpoints.secret_key");

    const result = sealer.open(sealed, "edx_endpoints.secret_key");

    expect(opened(sealed)).toEqual({ unreadable: "it was sealed with another key, or altered" });
    expect(JSON.stringify(result) + String(Either.isLeft(result) && result.left.message)).not.toContain(
      SECRET,
    );
  });

  it("refuses a value moved to another column", () => {
    const sealedSecret = sealer.seal(Redacted.make(SECRET), "edx_endpoints.secret_key");

    expect(opened(sealedSecret, sealer, "edx_endpoints.client_id")).toMatchObject({
      unreadable: expect.any(String),
    });
  });

  it.each([
    `${SEALED_PREFIX}`,
    `${SEALED_PREFIX}abc`,
    `${SEALED_PREFIX}a.b`,
    `${SEALED_PREFIX}a.b.c.d`,
    `${SEALED_PREFIX}!!!.###.$$$`,
    `${SEALED_PREFIX}AAAA.AAAA.AAAA`,
  ])("refuses %j, which claims to be sealed but is not in the format", (stored) => {
    expect(opened(stored)).toEqual({ unreadable: "it is not in the sealed format" });
  });

  it("reads a value without the prefix as plaintext stored before sealing existed, flagged for sealing", () => {
    expect(opened("legacy-plaintext-secret")).toEqual({
      value: "legacy-plaintext-secret",
      legacyPlaintext: true,
    });
  });

  it("refuses a key shorter than 32 characters", () => {
    expect(() => new CredentialSealer(Redacted.make("too-short"))).toThrow(/at least 32 characters/);
  });
});
