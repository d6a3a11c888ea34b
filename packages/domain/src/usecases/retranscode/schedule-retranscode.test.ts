import { Effect, Either, Option } from "effect";
import { describe, expect, it } from "vitest";
import { anonymous, userPrincipal } from "../../model/user.js";
import type { VideoStatus } from "../../model/video.js";
import { aCollection, aUser, aVideo } from "../../testing/builders.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import { ScheduleRetranscode } from "./schedule-retranscode.js";

const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect);
const failureOf = async <A, E>(effect: Effect.Effect<A, E>): Promise<E> => {
  const result = await run(Effect.either(effect));
  if (Either.isRight(result)) throw new Error("expected a failure");
  return result.left;
};

const setUp = async (options: { readonly enabled?: boolean; readonly status?: VideoStatus } = {}) => {
  const harness = makeInMemoryHarness();
  const owner = await storeIn(harness).user();
  const collection = await storeIn(harness).collection(aCollection().withAdminLists("video-admins"), owner);
  const video = await storeIn(harness).video(collection, aVideo().withStatus(options.status ?? "Complete"));
  const sibling = await storeIn(harness).video(collection, aVideo().withStatus("Complete"));
  const useCase = new ScheduleRetranscode(
    harness.ports,
    testSettings({ retranscodeEnabled: options.enabled ?? true }),
  );
  const flagOf = (key: typeof video.key) =>
    run(harness.videos.findByKey(key)).then((found) => Option.getOrThrow(found).scheduleRetranscode);
  const collectionFlag = () =>
    run(harness.collections.findByKey(collection.key)).then(
      (found) => Option.getOrThrow(found).scheduleRetranscode,
    );
  return { harness, owner, collection, video, sibling, useCase, flagOf, collectionFlag };
};

describe("flagging videos and collections for retranscoding", () => {
  it("lets the collection's owner flag one video, and only that one", async () => {
    const { owner, video, sibling, useCase, flagOf } = await setUp();

    const result = await run(
      useCase.forVideo(userPrincipal(owner), video.key, { schedule_retranscode: true }),
    );

    expect(result).toMatchObject({ _tag: "Video", video: { key: video.key, scheduleRetranscode: true } });
    expect(await flagOf(video.key)).toBe(true);
    expect(await flagOf(sibling.key)).toBe(false);
  });

  it("lets a member of an admin list take the flag off again", async () => {
    const { harness, owner, video, useCase, flagOf } = await setUp();
    await run(useCase.forVideo(userPrincipal(owner), video.key, { schedule_retranscode: true }));
    const admin = await storeIn(harness).user();

    await run(
      useCase.forVideo(userPrincipal(admin, ["video-admins"]), video.key, { schedule_retranscode: false }),
    );

    expect(await flagOf(video.key)).toBe(false);
  });

  it("lets a superuser flag a whole collection, and every video in it", async () => {
    const { video, sibling, collection, useCase, flagOf, collectionFlag } = await setUp();

    const result = await run(
      useCase.forCollection(aUser().superuser().principal(), collection.key, { schedule_retranscode: true }),
    );

    expect(result).toMatchObject({ _tag: "Collection", videosChanged: 2 });
    expect(await collectionFlag()).toBe(true);
    expect(await flagOf(video.key)).toBe(true);
    expect(await flagOf(sibling.key)).toBe(true);
  });

  it("refuses a signed-in user who is not an admin of the collection, and changes nothing", async () => {
    const { video, collection, useCase, flagOf, collectionFlag } = await setUp();
    const stranger = aUser().principal("some-other-group");

    const onVideo = await failureOf(useCase.forVideo(stranger, video.key, { schedule_retranscode: true }));
    const onCollection = await failureOf(
      useCase.forCollection(stranger, collection.key, { schedule_retranscode: true }),
    );

    expect(onVideo).toMatchObject({ _tag: "Forbidden", signInRequired: false });
    expect(onCollection).toMatchObject({ _tag: "Forbidden", signInRequired: false });
    expect(await flagOf(video.key)).toBe(false);
    expect(await collectionFlag()).toBe(false);
  });

  it("asks an anonymous visitor to sign in", async () => {
    const { video, useCase } = await setUp();
    const error = await failureOf(useCase.forVideo(anonymous, video.key, { schedule_retranscode: true }));
    expect(error).toMatchObject({ _tag: "Forbidden", signInRequired: true });
  });

  it("refuses a body without a boolean schedule_retranscode, naming the field", async () => {
    const { owner, video, useCase, flagOf } = await setUp();
    const error = await failureOf(
      useCase.forVideo(userPrincipal(owner), video.key, { schedule_retranscode: "yes" }),
    );
    expect(error._tag === "InvalidInput" && error.problems.map((problem) => problem.field)).toEqual([
      "schedule_retranscode",
    ]);
    expect(await flagOf(video.key)).toBe(false);
  });

  it("refuses while retranscoding is disabled on the site", async () => {
    const { owner, video, collection, useCase, flagOf, collectionFlag } = await setUp({ enabled: false });
    const principal = userPrincipal(owner);

    expect(
      await failureOf(useCase.forVideo(principal, video.key, { schedule_retranscode: true })),
    ).toMatchObject({
      _tag: "Conflict",
    });
    expect(
      await failureOf(useCase.forCollection(principal, collection.key, { schedule_retranscode: true })),
    ).toMatchObject({ _tag: "Conflict" });
    expect(await flagOf(video.key)).toBe(false);
    expect(await collectionFlag()).toBe(false);
  });

  it.each<VideoStatus>(["Upload failed", "Transcode failed internal error", "Transcode failed video error"])(
    "refuses to flag a video in %s, which has nothing to retranscode",
    async (status) => {
      const { owner, video, useCase, flagOf } = await setUp({ status });
      const error = await failureOf(
        useCase.forVideo(userPrincipal(owner), video.key, { schedule_retranscode: true }),
      );
      expect(error).toMatchObject({ _tag: "Conflict" });
      expect(await flagOf(video.key)).toBe(false);
    },
  );

  it("flags a video that is still transcoding, for when it is done", async () => {
    const { owner, video, useCase, flagOf } = await setUp({ status: "Transcoding" });
    await run(useCase.forVideo(userPrincipal(owner), video.key, { schedule_retranscode: true }));
    expect(await flagOf(video.key)).toBe(true);
  });

  it("reports a video or collection that does not exist", async () => {
    const { owner, useCase } = await setUp();
    const principal = userPrincipal(owner);
    expect(
      await failureOf(useCase.forVideo(principal, aVideo().build().key, { schedule_retranscode: true })),
    ).toMatchObject({ _tag: "VideoNotFound" });
    expect(
      await failureOf(
        useCase.forCollection(principal, aCollection().build().key, { schedule_retranscode: true }),
      ),
    ).toMatchObject({ _tag: "CollectionNotFound" });
  });
});
