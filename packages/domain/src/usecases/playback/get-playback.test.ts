import { Effect, Either } from "effect";
import { describe, expect, it } from "vitest";
import type { Collection } from "../../model/collection.js";
import { hexKey } from "../../model/keys.js";
import type { KeySpace } from "../../model/storage-keys.js";
import { hlsPlaylistKey, mp4Key, subtitleKey, thumbnailKey } from "../../model/storage-keys.js";
import { anonymous } from "../../model/user.js";
import type { Principal } from "../../model/user.js";
import type { Video } from "../../model/video.js";
import { BUILDER_EPOCH, aCollection, aUser, aVideo } from "../../testing/builders.js";
import type { VideoBuilder } from "../../testing/builders.js";
import { storeIn } from "../../testing/stored-test-data.js";
import type { InMemoryHarness } from "../../testing/in-memory-harness.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { GetPlayback } from "./get-playback.js";

const CDN = "https://d111.cloudfront.net";

const setUp = async () => {
  const harness = makeInMemoryHarness({ cdnHost: "d111.cloudfront.net" });
  const owner = await storeIn(harness).user();
  const collection = await storeIn(harness).collection(
    aCollection().withAdminLists("physics-staff").withViewLists("physics-students"),
    owner,
  );
  const playback = new GetPlayback(harness.ports);
  const play = (principal: Principal, key: string) => Effect.runPromise(playback.run(principal, key));
  const refusal = async (principal: Principal, key: string) => {
    const result = await Effect.runPromise(Effect.either(playback.run(principal, key)));
    if (Either.isRight(result)) throw new Error("expected playback to be refused");
    return result.left;
  };
  return { harness, owner, collection, play, refusal };
};

/** A video with its transcode outputs, a thumbnail and English subtitles, in the key space its visibility asks for. */
const transcodedVideo = async (
  harness: InMemoryHarness,
  collection: Collection,
  builder: VideoBuilder,
  space?: KeySpace,
): Promise<Video> => {
  const video = await storeIn(harness).video(collection, builder.withStatus("Complete").withDuration(754.5));
  const hex = hexKey(video.key);
  const keys = space ?? (video.isPublic ? "public" : "restricted");
  const file = (s3ObjectKey: string, encoding: string) =>
    Effect.runPromise(
      harness.videoFiles.insert(
        { videoKey: video.key, s3ObjectKey, bucketName: "ovs-transcoded", encoding },
        BUILDER_EPOCH,
      ),
    );
  await file(`${hex}/video.mp4`, "original");
  await file(hlsPlaylistKey(hex, keys), "HLS");
  await file(mp4Key(hex, keys), "desktop_mp4");
  await Effect.runPromise(
    harness.videoThumbnails.upsertByKey(
      {
        videoKey: video.key,
        s3ObjectKey: thumbnailKey(hex, keys),
        bucketName: "ovs-thumbnails",
        maxWidth: 640,
        maxHeight: 360,
      },
      BUILDER_EPOCH,
    ),
  );
  for (const language of ["en", "zz"]) {
    await Effect.runPromise(
      harness.videoSubtitles.upsertForLanguage(
        {
          videoKey: video.key,
          language,
          filename: `lecture.${language}.vtt`,
          s3ObjectKey: subtitleKey(hex, BUILDER_EPOCH, language, keys),
          bucketName: "ovs-subtitles",
        },
        BUILDER_EPOCH,
      ),
    );
  }
  return video;
};

describe("playing a video", () => {
  it("a private video is not found for a stranger, asks a visitor to sign in and plays for a view-list member, with signed URLs", async () => {
    const { harness, collection, play, refusal } = await setUp();
    const video = await transcodedVideo(harness, collection, aVideo().withViewLists("physics-students"));
    const hex = hexKey(video.key);

    const stranger = await refusal(aUser().principal("chemistry-students"), hex);
    const visitor = await refusal(anonymous, hex);
    const playback = await play(aUser().principal("physics-students"), hex);

    expect(stranger).toMatchObject({ _tag: "VideoNotFound", key: video.key });
    expect(visitor).toMatchObject({ _tag: "Forbidden", signInRequired: true });
    expect(playback).toMatchObject({
      key: hex,
      status: "Complete",
      playable: true,
      duration: 754.5,
      multiangle: false,
    });
    expect(playback.sources.map(({ label, type }) => [label, type])).toEqual([
      ["HLS", "application/x-mpegURL"],
      ["desktop_mp4", "video/mp4"],
    ]);
    const signedUrls = [
      ...playback.sources.map(({ src }) => src),
      playback.poster,
      ...playback.subtitles.map(({ url }) => url),
    ];
    for (const url of signedUrls) {
      expect(url).toMatch(
        new RegExp(`^${CDN}/restricted/[a-z]+/${hex}/.+\\?Policy=.+&Signature=.+&Key-Pair-Id=`),
      );
    }
    expect(playback.grant?.expiresAt.getTime()).toBeGreaterThan(harness.clock.now().getTime());
    expect(Object.keys(playback.grant?.queryParameters ?? {})).toEqual([
      "Policy",
      "Signature",
      "Key-Pair-Id",
    ]);
    expect(playback.subtitles.map(({ language, label }) => [language, label])).toEqual([
      ["en", "English"],
      ["zz", "zz"],
    ]);
    expect(playback.video).toMatchObject({
      key: hex,
      collection_key: hexKey(collection.key),
      status: "Complete",
    });
  });

  it("a public video plays for anyone from plain, unsigned URLs", async () => {
    const { harness, collection, play } = await setUp();
    const video = await transcodedVideo(harness, collection, aVideo().public());
    const hex = hexKey(video.key);

    const playback = await play(anonymous, video.key);

    expect(playback.sources.map(({ src }) => src)).toEqual([
      `${CDN}/transcoded/${hex}/video__index.m3u8`,
      `${CDN}/transcoded/${hex}/video_custom.mp4`,
    ]);
    expect(playback.poster).toBe(`${CDN}/thumbnails/${hex}/video_thumbnail.0000000.jpg`);
    expect(playback.subtitles[0]?.url).toBe(`${CDN}/subtitles/${hex}/subtitles_${hex}_20260115120000_en.vtt`);
    expect(playback.grant).toBeNull();
    expect(harness.cdnUrls.signaturesMade).toBe(0);
  });

  it("admits only the owner, superusers and admin-list members to a video marked private, hiding it from others", async () => {
    const { harness, owner, collection, play, refusal } = await setUp();
    const video = await transcodedVideo(harness, collection, aVideo().private());

    expect((await play(aUser().withId(owner.id).principal(), video.key)).playable).toBe(true);
    expect((await play(aUser().superuser().principal(), video.key)).playable).toBe(true);
    expect((await play(aUser().principal("physics-staff"), video.key)).playable).toBe(true);
    expect(await refusal(aUser().principal("physics-students"), video.key)).toMatchObject({
      _tag: "VideoNotFound",
      key: video.key,
    });
  });

  it("shows a video that is still being transcoded with its status and nothing to play", async () => {
    const { harness, collection, play } = await setUp();
    const video = await storeIn(harness).video(collection, aVideo().withStatus("Transcoding"));
    await Effect.runPromise(
      harness.videoFiles.insert(
        {
          videoKey: video.key,
          s3ObjectKey: `${hexKey(video.key)}/video.mp4`,
          bucketName: "ovs-uploads",
          encoding: "original",
        },
        BUILDER_EPOCH,
      ),
    );

    const playback = await play(aUser().principal("physics-students"), video.key);

    expect(playback).toMatchObject({
      status: "Transcoding",
      playable: false,
      sources: [],
      subtitles: [],
      poster: null,
      duration: null,
      grant: null,
    });
    expect(playback.video.videofile_set.map(({ cloudfront_url }) => cloudfront_url)).toEqual([""]);
    expect(harness.cdnUrls.signaturesMade).toBe(0);
  });

  it("keeps playing the previous outputs while a replaced video is transcoded again", async () => {
    const { harness, collection, play } = await setUp();
    const video = await transcodedVideo(harness, collection, aVideo().public());
    await Effect.runPromise(
      harness.videos.compareAndSetStatus(video.key, ["Complete"], "Transcoding", harness.clock.now()),
    );

    const playback = await play(anonymous, video.key);

    expect(playback).toMatchObject({ status: "Transcoding", playable: true });
    expect(playback.sources).toHaveLength(2);
  });

  it("keeps a video made private playable from where its objects still are, until its move copies them", async () => {
    const { harness, collection, play } = await setUp();
    const video = await transcodedVideo(
      harness,
      collection,
      aVideo().withViewLists("physics-students"),
      "public",
    );

    const playback = await play(aUser().principal("physics-students"), video.key);

    // The objects are still in the public space: plain URLs to them, as the move has not run.
    expect(playback.playable).toBe(true);
    expect(playback.sources.map((source) => source.src)).toEqual([
      expect.stringMatching(new RegExp(`^${CDN}/transcoded/[0-9a-f]{32}/video__index\\.m3u8$`)),
      expect.stringMatching(new RegExp(`^${CDN}/transcoded/[0-9a-f]{32}/video_custom\\.mp4$`)),
    ]);
    expect(JSON.stringify(playback.video)).not.toContain(`${CDN}/restricted/`);
  });

  it("leaves the player to YouTube for a public video streamed from YouTube", async () => {
    const { harness, play } = await setUp();
    const youtubeCollection = await storeIn(harness).collection(
      aCollection().with({ streamSource: "Youtube" }),
    );
    const video = await transcodedVideo(harness, youtubeCollection, aVideo().public());
    await Effect.runPromise(
      harness.youtubeVideos.upsert({
        videoKey: video.key,
        youtubeId: "dQw4w9WgXcQ",
        status: "processed",
        createdAt: BUILDER_EPOCH,
        updatedAt: BUILDER_EPOCH,
      }),
    );

    const playback = await play(anonymous, video.key);

    expect(playback).toMatchObject({ youtubeId: "dQw4w9WgXcQ", sources: [] });
  });

  it("accepts the key in hex or dashed form and refuses anything else", async () => {
    const { harness, collection, play, refusal } = await setUp();
    const video = await transcodedVideo(harness, collection, aVideo().public());

    expect((await play(anonymous, hexKey(video.key).toUpperCase())).key).toBe(hexKey(video.key));
    expect((await play(anonymous, video.key)).key).toBe(hexKey(video.key));
    expect(await refusal(anonymous, "lecture-1")).toMatchObject({
      _tag: "InvalidInput",
      problems: [{ field: "key", message: expect.stringContaining("'lecture-1' is not a valid video key") }],
    });
  });

  it("reports a video that does not exist", async () => {
    const { refusal } = await setUp();
    expect(await refusal(anonymous, aVideo().build().key)).toMatchObject({ _tag: "VideoNotFound" });
  });

  it("reports a signing failure instead of handing out URLs that will not work", async () => {
    const { harness, collection, refusal } = await setUp();
    const video = await transcodedVideo(harness, collection, aVideo().withViewLists("physics-students"));
    harness.cdnUrls.failNext();

    expect(await refusal(aUser().principal("physics-students"), video.key)).toMatchObject({
      _tag: "CdnSigningFailure",
    });
  });
});
