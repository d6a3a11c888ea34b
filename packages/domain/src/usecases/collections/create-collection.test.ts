import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import type { UserId } from "../../model/user.js";
import { anonymous, userPrincipal } from "../../model/user.js";
import { collectionListPayload } from "../../policy/projections/collection-payload.js";
import { aUser } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { MEDIA_SERVED_OPENLY } from "./collection-notices.js";
import { CreateCollection } from "./create-collection.js";

const setUp = async () => {
  const harness = makeInMemoryHarness();
  const store = storeIn(harness);
  const staff = await store.user(aUser().named("staff@example.edu").staff());
  harness.groupDirectory.addGroup("physics-viewers").addGroup("physics-admins");
  return { harness, store, staff, create: new CreateCollection(harness.ports) };
};

const nothingWritten = (harness: ReturnType<typeof makeInMemoryHarness>) => {
  expect([...harness.database.tables.collections.values()]).toEqual([]);
  expect([...harness.database.tables.accessGroups.keys()]).toEqual([]);
};

describe("creating a collection", () => {
  it("a staff member creates a collection whose lists name existing groups, and owns it, and is told a linked course serves media openly", async () => {
    const { harness, staff, create } = await setUp();

    const created = await Effect.runPromise(
      create.run(userPrincipal(staff), {
        title: "  Physics 8.01  ",
        description: "Classical mechanics",
        view_lists: ["physics-viewers"],
        admin_lists: ["physics-admins"],
        edx_course_id: "course-v1:MITx+8.01+2026",
        is_logged_in_only: true,
      }),
    );

    expect(created.videoCount).toBe(0);
    expect(created.owner.id).toBe(staff.id);
    expect(created.notices).toEqual([MEDIA_SERVED_OPENLY]);
    expect(created.collection).toMatchObject({
      title: "Physics 8.01",
      description: "Classical mechanics",
      ownerId: staff.id,
      viewLists: ["physics-viewers"],
      adminLists: ["physics-admins"],
      edxCourseId: "course-v1:MITx+8.01+2026",
      isLoggedInOnly: true,
      isPublic: false,
      createdAt: harness.clock.now(),
    });
    expect(harness.database.tables.collections.get(created.collection.key)).toEqual(created.collection);
    expect([...harness.database.tables.accessGroups.keys()].sort()).toEqual([
      "physics-admins",
      "physics-viewers",
    ]);
    expect(collectionListPayload(created)).toMatchObject({
      title: "Physics 8.01",
      owner: staff.id,
      owner_info: { id: staff.id, username: "staff@example.edu", email: "staff@example.edu" },
      video_count: 0,
    });
  });

  it("a superuser creates a collection on behalf of another user, with empty lists by default", async () => {
    const { harness, store, create } = await setUp();
    const superuser = await store.user(aUser().superuser());
    const lecturer = await store.user();

    const created = await Effect.runPromise(
      create.run(userPrincipal(superuser), { title: "Lectures", owner: lecturer.id }),
    );

    expect(created.owner.id).toBe(lecturer.id);
    expect(created.collection).toMatchObject({
      ownerId: lecturer.id,
      viewLists: [],
      adminLists: [],
      description: null,
      edxCourseId: null,
      isLoggedInOnly: false,
    });
    expect(created.notices).toEqual([]);
    expect(harness.database.tables.collections.size).toBe(1);
  });

  it("stores an empty course id as none", async () => {
    const { staff, create } = await setUp();

    const created = await Effect.runPromise(
      create.run(userPrincipal(staff), { title: "T", edx_course_id: "  " }),
    );

    expect(created.collection.edxCourseId).toBeNull();
  });

  it("asks an anonymous visitor to sign in, and writes nothing", async () => {
    const { harness, create } = await setUp();

    const error = await failureOf(create.run(anonymous, { title: "Nope" }));

    expect(error).toMatchObject({ _tag: "Forbidden", signInRequired: true });
    nothingWritten(harness);
  });

  it("refuses a signed-in user who is neither staff nor superuser, even one in the admin groups", async () => {
    const { harness, store, create } = await setUp();
    const member = await store.user();

    const error = await failureOf(
      create.run(userPrincipal(member, ["physics-admins"]), {
        title: "Nope",
        admin_lists: ["physics-admins"],
      }),
    );

    expect(error).toMatchObject({ _tag: "Forbidden", signInRequired: false });
    nothingWritten(harness);
  });

  it("staff set the operator flags at creation", async () => {
    const { harness, staff, create } = await setUp();

    const created = await Effect.runPromise(
      create.run(userPrincipal(staff), {
        title: "Shorts",
        is_public: true,
        include_in_learn: true,
        for_shorts: true,
        stream_source: "Cloudfront",
      }),
    );

    expect(harness.database.tables.collections.get(created.collection.key)).toMatchObject({
      isPublic: true,
      includeInLearn: true,
      forShorts: true,
      streamSource: "Cloudfront",
    });
    expect(collectionListPayload(created)).toMatchObject({ is_public: true, stream_source: "Cloudfront" });
  });

  it("refuses a missing or blank title and names the field", async () => {
    const { harness, staff, create } = await setUp();

    const missing = await failureOf(create.run(userPrincipal(staff), { description: "no title" }));
    const blank = await failureOf(create.run(userPrincipal(staff), { title: "   " }));

    expect(missing).toMatchObject({ _tag: "InvalidInput", problems: [{ field: "title" }] });
    expect(blank).toMatchObject({ _tag: "InvalidInput", problems: [{ field: "title" }] });
    nothingWritten(harness);
  });

  it("names the JSON fields of malformed lists, course ids and flags", async () => {
    const { harness, staff, create } = await setUp();

    const error = await failureOf(
      create.run(userPrincipal(staff), {
        title: "T",
        view_lists: "physics-viewers",
        admin_lists: [""],
        edx_course_id: "x".repeat(151),
        is_logged_in_only: "yes",
      }),
    );

    expect(error._tag).toBe("InvalidInput");
    const fields =
      error._tag === "InvalidInput"
        ? [...new Set(error.problems.map((problem) => problem.field))].sort()
        : [];
    expect(fields).toEqual(["admin_lists.0", "edx_course_id", "is_logged_in_only", "view_lists"]);
    nothingWritten(harness);
  });

  it("refuses lists naming groups the directory does not know, naming each list and its missing groups, before writing anything", async () => {
    const { harness, staff, create } = await setUp();

    const error = await failureOf(
      create.run(userPrincipal(staff), {
        title: "T",
        view_lists: ["physics-viewers", "ghosts", "phantoms"],
        admin_lists: ["physics-admins", "ghosts"],
      }),
    );

    expect(error).toMatchObject({
      _tag: "InvalidInput",
      problems: [
        { field: "view_lists", message: "Group does not exist: ghosts,phantoms" },
        { field: "admin_lists", message: "Group does not exist: ghosts" },
      ],
    });
    // Upstream inserted the group rows while validating; here not even the existing ones are recorded.
    nothingWritten(harness);
  });

  it("refuses an owner who is not a user", async () => {
    const { harness, staff, create } = await setUp();

    const error = await failureOf(create.run(userPrincipal(staff), { title: "T", owner: 424242 as UserId }));

    expect(error).toMatchObject({
      _tag: "InvalidInput",
      problems: [{ field: "owner", message: 'Invalid pk "424242" - object does not exist.' }],
    });
    nothingWritten(harness);
  });

  it("reports a directory that cannot be reached, and writes nothing", async () => {
    const { harness, staff, create } = await setUp();
    harness.groupDirectory.failNext({ transient: true, reason: "Keycloak is down" });

    const error = await failureOf(
      create.run(userPrincipal(staff), { title: "T", view_lists: ["physics-viewers"] }),
    );

    expect(error).toMatchObject({ _tag: "DirectoryFailure", transient: true });
    nothingWritten(harness);
  });
});
