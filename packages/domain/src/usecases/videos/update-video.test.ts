import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { anonymous, userPrincipal } from "../../model/user.js";
import type { VideoStatus } from "../../model/video.js";
import { videoPayload } from "../../policy/projections/video-payload.js";
import { aCollection, aVideo } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { UpdateVideo } from "./update-video.js";

const setUp = async (options: { readonly status?: VideoStatus; readonly course?: string } = {}) => {
  const harness = makeInMemoryHarness();
  const store = storeIn(harness);
  const collectionBuilder = aCollection().withViewLists("viewers").withAdminLists("admins");
  const collection = await store.collection(
    options.course === undefined ? collectionBuilder : collectionBuilder.withEdxCourse(options.course),
  );
  const video = await store.video(
    collection,
    aVideo()
      .titled("Lecture 1")
      .withStatus(options.status ?? "Complete")
      .withDuration(3600),
  );
  harness.groupDirectory.addGroup("seminar").addGroup("tutors");
  const admin = userPrincipal(await store.user(), ["admins"]);
  const viewer = userPrincipal(await store.user(), ["viewers"]);
  return { harness, store, collection, video, admin, viewer, update: new UpdateVideo(harness.ports) };
};

describe("updating a video", () => {
  it("an admin changes the fields sent and nothing else", async () => {
    const { harness, video, admin, update } = await setUp();
    harness.clock.advance("5 minutes");

    const view = await Effect.runPromise(
      update.run(admin, hexKey(video.key), {
        title: "Lecture 1: Kinematics",
        description: "Motion in one dimension",
        cta_link: "https://learn.example.edu/course",
        custom_order: 3,
        schedule_retranscode: true,
        key: "ignored",
        status: "Error",
      }),
    );

    const expected = {
      ...video,
      title: "Lecture 1: Kinematics",
      description: "Motion in one dimension",
      ctaLink: "https://learn.example.edu/course",
      customOrder: 3,
      scheduleRetranscode: true,
      updatedAt: harness.clock.now(),
    };
    expect(harness.database.tables.videos.get(video.key)).toEqual(expected);
    expect(videoPayload(view.details, view.principal, view.mediaUrl)).toMatchObject({
      title: "Lecture 1: Kinematics",
      cta_link: "https://learn.example.edu/course",
      status: "Complete",
    });
  });

  it("stores an empty call-to-action link as none", async () => {
    const { harness, store, collection, admin, update } = await setUp();
    const video = await store.video(collection, aVideo().with({ ctaLink: "https://example.edu" }));

    await Effect.runPromise(update.run(admin, video.key, { cta_link: "" }));

    expect(harness.database.tables.videos.get(video.key)?.ctaLink).toBeNull();
  });

  describe("visibility", () => {
    it("queues the move to the public key space when the video becomes public", async () => {
      const { harness, video, admin, update } = await setUp();

      await Effect.runPromise(update.run(admin, video.key, { is_public: true }));

      expect(harness.jobs.pending("video.visibility").map((job) => job.payload)).toEqual([
        { videoKey: video.key },
      ]);
    });

    it("queues the move back when a public video becomes private", async () => {
      const { harness, store, collection, admin, update } = await setUp();
      const video = await store.video(collection, aVideo().public());

      await Effect.runPromise(update.run(admin, video.key, { is_public: false, is_private: true }));

      expect(harness.jobs.pending("video.visibility")).toHaveLength(1);
    });

    it("queues no move for changes that keep the key space", async () => {
      const { harness, video, admin, update } = await setUp();

      await Effect.runPromise(update.run(admin, video.key, { is_private: true }));
      await Effect.runPromise(update.run(admin, video.key, { is_logged_in_only: true, is_private: false }));
      await Effect.runPromise(update.run(admin, video.key, { is_public: false }));

      expect(harness.jobs.pending("video.visibility")).toEqual([]);
    });

    it("sets the video's own view lists when their groups exist, and records the groups", async () => {
      const { harness, video, admin, update } = await setUp();

      await Effect.runPromise(update.run(admin, video.key, { view_lists: ["seminar", "tutors"] }));

      expect(harness.database.tables.videos.get(video.key)?.viewLists).toEqual(["seminar", "tutors"]);
      expect(harness.database.tables.accessGroups.has("tutors")).toBe(true);
    });

    it("clears the view lists without asking the directory", async () => {
      const { harness, store, collection, admin, update } = await setUp();
      await store.groups("seminar");
      const video = await store.video(collection, aVideo().withViewLists("seminar"));
      const lookups = harness.groupDirectory.lookups;

      await Effect.runPromise(update.run(admin, video.key, { view_lists: [] }));

      expect(harness.database.tables.videos.get(video.key)?.viewLists).toEqual([]);
      expect(harness.groupDirectory.lookups).toBe(lookups);
    });

    it("refuses view lists naming unknown groups, and changes nothing", async () => {
      const { harness, video, admin, update } = await setUp();

      const error = await failureOf(
        update.run(admin, video.key, { title: "New", view_lists: ["seminar", "ghosts"] }),
      );

      expect(error).toMatchObject({
        _tag: "InvalidInput",
        problems: [{ field: "view_lists", message: "Group does not exist: ghosts" }],
      });
      expect(harness.database.tables.videos.get(video.key)).toEqual(video);
      expect(harness.database.tables.accessGroups.has("seminar")).toBe(false);
    });
  });

  describe("edX", () => {
    it("re-posts a Complete video whose title changed when its collection has a course", async () => {
      const { harness, video, admin, update } = await setUp({ course: "course-v1:MITx+8.01+2026" });

      await Effect.runPromise(update.run(admin, video.key, { title: "Renamed" }));

      expect(harness.jobs.pending("edx.post-video").map((job) => job.payload)).toEqual([
        { videoKey: video.key },
      ]);
    });

    it("does not re-post for changes edX does not show", async () => {
      const { harness, video, admin, update } = await setUp({ course: "course-v1:MITx+8.01+2026" });

      await Effect.runPromise(update.run(admin, video.key, { description: "New text", title: "Lecture 1" }));

      expect(harness.jobs.pending("edx.post-video")).toEqual([]);
    });

    it("does not post a video that is not Complete, nor one whose collection has no course", async () => {
      const transcoding = await setUp({ status: "Transcoding", course: "course-v1:MITx+8.01+2026" });
      const withoutCourse = await setUp();

      await Effect.runPromise(
        transcoding.update.run(transcoding.admin, transcoding.video.key, { title: "A" }),
      );
      await Effect.runPromise(
        withoutCourse.update.run(withoutCourse.admin, withoutCourse.video.key, { title: "B" }),
      );

      expect(transcoding.harness.jobs.pending()).toEqual([]);
      expect(withoutCourse.harness.jobs.pending()).toEqual([]);
    });
  });

  it("names the JSON fields of invalid values and changes nothing", async () => {
    const { harness, video, admin, update } = await setUp();

    const error = await failureOf(
      update.run(admin, video.key, {
        title: "x".repeat(251),
        cta_link: "javascript:alert(1)",
        custom_order: 1.5,
        is_public: "true",
      }),
    );

    expect(error._tag).toBe("InvalidInput");
    const fields =
      error._tag === "InvalidInput" ? [...new Set(error.problems.map((problem) => problem.field))] : [];
    expect(fields.sort()).toEqual(["cta_link", "custom_order", "is_public", "title"]);
    expect(harness.database.tables.videos.get(video.key)).toEqual(video);
  });

  it("refuses a viewer, hides the video from strangers, and asks anonymous visitors to sign in", async () => {
    const { harness, store, collection, video, viewer, update } = await setUp();
    const publicVideo = await store.video(collection, aVideo().public());
    const stranger = userPrincipal(await store.user());

    expect(await failureOf(update.run(viewer, video.key, { title: "X" }))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: false,
    });
    expect(await failureOf(update.run(stranger, video.key, { title: "X" }))).toMatchObject({
      _tag: "VideoNotFound",
    });
    expect(await failureOf(update.run(stranger, publicVideo.key, { title: "X" }))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: false,
    });
    expect(await failureOf(update.run(anonymous, publicVideo.key, { title: "X" }))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: true,
    });
    expect(harness.database.tables.videos.get(video.key)).toEqual(video);
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("reports a directory failure and changes nothing", async () => {
    const { harness, video, admin, update } = await setUp();
    harness.groupDirectory.failNext({ transient: true });

    const error = await failureOf(update.run(admin, video.key, { view_lists: ["seminar"], is_public: true }));

    expect(error).toMatchObject({ _tag: "DirectoryFailure" });
    expect(harness.database.tables.videos.get(video.key)).toEqual(video);
    expect(harness.jobs.pending()).toEqual([]);
  });
});
