import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import type { Principal } from "../../model/user.js";
import { anonymous } from "../../model/user.js";
import type { ByteStream } from "../../ports/object-store.js";
import { aCollection, aUser } from "../../testing/builders.js";
import type { CollectionBuilder } from "../../testing/builders.js";
import { patternedBytes, streamFailingAfter, streamOfBytes } from "../../testing/in-memory/byte-streams.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { testSettings } from "../../testing/test-settings.js";
import type { VideoFileUpload } from "./upload-video-file.js";
import { UploadVideoFile } from "./upload-video-file.js";

const settings = testSettings();
const uploadBucket = settings.buckets.upload;

const setUp = async (builder: CollectionBuilder = aCollection()) => {
  const harness = makeInMemoryHarness();
  const store = storeIn(harness);
  const owner = await store.user(aUser());
  const collection = await store.collection(builder, owner);
  const ownerPrincipal: Principal = aUser().with(owner).principal();
  const upload = new UploadVideoFile(harness.ports, settings);
  const file = (body: ByteStream, overrides: Partial<VideoFileUpload> = {}): VideoFileUpload => ({
    collection: hexKey(collection.key),
    filename: "Lecture 1.mp4",
    contentType: "video/mp4",
    body,
    ...overrides,
  });
  const attempt = (principal: Principal, input: VideoFileUpload) =>
    Effect.runPromise(Effect.either(upload.run(principal, input)));
  const videosIn = () => Effect.runPromise(harness.videos.listInCollection(collection.key));
  /** Nothing at all was written: no video, no object, no job. */
  const expectNothingWritten = async () => {
    expect(await videosIn()).toEqual([]);
    expect(harness.objectStore.keys(uploadBucket)).toEqual([]);
    expect(harness.jobs.pending()).toEqual([]);
  };
  return {
    harness,
    owner,
    ownerPrincipal,
    collection,
    upload,
    file,
    attempt,
    videosIn,
    expectNothingWritten,
  };
};

describe("uploading a video file directly", () => {
  it("streams the bytes into the upload bucket, then creates the video Uploading and queues its transcode", async () => {
    const { harness, ownerPrincipal, file, attempt, videosIn } = await setUp();
    const bytes = patternedBytes(300_000, 7);

    const result = await attempt(
      ownerPrincipal,
      file(streamOfBytes(bytes, [1000, 65_536, 17]), { declaredSize: bytes.length }),
    );

    expect(result._tag).toBe("Right");
    if (result._tag !== "Right") return;
    const [video] = await videosIn();
    expect(video).toMatchObject({ title: "Lecture 1.mp4", status: "Uploading", sourceUrl: "" });
    if (video === undefined) return;
    const s3key = `${hexKey(video.key)}/video.mp4`;
    expect(result.right).toEqual({ [hexKey(video.key)]: { s3key, title: "Lecture 1.mp4" } });
    expect(harness.objectStore.read({ bucket: uploadBucket, key: s3key })).toEqual(bytes);
    const files = await Effect.runPromise(harness.videoFiles.listForVideo(video.key));
    expect(files).toMatchObject([{ encoding: "original", bucketName: uploadBucket, s3ObjectKey: s3key }]);
    expect(harness.jobs.pending().map((job) => [job.queue, job.payload, job.singletonKey])).toEqual([
      ["video.transcode", { videoKey: video.key }, video.key],
    ]);
  });

  it("titles the video with the trimmed file name and keeps only a plain extension in the key", async () => {
    const { ownerPrincipal, file, attempt } = await setUp();
    const odd = await attempt(
      ownerPrincipal,
      file(streamOfBytes(patternedBytes(10)), { filename: "  what?.m p4 " }),
    );
    const plain = await attempt(
      ownerPrincipal,
      file(streamOfBytes(patternedBytes(10)), { filename: "talk.MOV" }),
    );

    expect(odd._tag === "Right" && Object.values(odd.right)).toEqual([
      { s3key: expect.stringMatching(/^[0-9a-f]{32}\/video$/), title: "what?.m p4" },
    ]);
    expect(plain._tag === "Right" && Object.values(plain.right)).toEqual([
      { s3key: expect.stringMatching(/^[0-9a-f]{32}\/video\.MOV$/), title: "talk.MOV" },
    ]);
  });

  it("asks an anonymous visitor to sign in, without reading the file", async () => {
    const { attempt, file, expectNothingWritten } = await setUp();
    const result = await attempt(
      anonymous,
      file(streamFailingAfter(patternedBytes(10), 0, () => new Error("read"))),
    );
    expect(result).toMatchObject({ left: { _tag: "Forbidden", signInRequired: true } });
    await expectNothingWritten();
  });

  it("refuses a signed-in user who may see the collection but not administer it", async () => {
    const { attempt, file, expectNothingWritten } = await setUp(aCollection().withViewLists("viewers"));
    const result = await attempt(
      aUser().staff().principal("viewers"),
      file(streamOfBytes(patternedBytes(10))),
    );
    expect(result).toMatchObject({ left: { _tag: "Forbidden", signInRequired: false } });
    await expectNothingWritten();
  });

  it("tells a stranger the collection does not exist, as for a key that names none", async () => {
    const { collection, attempt, file, expectNothingWritten } = await setUp(
      aCollection().withViewLists("viewers"),
    );
    const stranger = aUser().staff().principal("other-viewers");
    const hidden = await attempt(stranger, file(streamOfBytes(patternedBytes(10))));
    const missing = await attempt(
      stranger,
      file(streamOfBytes(patternedBytes(10)), { collection: "not-a-key" }),
    );
    expect(hidden).toMatchObject({ left: { _tag: "CollectionNotFound", key: collection.key } });
    expect(missing).toMatchObject({ left: { _tag: "CollectionNotFound" } });
    await expectNothingWritten();
  });

  it("refuses a file without a name, and an empty file, writing nothing", async () => {
    const { ownerPrincipal, attempt, file, expectNothingWritten } = await setUp();
    const unnamed = await attempt(
      ownerPrincipal,
      file(streamOfBytes(patternedBytes(10)), { filename: "  " }),
    );
    const empty = await attempt(ownerPrincipal, file(streamOfBytes(new Uint8Array(0))));
    expect(unnamed).toMatchObject({ left: { _tag: "InvalidInput", problems: [{ field: "file" }] } });
    expect(empty).toMatchObject({
      left: { _tag: "InvalidInput", problems: [{ field: "file", message: "The submitted file is empty." }] },
    });
    await expectNothingWritten();
  });

  it("leaves no video, no object and no job when the stream fails half-way", async () => {
    const { ownerPrincipal, attempt, file, expectNothingWritten } = await setUp();
    const cut = new Error("connection reset");
    const result = await attempt(
      ownerPrincipal,
      file(streamFailingAfter(patternedBytes(200_000), 150_000, () => cut)),
    );
    expect(result).toMatchObject({ left: { _tag: "SourceStreamFailed", cause: cut } });
    await expectNothingWritten();
  });

  it("writes nothing when the store refuses the object", async () => {
    const { harness, ownerPrincipal, attempt, file, expectNothingWritten } = await setUp();
    harness.objectStore.failNext("put", { transient: true });
    const result = await attempt(ownerPrincipal, file(streamOfBytes(patternedBytes(10))));
    expect(result).toMatchObject({ left: { _tag: "StorageFailure", transient: true } });
    await expectNothingWritten();
  });

  it("deletes the stored object again when the collection went away while the file streamed", async () => {
    const { harness, collection, ownerPrincipal, attempt, file, expectNothingWritten } = await setUp();
    const bytes = patternedBytes(10_000);
    const body: ByteStream = {
      async *[Symbol.asyncIterator]() {
        yield bytes.slice(0, 5000);
        await Effect.runPromise(harness.collections.delete(collection.key));
        yield bytes.slice(5000);
      },
    };
    const result = await attempt(ownerPrincipal, file(body));
    expect(result).toMatchObject({ left: { _tag: "CollectionNotFound", key: collection.key } });
    await expectNothingWritten();
  });
});
