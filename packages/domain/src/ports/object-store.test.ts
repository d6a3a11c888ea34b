import { Chunk, Effect, Stream } from "effect";
import { describe, expect, it } from "vitest";
import { InMemoryObjectStore } from "../testing/in-memory/in-memory-object-store.js";
import { objectsUnder } from "./object-store.js";

/** A store holding `keys`, which records the cursor of every listing asked of it. */
const storeWith = (keys: ReadonlyArray<string>) => {
  const store = new InMemoryObjectStore();
  for (const key of keys) store.putBytes({ bucket: "media", key }, key);
  const listed: Array<string | null> = [];
  const list = store.list.bind(store);
  store.list = (bucket, prefix, options) => {
    listed.push(options?.cursor ?? null);
    return list(bucket, prefix, options);
  };
  return { store, listed };
};

describe("objectsUnder", () => {
  it("streams every object under the prefix in key order, one chunk per listed page", async () => {
    const { store, listed } = storeWith(["a/3", "a/1", "b/1", "a/2", "a/5", "a/4"]);

    const pages = await Effect.runPromise(
      Stream.runCollect(objectsUnder(store, "media", "a/", { limit: 2 }).pipe(Stream.chunks)),
    );

    expect(Chunk.toArray(pages).map((page) => Chunk.toArray(page).map((object) => object.key))).toEqual([
      ["a/1", "a/2"],
      ["a/3", "a/4"],
      ["a/5"],
    ]);
    expect(listed).toEqual([null, "a/2", "a/4"]);
  });

  it("asks for the next page only once the previous one is used up", async () => {
    const { store, listed } = storeWith(["a/1", "a/2", "a/3", "a/4", "a/5"]);

    const firstThree = await Effect.runPromise(
      Stream.runCollect(objectsUnder(store, "media", "a/", { limit: 2 }).pipe(Stream.take(3))),
    );

    expect(Chunk.toArray(firstThree).map((object) => object.key)).toEqual(["a/1", "a/2", "a/3"]);
    expect(listed).toEqual([null, "a/2"]);
  });

  it("lists an empty prefix once", async () => {
    const { store, listed } = storeWith(["b/1"]);

    const objects = await Effect.runPromise(Stream.runCollect(objectsUnder(store, "media", "a/")));

    expect(Chunk.size(objects)).toBe(0);
    expect(listed).toEqual([null]);
  });
});
