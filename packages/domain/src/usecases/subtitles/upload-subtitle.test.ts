import { Effect, Option } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { subtitleKey } from "../../model/storage-keys.js";
import { anonymous, userPrincipal } from "../../model/user.js";
import { videoSubtitlePayload } from "../../policy/projections/stored-object-payloads.js";
import type { ObjectStore } from "../../ports/object-store.js";
import { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { VideoSubtitleRepository } from "../../ports/video-subtitle-repository.js";
import { aCollection, aVideo } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import { DeleteStoredObjects } from "../storage/delete-stored-objects.js";
import { UploadSubtitle } from "./upload-subtitle.js";

const settings = testSettings();
const bucket = settings.buckets.subtitle;

const SRT = [
  "1",
  "00:00:01,000 --> 00:00:04,000",
  "Hello world",
  "",
  "2",
  "00:00:05,000 --> 00:00:06,500",
  "Second line",
  "",
].join("\r\n");
const VTT = "WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nEarlier version\n";

/** The harness's subtitle repository, except that writing a subtitle fails as a lost connection would. */
const failingSubtitles = (subtitles: VideoSubtitleRepository): VideoSubtitleRepository => ({
  upsertForLanguage: () =>
    Effect.fail(
      new PersistenceFailure({ operation: "upsert subtitle", cause: new Error("connection lost") }),
    ),
  findById: (id) => subtitles.findById(id),
  listForVideo: (key) => subtitles.listForVideo(key),
  repoint: (id, location, at) => subtitles.repoint(id, location, at),
  delete: (id) => subtitles.delete(id),
});

const setUp = async () => {
  const harness = makeInMemoryHarness();
  const store = storeIn(harness);
  const collection = await store.collection(aCollection().withAdminLists("admins").withViewLists("viewers"));
  const video = await store.video(collection, aVideo().withStatus("Complete"));
  const admin = userPrincipal(await store.user(), ["admins"]);
  const upload = new UploadSubtitle(harness.ports, settings);
  const nothingStored = () => {
    expect(harness.objectStore.keys(bucket)).toEqual([]);
    expect([...harness.database.tables.videoSubtitles.values()]).toEqual([]);
    expect(harness.jobs.pending()).toEqual([]);
  };
  return { harness, store, collection, video, admin, upload, nothingStored };
};

describe("uploading subtitles", () => {
  it("an admin's SRT file is converted to WebVTT and replaces the old file of that language, whose object is then deleted", async () => {
    const { harness, video, admin, upload } = await setUp();
    const hex = hexKey(video.key);
    const first = await Effect.runPromise(
      upload.run(admin, { video: hex, language: "en", filename: "lecture.vtt", file: VTT }),
    );
    await Effect.runPromise(
      upload.run(admin, { video: hex, language: "fr", filename: "cours.vtt", file: VTT }),
    );
    harness.clock.advance("10 minutes");

    const second = await Effect.runPromise(
      upload.run(admin, { video: hex, language: "en", filename: "lecture-v2.srt", file: SRT }),
    );

    const newKey = subtitleKey(hex, harness.clock.now(), "en", "restricted");
    expect(second).toMatchObject({ replaced: true, readAs: "srt" });
    expect(second.subtitle).toMatchObject({
      id: first.subtitle.id,
      language: "en",
      filename: "lecture-v2.srt",
      s3ObjectKey: newKey,
      bucketName: bucket,
    });
    expect(newKey).toMatch(new RegExp(`^restricted/subtitles/${hex}/subtitles_${hex}_\\d{14}_en\\.vtt$`));
    expect(harness.objectStore.readText({ bucket, key: newKey })).toBe(
      "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nHello world\n\n00:00:05.000 --> 00:00:06.500\nSecond line\n",
    );
    const info = await Effect.runPromise(harness.objectStore.head({ bucket, key: newKey }));
    expect(Option.map(info, (object) => object.contentType)).toEqual(Option.some("text/vtt"));
    expect(videoSubtitlePayload(second.subtitle)).toMatchObject({
      language_name: "English",
      filename: "lecture-v2.srt",
    });
    const rows = await Effect.runPromise(harness.videoSubtitles.listForVideo(video.key));
    expect(rows.map((row) => row.language).sort()).toEqual(["en", "fr"]);

    expect(harness.jobs.pending("storage.delete").map((job) => job.payload)).toEqual([
      { bucket, key: first.subtitle.s3ObjectKey, prefix: false },
    ]);
    await Effect.runPromise(
      harness.jobs.drain({
        "storage.delete": (payload) => new DeleteStoredObjects(harness.ports).run(payload),
      }),
    );
    expect(harness.objectStore.has({ bucket, key: first.subtitle.s3ObjectKey })).toBe(false);
    expect(harness.objectStore.keys(bucket)).toHaveLength(2);
  });

  it("stores a public video's subtitles in the public key space, in English by default", async () => {
    const { harness, store, collection, admin, upload } = await setUp();
    const video = await store.video(collection, aVideo().public());

    const result = await Effect.runPromise(
      upload.run(admin, { video: video.key, filename: "a.VTT", file: VTT }),
    );

    expect(result).toMatchObject({ replaced: false, readAs: "vtt" });
    expect(result.subtitle.language).toBe("en");
    expect(result.subtitle.s3ObjectKey).toBe(
      subtitleKey(hexKey(video.key), harness.clock.now(), "en", "public"),
    );
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("refuses a viewer and an admin of another collection (upstream trusted a collection the client named)", async () => {
    const { store, video, upload, nothingStored } = await setUp();
    const otherCollection = await store.collection(aCollection().withAdminLists("other-admins"));
    const adminElsewhere = userPrincipal(await store.user(), ["other-admins"]);
    const viewer = userPrincipal(await store.user(), ["viewers"]);
    const body = { video: video.key, filename: "x.srt", file: SRT, collection: otherCollection.key };

    expect(await failureOf(upload.run(viewer, body))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: false,
    });
    expect(await failureOf(upload.run(adminElsewhere, body))).toMatchObject({ _tag: "VideoNotFound" });
    // The video is not public, so an anonymous visitor is asked to sign in first.
    expect(await failureOf(upload.run(anonymous, body))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: true,
    });
    nothingStored();
  });

  it("asks an anonymous visitor to sign in to add subtitles to a public video", async () => {
    const { store, collection, upload, nothingStored } = await setUp();
    const video = await store.video(collection, aVideo().public());

    expect(
      await failureOf(upload.run(anonymous, { video: video.key, filename: "x.srt", file: SRT })),
    ).toMatchObject({
      _tag: "Forbidden",
      signInRequired: true,
    });
    nothingStored();
  });

  it("refuses a file that is not subtitles, naming the line at fault", async () => {
    const { video, admin, upload, nothingStored } = await setUp();

    const garbage = await failureOf(
      upload.run(admin, { video: video.key, filename: "x.srt", file: "just some text" }),
    );
    const badTiming = await failureOf(
      upload.run(admin, {
        video: video.key,
        filename: "x.srt",
        file: "1\n00:00:05,000 --> 00:00:01,000\nBackwards\n",
      }),
    );

    expect(garbage).toMatchObject({ _tag: "InvalidInput", problems: [{ field: "file" }] });
    expect(badTiming).toMatchObject({ _tag: "InvalidInput", problems: [{ field: "file" }] });
    expect(badTiming.message).toContain("line 2");
    nothingStored();
  });

  it("refuses file names other than .srt and .vtt, unknown languages and a malformed video key", async () => {
    const { video, admin, upload, nothingStored } = await setUp();

    expect(
      await failureOf(upload.run(admin, { video: video.key, filename: "x.txt", file: SRT })),
    ).toMatchObject({
      _tag: "InvalidInput",
      problems: [{ field: "filename", message: "Only .srt and .vtt subtitle files are supported." }],
    });
    for (const language of ["english", "xx", "EN"]) {
      expect(
        await failureOf(upload.run(admin, { video: video.key, language, filename: "x.srt", file: SRT })),
      ).toMatchObject({ _tag: "InvalidInput", problems: [{ field: "language" }] });
    }
    expect(
      await failureOf(upload.run(admin, { video: "not-a-key", filename: "x.srt", file: SRT })),
    ).toMatchObject({
      _tag: "InvalidInput",
      problems: [{ field: "video" }],
    });
    expect(await failureOf(upload.run(admin, { video: video.key, filename: "x.srt" }))).toMatchObject({
      _tag: "InvalidInput",
      problems: [{ field: "file" }],
    });
    nothingStored();
  });

  it("reports an unknown video", async () => {
    const { admin, upload, nothingStored } = await setUp();

    expect(
      await failureOf(upload.run(admin, { video: aVideo().build().key, filename: "x.srt", file: SRT })),
    ).toMatchObject({ _tag: "VideoNotFound" });
    nothingStored();
  });

  it("writes no row when storing the object fails", async () => {
    const { harness, video, admin, upload, nothingStored } = await setUp();
    harness.objectStore.failNext("put", { transient: true, reason: "SlowDown" });

    const error = await failureOf(upload.run(admin, { video: video.key, filename: "x.srt", file: SRT }));

    expect(error).toMatchObject({ _tag: "StorageFailure", transient: true });
    nothingStored();
  });

  it("deletes the new object again when the database write fails, and keeps the old subtitle", async () => {
    const { harness, video, admin, upload } = await setUp();
    const old = await Effect.runPromise(
      upload.run(admin, { video: video.key, filename: "a.vtt", file: VTT }),
    );
    harness.clock.advance("1 minute");
    const failingRepository = failingSubtitles(harness.videoSubtitles);
    const failingUpload = new UploadSubtitle(
      { ...harness.ports, videoSubtitles: failingRepository },
      settings,
    );

    const error = await failureOf(
      failingUpload.run(admin, { video: video.key, filename: "b.srt", file: SRT }),
    );

    expect(error).toMatchObject({ _tag: "PersistenceFailure" });
    expect(harness.objectStore.keys(bucket)).toEqual([old.subtitle.s3ObjectKey]);
    expect(harness.objectStore.readText({ bucket, key: old.subtitle.s3ObjectKey })).toBe(VTT);
    const rows = await Effect.runPromise(harness.videoSubtitles.listForVideo(video.key));
    expect(rows).toEqual([old.subtitle]);
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("keeps the live object when a same-second re-upload fails to reach the database", async () => {
    const { harness, video, admin, upload } = await setUp();
    const old = await Effect.runPromise(
      upload.run(admin, { video: video.key, filename: "a.vtt", file: VTT }),
    );
    const failingRepository = failingSubtitles(harness.videoSubtitles);

    await failureOf(
      new UploadSubtitle({ ...harness.ports, videoSubtitles: failingRepository }, settings).run(admin, {
        video: video.key,
        filename: "a.vtt",
        file: VTT,
      }),
    );

    expect(harness.objectStore.has({ bucket, key: old.subtitle.s3ObjectKey })).toBe(true);
  });

  it("queues a visibility move when the video changes key space while the file is stored", async () => {
    const { harness, video, admin } = await setUp();
    const store = harness.objectStore;
    const flippingStore: ObjectStore = {
      put: (location, body, options) =>
        Effect.flatMap(store.put(location, body, options), (info) =>
          Effect.sync(() => {
            const current = harness.database.tables.videos.get(video.key);
            if (current !== undefined)
              harness.database.tables.videos.set(video.key, { ...current, isPublic: true });
            return info;
          }),
        ),
      get: (location, range) => store.get(location, range),
      head: (location) => store.head(location),
      copy: (from, to) => store.copy(from, to),
      delete: (location) => store.delete(location),
      deletePrefix: (bucketName, prefix) => store.deletePrefix(bucketName, prefix),
      list: (bucketName, prefix, options) => store.list(bucketName, prefix, options),
    };

    await Effect.runPromise(
      new UploadSubtitle({ ...harness.ports, objectStore: flippingStore }, settings).run(admin, {
        video: video.key,
        filename: "a.srt",
        file: SRT,
      }),
    );

    expect(harness.jobs.pending("video.visibility").map((job) => job.payload)).toEqual([
      { videoKey: video.key },
    ]);
  });
});
