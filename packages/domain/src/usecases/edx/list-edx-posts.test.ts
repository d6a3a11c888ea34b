import { Effect, Either } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { userPrincipal } from "../../model/user.js";
import { BUILDER_EPOCH, aCollection, aUser, aVideo } from "../../testing/builders.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { aNewEdxEndpoint, storeIn } from "../../testing/stored-test-data.js";
import { videosOfCollection } from "../collections/collection-view.js";
import { ListEdxPosts } from "./list-edx-posts.js";

const setUp = async () => {
  const harness = makeInMemoryHarness();
  const owner = await storeIn(harness).user(aUser().named("lecturer@example.edu"));
  const collection = await storeIn(harness).collection(
    aCollection().withEdxCourse("course-v1:MITx+8.01+2026").withViewLists("students"),
    owner,
  );
  const endpoint = async (name: string) => {
    const stored = await Effect.runPromise(harness.edxEndpoints.insert(aNewEdxEndpoint(name), BUILDER_EPOCH));
    await Effect.runPromise(harness.edxEndpoints.link(collection.key, stored.id));
    return stored;
  };
  const [xpro, learn] = [await endpoint("xpro"), await endpoint("learn")];
  const list = (principal = userPrincipal(owner)) =>
    Effect.runPromise(Effect.either(new ListEdxPosts(harness.ports).run(principal, hexKey(collection.key))));
  return { harness, owner, collection, learn, xpro, list };
};

describe("listing what became of a collection's posts to edX", () => {
  it("shows each video's last post to each endpoint, in video order then by endpoint name, with what edxval said", async () => {
    const { harness, collection, learn, xpro, list } = await setUp();
    const first = await storeIn(harness).video(
      collection,
      aVideo().titled("Lecture 1").withStatus("Complete"),
    );
    const second = await storeIn(harness).video(
      collection,
      aVideo().titled("Lecture 2").withStatus("Complete"),
    );
    const at = new Date("2026-12-03T10:00:00Z");
    const record = (
      videoKey: typeof first.key,
      edxEndpointId: typeof learn.id,
      outcome: never | object,
      attempt = 1,
    ) =>
      Effect.runPromise(
        harness.edxPostRecords.record({
          videoKey,
          edxEndpointId,
          outcome: outcome as never,
          attempt,
          postedAt: at,
        }),
      );
    await record(first.key, xpro.id, { _tag: "Rejected", status: 400, body: '{"error":"bad course"}' });
    await record(first.key, learn.id, { _tag: "Created", status: 201 });
    await record(second.key, learn.id, { _tag: "Failed", reason: "edxval answered 503", transient: true }, 2);

    const listed = await list();

    const rows = Either.getOrThrow(listed).results.map((post) => [
      post.video_title,
      post.endpoint_name,
      post.outcome,
      post.status,
      post.detail,
      post.retrying,
      post.attempt,
    ]);
    const order = (await Effect.runPromise(videosOfCollection(harness.videos, collection.key))).map(
      (details) => details.video.title,
    );
    const expected = [
      ["Lecture 1", "learn", "Created", 201, null, false, 1],
      ["Lecture 1", "xpro", "Rejected", 400, '{"error":"bad course"}', false, 1],
      ["Lecture 2", "learn", "Failed", null, "edxval answered 503", true, 2],
    ];
    // The collection's own video order decides which video comes first.
    expect(rows).toEqual(order[0] === "Lecture 1" ? expected : [expected[2], expected[0], expected[1]]);
    expect(Either.getOrThrow(listed).results[0]?.posted_at).toBe("2026-12-03T10:00:00.000000Z");
  });

  it("answers an empty list before any sync", async () => {
    const { list } = await setUp();
    expect(Either.getOrThrow(await list())).toEqual({ results: [] });
  });

  it("is for the collection's admins only: a viewer is refused, a stranger does not find it", async () => {
    const { harness, list } = await setUp();
    const viewer = aUser().principal("students");
    const stranger = userPrincipal(await storeIn(harness).user(aUser().named("passer-by@example.edu")));

    const [asViewer, asStranger] = [await list(viewer), await list(stranger)];

    expect(Either.isLeft(asViewer) && asViewer.left._tag).toBe("Forbidden");
    expect(Either.isLeft(asStranger) && asStranger.left._tag).toBe("CollectionNotFound");
  });
});
