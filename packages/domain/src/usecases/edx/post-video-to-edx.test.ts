import { Duration, Effect, Either, Random, Redacted } from "effect";
import { describe, expect, it } from "vitest";
import type { Collection } from "../../model/collection.js";
import type { EdxEndpoint, EdxEndpointId } from "../../model/edx-endpoint.js";
import { hexKey } from "../../model/keys.js";
import type { KeySpace } from "../../model/storage-keys.js";
import { hlsPlaylistKey, mp4Key } from "../../model/storage-keys.js";
import type { Video } from "../../model/video.js";
import { BUILDER_EPOCH, aCollection, aVideo } from "../../testing/builders.js";
import type { VideoBuilder } from "../../testing/builders.js";
import { aNewEdxEndpoint, storeIn } from "../../testing/stored-test-data.js";
import type { InMemoryHarness } from "../../testing/in-memory-harness.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { MAX_EDX_POST_ATTEMPTS, PostVideoToEdx, edxRetryDelay } from "./post-video-to-edx.js";
import type { EdxPostVideoResult } from "./post-video-to-edx.js";

const COURSE = "course-v1:MITx+8.01+2026";

const setUp = async (
  collectionBuilder: ReturnType<typeof aCollection> = aCollection().withEdxCourse(COURSE),
) => {
  const harness = makeInMemoryHarness({ cdnHost: "d111.cloudfront.net" });
  const collection = await storeIn(harness).collection(collectionBuilder);
  const endpoint = async (name: string, baseUrl: string): Promise<EdxEndpoint> => {
    const stored = await Effect.runPromise(
      harness.edxEndpoints.insert(aNewEdxEndpoint(name, { baseUrl }), BUILDER_EPOCH),
    );
    await Effect.runPromise(harness.edxEndpoints.link(collection.key, stored.id));
    return stored;
  };
  const learn = await endpoint("learn", "https://courses.learn.example.edu");
  const xpro = await endpoint("xpro", "https://courses.xpro.example.edu");
  const postVideo = new PostVideoToEdx(harness.ports);
  const post = (video: Pick<Video, "key">, endpointId?: EdxEndpointId): Promise<EdxPostVideoResult> =>
    Effect.runPromise(
      postVideo.run(endpointId === undefined ? { videoKey: video.key } : { videoKey: video.key, endpointId }),
    );
  const records = (video: Pick<Video, "key">) =>
    Effect.runPromise(harness.edxPostRecords.listForVideo(video.key));
  return { harness, collection, learn, xpro, post, postVideo, records };
};

const transcoded = async (
  harness: InMemoryHarness,
  collection: Collection,
  builder: VideoBuilder = aVideo().public(),
  space: KeySpace = "public",
): Promise<Video> => {
  const video = await storeIn(harness).video(
    collection,
    builder.withStatus("Complete").titled("Lecture 1").withDuration(3661),
  );
  const hex = hexKey(video.key);
  for (const [s3ObjectKey, encoding] of [
    [`${hex}/video.mp4`, "original"],
    [hlsPlaylistKey(hex, space), "HLS"],
    [mp4Key(hex, space), "desktop_mp4"],
  ] as const) {
    await Effect.runPromise(
      harness.videoFiles.insert(
        { videoKey: video.key, s3ObjectKey, bucketName: "ovs-transcoded", encoding },
        BUILDER_EPOCH,
      ),
    );
  }
  return video;
};

const postsOf = (result: EdxPostVideoResult) => {
  if (result._tag !== "Posted") throw new Error(`expected posts, got ${result._tag}`);
  return result.posts;
};

describe("posting a video to edX", () => {
  it("posts a public Complete video to every endpoint of its collection with plain, lasting URLs, and records each outcome", async () => {
    const { harness, learn, xpro, collection, post, records } = await setUp();
    const video = await transcoded(harness, collection);
    const hex = hexKey(video.key);

    const posts = postsOf(await post(video));

    expect(
      posts.map(({ endpointName, outcome, attempt, retryAt }) => [endpointName, outcome, attempt, retryAt]),
    ).toEqual([
      ["learn", { _tag: "Created", status: 201 }, 1, null],
      ["xpro", { _tag: "Created", status: 201 }, 1, null],
    ]);
    expect(harness.edxVideoApi.postsTo(learn)[0]?.payload).toEqual({
      edx_video_id: video.key,
      client_video_id: "Lecture 1",
      duration: 3661,
      status: "file_complete",
      encoded_videos: [
        {
          url: `https://d111.cloudfront.net/transcoded/${hex}/video__index.m3u8`,
          file_size: 0,
          bitrate: 0,
          profile: "hls",
        },
        {
          url: `https://d111.cloudfront.net/transcoded/${hex}/video_custom.mp4`,
          file_size: 0,
          bitrate: 0,
          profile: "desktop_mp4",
        },
      ],
      courses: [{ [COURSE]: null }],
    });
    expect(harness.edxVideoApi.postsTo(xpro)).toHaveLength(1);
    expect(await records(video)).toEqual([
      {
        videoKey: video.key,
        edxEndpointId: learn.id,
        outcome: { _tag: "Created", status: 201 },
        attempt: 1,
        postedAt: harness.clock.now(),
      },
      {
        videoKey: video.key,
        edxEndpointId: xpro.id,
        outcome: { _tag: "Created", status: 201 },
        attempt: 1,
        postedAt: harness.clock.now(),
      },
    ]);
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("updates a video edX already has, keeping both encodings", async () => {
    const { harness, learn, collection, post } = await setUp();
    const video = await transcoded(harness, collection);
    await post(video);

    const posts = postsOf(await post(video));

    expect(posts.map(({ outcome }) => outcome)).toEqual([
      { _tag: "Updated", status: 200 },
      { _tag: "Updated", status: 200 },
    ]);
    expect(
      harness.edxVideoApi.videoAt(learn, video.key)?.encoded_videos.map(({ profile }) => profile),
    ).toEqual(["hls", "desktop_mp4"]);
  });

  it("records a rejection with its status and body and does not retry it", async () => {
    const { harness, learn, xpro, collection, post, records } = await setUp();
    const video = await transcoded(harness, collection);
    harness.edxVideoApi.rejectNext({ status: 403, body: `{"detail":"${"x".repeat(5000)}"}` });

    const posts = postsOf(await post(video));

    expect(posts[0]?.outcome).toMatchObject({ _tag: "Rejected", status: 403 });
    const [learnRecord, xproRecord] = await records(video);
    expect(learnRecord?.edxEndpointId).toBe(learn.id);
    expect(learnRecord?.outcome._tag === "Rejected" && learnRecord.outcome.body).toHaveLength(2000);
    expect(xproRecord).toMatchObject({ edxEndpointId: xpro.id, outcome: { _tag: "Created" } });
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("sends nothing to an endpoint whose credentials cannot be read, and records why, naming it and OVS_SECRET_KEY", async () => {
    const { harness, learn, xpro, collection, post, records } = await setUp();
    const video = await transcoded(harness, collection);
    // What a sealing repository hands out for credentials sealed with another secret key.
    harness.database.tables.edxEndpoints.set(learn.id, {
      ...learn,
      clientId: Redacted.make(""),
      secretKey: Redacted.make(""),
      credentialsReadable: false,
    });

    const posts = postsOf(await post(video));

    expect(posts[0]).toMatchObject({
      endpointId: learn.id,
      outcome: { _tag: "Failed", transient: false },
      retryAt: null,
    });
    const reason = posts[0]?.outcome._tag === "Failed" ? posts[0].outcome.reason : "";
    expect(reason).toContain('edX endpoint "learn"');
    expect(reason).toContain("OVS_SECRET_KEY");
    expect(harness.edxVideoApi.postsTo(learn)).toEqual([]);
    expect(harness.edxVideoApi.postsTo(xpro)).toHaveLength(1);
    expect((await records(video)).map(({ outcome }) => outcome._tag)).toEqual(["Failed", "Created"]);
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("retries a transient failure for that endpoint alone, later, and continues counting the attempts", async () => {
    const { harness, learn, collection, post, records } = await setUp();
    const video = await transcoded(harness, collection);
    harness.edxVideoApi.failNext({ transient: true, reason: "edX answered 503" });

    const first = postsOf(await post(video));

    expect(first[0]).toMatchObject({
      outcome: { _tag: "Failed", reason: "edX answered 503", transient: true },
      attempt: 1,
    });
    const retryAt = first[0]?.retryAt?.getTime() ?? 0;
    expect(retryAt).toBeGreaterThanOrEqual(harness.clock.now().getTime());
    expect(retryAt).toBeLessThanOrEqual(harness.clock.now().getTime() + 30_000);
    const [retry] = harness.jobs.pending("edx.post-video");
    expect(retry?.payload).toEqual({ videoKey: video.key, endpointId: learn.id });
    expect(retry?.startAfter?.getTime()).toBe(retryAt);

    harness.clock.advance("1 minute");
    const job = harness.jobs.takeNext("edx.post-video");
    const second = postsOf(
      await Effect.runPromise(new PostVideoToEdx(harness.ports).run(job?.payload ?? { videoKey: video.key })),
    );

    expect(second).toEqual([
      expect.objectContaining({
        endpointId: learn.id,
        outcome: { _tag: "Created", status: 201 },
        attempt: 2,
        retryAt: null,
      }),
    ]);
    expect((await records(video)).map(({ outcome }) => outcome._tag)).toEqual(["Created", "Created"]);
  });

  it(`gives up after ${MAX_EDX_POST_ATTEMPTS} posts in a row fail, and a new sync starts counting again`, async () => {
    const { harness, learn, collection, post, records } = await setUp();
    const video = await transcoded(harness, collection);
    harness.edxVideoApi.failNext({ transient: true, reason: "timeout", times: 100 });

    const attempts: Array<number> = [];
    let result = await post(video, learn.id);
    for (let runs = 0; runs < 10; runs += 1) {
      attempts.push(...postsOf(result).map(({ attempt }) => attempt));
      harness.clock.advance("15 minutes");
      const job = harness.jobs.takeNext("edx.post-video");
      if (job === undefined) break;
      result = await Effect.runPromise(new PostVideoToEdx(harness.ports).run(job.payload));
    }

    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    expect((await records(video)).find((record) => record.edxEndpointId === learn.id)).toMatchObject({
      outcome: { _tag: "Failed", reason: "timeout" },
      attempt: 5,
    });
    expect(postsOf(await post(video)).map(({ attempt }) => attempt)).toEqual([1, 1]);
  });

  it("records a permanent failure without retrying", async () => {
    const { harness, collection, post } = await setUp();
    const video = await transcoded(harness, collection);
    harness.edxVideoApi.failNext({ transient: false, reason: "token refused: invalid_client" });

    const posts = postsOf(await post(video));

    expect(posts[0]).toMatchObject({ outcome: { _tag: "Failed", transient: false }, retryAt: null });
    expect(posts[1]?.outcome._tag).toBe("Created");
    expect(harness.jobs.pending()).toEqual([]);
  });

  it("posts a video that is not public in OVS with plain URLs, since a course-linked collection serves its media openly", async () => {
    const { harness, learn, collection, post } = await setUp();
    const video = await transcoded(harness, collection, aVideo().private().withViewLists("students"));
    const hex = hexKey(video.key);

    const posts = postsOf(await post(video));

    expect(posts.map(({ outcome }) => outcome._tag)).toEqual(["Created", "Created"]);
    expect(harness.edxVideoApi.postsTo(learn)[0]?.payload.encoded_videos.map(({ url }) => url)).toEqual([
      `https://d111.cloudfront.net/transcoded/${hex}/video__index.m3u8`,
      `https://d111.cloudfront.net/transcoded/${hex}/video_custom.mp4`,
    ]);
  });

  it.each([
    ["a protected video just after its collection was linked", aVideo()],
    ["a video just made public", aVideo().public()],
  ])(
    "refuses %s while its files are still in the restricted space, with a recorded reason",
    async (_case, builder) => {
      const { harness, collection, post, records } = await setUp();
      const video = await transcoded(harness, collection, builder, "restricted");

      const posts = postsOf(await post(video));

      expect(posts[0]?.outcome).toEqual({
        _tag: "NotEligible",
        reason: "the video's files are still being moved to the public key space",
      });
      expect(harness.edxVideoApi.posts).toEqual([]);
      expect((await records(video)).map(({ outcome }) => outcome._tag)).toEqual([
        "NotEligible",
        "NotEligible",
      ]);
    },
  );

  it("refuses a video that is not Complete, or whose collection has no course id", async () => {
    const { harness, collection, post } = await setUp();
    const transcoding = await storeIn(harness).video(collection, aVideo().public().withStatus("Transcoding"));
    const noCourse = await setUp(aCollection());
    const elsewhere = await transcoded(noCourse.harness, noCourse.collection);

    expect(postsOf(await post(transcoding))[0]?.outcome).toEqual({
      _tag: "NotEligible",
      reason: "the video is 'Transcoding', not 'Complete'",
    });
    expect(postsOf(await noCourse.post(elsewhere))[0]?.outcome).toEqual({
      _tag: "NotEligible",
      reason: "the collection has no edX course id",
    });
  });

  it("posts to the one endpoint a job names, and to none once it is unlinked", async () => {
    const { harness, collection, xpro, post } = await setUp();
    const video = await transcoded(harness, collection);

    expect(postsOf(await post(video, xpro.id)).map(({ endpointName }) => endpointName)).toEqual(["xpro"]);
    await Effect.runPromise(harness.edxEndpoints.unlink(collection.key, xpro.id));
    expect(await post(video, xpro.id)).toEqual({ _tag: "NoEndpoints", videoKey: video.key });
  });

  it("does nothing for a collection without endpoints or a video deleted meanwhile", async () => {
    const { harness, post } = await setUp();
    const lonely = await storeIn(harness).collection(aCollection().withEdxCourse(COURSE));
    const video = await transcoded(harness, lonely);
    const deleted = aVideo().build();

    expect(await post(video)).toEqual({ _tag: "NoEndpoints", videoKey: video.key });
    expect(await post(deleted)).toEqual({ _tag: "VideoGone", videoKey: deleted.key });
    expect(harness.edxVideoApi.posts).toEqual([]);
  });

  it("refuses a malformed job", async () => {
    const { postVideo } = await setUp();
    const result = await Effect.runPromise(Effect.either(postVideo.run({ videoKey: "nope" } as never)));
    expect(Either.isLeft(result) && result.left).toMatchObject({
      _tag: "InvalidInput",
      problems: [{ field: "videoKey" }],
    });
  });

  it("waits longer after each failure, at random below a ceiling that doubles up to ten minutes", async () => {
    const ceilingOf = (attempt: number) =>
      Effect.runPromise(
        Effect.withRandom(edxRetryDelay(attempt), Random.fixed([Number.MAX_SAFE_INTEGER])),
      ).then(Duration.toSeconds);
    const floorOf = (attempt: number) =>
      Effect.runPromise(Effect.withRandom(edxRetryDelay(attempt), Random.fixed([0]))).then(
        Duration.toSeconds,
      );

    expect(await Promise.all([1, 2, 3, 4, 5, 6].map(ceilingOf))).toEqual([30, 60, 120, 240, 480, 600]);
    expect(await floorOf(3)).toBe(0);
  });
});
