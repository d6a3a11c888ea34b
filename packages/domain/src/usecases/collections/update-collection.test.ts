import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import type { UserId } from "../../model/user.js";
import { anonymous, userPrincipal } from "../../model/user.js";
import { collectionPayload } from "../../policy/projections/collection-payload.js";
import { aCollection, aUser, aVideo } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { aNewEdxEndpoint, storeIn } from "../../testing/stored-test-data.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import { MEDIA_SERVED_OPENLY, MEDIA_SIGNED_AGAIN } from "./collection-notices.js";
import { UpdateCollection } from "./update-collection.js";

const setUp = async (settings = testSettings()) => {
  const harness = makeInMemoryHarness();
  const store = storeIn(harness);
  const owner = await store.user(aUser().staff());
  harness.groupDirectory.addGroup("viewers").addGroup("admins").addGroup("new-viewers");
  const collection = await store.collection(
    aCollection().titled("Physics").withViewLists("viewers").withAdminLists("admins"),
    owner,
  );
  const admin = userPrincipal(await store.user(), ["admins"]);
  const viewer = userPrincipal(await store.user(), ["viewers"]);
  const stranger = userPrincipal(await store.user());
  return {
    harness,
    store,
    owner,
    collection,
    admin,
    viewer,
    stranger,
    update: new UpdateCollection(harness.ports, settings),
  };
};

const storedCollection = (harness: ReturnType<typeof makeInMemoryHarness>, key: string) =>
  harness.database.tables.collections.get(key);

describe("updating a collection", () => {
  it("an admin-list member changes only the fields sent", async () => {
    const { harness, collection, admin, update } = await setUp();
    harness.clock.advance("1 hour");

    const view = await Effect.runPromise(
      update.run(admin, collection.key.replaceAll("-", ""), {
        title: "Physics II",
        view_lists: ["new-viewers"],
        is_logged_in_only: true,
      }),
    );

    const expected = {
      ...collection,
      title: "Physics II",
      viewLists: ["new-viewers"],
      isLoggedInOnly: true,
      updatedAt: harness.clock.now(),
    };
    expect(storedCollection(harness, collection.key)).toEqual(expected);
    expect(view.collection).toEqual(expected);
    expect(collectionPayload(view)).toMatchObject({
      title: "Physics II",
      is_admin: true,
      view_lists: ["new-viewers"],
    });
    expect(harness.database.tables.accessGroups.has("new-viewers")).toBe(true);
  });

  it("clears the description and the course id when they are sent as null", async () => {
    const { harness, store, owner, admin, update } = await setUp();
    const collection = await store.collection(
      aCollection()
        .withAdminLists("admins")
        .withEdxCourse("course-v1:MITx+1+2026")
        .with({ description: "old" }),
      owner,
    );

    await Effect.runPromise(update.run(admin, collection.key, { description: null, edx_course_id: null }));

    expect(storedCollection(harness, collection.key)).toMatchObject({ description: null, edxCourseId: null });
  });

  it("refuses groups the directory does not know, naming the list, and changes nothing", async () => {
    const { harness, collection, admin, update } = await setUp();

    const error = await failureOf(
      update.run(admin, collection.key, { title: "Renamed", admin_lists: ["admins", "ghosts"] }),
    );

    expect(error).toMatchObject({
      _tag: "InvalidInput",
      problems: [{ field: "admin_lists", message: "Group does not exist: ghosts" }],
    });
    expect(storedCollection(harness, collection.key)).toEqual(collection);
    expect(harness.database.tables.accessGroups.has("ghosts")).toBe(false);
  });

  it("refuses a malformed body and changes nothing", async () => {
    const { harness, collection, admin, update } = await setUp();

    const error = await failureOf(
      update.run(admin, collection.key, { title: "", schedule_retranscode: "yes" }),
    );

    expect(error._tag).toBe("InvalidInput");
    expect(error._tag === "InvalidInput" && error.problems.map((problem) => problem.field)).toEqual([
      "title",
      "schedule_retranscode",
    ]);
    expect(storedCollection(harness, collection.key)).toEqual(collection);
  });

  it("refuses a viewer who is not an admin, hides the collection from strangers and asks anonymous visitors to sign in", async () => {
    const { harness, collection, viewer, stranger, update } = await setUp();
    const body = { title: "Hijacked" };

    const asViewer = await failureOf(update.run(viewer, collection.key, body));
    const asStranger = await failureOf(update.run(stranger, collection.key, body));
    const asAnonymous = await failureOf(update.run(anonymous, collection.key, body));

    expect(asViewer).toMatchObject({ _tag: "Forbidden", signInRequired: false });
    expect(asStranger).toMatchObject({ _tag: "CollectionNotFound" });
    expect(asAnonymous).toMatchObject({ _tag: "Forbidden", signInRequired: true });
    expect(storedCollection(harness, collection.key)).toEqual(collection);
  });

  it("reports an unknown or malformed key as not found", async () => {
    const { admin, update } = await setUp();

    expect(await failureOf(update.run(admin, aCollection().build().key, {}))).toMatchObject({
      _tag: "CollectionNotFound",
    });
    expect(await failureOf(update.run(admin, "not-a-key", {}))).toMatchObject({
      _tag: "CollectionNotFound",
      key: "not-a-key",
    });
  });

  describe("the owner", () => {
    it("may be handed to another user by a staff member who administers the collection", async () => {
      const { harness, store, owner, collection, update } = await setUp();
      const successor = await store.user();

      const view = await Effect.runPromise(
        update.run(userPrincipal(owner), collection.key, { owner: successor.id }),
      );

      expect(storedCollection(harness, collection.key)?.ownerId).toBe(successor.id);
      expect(view.owner.id).toBe(successor.id);
    });

    it("may not be changed by an admin-list member who is not staff (upstream let any admin do it)", async () => {
      const { harness, store, collection, admin, update } = await setUp();
      const accomplice = await store.user();

      const error = await failureOf(update.run(admin, collection.key, { owner: accomplice.id }));

      expect(error).toMatchObject({ _tag: "Forbidden", signInRequired: false });
      expect(storedCollection(harness, collection.key)).toEqual(collection);
    });

    it("may be sent unchanged by any admin", async () => {
      const { harness, owner, collection, admin, update } = await setUp();

      await Effect.runPromise(update.run(admin, collection.key, { owner: owner.id, title: "Same owner" }));

      expect(storedCollection(harness, collection.key)).toMatchObject({
        ownerId: owner.id,
        title: "Same owner",
      });
    });

    it("must be a user", async () => {
      const { harness, owner, collection, update } = await setUp();

      const error = await failureOf(
        update.run(userPrincipal(owner), collection.key, { owner: 999_999 as UserId }),
      );

      expect(error).toMatchObject({ _tag: "InvalidInput", problems: [{ field: "owner" }] });
      expect(storedCollection(harness, collection.key)).toEqual(collection);
    });
  });

  describe("the edX course id", () => {
    const withEndpoints = async () => {
      const context = await setUp();
      const at = context.harness.clock.now();
      const learn = await Effect.runPromise(
        context.harness.edxEndpoints.insert(
          aNewEdxEndpoint("learn", { baseUrl: "https://courses.learn.mit.edu" }),
          at,
        ),
      );
      const xpro = await Effect.runPromise(
        context.harness.edxEndpoints.insert(
          aNewEdxEndpoint("xpro", { baseUrl: "https://courses.xpro.mit.edu" }),
          at,
        ),
      );
      const linkedTo = async (key: typeof context.collection.key) =>
        (await Effect.runPromise(context.harness.edxEndpoints.listForCollection(key))).map(
          (endpoint) => endpoint.name,
        );
      return { ...context, learn, xpro, linkedTo };
    };

    it("links the xPRO endpoint for an xPRO course when the collection has no endpoint yet", async () => {
      const { collection, admin, update, linkedTo } = await withEndpoints();

      await Effect.runPromise(update.run(admin, collection.key, { edx_course_id: "course-v1:xPRO+DSx+R1" }));

      expect(await linkedTo(collection.key)).toEqual(["xpro"]);
    });

    it("links the Learn endpoint for any other course", async () => {
      const { collection, admin, update, linkedTo } = await withEndpoints();

      await Effect.runPromise(
        update.run(admin, collection.key, { edx_course_id: "course-v1:MITx+8.01+2026" }),
      );

      expect(await linkedTo(collection.key)).toEqual(["learn"]);
    });

    it("never re-targets an existing link", async () => {
      const { harness, collection, admin, update, learn, linkedTo } = await withEndpoints();
      await Effect.runPromise(harness.edxEndpoints.link(collection.key, learn.id));

      await Effect.runPromise(update.run(admin, collection.key, { edx_course_id: "course-v1:xPRO+DSx+R1" }));

      expect(await linkedTo(collection.key)).toEqual(["learn"]);
    });

    it("links nothing when the course id is cleared, or when no endpoint fits", async () => {
      const { harness, store, owner, collection, admin, update, linkedTo } = await withEndpoints();
      const other = await store.collection(aCollection().withAdminLists("admins"), owner);

      await Effect.runPromise(update.run(admin, collection.key, { edx_course_id: null }));
      await Effect.runPromise(update.run(admin, other.key, { edx_course_id: "" }));

      expect(await linkedTo(collection.key)).toEqual([]);
      expect(await linkedTo(other.key)).toEqual([]);
      expect(harness.database.tables.collectionEdxEndpoints.size).toBe(0);
    });

    it("links nothing when no endpoint is on the right host", async () => {
      const { harness, collection, admin, update } = await setUp();
      await Effect.runPromise(
        harness.edxEndpoints.insert(
          aNewEdxEndpoint("other", { baseUrl: "https://edx.example.org" }),
          harness.clock.now(),
        ),
      );

      await Effect.runPromise(
        update.run(admin, collection.key, { edx_course_id: "course-v1:MITx+8.01+2026" }),
      );

      expect(harness.database.tables.collectionEdxEndpoints.size).toBe(0);
      expect(storedCollection(harness, collection.key)?.edxCourseId).toBe("course-v1:MITx+8.01+2026");
    });
  });

  describe("linking and unlinking an edX course, which serves the videos' media openly", () => {
    const COURSE = "course-v1:MITx+8.01+2026";
    const movesQueued = (harness: ReturnType<typeof makeInMemoryHarness>) =>
      harness.jobs
        .pending("video.visibility")
        .map((job) => job.payload.videoKey)
        .sort();

    it("queues a move for every protected video when a course is linked, and tells the admin", async () => {
      const { harness, store, collection, admin, update } = await setUp();
      const protectedOnes = [
        await store.video(collection),
        await store.video(collection, aVideo().private()),
      ];
      await store.video(collection, aVideo().public());
      await store.video(await store.collection());

      const updated = await Effect.runPromise(update.run(admin, collection.key, { edx_course_id: COURSE }));

      expect(movesQueued(harness)).toEqual(protectedOnes.map((video) => video.key).sort());
      expect(updated.notices).toEqual([MEDIA_SERVED_OPENLY]);
      expect(updated.notices[0]?.message).toContain("plain URLs");
    });

    it("queues the moves back when the course is unlinked, and says the URLs edX holds stop working", async () => {
      const { harness, store, owner, admin, update } = await setUp();
      const linked = await store.collection(
        aCollection().withAdminLists("admins").withEdxCourse(COURSE),
        owner,
      );
      const protectedOne = await store.video(linked);
      await store.video(linked, aVideo().public());

      const updated = await Effect.runPromise(update.run(admin, linked.key, { edx_course_id: "" }));

      expect(movesQueued(harness)).toEqual([protectedOne.key]);
      expect(updated.notices).toEqual([MEDIA_SIGNED_AGAIN]);
    });

    it("moves nothing and says nothing when the link does not change", async () => {
      const { harness, store, owner, collection, admin, update } = await setUp();
      const linked = await store.collection(
        aCollection().withAdminLists("admins").withEdxCourse(COURSE),
        owner,
      );
      await store.video(linked);
      await store.video(collection);

      const renamed = await Effect.runPromise(update.run(admin, collection.key, { title: "Renamed" }));
      const otherCourse = await Effect.runPromise(
        update.run(admin, linked.key, { edx_course_id: "course-v1:MITx+8.02+2026" }),
      );
      const stillNone = await Effect.runPromise(update.run(admin, collection.key, { edx_course_id: null }));

      expect(movesQueued(harness)).toEqual([]);
      expect([renamed.notices, otherCourse.notices, stillNone.notices]).toEqual([[], [], []]);
    });
  });

  describe("scheduling a retranscode", () => {
    it("copies a changed flag to every video of the collection when retranscoding is enabled", async () => {
      const { harness, store, collection, admin, update } = await setUp();
      const first = await store.video(collection);
      const second = await store.video(collection);
      const elsewhere = await store.video(await store.collection());

      await Effect.runPromise(update.run(admin, collection.key, { schedule_retranscode: true }));

      const flagOf = (key: string) => harness.database.tables.videos.get(key)?.scheduleRetranscode;
      expect(storedCollection(harness, collection.key)?.scheduleRetranscode).toBe(true);
      expect([flagOf(first.key), flagOf(second.key), flagOf(elsewhere.key)]).toEqual([true, true, false]);
    });

    it("leaves the videos alone when retranscoding is disabled", async () => {
      const { harness, store, collection, admin, update } = await setUp(
        testSettings({ retranscodeEnabled: false }),
      );
      const video = await store.video(collection);

      await Effect.runPromise(update.run(admin, collection.key, { schedule_retranscode: true }));

      expect(storedCollection(harness, collection.key)?.scheduleRetranscode).toBe(true);
      expect(harness.database.tables.videos.get(video.key)?.scheduleRetranscode).toBe(false);
    });

    it("does not clear the videos' flags when the collection is saved without changing its own (upstream did)", async () => {
      const { harness, store, collection, admin, update } = await setUp();
      const flagged = await store.video(collection, aVideo().with({ scheduleRetranscode: true }));

      await Effect.runPromise(
        update.run(admin, collection.key, { title: "Renamed", schedule_retranscode: false }),
      );

      expect(harness.database.tables.videos.get(flagged.key)?.scheduleRetranscode).toBe(true);
    });
  });

  describe("the operator flags", () => {
    const flagsOf = (harness: ReturnType<typeof makeInMemoryHarness>, key: string) => {
      const video = harness.database.tables.videos.get(key);
      return { isPublic: video?.isPublic, isPrivate: video?.isPrivate };
    };
    const movesQueued = (harness: ReturnType<typeof makeInMemoryHarness>) =>
      harness.jobs
        .pending("video.visibility")
        .map((job) => job.payload.videoKey)
        .sort();

    it("staff set include_in_learn, for_shorts and stream_source, and the detail shows them", async () => {
      const { harness, owner, collection, update } = await setUp();

      const updated = await Effect.runPromise(
        update.run(userPrincipal(owner), collection.key, {
          include_in_learn: true,
          for_shorts: true,
          stream_source: "Youtube",
        }),
      );

      expect(storedCollection(harness, collection.key)).toMatchObject({
        includeInLearn: true,
        forShorts: true,
        streamSource: "Youtube",
        isPublic: false,
      });
      expect(collectionPayload(updated)).toMatchObject({
        include_in_learn: true,
        for_shorts: true,
        stream_source: "Youtube",
      });
      expect(updated.notices).toEqual([]);
    });

    it("refuses a collection admin who is not staff, naming the flags, and changes nothing", async () => {
      const { harness, collection, admin, update } = await setUp();
      const before = storedCollection(harness, collection.key);

      const error = await failureOf(
        update.run(admin, collection.key, { title: "Renamed", is_public: true, for_shorts: true }),
      );

      expect(error).toMatchObject({
        _tag: "Forbidden",
        reason: "only staff and superusers may set is_public, for_shorts",
        signInRequired: false,
      });
      expect(storedCollection(harness, collection.key)).toEqual(before);
    });

    it("staff set the flags of a collection they do not administer, but change nothing else of it", async () => {
      const { harness, store, collection, update } = await setUp();
      const operator = userPrincipal(await store.user(aUser().staff()));

      await Effect.runPromise(update.run(operator, collection.key, { for_shorts: true }));
      const mixed = await failureOf(
        update.run(operator, collection.key, { for_shorts: false, title: "Mine" }),
      );

      expect(storedCollection(harness, collection.key)).toMatchObject({ forShorts: true, title: "Physics" });
      expect(mixed).toMatchObject({ _tag: "CollectionNotFound" });
    });

    it("refuses a stream source other than Youtube, Cloudfront or null, naming the field", async () => {
      const { owner, collection, update } = await setUp();

      const error = await failureOf(
        update.run(userPrincipal(owner), collection.key, { stream_source: "vimeo" }),
      );

      expect(error).toMatchObject({ _tag: "InvalidInput" });
      expect(JSON.stringify(error)).toContain("stream_source");
    });

    it("publishing a collection makes every video public and queues the moves of the protected ones", async () => {
      const { harness, store, owner, collection, update } = await setUp();
      const restricted = await store.video(collection);
      const privateOne = await store.video(collection, aVideo().private());
      const alreadyPublic = await store.video(collection, aVideo().public());
      const elsewhere = await store.video(await store.collection());

      const updated = await Effect.runPromise(
        update.run(userPrincipal(owner), collection.key, { is_public: true }),
      );

      for (const video of [restricted, privateOne, alreadyPublic]) {
        expect(flagsOf(harness, video.key)).toEqual({ isPublic: true, isPrivate: false });
      }
      expect(flagsOf(harness, elsewhere.key)).toEqual({ isPublic: false, isPrivate: false });
      expect(movesQueued(harness)).toEqual([restricted.key, privateOne.key].sort());
      expect(updated.notices.map((notice) => notice.message)).toEqual([
        "The collection is public: 2 videos changed to public, visible to anyone, signed in or not.",
      ]);
    });

    it("unpublishing makes every video private, admins only, and queues the moves of the public ones", async () => {
      const { harness, store, owner, update } = await setUp();
      const published = await store.collection(
        aCollection().with({ isPublic: true, includeInLearn: true }),
        owner,
      );
      const publicOne = await store.video(published, aVideo().public());
      const loggedIn = await store.video(published, aVideo().with({ isLoggedInOnly: true }));

      const updated = await Effect.runPromise(
        update.run(userPrincipal(owner), published.key, { is_public: false }),
      );

      expect(flagsOf(harness, publicOne.key)).toEqual({ isPublic: false, isPrivate: true });
      expect(flagsOf(harness, loggedIn.key)).toEqual({ isPublic: false, isPrivate: true });
      expect(movesQueued(harness)).toEqual([publicOne.key]);
      expect(updated.notices[0]?.message).toMatch(
        /^The collection is no longer public: 2 videos changed to private/,
      );
    });

    it("publishing a collection included in MIT Learn leaves its videos alone", async () => {
      const { harness, store, owner, update } = await setUp();
      const learn = await store.collection(aCollection().with({ includeInLearn: true }), owner);
      const video = await store.video(learn);

      const updated = await Effect.runPromise(
        update.run(userPrincipal(owner), learn.key, { is_public: true }),
      );

      expect(storedCollection(harness, learn.key)?.isPublic).toBe(true);
      expect(flagsOf(harness, video.key)).toEqual({ isPublic: false, isPrivate: false });
      expect(movesQueued(harness)).toEqual([]);
      expect(updated.notices).toEqual([]);
    });

    it("sending is_public unchanged touches no video", async () => {
      const { harness, store, owner, collection, update } = await setUp();
      const video = await store.video(collection, aVideo().private());

      await Effect.runPromise(update.run(userPrincipal(owner), collection.key, { is_public: false }));

      expect(flagsOf(harness, video.key)).toEqual({ isPublic: false, isPrivate: true });
      expect(harness.database.tables.videos.get(video.key)?.updatedAt).toEqual(video.updatedAt);
    });
  });

  it("returns the collection with the videos the principal may view, signed for protected ones", async () => {
    const { store, collection, admin, update } = await setUp();
    const shown = await store.video(collection);

    const view = await Effect.runPromise(update.run(admin, collection.key, { title: "With videos" }));

    expect(view.videos.map((media) => media.video.key)).toEqual([shown.key]);
    expect(view.principal).toBe(admin);
    const payload = collectionPayload(view);
    expect(payload.videos.map((video) => video.title)).toEqual([shown.title]);
  });
});
