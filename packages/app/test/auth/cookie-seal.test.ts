import { Redacted } from "effect";
import { describe, expect, it } from "vitest";
import { makeCookieSeal } from "../../src/auth/index.js";

const KEY = "cookie-seal-test-key-0123456789abcdefghijklmnop";
const OTHER_KEY = "another-cookie-seal-key-0123456789abcdefghijk";
const value = { userId: 7, groups: ["Staff", "physics-admins"], idToken: "eyJhbGciOi.x.y" };

describe("makeCookieSeal", () => {
  it("opens what it sealed; each seal is a new value that shows nothing of the contents", () => {
    const seal = makeCookieSeal({ secretKey: Redacted.make(KEY), purpose: "session" });
    const first = seal.seal(value);
    const second = seal.seal(value);
    expect(first).not.toBe(second);
    expect(first).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(first, "base64url").toString("latin1")).not.toContain("Staff");
    expect(seal.open(first)).toEqual(value);
    expect(seal.open(second)).toEqual(value);
  });

  it("opens nothing tampered with, truncated, foreign or sealed for another purpose or key", () => {
    const seal = makeCookieSeal({ secretKey: KEY, purpose: "session" });
    const sealed = seal.seal(value);
    const bytes = Buffer.from(sealed, "base64url");
    for (let index = 0; index < bytes.length; index += 1) {
      const flipped = Buffer.from(bytes);
      flipped[index] = (flipped[index] ?? 0) ^ 0x01;
      expect(seal.open(flipped.toString("base64url"))).toBeUndefined();
    }
    expect(seal.open(sealed.slice(0, -1))).toBeUndefined();
    expect(seal.open(sealed.slice(0, 20))).toBeUndefined();
    expect(seal.open("")).toBeUndefined();
    expect(seal.open("not base64url!")).toBeUndefined();
    expect(makeCookieSeal({ secretKey: KEY, purpose: "sign-in" }).open(sealed)).toBeUndefined();
    expect(makeCookieSeal({ secretKey: OTHER_KEY, purpose: "session" }).open(sealed)).toBeUndefined();
  });

  it("opens values sealed with a fallback key, and seals with the current one", () => {
    const old = makeCookieSeal({ secretKey: OTHER_KEY, purpose: "session" });
    const rotated = makeCookieSeal({ secretKey: KEY, fallbackSecretKeys: [OTHER_KEY], purpose: "session" });
    expect(rotated.open(old.seal(value))).toEqual(value);
    expect(old.open(rotated.seal(value))).toBeUndefined();
  });

  it("refuses a short secret key", () => {
    expect(() => makeCookieSeal({ secretKey: "too-short", purpose: "session" })).toThrow(
      /at least 32 characters/,
    );
  });
});
