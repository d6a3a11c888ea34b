import { Effect, Either } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { hlsPlaylistKey, mp4Key, originalKey, thumbnailKey } from "../../model/storage-keys.js";
import type { Principal } from "../../model/user.js";
import { anonymous } from "../../model/user.js";
import type { VideoStatus } from "../../model/video.js";
import { Encoding } from "../../model/video-file.js";
import { aCollection, aUser, aVideo, aVideoKey } from "../../testing/builders.js";
import type { CollectionBuilder } from "../../testing/builders.js";
import { found } from "../../testing/effect-outcomes.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { bytesOfText, patternedBytes } from "../../testing/in-memory/byte-streams.js";
import { testSettings } from "../../testing/test-settings.js";
import { StreamSourceToStorage } from "../ingest/stream-source-to-storage.js";
import { SubmitTranscode } from "../transcode/submit-transcode.js";
import { ReplaceVideoSource } from "./replace-video-source.js";

const settings = testSettings();
const OLD_SOURCE = "https://www.dropbox.com/s/old/lecture.mp4?dl=0";
const NEW_SOURCE = "https://www.dropbox.com/s/new/lecture-fixed.mov?dl=0";

const newFile = (link = NEW_SOURCE) => ({
  name: "lecture-fixed.mov",
  link,
  bytes: 123,
  icon: "https://www.dropbox.com/static/images/icons64/page_white_film.png",
  thumbnailLink: "https://thumbnails.dropbox.com/new",
  isDir: false,
});

const setUp = async (
  status: VideoStatus = "Complete",
  collectionBuilder: CollectionBuilder = aCollection().withAdminLists("lecturers"),
) => {
  const harness = makeInMemoryHarness();
  const store = storeIn(harness);
  const owner = await store.user(aUser());
  const collection = await store.collection(collectionBuilder, owner);
  const video = await store.video(
    collection,
    aVideo().fromSource(OLD_SOURCE).withStatus(status).titled("Week 1"),
  );
  const hex = hexKey(video.key);
  const at = harness.clock.now();
  const oldOriginal = { bucket: settings.buckets.upload, key: originalKey(hex, OLD_SOURCE) };
  await Effect.runPromise(
    harness.videoFiles.insert(
      {
        videoKey: video.key,
        s3ObjectKey: oldOriginal.key,
        bucketName: oldOriginal.bucket,
        encoding: Encoding.original,
      },
      at,
    ),
  );
  harness.objectStore.putBytes(oldOriginal, patternedBytes(3000, 9), "video/mp4");
  const replace = new ReplaceVideoSource(harness.ports, settings);
  const attempt = (principal: Principal, input: unknown) =>
    Effect.runPromise(Effect.either(replace.run(principal, input)));
  const current = () => found(harness.videos.findByKey(video.key));
  const files = () => Effect.runPromise(harness.videoFiles.listForVideo(video.key));
  const admin = aUser().principal("lecturers");
  return { harness, owner, collection, video, hex, oldOriginal, replace, attempt, current, files, admin };
};

/** A complete video as the transcode left it: HLS and MP4 outputs and a thumbnail, all live. */
const withLiveOutputs = async (setup: Awaited<ReturnType<typeof setUp>>) => {
  const { harness, video, hex } = setup;
  const at = harness.clock.now();
  const playlist = { bucket: settings.buckets.transcode, key: hlsPlaylistKey(hex, "restricted") };
  const mp4 = { bucket: settings.buckets.transcode, key: mp4Key(hex, "restricted") };
  const thumbnail = { bucket: settings.buckets.thumbnail, key: thumbnailKey(hex, "restricted") };
  await Effect.runPromise(
    Effect.all([
      harness.videoFiles.insert(
        {
          videoKey: video.key,
          s3ObjectKey: playlist.key,
          bucketName: playlist.bucket,
          encoding: Encoding.hls,
        },
        at,
      ),
      harness.videoFiles.insert(
        { videoKey: video.key, s3ObjectKey: mp4.key, bucketName: mp4.bucket, encoding: Encoding.desktopMp4 },
        at,
      ),
      harness.videoThumbnails.upsertByKey(
        {
          videoKey: video.key,
          s3ObjectKey: thumbnail.key,
          bucketName: thumbnail.bucket,
          maxWidth: 640,
          maxHeight: 360,
        },
        at,
      ),
    ]),
  );
  harness.objectStore.putBytes(playlist, bytesOfText("#EXTM3U old"));
  harness.objectStore.putBytes(mp4, patternedBytes(100, 4));
  harness.objectStore.putBytes(thumbnail, bytesOfText("old frame"), "image/jpeg");
  return { playlist, mp4, thumbnail };
};

describe("replacing a video's source", () => {
  it("an admin replaces a complete video: the old outputs stay live until the new transcode completes", async () => {
    const setup = await setUp("Complete");
    const { harness, video, hex, oldOriginal, attempt, current, files, admin } = setup;
    const live = await withLiveOutputs(setup);
    harness.clock.advance("30 days");

    const result = await attempt(admin, { video: hex, file: newFile() });

    expect(result).toEqual(Either.right({ key: hex, title: "Week 1" }));
    expect(await current()).toMatchObject({ status: "Created", sourceUrl: NEW_SOURCE, title: "Week 1" });
    const newOriginal = { bucket: settings.buckets.upload, key: `${hex}/video.mov` };
    expect((await files()).find((file) => file.encoding === Encoding.original)).toMatchObject({
      s3ObjectKey: newOriginal.key,
      bucketName: newOriginal.bucket,
    });
    expect(harness.jobs.pending("storage.delete").map((job) => job.payload)).toEqual([
      { bucket: oldOriginal.bucket, key: oldOriginal.key, prefix: false },
    ]);
    expect(harness.jobs.pending("video.ingest").map((job) => job.payload)).toEqual([{ videoKey: video.key }]);
    expect(harness.jobs.pending("mail.send")).toEqual([]);

    // The new bytes arrive: the video waits for a retranscode into staging, old outputs untouched.
    harness.videoSource.register(NEW_SOURCE, {
      content: patternedBytes(4000, 11),
      contentType: "video/quicktime",
    });
    const ingest = new StreamSourceToStorage(harness.ports, settings);
    await Effect.runPromise(harness.jobs.drain({ "video.ingest": (payload) => ingest.run(payload) }));

    expect((await current()).status).toBe("Retranscode scheduled");
    expect(harness.jobs.pending("video.transcode").map((job) => job.payload)).toEqual([
      { videoKey: video.key },
    ]);
    expect(harness.objectStore.has(newOriginal)).toBe(true);
    expect(harness.objectStore.has(live.playlist)).toBe(true);
    expect(harness.objectStore.has(live.mp4)).toBe(true);
    expect((await files()).map((file) => file.encoding).sort()).toEqual(["HLS", "desktop_mp4", "original"]);
    expect(harness.objectStore.has(live.thumbnail)).toBe(true);

    // The transcode step retranscodes into staging and captures a new frame there: the old
    // thumbnail shows the old content and goes when the new outputs go live.
    const submitted = await Effect.runPromise(
      new SubmitTranscode(harness.ports, settings).run({ videoKey: video.key }),
    );
    expect(submitted).toMatchObject({
      _tag: "Submitted",
      purpose: "retranscode",
      request: {
        input: newOriginal,
        destination: { prefix: expect.stringMatching(/^retranscode\//) },
        thumbnail: { bucket: settings.buckets.thumbnail, prefix: expect.stringMatching(/^retranscode\//) },
      },
    });
    expect((await current()).status).toBe("Retranscoding");
    expect(harness.objectStore.has(live.playlist)).toBe(true);
    expect(harness.objectStore.has(live.thumbnail)).toBe(true);
  });

  it("keeps the original's key when the extension does not change", async () => {
    const { harness, hex, oldOriginal, attempt, files, admin } = await setUp("Complete");

    await attempt(admin, { video: hex, file: newFile("https://www.dropbox.com/s/new/other-name.mp4?dl=0") });

    expect((await files()).map((file) => file.s3ObjectKey)).toEqual([oldOriginal.key]);
    expect(harness.jobs.pending("storage.delete")).toEqual([]);
    expect(harness.jobs.pending("video.ingest")).toHaveLength(1);
  });

  it("gives a failed upload a new source, which then transcodes as a first transcode", async () => {
    const { harness, video, hex, attempt, current, admin } = await setUp("Upload failed");

    await attempt(admin, { video: hex, file: newFile() });
    expect((await current()).status).toBe("Created");

    harness.videoSource.register(NEW_SOURCE, { content: patternedBytes(4000, 12) });
    const ingest = new StreamSourceToStorage(harness.ports, settings);
    await Effect.runPromise(harness.jobs.drain({ "video.ingest": (payload) => ingest.run(payload) }));

    expect((await current()).status).toBe("Uploading");
    expect(harness.jobs.pending("video.transcode").map((job) => job.payload)).toEqual([
      { videoKey: video.key },
    ]);
  });

  it.each([
    "Transcode failed internal error",
    "Transcode failed video error",
    "Retranscode failed error",
  ] as const)("replaces a video that is '%s'", async (status) => {
    const { hex, attempt, current, admin } = await setUp(status);
    expect(Either.isRight(await attempt(admin, { video: hex, file: newFile() }))).toBe(true);
    expect((await current()).status).toBe("Created");
  });
});

describe("a replacement that cannot happen", () => {
  it.each(["Created", "Uploading", "Transcoding", "Retranscode scheduled", "Retranscoding"] as const)(
    "is refused while the video is '%s', and changes nothing",
    async (status) => {
      const { harness, hex, oldOriginal, attempt, current, files, admin } = await setUp(status);

      const result = await attempt(admin, { video: hex, file: newFile() });

      expect(result).toMatchObject({ left: { _tag: "Conflict", reason: expect.stringContaining(status) } });
      expect(await current()).toMatchObject({ status, sourceUrl: OLD_SOURCE });
      expect((await files()).map((file) => file.s3ObjectKey)).toEqual([oldOriginal.key]);
      expect(harness.jobs.pending()).toEqual([]);
    },
  );

  it("refuses a bad link, naming the file, and changes nothing", async () => {
    const { harness, hex, attempt, current, admin } = await setUp();

    const result = await attempt(admin, { video: hex, file: newFile("javascript:alert(1)") });

    expect(result).toMatchObject({
      left: {
        _tag: "InvalidInput",
        problems: [
          { field: "file.link", message: 'must be a valid http or https URL (file "lecture-fixed.mov")' },
        ],
      },
    });
    expect(await current()).toMatchObject({ status: "Complete", sourceUrl: OLD_SOURCE });
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("refuses a malformed video key as input", async () => {
    const { admin, attempt } = await setUp();
    const result = await attempt(admin, { video: "12345", file: newFile() });
    expect(result).toMatchObject({ left: { _tag: "InvalidInput", problems: [{ field: "video" }] } });
  });

  it("reports a video that does not exist", async () => {
    const { admin, attempt } = await setUp();
    const missing = aVideoKey();
    expect(await attempt(admin, { video: missing, file: newFile() })).toMatchObject({
      left: { _tag: "VideoNotFound", key: missing },
    });
  });

  it("asks an anonymous visitor to sign in", async () => {
    const { hex, attempt } = await setUp();
    expect(await attempt(anonymous, { video: hex, file: newFile() })).toMatchObject({
      left: { _tag: "Forbidden", signInRequired: true },
    });
  });

  it("refuses a user who may see the video but is not an admin of its collection", async () => {
    const { harness, hex, attempt, current } = await setUp(
      "Complete",
      aCollection().withAdminLists("lecturers").withViewLists("viewers"),
    );
    const result = await attempt(aUser().principal("viewers", "other-admins"), {
      video: hex,
      file: newFile(),
    });
    expect(result).toMatchObject({ left: { _tag: "Forbidden", signInRequired: false } });
    expect((await current()).status).toBe("Complete");
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("tells a signed-in user who may not see the video that it does not exist, as for a missing one", async () => {
    const { harness, video, hex, attempt, current } = await setUp();
    const stranger = aUser().staff().principal("other-admins");
    const missing = aVideoKey();

    const hidden = await attempt(stranger, { video: hex, file: newFile() });
    const absent = await attempt(stranger, { video: missing, file: newFile() });

    expect(hidden).toMatchObject({ left: { _tag: "VideoNotFound", key: video.key } });
    expect(absent).toMatchObject({ left: { _tag: "VideoNotFound", key: missing } });
    expect(await current()).toMatchObject({ status: "Complete", sourceUrl: OLD_SOURCE });
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("lets the collection's owner replace", async () => {
    const { owner, hex, attempt } = await setUp();
    expect(
      Either.isRight(await attempt(aUser().with(owner).principal(), { video: hex, file: newFile() })),
    ).toBe(true);
  });
});
