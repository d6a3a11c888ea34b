import { Effect, Either } from "effect";
import { describe, expect, it } from "vitest";
import type { Collection } from "../../model/collection.js";
import { hexKey } from "../../model/keys.js";
import { hlsPlaylistKey, mp4Key, thumbnailKey } from "../../model/storage-keys.js";
import type { Video } from "../../model/video.js";
import type { QueryParameters } from "../../policy/projections/pagination-envelope.js";
import { BUILDER_EPOCH, aCollection, aVideo } from "../../testing/builders.js";
import type { CollectionBuilder, VideoBuilder } from "../../testing/builders.js";
import { storeIn } from "../../testing/stored-test-data.js";
import type { InMemoryHarness } from "../../testing/in-memory-harness.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import { ListPublicVideos } from "./list-public-videos.js";
import type { PublicVideoPage } from "./list-public-videos.js";

const FEED = "https://video.example.edu/api/v0/public/videos/";

const setUp = () => {
  const harness = makeInMemoryHarness({ cdnHost: "d111.cloudfront.net" });
  const feed = new ListPublicVideos(harness.ports, testSettings());
  const list = (query: QueryParameters = {}) => Effect.runPromise(feed.list(query));
  const failure = async (query: QueryParameters) => {
    const result = await Effect.runPromise(Effect.either(feed.list(query)));
    if (Either.isRight(result)) throw new Error("expected the feed to refuse the request");
    return result.left;
  };
  const collection = (builder: CollectionBuilder = aCollection()) => storeIn(harness).collection(builder);
  const video = (parent: Collection, builder: VideoBuilder = aVideo().public()) =>
    storeIn(harness).video(parent, builder);
  return { harness, list, failure, collection, video };
};

const keysOf = (page: PublicVideoPage): ReadonlyArray<string> => page.results.map((item) => item.key);
const hexesOf = (videos: ReadonlyArray<Video>): ReadonlyArray<string> =>
  videos.map((video) => hexKey(video.key));
const at = (seconds: number): Date => new Date(BUILDER_EPOCH.getTime() + 86_400_000 + seconds * 1000);

/** Follows `next` from the first page to the last, as MIT Learn's crawler does. */
const crawl = async (
  list: (query: QueryParameters) => Promise<PublicVideoPage>,
  first: QueryParameters,
  betweenPages: (pageIndex: number) => Promise<void> = async () => {},
): Promise<ReadonlyArray<string>> => {
  const seen: Array<string> = [];
  let page = await list(first);
  for (let index = 0; index < 100; index += 1) {
    seen.push(...keysOf(page));
    if (page.next === null) return seen;
    expect(page.next.startsWith(FEED)).toBe(true);
    await betweenPages(index);
    page = await list(new URL(page.next).searchParams);
  }
  throw new Error("the crawl did not end");
};

const storeMedia = async (harness: InMemoryHarness, video: Video) => {
  const hex = hexKey(video.key);
  await Effect.runPromise(
    harness.videoFiles.insert(
      {
        videoKey: video.key,
        s3ObjectKey: `${hex}/video.mp4`,
        bucketName: "ovs-uploads",
        encoding: "original",
      },
      BUILDER_EPOCH,
    ),
  );
  await Effect.runPromise(
    harness.videoFiles.insert(
      {
        videoKey: video.key,
        s3ObjectKey: hlsPlaylistKey(hex, "public"),
        bucketName: "ovs-transcoded",
        encoding: "HLS",
      },
      BUILDER_EPOCH,
    ),
  );
  await Effect.runPromise(
    harness.videoFiles.insert(
      {
        videoKey: video.key,
        s3ObjectKey: mp4Key(hex, "public"),
        bucketName: "ovs-transcoded",
        encoding: "desktop_mp4",
      },
      BUILDER_EPOCH,
    ),
  );
  await Effect.runPromise(
    harness.videoThumbnails.upsertByKey(
      {
        videoKey: video.key,
        s3ObjectKey: thumbnailKey(hex, "public"),
        bucketName: "ovs-thumbnails",
        maxWidth: 640,
        maxHeight: 360,
      },
      BUILDER_EPOCH,
    ),
  );
};

describe("the public video feed", () => {
  it("lists only public videos, with plain CDN URLs and upstream's envelope", async () => {
    const { harness, list, collection, video } = setUp();
    const course = await collection(aCollection().titled("8.01 Physics").inLearn());
    const lecture = await video(
      course,
      aVideo().public().titled("Lecture 1").withStatus("Complete").withDuration(3661),
    );
    await storeMedia(harness, lecture);
    await video(course, aVideo().titled("Draft"));
    await video(course, aVideo().private());
    await video(await collection(aCollection().public()), aVideo().loggedInOnly());
    const hex = hexKey(lecture.key);

    const page = await list();

    expect(Object.keys(page)).toEqual([
      "count",
      "next",
      "previous",
      "results",
      "start_index",
      "end_index",
      "num_pages",
    ]);
    expect(page).toMatchObject({
      count: 1,
      next: null,
      previous: null,
      start_index: 1,
      end_index: 1,
      num_pages: 1,
    });
    expect(page.results).toEqual([
      expect.objectContaining({
        key: hex,
        title: "Lecture 1",
        status: "Complete",
        is_public: true,
        duration: 3661,
        multiangle: false,
        sources: [
          {
            src: `https://d111.cloudfront.net/transcoded/${hex}/video__index.m3u8`,
            label: "HLS",
            type: "application/x-mpegURL",
          },
        ],
        collection: expect.objectContaining({ key: hexKey(course.key), title: "8.01 Physics" }),
      }),
    ]);
    expect(page.results[0]?.videothumbnail_set[0]?.cloudfront_url).toBe(
      `https://d111.cloudfront.net/thumbnails/${hex}/video_thumbnail.0000000.jpg`,
    );
  });

  it("answers an empty first page for an empty feed, and Invalid page. past it", async () => {
    const { list, failure } = setUp();

    expect(await list()).toEqual({
      count: 0,
      next: null,
      previous: null,
      results: [],
      start_index: 0,
      end_index: 0,
      num_pages: 1,
    });
    expect(await failure({ page: "2" })).toMatchObject({ _tag: "InvalidPage", detail: "Invalid page." });
  });

  describe("filters, read as upstream's PublicVideoFilter reads them", () => {
    const arrange = async () => {
      const context = setUp();
      const { collection, video } = context;
      const learn = await collection(
        aCollection().titled("Learn Physics").inLearn().with({ streamSource: "Cloudfront" }),
      );
      const shorts = await collection(
        aCollection().titled("Shorts").forShorts().with({ streamSource: "Youtube" }),
      );
      const plain = await collection(aCollection().titled("Plain").with({ description: "Quantum things" }));
      const videos = {
        learnComplete: await video(learn, aVideo().public().withStatus("Complete").titled("Momentum")),
        learnTranscoding: await video(learn, aVideo().public().withStatus("Transcoding").titled("Energy")),
        short: await video(
          shorts,
          aVideo().public().withStatus("Complete").titled("A short").describedAs("Quick demo"),
        ),
        plain: await video(plain, aVideo().public().withStatus("Complete").titled("Plain old video")),
      };
      const keys = async (query: QueryParameters) => [...keysOf(await context.list(query))].sort();
      const expected = (...chosen: ReadonlyArray<Video>) => [...hexesOf(chosen)].sort();
      return { ...context, learn, videos, keys, expected };
    };

    it("filters on the collection's Learn and shorts flags, ignoring spellings Django does not read", async () => {
      const { videos, keys, expected } = await arrange();
      const all = expected(...Object.values(videos));
      const notInLearn = expected(videos.short, videos.plain);
      const inLearn = expected(videos.learnComplete, videos.learnTranscoding);

      expect(await keys({ include_in_learn: "true" })).toEqual(inLearn);
      expect(await keys({ include_in_learn: "True" })).toEqual(inLearn);
      expect(await keys({ include_in_learn: "2" })).toEqual(inLearn);
      expect(await keys({ include_in_learn: "false" })).toEqual(notInLearn);
      expect(await keys({ include_in_learn: "3" })).toEqual(notInLearn);
      expect(await keys({ include_in_learn: "1" })).toEqual(all);
      expect(await keys({ include_in_learn: "yes" })).toEqual(all);
      expect(await keys({ include_in_learn: "TRUE" })).toEqual(all);
      expect(await keys({ for_shorts: "true" })).toEqual(expected(videos.short));
      // The last of repeated values counts, as with Django's QueryDict.
      expect(await keys("include_in_learn=false&include_in_learn=true")).toEqual(inLearn);
    });

    it("filters on status exactly, and an unknown status matches nothing", async () => {
      const { videos, keys, expected, list } = await arrange();

      expect(await keys({ status: "Transcoding" })).toEqual(expected(videos.learnTranscoding));
      expect(await keys({ status: " Transcoding " })).toEqual(expected(videos.learnTranscoding));
      expect(await keys({ status: "complete" })).toEqual([]);
      expect(await list({ status: "complete" })).toMatchObject({ count: 0, num_pages: 1 });
    });

    it("filters on the collection key in any form Python's UUID reads, and refuses anything else", async () => {
      const { learn, videos, keys, expected, failure } = await arrange();
      const inLearn = expected(videos.learnComplete, videos.learnTranscoding);

      expect(await keys({ collection: hexKey(learn.key) })).toEqual(inLearn);
      expect(await keys({ collection: learn.key.toUpperCase() })).toEqual(inLearn);
      expect(await keys({ collection: `{${learn.key}}` })).toEqual(inLearn);
      expect(await keys({ collection: `urn:uuid:${learn.key}` })).toEqual(inLearn);
      expect(await keys({ collection: "" })).toHaveLength(4);
      expect(await failure({ collection: "not-a-uuid" })).toMatchObject({
        _tag: "InvalidInput",
        problems: [{ field: "collection", message: "Enter a valid UUID." }],
      });
    });

    it("filters on text case-insensitively and on stream sources, keeping collections without one", async () => {
      const { videos, keys, expected } = await arrange();

      expect(await keys({ collection_title: "physics" })).toEqual(
        expected(videos.learnComplete, videos.learnTranscoding),
      );
      expect(await keys({ stream_source: "youtube" })).toEqual(expected(videos.short));
      expect(await keys({ exclude_source: "YOUTUBE" })).toEqual(
        expected(videos.learnComplete, videos.learnTranscoding, videos.plain),
      );
      expect(await keys({ exclude_source: " youtube , cloudfront ,," })).toEqual(expected(videos.plain));
      expect(await keys({ title: "MOMENT" })).toEqual(expected(videos.learnComplete));
      expect(await keys({ description: "demo" })).toEqual(expected(videos.short));
      expect(await keys({ search: "quantum" })).toEqual(expected(videos.plain));
      expect(await keys({ search: "short" })).toEqual(expected(videos.short));
      expect(await keys({ title: "   " })).toHaveLength(4);
    });
  });

  it("orders by created_at or title either way, dropping unknown fields as DRF does", async () => {
    const { list, collection, video } = setUp();
    const course = await collection();
    const banana = await video(course, aVideo().public().titled("Banana").createdAt(at(1)));
    const apple = await video(course, aVideo().public().titled("Apple").createdAt(at(2)));
    const cherry = await video(course, aVideo().public().titled("Cherry").createdAt(at(3)));

    expect(keysOf(await list())).toEqual(hexesOf([cherry, apple, banana]));
    expect(keysOf(await list({ ordering: "created_at" }))).toEqual(hexesOf([banana, apple, cherry]));
    expect(keysOf(await list({ ordering: "title" }))).toEqual(hexesOf([apple, banana, cherry]));
    expect(keysOf(await list({ ordering: "-title" }))).toEqual(hexesOf([cherry, banana, apple]));
    expect(keysOf(await list({ ordering: "popularity, title" }))).toEqual(hexesOf([apple, banana, cherry]));
    expect(keysOf(await list({ ordering: "popularity" }))).toEqual(hexesOf([cherry, apple, banana]));
  });

  describe("paging", () => {
    const arrange = async (count: number) => {
      const context = setUp();
      const course = await context.collection(aCollection().inLearn());
      const videos: Array<Video> = [];
      for (let index = 0; index < count; index += 1) {
        videos.push(await context.video(course, aVideo().public().createdAt(at(index))));
      }
      // Newest first, the default order.
      return { ...context, course, newestFirst: [...videos].reverse() };
    };

    it("serves page numbers as upstream, with a cursor in next and a page number in previous", async () => {
      const { list, newestFirst } = await arrange(7);

      const second = await list({ page: "2", page_size: "3", include_in_learn: "true" });

      expect(keysOf(second)).toEqual(hexesOf(newestFirst.slice(3, 6)));
      expect(second).toMatchObject({ count: 7, start_index: 4, end_index: 6, num_pages: 3 });
      expect(second.previous).toBe(`${FEED}?include_in_learn=true&page_size=3`);
      const next = new URL(second.next ?? "");
      expect(`${next.origin}${next.pathname}`).toBe(FEED);
      expect([...next.searchParams.keys()]).toEqual(["cursor", "include_in_learn", "page_size"]);
      const third = await list(next.searchParams);
      expect(keysOf(third)).toEqual(hexesOf(newestFirst.slice(6)));
      expect(third).toMatchObject({ count: 7, start_index: 7, end_index: 7, num_pages: 3, next: null });
      expect(third.previous).toBe(`${FEED}?include_in_learn=true&page=2&page_size=3`);
    });

    it("serves the last page for page=last, and refuses pages that do not exist", async () => {
      const { list, failure, newestFirst } = await arrange(5);

      expect(keysOf(await list({ page: "last", page_size: "2" }))).toEqual(hexesOf(newestFirst.slice(4)));
      for (const page of ["4", "0", "-1", "two", "", "1.5"]) {
        expect(await failure({ page, page_size: "2" })).toEqual(
          expect.objectContaining({ detail: "Invalid page." }),
        );
      }
      expect(keysOf(await list({ page: " 3 ", page_size: "2" }))).toEqual(hexesOf(newestFirst.slice(4)));
    });

    it("uses 1000 items a page unless told otherwise, and never more", async () => {
      const { list } = await arrange(3);

      expect((await list()).results).toHaveLength(3);
      expect(await list({ page_size: "2" })).toMatchObject({ num_pages: 2 });
      expect(await list({ page_size: "5000" })).toMatchObject({ num_pages: 1 });
      expect(await list({ page_size: "0" })).toMatchObject({ num_pages: 1, end_index: 3 });
      expect(await list({ page_size: "many" })).toMatchObject({ num_pages: 1, end_index: 3 });
    });

    it("refuses a cursor it did not hand out", async () => {
      const { list, failure } = await arrange(3);
      const next = new URL((await list({ page_size: "1" })).next ?? "").searchParams;

      expect(await failure({ cursor: "not-a-cursor" })).toMatchObject({
        _tag: "InvalidPage",
        detail: "Invalid cursor.",
      });
      expect(await failure({ cursor: next.get("cursor") ?? "", ordering: "title" })).toMatchObject({
        detail: "Invalid cursor.",
      });
    });

    it("the feed paged to the end while videos are added and removed: no skips, no repeats", async () => {
      const { harness, list, course, video, newestFirst } = await arrange(10);
      const removed = newestFirst[7];
      if (removed === undefined) throw new Error("ten videos expected");
      const added: Array<Video> = [];

      const seen = await crawl(list, { page_size: "3" }, async (pageIndex) => {
        // Newer videos arrive at the head of the list, an older one in the part not read yet.
        added.push(
          await video(
            course,
            aVideo()
              .public()
              .createdAt(at(100 + pageIndex)),
          ),
        );
        if (pageIndex === 0) added.push(await video(course, aVideo().public().createdAt(at(-50))));
        if (pageIndex === 1) await Effect.runPromise(harness.videos.delete(removed.key));
      });

      expect(new Set(seen).size).toBe(seen.length);
      const stillThere = newestFirst.filter((video) => video.key !== removed.key);
      expect(seen.filter((key) => hexesOf(stillThere).includes(key))).toEqual(hexesOf(stillThere));
      expect(seen).not.toContain(hexKey(removed.key));
      // The old video added behind the crawler is reached too; new ones ahead of it are left for next time.
      const olderArrival = added[1];
      expect(olderArrival?.createdAt).toEqual(at(-50));
      expect(seen).toContain(olderArrival === undefined ? "" : hexKey(olderArrival.key));
    });

    it("repeats an item by page number when a newer video arrives, where the cursor does not", async () => {
      const { list, course, video, newestFirst } = await arrange(6);
      const first = await list({ page_size: "3" });

      // A video newer than everything pushes every item one place down.
      await video(course, aVideo().public().createdAt(at(500)));
      const byNumber = await list({ page: "2", page_size: "3" });
      const byCursor = await list(new URL(first.next ?? "").searchParams);

      expect(keysOf(byNumber)[0]).toBe(keysOf(first)[2]);
      expect(keysOf(byCursor)).toEqual(hexesOf(newestFirst.slice(3, 6)));
    });

    it("numbers cursor pages by their place in the crawl", async () => {
      const { list, newestFirst } = await arrange(5);
      const first = await list({ page_size: "2" });

      const second = await list(new URL(first.next ?? "").searchParams);

      expect(keysOf(second)).toEqual(hexesOf(newestFirst.slice(2, 4)));
      expect(second).toMatchObject({ count: 5, start_index: 3, end_index: 4, num_pages: 3 });
      expect(second.previous).toBe(`${FEED}?page_size=2`);
    });
  });
});
