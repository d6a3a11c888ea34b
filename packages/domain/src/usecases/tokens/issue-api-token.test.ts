import { createHash } from "node:crypto";
import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import type { Principal } from "../../model/user.js";
import { anonymous, userPrincipal } from "../../model/user.js";
import { aUser } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { storeIn } from "../../testing/stored-test-data.js";
import type { IssueApiTokenRequest } from "./issue-api-token.js";
import { IssueApiToken } from "./issue-api-token.js";

const DAY_MS = 86_400_000;

const setUp = async () => {
  const harness = makeInMemoryHarness();
  const user = await storeIn(harness).user(aUser().named("script-owner@example.edu"));
  const issue = (request: IssueApiTokenRequest, principal: Principal = userPrincipal(user)) =>
    new IssueApiToken(harness.ports).run(principal, request);
  const storedTokens = () => [...harness.database.tables.apiTokens.values()];
  return { harness, user, issue, storedTokens };
};

describe("issuing an API token", () => {
  it("gives a signed-in user an ovs_ token once, valid for 90 days by default, and stores only its SHA-256", async () => {
    const { harness, user, issue, storedTokens } = await setUp();

    const issued = await Effect.runPromise(issue({ name: "  nightly sync  " }));

    expect(issued.token).toMatch(/^ovs_[A-Za-z0-9_-]{43}$/);
    expect(issued).toMatchObject({
      name: "nightly sync",
      createdAt: harness.clock.now(),
      expiresAt: new Date(harness.clock.now().getTime() + 90 * DAY_MS),
    });
    const [stored] = storedTokens();
    expect(stored).toEqual({
      id: issued.id,
      userId: user.id,
      name: "nightly sync",
      tokenHash: createHash("sha256").update(issued.token).digest("hex"),
      createdAt: issued.createdAt,
      expiresAt: issued.expiresAt,
      lastUsedAt: null,
      revokedAt: null,
    });
    const secret = issued.token.slice("ovs_".length);
    const everyTable = JSON.stringify(
      Object.values(harness.database.tables).map((table: ReadonlyMap<unknown, unknown>) => [
        ...table.values(),
      ]),
    );
    expect(everyTable).not.toContain(secret);
  });

  it("gives a different token every time, even with the same name", async () => {
    const { issue, storedTokens } = await setUp();

    const first = await Effect.runPromise(issue({ name: "cli" }));
    const second = await Effect.runPromise(issue({ name: "cli" }));

    expect(first.token).not.toBe(second.token);
    expect(first.id).not.toBe(second.id);
    expect(new Set(storedTokens().map((token) => token.tokenHash)).size).toBe(2);
  });

  it("takes a lifetime of 1 to 365 whole days", async () => {
    const { harness, issue } = await setUp();
    const now = harness.clock.now().getTime();

    const shortest = await Effect.runPromise(issue({ name: "one day", expires_in_days: 1 }));
    const longest = await Effect.runPromise(issue({ name: "one year", expires_in_days: 365 }));

    expect(shortest.expiresAt).toEqual(new Date(now + DAY_MS));
    expect(longest.expiresAt).toEqual(new Date(now + 365 * DAY_MS));
  });

  it.each([0, 366, 1.5, -3, Number.NaN])("refuses a lifetime of %s days and stores nothing", async (days) => {
    const { issue, storedTokens } = await setUp();

    const error = await failureOf(issue({ name: "too long", expires_in_days: days }));

    expect(error).toMatchObject({ _tag: "InvalidInput", problems: [{ field: "expires_in_days" }] });
    expect(storedTokens()).toEqual([]);
  });

  it("takes a name of 1 to 100 characters after trimming, and refuses an empty or longer one", async () => {
    const { issue, storedTokens } = await setUp();

    const longest = await Effect.runPromise(issue({ name: ` ${"n".repeat(100)} ` }));
    const empty = await failureOf(issue({ name: "   " }));
    const tooLong = await failureOf(issue({ name: "n".repeat(101) }));
    const notText = await failureOf(issue({ name: 42 } as unknown as IssueApiTokenRequest));

    expect(longest.name).toHaveLength(100);
    for (const error of [empty, tooLong, notText]) {
      expect(error).toMatchObject({ _tag: "InvalidInput", problems: [{ field: "name" }] });
    }
    expect(storedTokens()).toHaveLength(1);
  });

  it("asks an anonymous visitor to sign in and stores nothing", async () => {
    const { issue, storedTokens } = await setUp();

    expect(await failureOf(issue({ name: "sneaky" }, anonymous))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: true,
    });
    expect(storedTokens()).toEqual([]);
  });
});
