import { describe, expect, it } from "vitest";
import { publicVideoFeedItem } from "./public-video-feed-item.js";
import {
  GOLDEN_COLLECTION_HEX,
  GOLDEN_VIDEO_HEX,
  fileOf,
  goldenDetails,
  goldenVideo,
  plainUrl,
  processedYouTube,
} from "../../testing/golden-fixtures.js";

const CDN = "https://d3tsb3m56iwvoq.cloudfront.net";

describe("publicVideoFeedItem — PublicVideoSerializer (the MIT Learn contract)", () => {
  it("renders the reference example item with every field, in order", () => {
    const details = goldenDetails({ video: { isPublic: true }, collection: { isPublic: true } });
    const item = publicVideoFeedItem(details, plainUrl);
    expect(item).toEqual({
      key: GOLDEN_VIDEO_HEX,
      created_at: "2020-03-23T15:14:38.254000Z",
      title: "Introduction to Machine Learning",
      description: "Lecture 1",
      status: "Complete",
      is_public: true,
      youtube_id: null,
      sources: [
        {
          src: `${CDN}/transcoded/${GOLDEN_VIDEO_HEX}/video__index.m3u8`,
          label: "HLS",
          type: "application/x-mpegURL",
        },
      ],
      cta_link: null,
      duration: 3661,
      multiangle: false,
      videothumbnail_set: [
        {
          id: 1315,
          created_at: "2020-03-23T15:14:38.254000Z",
          s3_object_key: `thumbnails/${GOLDEN_VIDEO_HEX}/video_thumbnail.0000000.jpg`,
          bucket_name: "ovs-thumbnails",
          cloudfront_url: `${CDN}/thumbnails/${GOLDEN_VIDEO_HEX}/video_thumbnail.0000000.jpg`,
        },
      ],
      videosubtitle_set: [
        {
          id: 20,
          created_at: "2020-03-23T16:17:15.000000Z",
          filename: "lecture1_en.vtt",
          s3_object_key: `subtitles/${GOLDEN_VIDEO_HEX}/subtitles_${GOLDEN_VIDEO_HEX}_20200323161715_en.vtt`,
          bucket_name: "ovs-subtitles",
          language: "en",
          language_name: "English",
        },
      ],
      collection: {
        key: GOLDEN_COLLECTION_HEX,
        title: "Test Collection",
        description: "",
        is_public: true,
        stream_source: null,
        for_shorts: false,
      },
    });
    expect(Object.keys(item)).toEqual([
      "key",
      "created_at",
      "title",
      "description",
      "status",
      "is_public",
      "youtube_id",
      "sources",
      "cta_link",
      "duration",
      "multiangle",
      "videothumbnail_set",
      "videosubtitle_set",
      "collection",
    ]);
    expect(Object.keys(item.collection)).toEqual([
      "key",
      "title",
      "description",
      "is_public",
      "stream_source",
      "for_shorts",
    ]);
  });

  it("lists HLS files only, never MP4s or the original", () => {
    const video = goldenVideo({ isPublic: true });
    const details = {
      ...goldenDetails({ video: { isPublic: true } }),
      files: [
        fileOf(video, 1, "original"),
        fileOf(video, 2, "desktop_mp4"),
        fileOf(video, 3, "HLS"),
        fileOf(video, 4, "HD"),
      ],
    };
    expect(publicVideoFeedItem(details, plainUrl).sources).toEqual([
      {
        src: `${CDN}/transcoded/${GOLDEN_VIDEO_HEX}/video__index.m3u8`,
        label: "HLS",
        type: "application/x-mpegURL",
      },
    ]);
  });

  it("keeps the HLS sources of a video streamed from YouTube, and shows its YouTube id", () => {
    const details = goldenDetails({ video: { isPublic: true }, collection: { streamSource: "Youtube" } });
    const item = publicVideoFeedItem({ ...details, youtube: processedYouTube(details.video) }, plainUrl);
    expect(item.youtube_id).toBe("dQw4w9WgXcQ");
    expect(item.sources).toHaveLength(1);
    expect(item.collection.stream_source).toBe("Youtube");
  });

  it("passes the collection's shorts flag and the video's call to action", () => {
    const item = publicVideoFeedItem(
      goldenDetails({
        video: { isPublic: true, ctaLink: "https://learn.mit.edu/programs/1", multiangle: true },
        collection: { forShorts: true, description: null },
      }),
      plainUrl,
    );
    expect(item.collection.for_shorts).toBe(true);
    expect(item.collection.description).toBeNull();
    expect(item.cta_link).toBe("https://learn.mit.edu/programs/1");
    expect(item.multiangle).toBe(true);
  });

  it("gives no language name for an unknown subtitle language", () => {
    const details = goldenDetails({ video: { isPublic: true } });
    const subtitles = details.subtitles.map((subtitle) => ({ ...subtitle, language: "qq" }));
    expect(
      publicVideoFeedItem({ ...details, subtitles }, plainUrl).videosubtitle_set[0]?.language_name,
    ).toBeNull();
  });
});
