import { Effect, Option } from "effect";
import { describe, expect, it } from "vitest";
import type { Video } from "../../model/video.js";
import { after, encodeCursor, pageNumber } from "../../ports/pagination.js";
import { BUILDER_EPOCH, aCollection, aVideo, anEncodeJob } from "../builders.js";
import { describeRepositoryContracts } from "../../contracts/repository-contracts.js";
import type { MakeRepositories } from "../../contracts/repository-contract-subject.js";
import { InMemoryClock } from "./in-memory-clock.js";
import { InMemoryDatabase } from "./in-memory-database.js";
import { makeInMemoryRepositories } from "./in-memory-repositories.js";

const makeRepositories: MakeRepositories = async () => {
  const repositories = makeInMemoryRepositories(new InMemoryDatabase(), new InMemoryClock());
  return {
    ...repositories,
    pendingJobs: async () => repositories.jobs.pending().map(({ queue, payload }) => ({ queue, payload })),
  };
};

describeRepositoryContracts("in-memory", makeRepositories);

describe("in-memory repositories", () => {
  const setUp = async () => {
    const repositories = makeInMemoryRepositories(new InMemoryDatabase(), new InMemoryClock());
    const owner = await Effect.runPromise(
      repositories.users.upsertByUsername(
        { username: "owner@mit.edu", email: "owner@mit.edu", isSuperuser: false, isStaff: true },
        BUILDER_EPOCH,
      ),
    );
    await Effect.runPromise(repositories.accessGroups.ensure(["viewers"], BUILDER_EPOCH));
    const collection = await Effect.runPromise(
      repositories.collections.insert(aCollection().ownedBy(owner).withViewLists("viewers").build()),
    );
    return { repositories, collection };
  };

  it("hands out frozen rows whose dates are copies, so a caller cannot change what is stored", async () => {
    const { repositories, collection } = await setUp();
    const video = await Effect.runPromise(
      repositories.videos.insert(aVideo().inCollection(collection).build()),
    );

    const read = Option.getOrThrow(await Effect.runPromise(repositories.videos.findByKey(video.key)));
    read.createdAt.setTime(0);

    expect(Object.isFrozen(read)).toBe(true);
    expect(Object.isFrozen(read.viewLists)).toBe(true);
    expect(Option.getOrThrow(await Effect.runPromise(repositories.videos.findByKey(video.key)))).toEqual(
      video,
    );
  });

  it("loads each video's own files and thumbnails in order, as detail and as a page, and hands out copies", async () => {
    const { repositories, collection } = await setUp();
    const run = Effect.runPromise;
    const [first, second] = [
      await run(repositories.videos.insert(aVideo().inCollection(collection).public().build())),
      await run(repositories.videos.insert(aVideo().inCollection(collection).public().build())),
    ];
    // Rows of the two videos interleaved in the tables, thumbnails out of creation order.
    const file = (video: Video, name: string) =>
      run(
        repositories.videoFiles.insert(
          { videoKey: video.key, s3ObjectKey: `${video.key}/${name}`, bucketName: "b", encoding: name },
          BUILDER_EPOCH,
        ),
      );
    const thumbnail = (video: Video, name: string, at: Date) =>
      run(
        repositories.videoThumbnails.upsertByKey(
          {
            videoKey: video.key,
            s3ObjectKey: `${video.key}/${name}`,
            bucketName: "b",
            maxWidth: 1,
            maxHeight: 1,
          },
          at,
        ),
      );
    const firstHls = await file(first, "HLS");
    const secondHls = await file(second, "HLS");
    const firstMp4 = await file(first, "desktop_mp4");
    const older = await thumbnail(first, "older.jpg", BUILDER_EPOCH);
    await thumbnail(second, "other.jpg", new Date(BUILDER_EPOCH.getTime() + 5000));
    const newer = await thumbnail(first, "newer.jpg", new Date(BUILDER_EPOCH.getTime() + 1000));

    const detail = Option.getOrThrow(await run(repositories.videos.findDetailsByKey(first.key)));
    const page = await run(
      repositories.videos.listDetails(
        { visibility: { _tag: "Everything" }, ordering: "created_at" },
        pageNumber(1, 10),
      ),
    );

    expect(detail.files).toEqual([firstHls, firstMp4]);
    expect(detail.thumbnails).toEqual([newer, older]);
    expect(page.items.map((details) => details.video.key)).toEqual([first.key, second.key]);
    expect(page.items[0]).toEqual(detail);
    expect(page.items[1]?.files).toEqual([secondHls]);
    expect(page.items.every((details) => Object.isFrozen(details.collection))).toBe(true);

    // What a reader changes stays with that reader.
    page.items[0]?.collection.createdAt.setTime(0);
    detail.files[0]?.createdAt.setTime(0);
    const reread = Option.getOrThrow(await run(repositories.videos.findDetailsByKey(first.key)));
    expect(reread.collection).toEqual(collection);
    expect(reread.files).toEqual([firstHls, firstMp4]);
  });

  it("keeps a row as written when the caller later changes the object it wrote", async () => {
    const { repositories, collection } = await setUp();
    const viewLists: Array<string> = ["viewers"];
    const createdAt = new Date(BUILDER_EPOCH.getTime());
    const video = aVideo().inCollection(collection).with({ viewLists, createdAt }).build();
    await Effect.runPromise(repositories.videos.insert(video));

    viewLists.push("intruders");
    createdAt.setTime(0);

    const stored = Option.getOrThrow(await Effect.runPromise(repositories.videos.findByKey(video.key)));
    expect(stored.viewLists).toEqual(["viewers"]);
    expect(stored.createdAt).toEqual(BUILDER_EPOCH);
  });

  it("stores an encode job's message as a JSON column would, detached from the caller's object", async () => {
    const { repositories, collection } = await setUp();
    const video = await Effect.runPromise(
      repositories.videos.insert(aVideo().inCollection(collection).build()),
    );
    const message = { detail: { status: "COMPLETE" }, at: BUILDER_EPOCH };
    const job = await Effect.runPromise(
      repositories.encodeJobs.insert(anEncodeJob().forVideo(video).with({ message }).build()),
    );

    message.detail.status = "ERROR";

    const stored = Option.getOrThrow(await Effect.runPromise(repositories.encodeJobs.findById(job.id)));
    expect(stored.message).toEqual({ detail: { status: "COMPLETE" }, at: BUILDER_EPOCH.toISOString() });
  });

  it("refuses a well-formed cursor whose position this ordering could not have produced", async () => {
    const { repositories } = await setUp();
    const list = (cursor: string) =>
      Effect.runPromise(
        Effect.flip(repositories.videos.list({ visibility: { _tag: "Everything" } }, after(cursor, 10))),
      );

    const notAKey = await list(encodeCursor("-created_at", [BUILDER_EPOCH.toISOString(), "not-a-key"]));
    const notADate = await list(encodeCursor("-created_at", ["yesterday", aVideo().build().key]));
    const tooLong = await list(
      encodeCursor("-created_at", [BUILDER_EPOCH.toISOString(), aVideo().build().key, 1]),
    );

    expect([notAKey, notADate, tooLong].map((error) => error._tag)).toEqual([
      "InvalidCursor",
      "InvalidCursor",
      "InvalidCursor",
    ]);
  });
});
