import { describe, expect, it } from "vitest";
import type { Collection } from "../../model/collection.js";
import { hexKey } from "../../model/keys.js";
import type { Principal } from "../../model/user.js";
import { anonymous, userPrincipal } from "../../model/user.js";
import type { Video } from "../../model/video.js";
import { aCollection, aUser, aVideo } from "../../testing/builders.js";
import { canViewVideo } from "../access.js";
import { collectionListPayload, collectionPayload, videosVisibleTo } from "./collection-payload.js";
import {
  GOLDEN_COLLECTION_HEX,
  GOLDEN_OWNER_ID,
  goldenCollection,
  goldenDetails,
  plainUrl,
} from "../../testing/golden-fixtures.js";
import type { VideoMedia } from "./video-payload.js";
import { simpleVideoPayload } from "./video-payload.js";

const ownerUser = aUser().withId(GOLDEN_OWNER_ID).named("owner@mit.edu").build();
const ownerInfo = { id: GOLDEN_OWNER_ID, username: "owner@mit.edu", email: "owner@mit.edu" };
const owner = userPrincipal(ownerUser);
const stranger = aUser().withId(60);
const adminListMember = stranger.principal("video-admins");
const viewListMember = stranger.principal("collection-viewers");
const signedInStranger = stranger.principal();
const superuser = aUser().withId(61).superuser().principal();

const mediaOf = (video: Video): VideoMedia => ({ video, files: [], thumbnails: [], subtitles: [] });

describe("collectionPayload — CollectionSerializer", () => {
  it("renders the golden detail with every upstream field, in order", () => {
    const details = goldenDetails({
      collection: {
        title: "18.06 Linear Algebra",
        description: "Spring 2020",
        viewLists: ["collection-viewers"],
        adminLists: ["video-admins"],
        isLoggedInOnly: true,
        streamSource: "Cloudfront",
        edxCourseId: "course-v1:MITx+18.06x+1T2020",
      },
    });
    const payload = collectionPayload({
      collection: details.collection,
      owner: ownerUser,
      videos: [details],
      principal: adminListMember,
      mediaUrlFor: () => plainUrl,
    });
    expect(payload).toEqual({
      key: GOLDEN_COLLECTION_HEX,
      created_at: "2019-01-02T03:04:05.006000Z",
      title: "18.06 Linear Algebra",
      description: "Spring 2020",
      videos: [simpleVideoPayload(details, details.collection, adminListMember, plainUrl)],
      video_count: 1,
      view_lists: ["collection-viewers"],
      admin_lists: ["video-admins"],
      is_logged_in_only: true,
      is_public: false,
      stream_source: "Cloudfront",
      edx_course_id: "course-v1:MITx+18.06x+1T2020",
      is_admin: true,
      owner: GOLDEN_OWNER_ID,
      owner_info: ownerInfo,
      include_in_learn: false,
      for_shorts: false,
      schedule_retranscode: false,
    });
    expect(Object.keys(payload)).toEqual([
      "key",
      "created_at",
      "title",
      "description",
      "videos",
      "video_count",
      "view_lists",
      "admin_lists",
      "is_logged_in_only",
      "is_public",
      "stream_source",
      "edx_course_id",
      "is_admin",
      "owner",
      "owner_info",
      "include_in_learn",
      "for_shorts",
      "schedule_retranscode",
    ]);
    expect(Object.keys(payload.owner_info)).toEqual(["id", "username", "email"]);
  });

  it.each<[string, Principal, boolean]>([
    ["the owner", owner, true],
    ["a superuser", superuser, true],
    ["an admin-list member", adminListMember, true],
    ["a view-list member", viewListMember, false],
    ["anonymous", anonymous, false],
  ])("says whether %s is an admin", (_case, principal, isAdmin) => {
    const collection = goldenCollection({ adminLists: ["video-admins"], viewLists: ["collection-viewers"] });
    expect(
      collectionPayload({ collection, owner: ownerUser, videos: [], principal, mediaUrlFor: () => plainUrl })
        .is_admin,
    ).toBe(isAdmin);
  });

  describe("shows only the videos the principal may view (docs/architecture.md §6.5)", () => {
    const collection: Collection = aCollection()
      .ownedBy(GOLDEN_OWNER_ID)
      .withViewLists("collection-viewers")
      .withAdminLists("video-admins")
      .build();
    const inCollection = () => aVideo().inCollection(collection);
    const publicVideo = inCollection().titled("public").public().build();
    const privateVideo = inCollection().titled("private").private().build();
    const ordinaryVideo = inCollection().titled("ordinary").build();
    const ownListsVideo = inCollection().titled("own lists").withViewLists("special").build();
    const loggedInVideo = inCollection().titled("logged in").loggedInOnly().build();
    const all = [publicVideo, privateVideo, ordinaryVideo, ownListsVideo, loggedInVideo];

    const titlesSeenBy = (principal: Principal) =>
      collectionPayload({
        collection,
        owner: ownerUser,
        videos: all.map(mediaOf),
        principal,
        mediaUrlFor: () => plainUrl,
      }).videos.map(({ title }) => title);

    it.each<[string, Principal, ReadonlyArray<string>]>([
      ["anonymous", anonymous, ["public"]],
      // Upstream showed every non-private video to any signed-in user.
      ["a signed-in stranger", signedInStranger, ["public", "logged in"]],
      ["a view-list member", viewListMember, ["public", "ordinary", "logged in"]],
      [
        "a member of the video's own list",
        stranger.principal("special"),
        ["public", "own lists", "logged in"],
      ],
      ["an admin-list member", adminListMember, ["public", "private", "ordinary", "own lists", "logged in"]],
      // Upstream hid private videos from their own collection's owner here.
      ["the owner", owner, ["public", "private", "ordinary", "own lists", "logged in"]],
      ["a superuser", superuser, ["public", "private", "ordinary", "own lists", "logged in"]],
    ])("%s sees %j", (_case, principal, expected) => {
      expect(titlesSeenBy(principal)).toEqual(expected);
    });

    it("agrees with the video detail decision for every principal", () => {
      for (const principal of [
        anonymous,
        signedInStranger,
        viewListMember,
        adminListMember,
        owner,
        superuser,
      ]) {
        expect(videosVisibleTo(principal, collection, all.map(mediaOf)).map(({ video }) => video)).toEqual(
          all.filter((video) => canViewVideo(principal, video, collection)),
        );
      }
    });

    it("counts every video, hidden ones included, as upstream", () => {
      const payload = collectionPayload({
        collection,
        owner: ownerUser,
        videos: all.map(mediaOf),
        principal: anonymous,
        mediaUrlFor: () => plainUrl,
      });
      expect(payload.videos).toHaveLength(1);
      expect(payload.video_count).toBe(5);
    });

    it("gives each video the media URLs bound for it", () => {
      const withHls = (video: Video): VideoMedia => {
        const golden = goldenDetails();
        return { ...mediaOf(video), files: golden.files.map((file) => ({ ...file, videoKey: video.key })) };
      };
      const payload = collectionPayload({
        collection,
        owner: ownerUser,
        videos: [withHls(publicVideo), withHls(ordinaryVideo)],
        principal: viewListMember,
        mediaUrlFor: (video) =>
          video.isPublic ? plainUrl : (key) => `https://cdn.example/${key}?Signature=${hexKey(video.key)}`,
      });
      const [publicItem, protectedItem] = payload.videos;
      expect(publicItem?.videofile_set.map(({ cloudfront_url }) => cloudfront_url)).not.toContainEqual(
        expect.stringContaining("Signature"),
      );
      for (const file of protectedItem?.videofile_set ?? []) {
        expect(file.cloudfront_url).toContain(`?Signature=${hexKey(ordinaryVideo.key)}`);
      }
      expect(protectedItem?.videofile_set).toHaveLength(3);
    });
  });
});

describe("collectionListPayload — CollectionListSerializer", () => {
  it("renders the golden list item with every upstream field, in order, without is_logged_in_only", () => {
    const collection = goldenCollection({
      description: null,
      viewLists: ["collection-viewers"],
      adminLists: ["video-admins"],
      isLoggedInOnly: true,
      isPublic: true,
      streamSource: "Youtube",
    });
    const payload = collectionListPayload({ collection, owner: ownerUser, videoCount: 12 });
    expect(payload).toEqual({
      key: GOLDEN_COLLECTION_HEX,
      created_at: "2019-01-02T03:04:05.006000Z",
      title: "Test Collection",
      description: null,
      view_lists: ["collection-viewers"],
      admin_lists: ["video-admins"],
      video_count: 12,
      edx_course_id: null,
      owner: GOLDEN_OWNER_ID,
      owner_info: ownerInfo,
      is_public: true,
      stream_source: "Youtube",
    });
    expect(Object.keys(payload)).toEqual([
      "key",
      "created_at",
      "title",
      "description",
      "view_lists",
      "admin_lists",
      "video_count",
      "edx_course_id",
      "owner",
      "owner_info",
      "is_public",
      "stream_source",
    ]);
  });
});
