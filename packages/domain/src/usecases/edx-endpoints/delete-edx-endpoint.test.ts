import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import type { Principal } from "../../model/user.js";
import { anonymous } from "../../model/user.js";
import { aUser } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { aNewEdxEndpoint, storeIn } from "../../testing/stored-test-data.js";
import { DeleteEdxEndpoint } from "./delete-edx-endpoint.js";

const staff = aUser().staff().principal();

const setUp = async () => {
  const harness = makeInMemoryHarness();
  const insert = (name: string) =>
    Effect.runPromise(harness.edxEndpoints.insert(aNewEdxEndpoint(name), harness.clock.now()));
  const learn = await insert("learn");
  const xpro = await insert("xpro");
  const collection = await storeIn(harness).collection();
  await Effect.runPromise(harness.edxEndpoints.link(collection.key, learn.id));
  await Effect.runPromise(harness.edxEndpoints.link(collection.key, xpro.id));
  const remove = (id: string, principal: Principal = staff) =>
    new DeleteEdxEndpoint(harness.ports).run(principal, id);
  const linked = async () =>
    (await Effect.runPromise(harness.edxEndpoints.listForCollection(collection.key))).map(({ name }) => name);
  const names = () => [...harness.database.tables.edxEndpoints.values()].map(({ name }) => name);
  return { harness, learn, xpro, remove, linked, names };
};

describe("deleting an edX endpoint", () => {
  it("deletes the endpoint and unlinks it from its collections, leaving the others linked", async () => {
    const { learn, remove, linked, names } = await setUp();

    await Effect.runPromise(remove(String(learn.id)));

    expect(names()).toEqual(["xpro"]);
    expect(await linked()).toEqual(["xpro"]);
  });

  it("answers not found the second time, and for a malformed id", async () => {
    const { learn, remove, names } = await setUp();
    await Effect.runPromise(remove(String(learn.id)));

    expect(await failureOf(remove(String(learn.id)))).toMatchObject({ _tag: "EdxEndpointNotFound" });
    expect(await failureOf(remove("xpro"))).toMatchObject({ _tag: "EdxEndpointNotFound" });
    expect(names()).toEqual(["xpro"]);
  });

  it.each<[string, Principal, boolean]>([
    ["anonymous visitors are asked to sign in", anonymous, true],
    ["a collection admin who is not staff is refused", aUser().principal("collection-admins"), false],
  ])("%s, and nothing is deleted", async (_case, principal, signInRequired) => {
    const { learn, remove, linked, names } = await setUp();

    expect(await failureOf(remove(String(learn.id), principal))).toMatchObject({
      _tag: "Forbidden",
      signInRequired,
    });
    expect(names()).toEqual(["learn", "xpro"]);
    expect(await linked()).toEqual(["learn", "xpro"]);
  });
});
