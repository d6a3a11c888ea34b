import { describe, expect, it } from "vitest";
import type { StreamSource } from "../../model/collection.js";
import type { Principal } from "../../model/user.js";
import { anonymous, userPrincipal } from "../../model/user.js";
import type { YouTubeVideo } from "../../model/youtube-video.js";
import { aUser } from "../../testing/builders.js";
import {
  GOLDEN_COLLECTION_HEX,
  GOLDEN_OWNER_ID,
  GOLDEN_VIDEO_HEX,
  fileOf,
  goldenCollection,
  goldenDetails,
  goldenVideo,
  plainUrl,
  processedYouTube,
  thumbnailOf,
} from "../../testing/golden-fixtures.js";
import {
  hlsFileOf,
  playbackSources,
  shareableUrl,
  simpleVideoPayload,
  videoPayload,
} from "./video-payload.js";

const CDN = "https://d3tsb3m56iwvoq.cloudfront.net";
const owner = userPrincipal(aUser().withId(GOLDEN_OWNER_ID).build());
const adminListMember = aUser().withId(50).principal("video-admins");
const viewer = aUser().withId(51).principal("viewers");
const superuser = aUser().withId(52).superuser().principal();

describe("videoPayload — VideoSerializer", () => {
  it("renders the golden video with every upstream field, in order, then OVS's duration", () => {
    const details = goldenDetails({
      video: { viewLists: ["viewers"], ctaLink: "https://learn.mit.edu/c/1", duration: 754.5 },
      collection: { viewLists: ["collection-viewers"], adminLists: ["video-admins"] },
    });
    const payload = videoPayload(details, viewer, plainUrl);
    expect(payload).toEqual({
      key: GOLDEN_VIDEO_HEX,
      created_at: "2020-03-23T15:14:38.254000Z",
      title: "Introduction to Machine Learning",
      description: "Lecture 1",
      collection_key: GOLDEN_COLLECTION_HEX,
      collection_title: "Test Collection",
      multiangle: false,
      status: "Complete",
      videofile_set: [
        {
          id: 1,
          created_at: "2020-03-23T15:14:38.254000Z",
          s3_object_key: `${GOLDEN_VIDEO_HEX}/video.mp4`,
          encoding: "original",
          bucket_name: "ovs-uploads",
          cloudfront_url: `${CDN}/${GOLDEN_VIDEO_HEX}/video.mp4`,
        },
        {
          id: 2,
          created_at: "2020-03-23T15:14:38.254000Z",
          s3_object_key: `transcoded/${GOLDEN_VIDEO_HEX}/video__index.m3u8`,
          encoding: "HLS",
          bucket_name: "ovs-transcoded",
          cloudfront_url: `${CDN}/transcoded/${GOLDEN_VIDEO_HEX}/video__index.m3u8`,
        },
        {
          id: 3,
          created_at: "2020-03-23T15:14:38.254000Z",
          s3_object_key: `transcoded/${GOLDEN_VIDEO_HEX}/video_custom.mp4`,
          encoding: "desktop_mp4",
          bucket_name: "ovs-transcoded",
          cloudfront_url: `${CDN}/transcoded/${GOLDEN_VIDEO_HEX}/video_custom.mp4`,
        },
      ],
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
      view_lists: ["viewers"],
      collection_view_lists: ["collection-viewers"],
      is_public: false,
      is_private: false,
      is_logged_in_only: false,
      sources: [
        {
          src: `${CDN}/transcoded/${GOLDEN_VIDEO_HEX}/video__index.m3u8`,
          label: "HLS",
          type: "application/x-mpegURL",
        },
        {
          src: `${CDN}/transcoded/${GOLDEN_VIDEO_HEX}/video_custom.mp4`,
          label: "desktop_mp4",
          type: "video/mp4",
        },
      ],
      youtube_id: null,
      cloudfront_url: "",
      cta_link: "https://learn.mit.edu/c/1",
      duration: 754.5,
    });
    expect(Object.keys(payload)).toEqual([
      "key",
      "created_at",
      "title",
      "description",
      "collection_key",
      "collection_title",
      "multiangle",
      "status",
      "videofile_set",
      "videothumbnail_set",
      "videosubtitle_set",
      "view_lists",
      "collection_view_lists",
      "is_public",
      "is_private",
      "is_logged_in_only",
      "sources",
      "youtube_id",
      "cloudfront_url",
      "cta_link",
      "duration",
    ]);
    expect(Object.keys(payload.sources[0] ?? {})).toEqual(["src", "label", "type"]);
  });

  it("uses the caller's media URLs for every file, thumbnail and source", () => {
    const signed = (key: string) => `https://cdn.example/${key}?Signature=s`;
    const payload = videoPayload(goldenDetails(), anonymous, signed);
    const urls = [
      ...payload.videofile_set.map(({ cloudfront_url }) => cloudfront_url),
      ...payload.videothumbnail_set.map(({ cloudfront_url }) => cloudfront_url),
      ...payload.sources.map(({ src }) => src),
    ];
    expect(urls).toHaveLength(6);
    for (const url of urls) expect(url).toMatch(/^https:\/\/cdn\.example\/.+\?Signature=s$/);
  });

  it("lists thumbnails newest first", () => {
    const details = goldenDetails();
    const payload = videoPayload(
      {
        ...details,
        thumbnails: [
          thumbnailOf(details.video, 1, { createdAt: new Date("2020-01-01T00:00:00Z") }),
          thumbnailOf(details.video, 2, { createdAt: new Date("2022-01-01T00:00:00Z") }),
        ],
      },
      anonymous,
      plainUrl,
    );
    expect(payload.videothumbnail_set.map(({ id }) => id)).toEqual([2, 1]);
  });

  it("shows the YouTube id only once YouTube has processed the copy", () => {
    const details = goldenDetails({ video: { isPublic: true } });
    const uploading: YouTubeVideo = {
      ...processedYouTube(details.video),
      youtubeId: null,
      status: "uploading",
    };
    expect(
      videoPayload({ ...details, youtube: processedYouTube(details.video) }, anonymous, plainUrl).youtube_id,
    ).toBe("dQw4w9WgXcQ");
    expect(videoPayload({ ...details, youtube: uploading }, anonymous, plainUrl).youtube_id).toBeNull();
  });
});

describe("playbackSources — upstream Video.sources", () => {
  const processed = processedYouTube(goldenVideo());
  const failed: YouTubeVideo = { ...processed, status: "failed" };

  it.each<[string, boolean, StreamSource | null, YouTubeVideo | null, boolean]>([
    ["public, streamed from YouTube, processed copy", true, "Youtube", processed, true],
    ["public, streamed from YouTube, no copy", true, "Youtube", null, false],
    ["public, streamed from YouTube, failed copy", true, "Youtube", failed, false],
    ["public, streamed from CloudFront, processed copy", true, "Cloudfront", processed, false],
    ["public, no stream source, processed copy", true, null, processed, false],
    ["not public, streamed from YouTube, processed copy", false, "Youtube", processed, false],
  ])("%s → empty: %s", (_case, isPublic, streamSource, youtube, empty) => {
    const details = goldenDetails({ video: { isPublic }, collection: { streamSource } });
    const sources = playbackSources({ ...details, youtube }, plainUrl);
    expect(sources.length === 0).toBe(empty);
    if (!empty) expect(sources.map(({ label }) => label)).toEqual(["HLS", "desktop_mp4"]);
  });

  it("orders transcoded files by the legacy ladder, ties in row order, and skips the original", () => {
    const video = goldenVideo();
    const files = [
      fileOf(video, 1, "original"),
      fileOf(video, 2, "medium"),
      fileOf(video, 3, "desktop_mp4"),
      fileOf(video, 4, "small"),
      fileOf(video, 5, "HLS"),
      fileOf(video, 6, "HD"),
    ];
    const sources = playbackSources({ ...goldenDetails(), files }, plainUrl);
    expect(sources.map(({ label, type }) => [label, type])).toEqual([
      ["desktop_mp4", "video/mp4"],
      ["HLS", "application/x-mpegURL"],
      ["HD", "video/mp4"],
      ["medium", "video/mp4"],
      ["small", "video/mp4"],
    ]);
  });
});

describe("shareableUrl — the Open edX video URL", () => {
  const sharing = goldenCollection({ adminLists: ["video-admins"], allowShareOpenedx: true });
  const notSharing = goldenCollection({ adminLists: ["video-admins"], allowShareOpenedx: false });
  const files = goldenDetails().files;
  const hlsUrl = `${CDN}/transcoded/${GOLDEN_VIDEO_HEX}/video__index.m3u8`;

  it.each<[string, Principal, boolean, string]>([
    ["the owner, sharing allowed", owner, true, hlsUrl],
    ["an admin-list member, sharing allowed", adminListMember, true, hlsUrl],
    ["a superuser, sharing allowed", superuser, true, hlsUrl],
    ["a viewer, sharing allowed", viewer, true, ""],
    ["anonymous, sharing allowed", anonymous, true, ""],
    ["the owner, sharing not allowed", owner, false, ""],
    ["an admin-list member, sharing not allowed", adminListMember, false, ""],
  ])("%s → %j", (_case, principal, allowed, expected) => {
    expect(shareableUrl(files, allowed ? sharing : notSharing, principal, plainUrl)).toBe(expected);
  });

  it("is empty when the video has no HLS file", () => {
    const video = goldenVideo();
    expect(shareableUrl([fileOf(video, 1, "original")], sharing, owner, plainUrl)).toBe("");
  });

  it("takes the HLS file with the lowest id", () => {
    const video = goldenVideo();
    const files = [
      fileOf(video, 9, "HLS", { s3ObjectKey: "transcoded/newer/video__index.m3u8" }),
      fileOf(video, 4, "HLS", { s3ObjectKey: "transcoded/older/video__index.m3u8" }),
    ];
    expect(hlsFileOf(files)?.id).toBe(4);
    expect(shareableUrl(files, sharing, owner, plainUrl)).toBe(`${CDN}/transcoded/older/video__index.m3u8`);
  });

  it("is what videoPayload shows as cloudfront_url", () => {
    const details = goldenDetails({ collection: { allowShareOpenedx: true } });
    expect(videoPayload(details, owner, plainUrl).cloudfront_url).toBe(hlsUrl);
    expect(videoPayload(details, viewer, plainUrl).cloudfront_url).toBe("");
  });
});

describe("simpleVideoPayload — SimpleVideoSerializer", () => {
  it("has exactly the upstream fields, in order, then OVS's duration for the video cards", () => {
    const details = goldenDetails({ collection: { allowShareOpenedx: true } });
    const payload = simpleVideoPayload(details, details.collection, owner, plainUrl);
    expect(Object.keys(payload)).toEqual([
      "key",
      "created_at",
      "title",
      "description",
      "videofile_set",
      "videosubtitle_set",
      "is_public",
      "is_private",
      "view_lists",
      "collection_view_lists",
      "videothumbnail_set",
      "status",
      "collection_key",
      "cloudfront_url",
      "cta_link",
      "duration",
    ]);
    const full = videoPayload(details, owner, plainUrl);
    expect(payload).toEqual({
      key: full.key,
      created_at: full.created_at,
      title: full.title,
      description: full.description,
      videofile_set: full.videofile_set,
      videosubtitle_set: full.videosubtitle_set,
      is_public: full.is_public,
      is_private: full.is_private,
      view_lists: full.view_lists,
      collection_view_lists: full.collection_view_lists,
      videothumbnail_set: full.videothumbnail_set,
      status: full.status,
      collection_key: full.collection_key,
      cloudfront_url: `${CDN}/transcoded/${GOLDEN_VIDEO_HEX}/video__index.m3u8`,
      cta_link: full.cta_link,
      duration: full.duration,
    });
  });
});
