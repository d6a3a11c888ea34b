import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Collection } from "../model/collection.js";
import type { Principal, UserId } from "../model/user.js";
import { anonymous, userPrincipal } from "../model/user.js";
import type { Video } from "../model/video.js";
import { aCollection, aUser, aVideo } from "../testing/builders.js";
import {
  canAdminCollection,
  canCreateCollection,
  canDownloadVideo,
  canEditVideo,
  canManageEdxEndpoints,
  canSeeShareableUrl,
  canUploadToCollection,
  canViewCollection,
  canViewVideo,
  collectionListScope,
  filterAdmits,
  inCollectionListScope,
  videoVisibilityFilter,
} from "./access.js";

const owner = aUser().withId(100).build();
const stranger = aUser().withId(200);
const superuser = aUser().withId(300).superuser().principal();
const staff = aUser().withId(400).staff().principal();
const ownerPrincipal = userPrincipal(owner);
const viewer = stranger.principal("viewers");
const admin = stranger.principal("admins");
const videoLister = stranger.principal("video-list");
const nobody = stranger.principal();

const collection = (
  configure: (c: ReturnType<typeof aCollection>) => ReturnType<typeof aCollection> = (c) => c,
) => configure(aCollection().ownedBy(owner)).build();
const video = (configure: (v: ReturnType<typeof aVideo>) => ReturnType<typeof aVideo> = (v) => v) =>
  configure(aVideo()).build();

describe("canViewVideo — the upstream permissions_test cases (has_video_view_permission)", () => {
  const withLists = collection((c) => c.withViewLists("viewers").withAdminLists("admins"));
  const noLists = collection();

  it.each<[string, Principal, Video, Collection, boolean]>([
    ["default video: anonymous is denied", anonymous, video(), withLists, false],
    ["default video: another user is denied", nobody, video(), withLists, false],
    ["default video: the owner is allowed", ownerPrincipal, video(), withLists, true],
    ["default video: a superuser is allowed", superuser, video(), withLists, true],
    ["collection view list: a non-member is denied", stranger.principal("other"), video(), withLists, false],
    ["collection view list: a member is allowed", viewer, video(), withLists, true],
    ["collection admin list: a member is allowed", admin, video(), withLists, true],
    [
      "public video, collection without lists: anonymous is allowed",
      anonymous,
      video((v) => v.public()),
      noLists,
      true,
    ],
    [
      "public video, collection with view lists: anonymous is allowed",
      anonymous,
      video((v) => v.public()),
      withLists,
      true,
    ],
    ["private video: a view-list member is denied", viewer, video((v) => v.private()), withLists, false],
    ["private video: an admin-list member is allowed", admin, video((v) => v.private()), withLists, true],
    ["private video: the owner is allowed", ownerPrincipal, video((v) => v.private()), withLists, true],
    [
      "public and private video: anyone is allowed (public wins, first match)",
      anonymous,
      video((v) => v.public().private()),
      withLists,
      true,
    ],
    [
      "logged-in-only video: a view-list member is allowed",
      viewer,
      video((v) => v.loggedInOnly()),
      withLists,
      true,
    ],
    [
      "logged-in-only video: anonymous is denied",
      anonymous,
      video((v) => v.loggedInOnly()),
      withLists,
      false,
    ],
    [
      "logged-in-only video: any signed-in user is allowed",
      nobody,
      video((v) => v.loggedInOnly()),
      withLists,
      true,
    ],
    [
      "logged-in-only collection: any signed-in user is allowed",
      nobody,
      video(),
      collection((c) => c.loggedInOnly()),
      true,
    ],
    // Private comes before logged-in-only: being signed in never opens a private video.
    [
      "private and logged-in-only video: another signed-in user is denied",
      nobody,
      video((v) => v.private().loggedInOnly()),
      withLists,
      false,
    ],
    [
      "private and logged-in-only video: an admin-list member is allowed",
      admin,
      video((v) => v.private().loggedInOnly()),
      withLists,
      true,
    ],
    [
      "private video in a logged-in-only collection: another signed-in user is denied",
      nobody,
      video((v) => v.private()),
      collection((c) => c.loggedInOnly().withViewLists("viewers").withAdminLists("admins")),
      false,
    ],
    [
      "private video in a logged-in-only collection: a view-list member is denied",
      viewer,
      video((v) => v.private()),
      collection((c) => c.loggedInOnly().withViewLists("viewers").withAdminLists("admins")),
      false,
    ],
    [
      "video view lists: a member of the video and collection lists is allowed",
      stranger.principal("video-list", "viewers"),
      video((v) => v.withViewLists("video-list")),
      withLists,
      true,
    ],
    [
      "video view lists: a member of the collection list only is denied (override)",
      viewer,
      video((v) => v.withViewLists("video-list")),
      withLists,
      false,
    ],
    [
      "video view lists: a member of the video list only is allowed",
      videoLister,
      video((v) => v.withViewLists("video-list")),
      withLists,
      true,
    ],
    [
      "video view lists: an admin-list member is allowed",
      admin,
      video((v) => v.withViewLists("video-list")),
      withLists,
      true,
    ],
    ["staff alone grants nothing", staff, video(), withLists, false],
    ["group names compare case-sensitively", stranger.principal("Viewers"), video(), withLists, false],
  ])("%s", (_case, principal, theVideo, theCollection, allowed) => {
    expect(canViewVideo(principal, theVideo, theCollection)).toBe(allowed);
  });
});

describe("collection administration (has_admin_permission, IsCollectionOwner, CanUploadToCollection)", () => {
  const theCollection = collection((c) => c.withViewLists("viewers").withAdminLists("admins"));
  it.each<[string, Principal, boolean]>([
    ["anonymous", anonymous, false],
    ["another user", nobody, false],
    ["the owner", ownerPrincipal, true],
    ["a superuser", superuser, true],
    ["an admin-list member", admin, true],
    ["a view-list member", viewer, false],
    ["staff", staff, false],
  ])("%s → %s", (_case, principal, allowed) => {
    expect(canAdminCollection(principal, theCollection)).toBe(allowed);
    expect(canEditVideo(principal, theCollection)).toBe(allowed);
    expect(canUploadToCollection(principal, theCollection)).toBe(allowed);
  });

  it.each<[string, Principal, boolean]>([
    ["anonymous cannot create collections", anonymous, false],
    ["a normal user cannot", nobody, false],
    ["staff can", staff, true],
    ["a superuser can", superuser, true],
  ])("%s", (_case, principal, allowed) => {
    expect(canCreateCollection(principal)).toBe(allowed);
  });
});

describe("canViewCollection — fixes upstream's 'anyone with the key reads any collection'", () => {
  it.each<[string, Principal, Collection, boolean]>([
    ["anonymous, private collection", anonymous, collection((c) => c.withViewLists("viewers")), false],
    [
      "a signed-in stranger, private collection",
      nobody,
      collection((c) => c.withViewLists("viewers")),
      false,
    ],
    ["a view-list member", viewer, collection((c) => c.withViewLists("viewers")), true],
    ["an admin-list member", admin, collection((c) => c.withAdminLists("admins")), true],
    ["the owner", ownerPrincipal, collection(), true],
    ["a superuser", superuser, collection(), true],
    ["anonymous, public collection", anonymous, collection((c) => c.public()), true],
    ["a signed-in stranger, logged-in-only collection", nobody, collection((c) => c.loggedInOnly()), true],
    ["anonymous, logged-in-only collection", anonymous, collection((c) => c.loggedInOnly()), false],
  ])("%s → %s", (_case, principal, theCollection, allowed) => {
    expect(canViewCollection(principal, theCollection)).toBe(allowed);
  });
});

describe("other decisions", () => {
  it("shows the shareable HLS URL only to admins of collections that allow sharing", () => {
    const sharing = collection((c) => c.withAdminLists("admins").with({ allowShareOpenedx: true }));
    const notSharing = collection((c) => c.withAdminLists("admins"));
    expect(canSeeShareableUrl(admin, sharing)).toBe(true);
    expect(canSeeShareableUrl(admin, notSharing)).toBe(false);
    expect(canSeeShareableUrl(viewer, sharing)).toBe(false);
  });

  it("offers downloads of public videos only", () => {
    expect(canDownloadVideo(video((v) => v.public()))).toBe(true);
    expect(canDownloadVideo(video((v) => v.public().private()))).toBe(true);
    expect(canDownloadVideo(video())).toBe(false);
  });

  it.each<[string, Principal, boolean]>([
    ["anonymous", anonymous, false],
    ["a signed-in user", nobody, false],
    ["a collection owner", ownerPrincipal, false],
    ["an admin-list member", admin, false],
    ["staff", staff, true],
    ["a superuser", superuser, true],
  ])("lets only staff and superusers manage edX endpoints: %s → %s", (_case, principal, allowed) => {
    expect(canManageEdxEndpoints(principal)).toBe(allowed);
  });
});

describe("list visibility (upstream views_test: test_video_viewset_list), with the two fixed mismatches", () => {
  const member = stranger.principal("viewers", "admins-of-other", "video-list");
  const owned = collection();
  const viewable = collection((c) => c.ownedBy(999 as UserId).withViewLists("viewers"));
  const administered = collection((c) => c.ownedBy(999 as UserId).withAdminLists("admins-of-other"));
  const unviewable = collection((c) => c.ownedBy(999 as UserId).withViewLists("someone-else"));
  const theOwnerAsMember = userPrincipal(owner, ["viewers", "admins-of-other", "video-list"]);

  it.each<[string, Principal, Video, Collection, boolean]>([
    ["a video without lists in an owned collection", theOwnerAsMember, video(), owned, true],
    ["a video without lists in a view-list collection", member, video(), viewable, true],
    ["a video without lists in an admin-list collection", member, video(), administered, true],
    [
      "a video whose own view list matches, in an unviewable collection",
      member,
      video((v) => v.withViewLists("video-list")),
      unviewable,
      true,
    ],
    ["a public video in an unviewable collection", member, video((v) => v.public()), unviewable, true],
    ["a private video in an admin-list collection", member, video((v) => v.private()), administered, true],
    ["a non-public video without lists in an unviewable collection", member, video(), unviewable, false],
    [
      "a video with a non-matching video list",
      member,
      video((v) => v.withViewLists("nope")),
      unviewable,
      false,
    ],
    // Upstream listed this video but its detail answered 403; now both say no.
    [
      "a video whose own list excludes a collection view-list member",
      member,
      video((v) => v.withViewLists("nope")),
      viewable,
      false,
    ],
    [
      "a private, logged-in-only video, to a signed-in stranger",
      nobody,
      video((v) => v.private().loggedInOnly()),
      unviewable,
      false,
    ],
    [
      "a private video in a logged-in-only collection, to a signed-in stranger",
      nobody,
      video((v) => v.private()),
      collection((c) => c.ownedBy(999 as UserId).loggedInOnly()),
      false,
    ],
    [
      "a private video in a logged-in-only collection, to its admin-list member",
      member,
      video((v) => v.private()),
      collection((c) =>
        c
          .ownedBy(999 as UserId)
          .loggedInOnly()
          .withAdminLists("admins-of-other"),
      ),
      true,
    ],
    // Upstream hid this video from lists while its page rendered; now both say yes.
    [
      "a public and private video in a view-only collection",
      member,
      video((v) => v.public().private()),
      viewable,
      true,
    ],
  ])("%s → %s", (_case, principal, theVideo, theCollection, listed) => {
    expect(
      filterAdmits(videoVisibilityFilter(principal), { video: theVideo, collection: theCollection }),
    ).toBe(listed);
    expect(canViewVideo(principal, theVideo, theCollection)).toBe(listed);
  });

  it("lists only public videos to anonymous users (test_video_viewset_list_anonymous)", () => {
    expect(videoVisibilityFilter(anonymous)).toEqual({
      _tag: "AnyOf",
      clauses: [[{ _tag: "VideoIsPublic" }]],
    });
  });

  it("lists everything to superusers (test_video_viewset_list_superuser)", () => {
    expect(videoVisibilityFilter(superuser)).toEqual({ _tag: "Everything" });
  });
});

describe("the collection list's scope: 'my collections', not every collection the detail admits", () => {
  const listed = collection((c) => c.withViewLists("viewers").withAdminLists("admins"));
  const open = collection((c) => c.public());
  const loggedIn = collection((c) => c.loggedInOnly());

  it.each<[string, Principal, Collection, boolean, boolean]>([
    ["the owner", ownerPrincipal, collection(), true, true],
    ["a view-list member", viewer, listed, true, true],
    ["an admin-list member", admin, listed, true, true],
    ["a superuser", superuser, collection(), true, true],
    ["a signed-in stranger, a collection with lists", nobody, listed, false, false],
    ["a signed-in stranger, a public collection", nobody, open, false, true],
    ["a signed-in stranger, a logged-in-only collection", nobody, loggedIn, false, true],
    ["staff, a public collection", staff, open, false, true],
    ["anonymous, a public collection", anonymous, open, false, true],
    ["anonymous, a collection with lists", anonymous, listed, false, false],
  ])("%s → listed %s, opened %s", (_case, principal, theCollection, inList, opens) => {
    expect(inCollectionListScope(principal, theCollection)).toBe(inList);
    expect(filterAdmits(collectionListScope(principal), { collection: theCollection })).toBe(inList);
    expect(canViewCollection(principal, theCollection)).toBe(opens);
  });

  it("lists nothing to anonymous visitors and everything to superusers", () => {
    expect(collectionListScope(anonymous)).toEqual({ _tag: "Nothing" });
    expect(collectionListScope(superuser)).toEqual({ _tag: "Everything" });
  });
});

describe("property: the list filter and the decision function agree", () => {
  const groups = fc.constantFrom("g1", "g2", "g3", "g4");
  const groupList = fc.uniqueArray(groups, { maxLength: 3 });
  const userIds = fc.constantFrom(1, 2, 3) as fc.Arbitrary<UserId>;

  const collections = fc.record({
    ownerId: userIds,
    viewLists: groupList,
    adminLists: groupList,
    isLoggedInOnly: fc.boolean(),
    isPublic: fc.boolean(),
  });
  const videos = fc.record({
    isPublic: fc.boolean(),
    isPrivate: fc.boolean(),
    isLoggedInOnly: fc.boolean(),
    viewLists: groupList,
  });
  const principals: fc.Arbitrary<Principal> = fc.oneof(
    fc.constant(anonymous),
    fc
      .record({ id: userIds, isSuperuser: fc.boolean(), isStaff: fc.boolean(), groups: groupList })
      .map(({ id, isSuperuser, isStaff, groups: names }) =>
        userPrincipal({ id, username: `u${id}`, email: `u${id}@example.edu`, isSuperuser, isStaff }, names),
      ),
  );

  it("a video appears in the list ⇔ canViewVideo", () => {
    fc.assert(
      fc.property(principals, videos, collections, (principal, theVideo, theCollection) => {
        expect(
          filterAdmits(videoVisibilityFilter(principal), { video: theVideo, collection: theCollection }),
        ).toBe(canViewVideo(principal, theVideo, theCollection));
      }),
      { numRuns: 5000 },
    );
  });

  it("a collection appears in the list ⇔ inCollectionListScope, and only if canViewCollection", () => {
    fc.assert(
      fc.property(principals, collections, (principal, theCollection) => {
        const listed = filterAdmits(collectionListScope(principal), { collection: theCollection });
        expect(listed).toBe(inCollectionListScope(principal, theCollection));
        if (listed) expect(canViewCollection(principal, theCollection)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("admins of a collection can view every video in it", () => {
    fc.assert(
      fc.property(principals, videos, collections, (principal, theVideo, theCollection) => {
        if (canAdminCollection(principal, theCollection)) {
          expect(canViewVideo(principal, theVideo, theCollection)).toBe(true);
        }
      }),
    );
  });
});
