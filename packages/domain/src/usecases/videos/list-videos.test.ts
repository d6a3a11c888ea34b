import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { anonymous, userPrincipal } from "../../model/user.js";
import type { PageRequest } from "../../ports/pagination.js";
import { after, firstPage, pageNumber } from "../../ports/pagination.js";
import { aCollection, aUser, aVideo } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { ListVideos, VIDEO_PAGE_SIZE } from "./list-videos.js";

const setUp = async () => {
  const harness = makeInMemoryHarness({ cdnHost: "d111.cloudfront.net" });
  const store = storeIn(harness);
  const owner = await store.user();
  const physics = await store.collection(aCollection().withViewLists("physics"), owner);
  const chemistry = await store.collection(aCollection(), owner);
  const list = new ListVideos(harness.ports);
  const titlesOf = async (principal: Parameters<ListVideos["run"]>[0], parameters: unknown = {}) =>
    (await Effect.runPromise(list.run(principal, parameters, pageNumber(1, VIDEO_PAGE_SIZE)))).items.map(
      (view) => view.details.video.title,
    );
  return { harness, store, owner, physics, chemistry, list, titlesOf };
};

describe("listing videos", () => {
  it("shows each principal the videos they may view, newest first", async () => {
    const { store, owner, physics, chemistry, titlesOf } = await setUp();
    await store.video(physics, aVideo().titled("P1"));
    await store.video(physics, aVideo().titled("P2 private").private());
    await store.video(chemistry, aVideo().titled("C1 public").public());
    await store.video(chemistry, aVideo().titled("C2"));
    const physicist = userPrincipal(await store.user(), ["physics"]);

    expect(await titlesOf(anonymous)).toEqual(["C1 public"]);
    expect(await titlesOf(physicist)).toEqual(["C1 public", "P1"]);
    expect(await titlesOf(userPrincipal(owner))).toEqual(["C2", "C1 public", "P2 private", "P1"]);
    expect(await titlesOf(userPrincipal(await store.user(aUser().superuser())))).toHaveLength(4);
  });

  it("binds media URLs per video: plain for public ones, signed for the others", async () => {
    const { store, owner, chemistry, list } = await setUp();
    const open = await store.video(chemistry, aVideo().public());
    const closed = await store.video(chemistry);

    const page = await Effect.runPromise(list.run(userPrincipal(owner), {}, firstPage(10)));
    const byKey = new Map(page.items.map((view) => [view.details.video.key, view]));

    expect(byKey.get(open.key)?.mediaUrl(`transcoded/${hexKey(open.key)}/video__index.m3u8`)).toBe(
      `https://d111.cloudfront.net/transcoded/${hexKey(open.key)}/video__index.m3u8`,
    );
    expect(
      byKey.get(closed.key)?.mediaUrl(`restricted/transcoded/${hexKey(closed.key)}/video__index.m3u8`),
    ).toMatch(/Signature=/);
  });

  it("filters by collection key, hex or dashed, and orders by title on request", async () => {
    const { store, owner, physics, chemistry, titlesOf } = await setUp();
    await store.video(physics, aVideo().titled("b"));
    await store.video(physics, aVideo().titled("a"));
    await store.video(chemistry, aVideo().titled("c"));
    const admin = userPrincipal(owner);

    expect(await titlesOf(admin, { collection: hexKey(physics.key), ordering: "title" })).toEqual(["a", "b"]);
    expect(await titlesOf(admin, { collection: physics.key, ordering: "-title" })).toEqual(["b", "a"]);
    expect(await titlesOf(admin, { collection: "" })).toEqual(["c", "a", "b"]);
  });

  it("refuses a malformed collection key (upstream answered with a 500)", async () => {
    const { owner, list } = await setUp();

    expect(
      await failureOf(list.run(userPrincipal(owner), { collection: "physics" }, firstPage(10))),
    ).toMatchObject({
      _tag: "InvalidInput",
      problems: [{ field: "collection" }],
    });
  });

  it("pages by cursor through every visible video exactly once, and refuses a foreign cursor", async () => {
    const { store, owner, physics, list } = await setUp();
    for (let index = 0; index < 5; index += 1) await store.video(physics, aVideo().titled(`V${index}`));
    const seen: Array<string> = [];
    let request: PageRequest = firstPage(2);
    for (;;) {
      const page = await Effect.runPromise(list.run(userPrincipal(owner), {}, request));
      seen.push(...page.items.map((view) => view.details.video.title));
      if (page.nextCursor === null) break;
      request = after(page.nextCursor, 2);
    }

    expect(seen).toEqual(["V4", "V3", "V2", "V1", "V0"]);
    expect(await failureOf(list.run(userPrincipal(owner), {}, after("nope", 2)))).toMatchObject({
      _tag: "InvalidCursor",
    });
  });
});
