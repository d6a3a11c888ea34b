import { Effect, Either } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../../model/keys.js";
import { hlsPlaylistKey, mp4Key } from "../../model/storage-keys.js";
import type { KeySpace } from "../../model/storage-keys.js";
import type { Video } from "../../model/video.js";
import { BUILDER_EPOCH, aCollection, aVideo } from "../../testing/builders.js";
import type { VideoBuilder } from "../../testing/builders.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { GetVideoDownload } from "./get-video-download.js";

const setUp = async () => {
  const harness = makeInMemoryHarness({ cdnHost: "d111.cloudfront.net" });
  const collection = await storeIn(harness).collection(aCollection());
  const stored = async (
    builder: VideoBuilder,
    encodings: ReadonlyArray<"original" | "HLS" | "desktop_mp4">,
    space: KeySpace,
  ) => {
    const video = await storeIn(harness).video(collection, builder.withStatus("Complete"));
    const hex = hexKey(video.key);
    const keys = {
      original: `${hex}/video.mp4`,
      HLS: hlsPlaylistKey(hex, space),
      desktop_mp4: mp4Key(hex, space),
    };
    for (const encoding of encodings) {
      await Effect.runPromise(
        harness.videoFiles.insert(
          { videoKey: video.key, s3ObjectKey: keys[encoding], bucketName: "ovs-transcoded", encoding },
          BUILDER_EPOCH,
        ),
      );
    }
    return video;
  };
  const download = (video: Pick<Video, "key"> | string) =>
    Effect.runPromise(
      Effect.either(
        new GetVideoDownload(harness.ports).run(typeof video === "string" ? video : hexKey(video.key)),
      ),
    );
  return { stored, download };
};

describe("the download link of a video", () => {
  it("leads a public video to the unsigned URL of its MP4", async () => {
    const { stored, download } = await setUp();
    const video = await stored(aVideo().public(), ["original", "HLS", "desktop_mp4"], "public");

    expect(Either.getOrThrow(await download(video))).toBe(
      `https://d111.cloudfront.net/${mp4Key(hexKey(video.key), "public")}`,
    );
  });

  it("is not found for a protected video, a public one with only its original upload, or a key that names nothing", async () => {
    const { stored, download } = await setUp();
    const protectedVideo = await stored(aVideo().private(), ["original", "HLS", "desktop_mp4"], "restricted");
    const onlyOriginal = await stored(aVideo().public(), ["original", "HLS"], "public");

    const answers = [
      await download(protectedVideo),
      await download(onlyOriginal),
      await download("not-a-key"),
    ];

    expect(answers.map((answer) => Either.isLeft(answer) && answer.left._tag)).toEqual([
      "VideoNotFound",
      "VideoNotFound",
      "VideoNotFound",
    ]);
  });
});
