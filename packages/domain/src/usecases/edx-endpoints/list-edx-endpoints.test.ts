import { Effect, Redacted } from "effect";
import { describe, expect, it } from "vitest";
import { anonymous } from "../../model/user.js";
import { aUser } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { aNewEdxEndpoint, storeIn } from "../../testing/stored-test-data.js";
import { ListEdxEndpoints } from "./list-edx-endpoints.js";

const setUp = async () => {
  const harness = makeInMemoryHarness();
  const insert = (name: string) =>
    Effect.runPromise(harness.edxEndpoints.insert(aNewEdxEndpoint(name), harness.clock.now()));
  const learn = await insert("learn");
  const xpro = await insert("xpro");
  const list = new ListEdxEndpoints(harness.ports);
  return { harness, learn, xpro, list };
};

describe("listing edX endpoints", () => {
  it("shows staff every endpoint, oldest first, with how many collections each serves", async () => {
    const { harness, learn, xpro, list } = await setUp();
    const [first, second] = [await storeIn(harness).collection(), await storeIn(harness).collection()];
    await Effect.runPromise(harness.edxEndpoints.link(first.key, xpro.id));
    await Effect.runPromise(harness.edxEndpoints.link(second.key, xpro.id));

    const listed = await Effect.runPromise(list.run(aUser().staff().principal()));

    expect(listed.map(({ endpoint, collectionCount }) => [endpoint.id, collectionCount])).toEqual([
      [learn.id, 0],
      [xpro.id, 2],
    ]);
  });

  it("lists an endpoint whose credentials cannot be read, so staff can re-enter them", async () => {
    const { harness, learn, list } = await setUp();
    harness.database.tables.edxEndpoints.set(learn.id, {
      ...learn,
      clientId: Redacted.make(""),
      secretKey: Redacted.make(""),
      credentialsReadable: false,
    });

    const listed = await Effect.runPromise(list.run(aUser().superuser().principal()));

    expect(listed.map(({ endpoint }) => [endpoint.name, endpoint.credentialsReadable])).toEqual([
      ["learn", false],
      ["xpro", true],
    ]);
  });

  it("asks anonymous visitors to sign in and refuses users who are not staff", async () => {
    const { list } = await setUp();

    expect(await failureOf(list.run(anonymous))).toMatchObject({ _tag: "Forbidden", signInRequired: true });
    expect(await failureOf(list.run(aUser().principal("collection-admins")))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: false,
    });
  });
});
