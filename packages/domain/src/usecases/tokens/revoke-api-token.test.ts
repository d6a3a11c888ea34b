import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { anonymous, userPrincipal } from "../../model/user.js";
import { aUser } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { ApiTokenNotFound, InvalidApiToken } from "./api-token-errors.js";
import { AuthenticateApiToken } from "./authenticate-api-token.js";
import { IssueApiToken } from "./issue-api-token.js";
import { RevokeApiToken } from "./revoke-api-token.js";

const setUp = async () => {
  const harness = makeInMemoryHarness();
  const owner = await storeIn(harness).user();
  const issued = await Effect.runPromise(
    new IssueApiToken(harness.ports).run(userPrincipal(owner), { name: "deploy" }),
  );
  const revoke = new RevokeApiToken(harness.ports);
  const authenticate = (token = issued.token) => new AuthenticateApiToken(harness.ports).run(token);
  const revokedAt = () => harness.database.tables.apiTokens.get(issued.id)?.revokedAt;
  return { harness, owner, issued, revoke, authenticate, revokedAt };
};

describe("revoking an API token", () => {
  it("the owner revokes a token, which stops working at once; revoking it again keeps the first time", async () => {
    const { harness, owner, issued, revoke, authenticate, revokedAt } = await setUp();
    expect((await Effect.runPromise(authenticate())).id).toBe(owner.id);
    const at = harness.clock.advance("5 minutes");

    await Effect.runPromise(revoke.run(userPrincipal(owner), issued.id));
    harness.clock.advance("1 minute");
    await Effect.runPromise(revoke.run(userPrincipal(owner), issued.id));

    expect(revokedAt()).toEqual(at);
    expect(await failureOf(authenticate())).toEqual(new InvalidApiToken());
  });

  it("answers not found for another user's token, superusers included, and leaves it working", async () => {
    const { harness, owner, issued, revoke, authenticate, revokedAt } = await setUp();
    const stranger = await storeIn(harness).user();
    const superuser = await storeIn(harness).user(aUser().superuser());

    for (const principal of [stranger, superuser].map((user) => userPrincipal(user))) {
      expect(await failureOf(revoke.run(principal, issued.id))).toEqual(
        new ApiTokenNotFound({ id: issued.id }),
      );
    }

    expect(revokedAt()).toBeNull();
    expect((await Effect.runPromise(authenticate())).id).toBe(owner.id);
  });

  it("answers not found for a token that does not exist", async () => {
    const { owner, revoke } = await setUp();
    expect(await failureOf(revoke.run(userPrincipal(owner), "no-such-token"))).toMatchObject({
      _tag: "ApiTokenNotFound",
      id: "no-such-token",
    });
  });

  it("asks an anonymous visitor to sign in", async () => {
    const { issued, revoke, revokedAt } = await setUp();
    expect(await failureOf(revoke.run(anonymous, issued.id))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: true,
    });
    expect(revokedAt()).toBeNull();
  });
});
