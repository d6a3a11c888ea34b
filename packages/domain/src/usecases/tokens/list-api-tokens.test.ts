import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { anonymous, userPrincipal } from "../../model/user.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { IssueApiToken } from "./issue-api-token.js";
import { ListApiTokens } from "./list-api-tokens.js";
import { RevokeApiToken } from "./revoke-api-token.js";

describe("listing API tokens", () => {
  it("shows the principal's own tokens newest first, with their state and never a hash", async () => {
    const harness = makeInMemoryHarness();
    const owner = userPrincipal(await storeIn(harness).user());
    const other = userPrincipal(await storeIn(harness).user());
    const issue = new IssueApiToken(harness.ports);
    const expiring = await Effect.runPromise(issue.run(owner, { name: "short", expires_in_days: 1 }));
    harness.clock.advance("1 hour");
    const revoked = await Effect.runPromise(issue.run(owner, { name: "revoked" }));
    harness.clock.advance("1 hour");
    const active = await Effect.runPromise(issue.run(owner, { name: "active" }));
    await Effect.runPromise(issue.run(other, { name: "someone else's" }));
    await Effect.runPromise(new RevokeApiToken(harness.ports).run(owner, revoked.id));
    harness.clock.advance("1 day");

    const listed = await Effect.runPromise(new ListApiTokens(harness.ports).run(owner));

    expect(listed.map(({ name, state }) => ({ name, state }))).toEqual([
      { name: "active", state: "active" },
      { name: "revoked", state: "revoked" },
      { name: "short", state: "expired" },
    ]);
    expect(listed[2]).toEqual({
      id: expiring.id,
      name: "short",
      createdAt: expiring.createdAt,
      expiresAt: expiring.expiresAt,
      lastUsedAt: null,
      revokedAt: null,
      state: "expired",
    });
    expect(listed[0]?.id).toBe(active.id);
    expect(JSON.stringify(listed)).not.toMatch(/tokenHash|[0-9a-f]{64}/);
  });

  it("asks an anonymous visitor to sign in", async () => {
    const harness = makeInMemoryHarness();
    expect(await failureOf(new ListApiTokens(harness.ports).run(anonymous))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: true,
    });
  });
});
