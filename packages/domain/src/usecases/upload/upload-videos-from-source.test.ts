import { Effect, Either } from "effect";
import { describe, expect, it } from "vitest";
import type { Collection } from "../../model/collection.js";
import { hexKey } from "../../model/keys.js";
import type { Principal } from "../../model/user.js";
import { anonymous } from "../../model/user.js";
import { aCollection, aCollectionKey, aUser } from "../../testing/builders.js";
import type { CollectionBuilder } from "../../testing/builders.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { patternedBytes } from "../../testing/in-memory/byte-streams.js";
import { testSettings } from "../../testing/test-settings.js";
import { StreamSourceToStorage } from "../ingest/stream-source-to-storage.js";
import { UploadVideosFromSource } from "./upload-videos-from-source.js";

const settings = testSettings();

/** What the Dropbox Chooser sends for one file. */
const chooserFile = (name: string, link: string) => ({
  id: `id:${name}`,
  name,
  link,
  bytes: 1_048_576,
  icon: "https://www.dropbox.com/static/images/icons64/page_white_film.png",
  thumbnailLink: "https://thumbnails.dropbox.com/abc",
  isDir: false,
});

const setUp = async (builder: CollectionBuilder = aCollection()) => {
  const harness = makeInMemoryHarness();
  const store = storeIn(harness);
  const owner = await store.user(aUser());
  const collection = await store.collection(builder, owner);
  const ownerPrincipal: Principal = aUser().with(owner).principal();
  const upload = new UploadVideosFromSource(harness.ports, settings);
  const run = (principal: Principal, input: unknown) => Effect.runPromise(upload.run(principal, input));
  const attempt = (principal: Principal, input: unknown) =>
    Effect.runPromise(Effect.either(upload.run(principal, input)));
  const videosIn = (of: Collection = collection) =>
    Effect.runPromise(harness.videos.listInCollection(of.key));
  return { harness, store, owner, ownerPrincipal, collection, run, attempt, videosIn };
};

describe("uploading videos from Dropbox or a URL", () => {
  it("an admin uploads two Dropbox files and both are streamed into the upload bucket and queued for transcoding", async () => {
    const { harness, ownerPrincipal, collection, run, videosIn } = await setUp();
    const first = "https://www.dropbox.com/s/aaa/Lecture%201.mp4?dl=0";
    const second = "https://www.dropbox.com/s/bbb/Lecture%202.MOV?dl=0";
    harness.videoSource.register(first, { content: patternedBytes(5000, 1), contentType: "video/mp4" });
    harness.videoSource.register(second, {
      content: patternedBytes(7000, 2),
      contentType: "video/quicktime",
    });

    const uploaded = await run(ownerPrincipal, {
      collection: hexKey(collection.key),
      files: [chooserFile("Lecture 1.mp4", first), chooserFile("Lecture 2.MOV", second)],
    });

    const videos = await videosIn();
    expect(videos).toHaveLength(2);
    expect(Object.keys(uploaded).sort()).toEqual(videos.map((video) => hexKey(video.key)).sort());
    for (const video of videos) {
      expect(video.status).toBe("Created");
      expect(uploaded[hexKey(video.key)]).toEqual({
        s3key: `${hexKey(video.key)}/video${video.sourceUrl === first ? ".mp4" : ".MOV"}`,
        title: video.sourceUrl === first ? "Lecture 1.mp4" : "Lecture 2.MOV",
      });
      const files = await Effect.runPromise(harness.videoFiles.listForVideo(video.key));
      expect(files).toMatchObject([
        {
          encoding: "original",
          bucketName: settings.buckets.upload,
          s3ObjectKey: uploaded[hexKey(video.key)]?.s3key,
        },
      ]);
    }
    expect(harness.jobs.pending("video.ingest").map((job) => [job.payload, job.singletonKey])).toEqual(
      Object.keys(uploaded).map((hex) => {
        const key = videos.find((video) => hexKey(video.key) === hex)?.key;
        return [{ videoKey: key }, key];
      }),
    );

    const ingest = new StreamSourceToStorage(harness.ports, settings);
    await Effect.runPromise(harness.jobs.drain({ "video.ingest": (payload) => ingest.run(payload) }));

    expect((await videosIn()).map((video) => video.status)).toEqual(["Uploading", "Uploading"]);
    expect(harness.objectStore.keys(settings.buckets.upload)).toEqual(
      Object.values(uploaded)
        .map((video) => video.s3key)
        .sort(),
    );
    expect(harness.jobs.pending("video.transcode")).toHaveLength(2);
  });

  it("takes a plain URL entry with just a name and a link", async () => {
    const { ownerPrincipal, collection, run, videosIn } = await setUp();

    const uploaded = await run(ownerPrincipal, {
      collection: collection.key,
      files: [{ name: "Guest talk", link: "https://media.example.edu/talks/guest-talk" }],
    });

    const [video] = await videosIn();
    expect(video).toMatchObject({
      title: "Guest talk",
      sourceUrl: "https://media.example.edu/talks/guest-talk",
    });
    expect(Object.values(uploaded)).toEqual([
      { s3key: `${hexKey(video?.key ?? collection.key)}/video`, title: "Guest talk" },
    ]);
  });

  it("titles a video with its file name, trimmed and cut to 250 characters", async () => {
    const { ownerPrincipal, collection, run, videosIn } = await setUp();
    const long = `  ${"x".repeat(249)}😀 and more.mp4`;

    const uploaded = await run(ownerPrincipal, {
      collection: collection.key,
      files: [chooserFile(long, "https://www.dropbox.com/s/ccc/long.mp4?dl=0")],
    });

    const [video] = await videosIn();
    expect(video?.title).toBe("x".repeat(249));
    expect(Object.values(uploaded)[0]?.title).toBe("x".repeat(249));
  });

  it.each([
    ["a public collection makes its new videos public", aCollection().public(), true],
    [
      "a public collection fed to MIT Learn publishes its videos one by one",
      aCollection().public().inLearn(),
      false,
    ],
    ["a collection that is not public keeps its new videos unpublished", aCollection(), false],
  ])("%s", async (_, builder, isPublic) => {
    const { ownerPrincipal, collection, run, videosIn } = await setUp(builder);

    await run(ownerPrincipal, {
      collection: collection.key,
      files: [chooserFile("a.mp4", "https://www.dropbox.com/s/ddd/a.mp4?dl=0")],
    });

    expect((await videosIn())[0]).toMatchObject({ isPublic, isPrivate: false });
  });

  it("accepts an empty selection and creates nothing", async () => {
    const { harness, ownerPrincipal, collection, run, videosIn } = await setUp();
    expect(await run(ownerPrincipal, { collection: collection.key, files: [] })).toEqual({});
    expect(await videosIn()).toEqual([]);
    expect(harness.jobs.pending()).toEqual([]);
  });
});

describe("a bad upload request", () => {
  it("is refused as a whole, naming each bad file, and creates nothing", async () => {
    const { harness, ownerPrincipal, collection, attempt, videosIn } = await setUp();

    const result = await attempt(ownerPrincipal, {
      collection: collection.key,
      files: [
        chooserFile("good.mp4", "https://www.dropbox.com/s/eee/good.mp4?dl=0"),
        chooserFile("sneaky.mp4", "file:///etc/passwd"),
        { ...chooserFile("folder", "https://www.dropbox.com/sh/fff/folder"), isDir: true },
        { link: "https://www.dropbox.com/s/ggg/nameless.mp4" },
      ],
    });

    expect(Either.isLeft(result) && result.left._tag).toBe("InvalidInput");
    const problems = Either.isLeft(result) && result.left._tag === "InvalidInput" ? result.left.problems : [];
    expect(problems).toEqual([
      { field: "files.1.link", message: 'must be a valid http or https URL (file "sneaky.mp4")' },
      { field: "files.2.isDir", message: 'is a folder: choose video files instead (file "folder")' },
      { field: "files.3.name", message: "is missing" },
    ]);
    expect(await videosIn()).toEqual([]);
    expect(harness.jobs.pending()).toEqual([]);
  });

  it.each([
    [
      "a link longer than 2000 characters",
      { name: "a.mp4", link: `https://example.edu/${"a".repeat(2000)}` },
      "files.0.link",
    ],
    ["an ftp link", { name: "a.mp4", link: "ftp://example.edu/a.mp4" }, "files.0.link"],
    ["a link with spaces", { name: "a.mp4", link: "https://example.edu/a b.mp4" }, "files.0.link"],
    ["a blank name", { name: "   ", link: "https://example.edu/a.mp4" }, "files.0.name"],
    ["a negative size", { name: "a.mp4", link: "https://example.edu/a.mp4", bytes: -1 }, "files.0.bytes"],
  ])("refuses %s", async (_, file, field) => {
    const { harness, ownerPrincipal, collection, attempt, videosIn } = await setUp();

    const result = await attempt(ownerPrincipal, { collection: collection.key, files: [file] });

    expect(
      Either.isLeft(result) &&
        result.left._tag === "InvalidInput" &&
        result.left.problems.map((p) => p.field),
    ).toEqual([field]);
    expect(await videosIn()).toEqual([]);
    expect(harness.jobs.pending()).toEqual([]);
  });

  it.each([
    ["a malformed collection key", { collection: "not-a-key", files: [] }, ["collection"]],
    ["no files list", { collection: aCollectionKey() }, ["files"]],
    ["a body that is not an object", "files=a.mp4", [""]],
  ])("refuses %s", async (_, input, fields) => {
    const { ownerPrincipal, attempt } = await setUp();
    const result = await attempt(ownerPrincipal, input);
    expect(
      Either.isLeft(result) &&
        result.left._tag === "InvalidInput" &&
        result.left.problems.map((p) => p.field),
    ).toEqual(fields);
  });
});

describe("who may upload", () => {
  const file = chooserFile("a.mp4", "https://www.dropbox.com/s/hhh/a.mp4?dl=0");

  it("asks an anonymous visitor to sign in", async () => {
    const { collection, attempt, videosIn } = await setUp();
    const result = await attempt(anonymous, { collection: collection.key, files: [file] });
    expect(result).toMatchObject({ left: { _tag: "Forbidden", signInRequired: true } });
    expect(await videosIn()).toEqual([]);
  });

  it("refuses a signed-in user who is not an admin of the collection, even staff", async () => {
    const { harness, collection, attempt, videosIn } = await setUp(aCollection().withViewLists("viewers"));
    const result = await attempt(aUser().staff().principal("viewers"), {
      collection: collection.key,
      files: [file],
    });
    expect(result).toMatchObject({ left: { _tag: "Forbidden", signInRequired: false } });
    expect(await videosIn()).toEqual([]);
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("tells a signed-in user who may not see the collection that it does not exist, as the key of a missing one", async () => {
    const { harness, collection, attempt, videosIn } = await setUp(aCollection().withViewLists("viewers"));
    const missing = aCollectionKey();
    const stranger = aUser().staff().principal("other-viewers");

    const hidden = await attempt(stranger, { collection: collection.key, files: [file] });
    const absent = await attempt(stranger, { collection: missing, files: [file] });

    expect(hidden).toMatchObject({ left: { _tag: "CollectionNotFound", key: collection.key } });
    expect(absent).toMatchObject({ left: { _tag: "CollectionNotFound", key: missing } });
    expect(await videosIn()).toEqual([]);
    expect(harness.jobs.pending()).toEqual([]);
  });

  it.each([
    ["a member of an admin list", aUser().principal("lecturers")],
    ["a superuser", aUser().superuser().principal()],
  ])("lets %s upload", async (_, principal) => {
    const { collection, run, videosIn } = await setUp(aCollection().withAdminLists("lecturers"));
    await run(principal, { collection: collection.key, files: [file] });
    expect(await videosIn()).toHaveLength(1);
  });

  it("reports a collection that does not exist", async () => {
    const { ownerPrincipal, attempt } = await setUp();
    const missing = aCollectionKey();
    const result = await attempt(ownerPrincipal, { collection: missing, files: [file] });
    expect(result).toMatchObject({ left: { _tag: "CollectionNotFound", key: missing } });
  });
});
