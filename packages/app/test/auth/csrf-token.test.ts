import { describe, expect, it } from "vitest";
import { CSRF_COOKIE_NAME, makeCsrfProtection, type CsrfContext } from "../../src/auth/index.js";

/** Just what `rotate` touches: the cookie jar and the state. */
const fakeContext = () => {
  const cookies: Array<[string, string | null]> = [];
  const ctx = {
    state: {},
    cookies: { set: (name: string, value: string | null) => cookies.push([name, value]) },
  } as unknown as CsrfContext;
  return { ctx, cookies };
};

describe("CSRF tokens", () => {
  it("are 32 fresh random bytes each, never repeated across refills of the random pool", () => {
    const csrf = makeCsrfProtection({ insecure: true });
    const { ctx, cookies } = fakeContext();

    // Several times the pool's 128 tokens, so tokens come from more than one refill.
    const tokens = Array.from({ length: 1000 }, () => csrf.rotate(ctx));

    expect(new Set(tokens).size).toBe(tokens.length);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, "base64url")).toHaveLength(32);
    }
    expect(cookies).toEqual(tokens.map((token) => [CSRF_COOKIE_NAME, token]));
    expect(ctx.state.csrfToken).toBe(tokens.at(-1));
    // Every byte value shows up across 32 000 random bytes; a stuck or zeroed pool would not.
    const bytes = new Set(tokens.flatMap((token) => [...Buffer.from(token, "base64url")]));
    expect(bytes.size).toBe(256);
  });
});
