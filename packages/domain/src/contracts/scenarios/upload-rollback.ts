import { Effect, Either, Option } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { userPrincipal } from "../../model/user.js";
import { originalKey } from "../../model/storage-keys.js";
import { Encoding } from "../../model/video-file.js";
import { aCollection, aUser, aVideo, aVideoKey } from "../../testing/builders.js";
import { storeIn } from "../../testing/stored-test-data.js";
import type { MakeScenarioHarness } from "../../testing/scenario-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import { UploadVideosFromSource } from "../../usecases/upload/upload-videos-from-source.js";
import { onFreshHarness, run, scriptedVideoKeys } from "./scenario-support.js";

const FIRST = { name: "Lecture 1.mp4", link: "https://www.dropbox.com/s/aaa/Lecture%201.mp4?dl=0" };
const SECOND = { name: "Lecture 2.mp4", link: "https://www.dropbox.com/s/bbb/Lecture%202.mp4?dl=0" };

/**
 * Each picked file becomes its video, its original file and its ingest job in one unit of
 * work. When the second file's original cannot be written (its object key is already taken,
 * arranged here by giving the second video a key whose original path another video's file
 * holds), that unit rolls back whole: the second video's row, written a statement earlier, is
 * gone and no ingest is queued for it, while the first file, committed before, stays.
 */
export const describeUploadRollbackScenarios = (name: string, makeHarness: MakeScenarioHarness): void => {
  const scenario = onFreshHarness(makeHarness);

  describe(`${name}: an upload whose second file cannot be written`, () => {
    it("keeps the first file and leaves no row and no job of the second", () =>
      scenario(async (harness) => {
        const settings = testSettings();
        const store = storeIn(harness);
        const owner = await store.user(aUser());
        const collection = await store.collection(aCollection(), owner);
        const [firstKey, secondKey] = [aVideoKey(), aVideoKey()];
        const clashingObjectKey = originalKey(hexKey(secondKey), SECOND.link);
        const bystander = await store.video(collection, aVideo().withStatus("Complete"));
        await run(
          harness.videoFiles.insert(
            {
              videoKey: bystander.key,
              s3ObjectKey: clashingObjectKey,
              bucketName: settings.buckets.upload,
              encoding: Encoding.original,
            },
            harness.clock.now(),
          ),
        );

        const upload = new UploadVideosFromSource(
          { ...harness, ids: scriptedVideoKeys([firstKey, secondKey], harness.ids) },
          settings,
        );
        const result = await run(
          Effect.either(
            upload.run(userPrincipal(owner), { collection: hexKey(collection.key), files: [FIRST, SECOND] }),
          ),
        );

        expect(Either.isLeft(result) ? result.left._tag : "succeeded").toBe("UniqueViolation");
        expect(Option.isSome(await run(harness.videos.findByKey(firstKey)))).toBe(true);
        expect((await run(harness.videoFiles.listForVideo(firstKey))).map((file) => file.encoding)).toEqual([
          "original",
        ]);
        expect(Option.isNone(await run(harness.videos.findByKey(secondKey)))).toBe(true);
        expect(await run(harness.videoFiles.listForVideo(secondKey))).toEqual([]);
        expect(
          (await run(harness.videoFiles.listForVideo(bystander.key))).map((file) => file.s3ObjectKey),
        ).toEqual([clashingObjectKey]);
        const listed = await run(
          harness.videos.list(
            { visibility: { _tag: "Everything" } },
            { _tag: "After", cursor: null, size: 10 },
          ),
        );
        expect(listed.items.map((video) => video.key).sort()).toEqual([bystander.key, firstKey].sort());
        expect((await harness.jobs.pending()).map(({ queue, payload }) => ({ queue, payload }))).toEqual([
          { queue: "video.ingest", payload: { videoKey: firstKey } },
        ]);
      }));
  });
};
