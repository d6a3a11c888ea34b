import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { anonymous } from "../../model/user.js";
import { aUser } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { aNewEdxEndpoint, storeIn } from "../../testing/stored-test-data.js";
import { GetEdxEndpoint } from "./get-edx-endpoint.js";

const staff = aUser().staff().principal();

const setUp = async () => {
  const harness = makeInMemoryHarness();
  const learn = await Effect.runPromise(
    harness.edxEndpoints.insert(aNewEdxEndpoint("learn"), harness.clock.now()),
  );
  const get = new GetEdxEndpoint(harness.ports);
  return { harness, learn, get };
};

describe("getting an edX endpoint", () => {
  it("shows staff the endpoint with how many collections it serves", async () => {
    const { harness, learn, get } = await setUp();
    await Effect.runPromise(harness.edxEndpoints.link((await storeIn(harness).collection()).key, learn.id));

    const view = await Effect.runPromise(get.run(staff, String(learn.id)));

    expect(view).toEqual({ endpoint: learn, collectionCount: 1 });
  });

  it.each(["424242", "0", "-1", "01", "1.0", "1e3", "abc", " 1", "99999999999", ""])(
    "answers not found for the id %j",
    async (id) => {
      const { get } = await setUp();

      expect(await failureOf(get.run(staff, id))).toMatchObject({ _tag: "EdxEndpointNotFound", id });
    },
  );

  it("refuses anyone but staff and superusers before looking anything up", async () => {
    const { learn, get } = await setUp();

    expect(await failureOf(get.run(anonymous, String(learn.id)))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: true,
    });
    expect(await failureOf(get.run(aUser().principal(), "not-an-id"))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: false,
    });
  });
});
