import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { userPrincipal } from "../../model/user.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { InvalidApiToken } from "./api-token-errors.js";
import { AuthenticateApiToken } from "./authenticate-api-token.js";
import { IssueApiToken } from "./issue-api-token.js";

const setUp = async (expiresInDays?: number) => {
  const harness = makeInMemoryHarness();
  const owner = await storeIn(harness).user();
  const issued = await Effect.runPromise(
    new IssueApiToken(harness.ports).run(
      userPrincipal(owner),
      expiresInDays === undefined ? { name: "cli" } : { name: "cli", expires_in_days: expiresInDays },
    ),
  );
  const authenticate = (token = issued.token) => new AuthenticateApiToken(harness.ports).run(token);
  const stored = () => harness.database.tables.apiTokens.get(issued.id);
  return { harness, owner, issued, authenticate, stored };
};

describe("authenticating with an API token", () => {
  it("answers the token's user and records the use", async () => {
    const { harness, owner, authenticate, stored } = await setUp();
    const at = harness.clock.advance("2 hours");

    expect(await Effect.runPromise(authenticate())).toEqual(owner);
    expect(stored()?.lastUsedAt).toEqual(at);
  });

  it("records the last use at most once a minute", async () => {
    const { harness, authenticate, stored } = await setUp();
    const first = harness.clock.now();
    await Effect.runPromise(authenticate());

    harness.clock.advance("59 seconds");
    await Effect.runPromise(authenticate());
    expect(stored()?.lastUsedAt).toEqual(first);

    const minuteLater = harness.clock.advance("1 second");
    await Effect.runPromise(authenticate());
    expect(stored()?.lastUsedAt).toEqual(minuteLater);
  });

  it("works until the token expires and not from that instant on", async () => {
    const { harness, issued, authenticate } = await setUp(1);

    harness.clock.set(new Date(issued.expiresAt.getTime() - 1));
    await Effect.runPromise(authenticate());
    harness.clock.set(issued.expiresAt);

    expect(await failureOf(authenticate())).toEqual(new InvalidApiToken());
  });

  it("refuses a revoked token", async () => {
    const { harness, owner, issued, authenticate } = await setUp();
    await Effect.runPromise(harness.apiTokens.revoke(issued.id, owner.id, harness.clock.now()));

    expect(await failureOf(authenticate())).toEqual(new InvalidApiToken());
  });

  it("refuses a well-formed token nobody issued", async () => {
    const { authenticate } = await setUp();
    expect(await failureOf(authenticate(`ovs_${"A".repeat(43)}`))).toEqual(new InvalidApiToken());
  });

  it("refuses the token of a user who no longer exists", async () => {
    const { harness, owner, authenticate } = await setUp();
    harness.database.tables.users.delete(owner.id);
    expect(await failureOf(authenticate())).toEqual(new InvalidApiToken());
  });

  it("refuses malformed strings without looking anything up or recording a use", async () => {
    const { issued, authenticate, stored } = await setUp();
    const secret = issued.token.slice("ovs_".length);
    const malformed = [
      "",
      "ovs_",
      secret,
      `Bearer ${issued.token}`,
      ` ${issued.token}`,
      `${issued.token}\n`,
      `${issued.token}A`,
      issued.token.slice(0, -1),
      `OVS_${secret}`,
      `ghp_${secret}`,
      `ovs_${secret.slice(0, -1)}=`,
      `ovs_${secret.slice(0, -1)}+`,
      `ovs_${secret.slice(0, -1)}/`,
    ];

    for (const token of malformed) {
      expect(await failureOf(authenticate(token))).toEqual(new InvalidApiToken());
    }
    expect(stored()?.lastUsedAt).toBeNull();
  });

  it("fails the same way whatever was wrong, naming nothing about the token", async () => {
    const { harness, owner, issued, authenticate } = await setUp(1);
    const malformed = await failureOf(authenticate("not a token"));
    const unknown = await failureOf(authenticate(`ovs_${"b".repeat(43)}`));
    harness.clock.advance("2 days");
    const expired = await failureOf(authenticate());
    await Effect.runPromise(harness.apiTokens.revoke(issued.id, owner.id, harness.clock.now()));
    const revoked = await failureOf(authenticate());

    for (const error of [malformed, unknown, expired, revoked]) {
      expect(error).toEqual(new InvalidApiToken());
      expect(error.message).toBe("invalid API token");
      expect(JSON.stringify(error)).not.toContain(issued.token.slice(4));
    }
  });
});
