import { Effect, Either } from "effect";
import { describe, expect, it } from "vitest";
import type { Collection } from "../../model/collection.js";
import type { Principal, User } from "../../model/user.js";
import { anonymous, userPrincipal } from "../../model/user.js";
import { collectionListPayload } from "../../policy/projections/collection-payload.js";
import type { PageRequest } from "../../ports/pagination.js";
import { after, firstPage, pageNumber } from "../../ports/pagination.js";
import { aCollection, aUser, aVideo } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { aNewEdxEndpoint, storeIn } from "../../testing/stored-test-data.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { GetCollection } from "./get-collection.js";
import { COLLECTION_PAGE_SIZE, ListCollections } from "./list-collections.js";

const setUp = async () => {
  const harness = makeInMemoryHarness();
  const store = storeIn(harness);
  const owner = await store.user(aUser().named("owner@example.edu"));
  const list = new ListCollections(harness.ports);
  const titlesOf = async (principal: Parameters<ListCollections["run"]>[0], parameters: unknown = {}) =>
    (await Effect.runPromise(list.run(principal, parameters, pageNumber(1, COLLECTION_PAGE_SIZE)))).items.map(
      (item) => item.collection.title,
    );
  return { harness, store, owner, list, titlesOf };
};

describe("listing collections", () => {
  describe("whose collections: the ones they own or are on a list of, not every one they could open", () => {
    const scenario = async () => {
      const context = await setUp();
      const { harness, store, owner } = context;
      const stored = {
        open: await store.collection(aCollection().titled("Open").public(), owner),
        signedIn: await store.collection(aCollection().titled("Signed in").loggedInOnly(), owner),
        forViewers: await store.collection(
          aCollection().titled("For viewers").withViewLists("viewers"),
          owner,
        ),
        forAdmins: await store.collection(aCollection().titled("For admins").withAdminLists("admins"), owner),
        closed: await store.collection(aCollection().titled("Closed"), owner),
      };
      await store.video(stored.forViewers, aVideo().private());
      await store.video(stored.forViewers);
      const get = new GetCollection(harness.ports);
      const opens = async (principal: Principal, collection: Collection) =>
        Either.isRight(await Effect.runPromise(Effect.either(get.run(principal, collection.key))));
      return { ...context, stored, opens };
    };
    const everyTitle = ["Closed", "For admins", "For viewers", "Signed in", "Open"];

    it.each<[string, (owner: User) => Principal, ReadonlyArray<string>]>([
      ["the owner", (owner) => userPrincipal(owner), everyTitle],
      ["a view-list member", () => aUser().principal("viewers"), ["For viewers"]],
      ["an admin-list member", () => aUser().principal("admins"), ["For admins"]],
      ["a member of both lists", () => aUser().principal("viewers", "admins"), ["For admins", "For viewers"]],
      ["a superuser", () => aUser().superuser().principal(), everyTitle],
      ["a signed-in stranger, even staff", () => aUser().staff().principal("others"), []],
      ["an anonymous visitor", () => anonymous, []],
    ])("%s sees %j", async (_case, principalOf, titles) => {
      const { owner, titlesOf } = await scenario();

      expect(await titlesOf(principalOf(owner))).toEqual(titles);
    });

    it("leaves public and logged-in-only collections out of a stranger's list, though the stranger can still open them", async () => {
      const { stored, titlesOf, opens } = await scenario();
      const stranger = aUser().principal("others");

      expect(await titlesOf(stranger)).toEqual([]);
      expect(await opens(stranger, stored.open)).toBe(true);
      expect(await opens(stranger, stored.signedIn)).toBe(true);
      expect(await opens(stranger, stored.closed)).toBe(false);
      expect(await titlesOf(anonymous)).toEqual([]);
      expect(await opens(anonymous, stored.open)).toBe(true);
      expect(await opens(anonymous, stored.signedIn)).toBe(false);
    });

    it("gives each listed collection its owner and its video count, hidden videos included", async () => {
      const { list } = await scenario();

      const page = await Effect.runPromise(list.run(aUser().principal("viewers"), {}, pageNumber(1, 10)));

      expect(page.total).toBe(1);
      expect(collectionListPayload(page.items[0] ?? expect.fail("no item"))).toMatchObject({
        title: "For viewers",
        video_count: 2,
        owner_info: { username: "owner@example.edu" },
      });
    });
  });

  it("filters by title, slug, description and course id, ignoring empty values", async () => {
    const { store, owner, titlesOf } = await setUp();
    await store.collection(
      aCollection()
        .titled("Physics")
        .with({ slug: "8.01", description: "Mechanics", edxCourseId: "MITx+8.01" }),
      owner,
    );
    await store.collection(
      aCollection().titled("Chemistry").with({ slug: "5.111", description: "Atoms" }),
      owner,
    );
    const admin = userPrincipal(owner);

    expect(await titlesOf(admin, { title: "phys" })).toEqual(["Physics"]);
    expect(await titlesOf(admin, { slug: "5.1" })).toEqual(["Chemistry"]);
    expect(await titlesOf(admin, { description: "ATOM" })).toEqual(["Chemistry"]);
    expect(await titlesOf(admin, { edx_course_id: "8.01" })).toEqual(["Physics"]);
    expect(await titlesOf(admin, { title: "", search: "" })).toEqual(["Chemistry", "Physics"]);
  });

  it("searches collection text and the titles and descriptions of their videos", async () => {
    const { store, owner, titlesOf } = await setUp();
    const lectures = await store.collection(aCollection().titled("Lectures"), owner);
    await store.video(lectures, aVideo().titled("Entropy explained"));
    await store.collection(aCollection().titled("Entropy notes"), owner);
    await store.collection(aCollection().titled("Unrelated"), owner);

    expect(await titlesOf(userPrincipal(owner), { search: "entropy" })).toEqual([
      "Entropy notes",
      "Lectures",
    ]);
  });

  it("filters by edX endpoint, and refuses an endpoint id that is malformed or unknown", async () => {
    const { harness, store, owner, list, titlesOf } = await setUp();
    const linked = await store.collection(aCollection().titled("Linked"), owner);
    await store.collection(aCollection().titled("Unlinked"), owner);
    const endpoint = await Effect.runPromise(
      harness.edxEndpoints.insert(aNewEdxEndpoint("learn"), harness.clock.now()),
    );
    await Effect.runPromise(harness.edxEndpoints.link(linked.key, endpoint.id));
    const admin = userPrincipal(owner);

    expect(await titlesOf(admin, { edx_endpoint: String(endpoint.id) })).toEqual(["Linked"]);
    expect(await titlesOf(admin, { edx_endpoint: endpoint.id })).toEqual(["Linked"]);
    for (const bad of ["abc", "-1", "0", String(endpoint.id + 1000)]) {
      expect(await failureOf(list.run(admin, { edx_endpoint: bad }, firstPage(10)))).toMatchObject({
        _tag: "InvalidInput",
        problems: [
          {
            field: "edx_endpoint",
            message: "Select a valid choice. That choice is not one of the available choices.",
          },
        ],
      });
    }
  });

  it("orders by the first known field of the ordering parameter", async () => {
    const { store, owner, titlesOf } = await setUp();
    for (const title of ["bravo", "alpha", "charlie"])
      await store.collection(aCollection().titled(title), owner);
    const admin = userPrincipal(owner);

    expect(await titlesOf(admin, { ordering: "title" })).toEqual(["alpha", "bravo", "charlie"]);
    expect(await titlesOf(admin, { ordering: "unknown,-title" })).toEqual(["charlie", "bravo", "alpha"]);
    expect(await titlesOf(admin, { ordering: "created_at" })).toEqual(["bravo", "alpha", "charlie"]);
    expect(await titlesOf(admin, { ordering: "nonsense" })).toEqual(["charlie", "alpha", "bravo"]);
  });

  it("pages by cursor through every collection exactly once", async () => {
    const { store, owner, list } = await setUp();
    for (let index = 0; index < 5; index += 1)
      await store.collection(aCollection().titled(`C${index}`), owner);
    const seen: Array<string> = [];
    let request: PageRequest = firstPage(2);
    for (;;) {
      const page = await Effect.runPromise(list.run(userPrincipal(owner), {}, request));
      seen.push(...page.items.map((item) => item.collection.title));
      if (page.nextCursor === null) break;
      request = after(page.nextCursor, 2);
    }

    expect(seen).toEqual(["C4", "C3", "C2", "C1", "C0"]);
  });

  it("refuses a cursor it did not make, and query parameters of the wrong type", async () => {
    const { owner, list } = await setUp();

    expect(await failureOf(list.run(userPrincipal(owner), {}, after("garbage", 2)))).toMatchObject({
      _tag: "InvalidCursor",
    });
    expect(
      await failureOf(list.run(userPrincipal(owner), { title: ["a", "b"] }, firstPage(2))),
    ).toMatchObject({
      _tag: "InvalidInput",
      problems: [{ field: "title" }],
    });
  });
});
