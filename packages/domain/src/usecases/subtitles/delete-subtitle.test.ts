import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { anonymous, userPrincipal } from "../../model/user.js";
import { aCollection, aVideo } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import { DeleteStoredObjects } from "../storage/delete-stored-objects.js";
import { DeleteSubtitle } from "./delete-subtitle.js";
import { UploadSubtitle } from "./upload-subtitle.js";

const settings = testSettings();
const VTT = "WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nHello\n";

const setUp = async () => {
  const harness = makeInMemoryHarness();
  const store = storeIn(harness);
  const collection = await store.collection(aCollection().withAdminLists("admins").withViewLists("viewers"));
  const video = await store.video(collection, aVideo().public());
  const admin = userPrincipal(await store.user(), ["admins"]);
  const { subtitle } = await Effect.runPromise(
    new UploadSubtitle(harness.ports, settings).run(admin, {
      video: video.key,
      filename: "en.vtt",
      file: VTT,
    }),
  );
  return { harness, store, video, admin, subtitle, deleteSubtitle: new DeleteSubtitle(harness.ports) };
};

describe("deleting a subtitle", () => {
  it("an admin deletes it, and the queued job deletes its object", async () => {
    const { harness, video, admin, subtitle, deleteSubtitle } = await setUp();

    const deleted = await Effect.runPromise(deleteSubtitle.run(admin, subtitle.id));

    expect(deleted).toEqual(subtitle);
    expect(await Effect.runPromise(harness.videoSubtitles.listForVideo(video.key))).toEqual([]);
    expect(harness.jobs.pending("storage.delete").map((job) => job.payload)).toEqual([
      { bucket: subtitle.bucketName, key: subtitle.s3ObjectKey, prefix: false },
    ]);
    await Effect.runPromise(
      harness.jobs.drain({
        "storage.delete": (payload) => new DeleteStoredObjects(harness.ports).run(payload),
      }),
    );
    expect(harness.objectStore.keys(settings.buckets.subtitle)).toEqual([]);
  });

  it("refuses a viewer and an anonymous visitor, and deletes nothing", async () => {
    const { harness, store, subtitle, deleteSubtitle } = await setUp();
    const viewer = userPrincipal(await store.user(), ["viewers"]);

    expect(await failureOf(deleteSubtitle.run(viewer, subtitle.id))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: false,
    });
    expect(await failureOf(deleteSubtitle.run(anonymous, subtitle.id))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: true,
    });
    expect(harness.database.tables.videoSubtitles.size).toBe(1);
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("hides the subtitle of a video a signed-in user may not view", async () => {
    const { harness, store, admin, deleteSubtitle } = await setUp();
    const hidden = await store.video(await store.collection(aCollection().withAdminLists("admins")));
    const { subtitle } = await Effect.runPromise(
      new UploadSubtitle(harness.ports, settings).run(admin, {
        video: hidden.key,
        filename: "en.vtt",
        file: VTT,
      }),
    );

    expect(await failureOf(deleteSubtitle.run(userPrincipal(await store.user()), subtitle.id))).toMatchObject(
      {
        _tag: "SubtitleNotFound",
        id: subtitle.id,
      },
    );
  });

  it("reports a subtitle that does not exist", async () => {
    const { admin, deleteSubtitle } = await setUp();

    expect(await failureOf(deleteSubtitle.run(admin, 987_654))).toMatchObject({ _tag: "SubtitleNotFound" });
  });
});
