import type { Collection } from "../model/collection.js";
import type { GroupName } from "../model/fields.js";
import type { Principal, UserId } from "../model/user.js";
import type { Video } from "../model/video.js";

/**
 * Who may see and change what. One decision function per question; the list queries use the
 * data form of the same rules (`videoVisibilityFilter`, `collectionListScope`), and property
 * tests hold each pair equal (docs/architecture.md §6.5).
 */

type CollectionAccessFields = Pick<
  Collection,
  "ownerId" | "adminLists" | "viewLists" | "isLoggedInOnly" | "isPublic"
>;
type VideoAccessFields = Pick<Video, "isPublic" | "isPrivate" | "isLoggedInOnly" | "viewLists">;

const sharesGroup = (principal: Principal, groups: ReadonlyArray<GroupName>): boolean =>
  principal._tag === "User" && groups.some((group) => principal.groups.has(group));

const isOwner = (principal: Principal, collection: Pick<Collection, "ownerId">): boolean =>
  principal._tag === "User" && principal.id === collection.ownerId;

const isSuperuser = (principal: Principal): boolean => principal._tag === "User" && principal.isSuperuser;

/** Owner, superuser or a member of an admin list. Staff alone grants nothing. */
export const canAdminCollection = (
  principal: Principal,
  collection: Pick<Collection, "ownerId" | "adminLists">,
): boolean =>
  isSuperuser(principal) || isOwner(principal, collection) || sharesGroup(principal, collection.adminLists);

/**
 * The people who run the service (upstream's Django admin users). Each rule below that grants
 * them something names its own reason; they share this one test.
 */
const isStaffOrSuperuser = (principal: Principal): boolean =>
  principal._tag === "User" && (principal.isStaff || principal.isSuperuser);

/** Staff and superusers create collections. */
export const canCreateCollection = (principal: Principal): boolean => isStaffOrSuperuser(principal);

/**
 * The operator flags of a collection (`is_public`, `include_in_learn`, `for_shorts`,
 * `stream_source`), which upstream changed only in the Django admin: staff and superusers, not
 * every collection admin, since they publish to the world and to MIT Learn.
 */
export const canSetOperatorFlags = (principal: Principal): boolean => isStaffOrSuperuser(principal);

/** The service's own state (failed jobs, unsent mail) is for staff and superusers, who run it. */
export const canWatchOperations = (principal: Principal): boolean => isStaffOrSuperuser(principal);

/** Uploading videos or subtitles and syncing to edX act on a collection its admins own. */
export const canUploadToCollection = canAdminCollection;

/**
 * Reading a collection. Fixes upstream, where anyone holding the key could read any collection:
 * admins and view-list members always, any signed-in user when the collection is logged-in-only,
 * and anyone when the collection is public.
 */
export const canViewCollection = (principal: Principal, collection: CollectionAccessFields): boolean =>
  collection.isPublic ||
  canAdminCollection(principal, collection) ||
  (collection.isLoggedInOnly && principal._tag === "User") ||
  sharesGroup(principal, collection.viewLists);

/**
 * Which collections a principal's collection list shows: the ones they own, administer or are on
 * a view list of, every one for superusers, none for anonymous visitors. The list is "my
 * collections", not a directory, so a public or logged-in-only collection a stranger may open
 * is still not listed to them; everything listed passes `canViewCollection`.
 */
export const inCollectionListScope = (
  principal: Principal,
  collection: Pick<Collection, "ownerId" | "adminLists" | "viewLists">,
): boolean =>
  principal._tag === "User" &&
  (canAdminCollection(principal, collection) || sharesGroup(principal, collection.viewLists));

/**
 * Viewing one video: upstream `has_video_view_permission` for safe methods, first match wins.
 * A public video is visible to all even when also flagged private; a private video only to the
 * owner, superusers and admin-list members; logged-in-only admits any signed-in user without
 * consulting lists; a video's own view lists replace the collection's (admins still pass).
 */
export const canViewVideo = (
  principal: Principal,
  video: VideoAccessFields,
  collection: CollectionAccessFields,
): boolean => {
  if (video.isPublic) return true;
  if (isSuperuser(principal) || isOwner(principal, collection)) return true;
  if (video.isPrivate) return sharesGroup(principal, collection.adminLists);
  if (sharesGroup(principal, collection.adminLists)) return true;
  if (video.isLoggedInOnly || collection.isLoggedInOnly) return principal._tag === "User";
  if (video.viewLists.length > 0) return sharesGroup(principal, video.viewLists);
  return sharesGroup(principal, collection.viewLists);
};

/** Editing, deleting, replacing a video or its thumbnail and subtitles: collection admins. */
export const canEditVideo = (
  principal: Principal,
  collection: Pick<Collection, "ownerId" | "adminLists">,
): boolean => canAdminCollection(principal, collection);

/**
 * The shareable HLS URL ("Open edX video URL") is shown to collection admins only when the
 * collection allows sharing.
 */
export const canSeeShareableUrl = (
  principal: Principal,
  collection: Pick<Collection, "ownerId" | "adminLists" | "allowShareOpenedx">,
): boolean => collection.allowShareOpenedx && canAdminCollection(principal, collection);

/** Downloads are offered for public videos only. */
export const canDownloadVideo = (video: Pick<Video, "isPublic">): boolean => video.isPublic;

/**
 * The edX endpoints (their hosts and client credentials), which upstream kept to the Django
 * admin: staff and superusers. Collection admins only link their collections to them.
 */
export const canManageEdxEndpoints = (principal: Principal): boolean => isStaffOrSuperuser(principal);

// ---------------------------------------------------------------------------------------------
// The same rules as data, for repositories to translate into one query.
// ---------------------------------------------------------------------------------------------

/** One atomic condition on a (video, collection) row. */
export type VisibilityCondition =
  | { readonly _tag: "VideoIsPublic" }
  | { readonly _tag: "VideoIsNotPrivate" }
  | { readonly _tag: "VideoIsLoggedInOnly" }
  | { readonly _tag: "VideoHasNoViewLists" }
  | { readonly _tag: "VideoViewListsInclude"; readonly groups: ReadonlyArray<GroupName> }
  | { readonly _tag: "CollectionIsLoggedInOnly" }
  | { readonly _tag: "CollectionOwnedBy"; readonly userId: UserId }
  | { readonly _tag: "CollectionAdminListsInclude"; readonly groups: ReadonlyArray<GroupName> }
  | { readonly _tag: "CollectionViewListsInclude"; readonly groups: ReadonlyArray<GroupName> };

/**
 * Everything, nothing, or a disjunction of conjunctions of conditions. Group lists are never
 * empty inside a condition: a principal without groups simply has no such clause.
 */
export type VisibilityFilter =
  | { readonly _tag: "Everything" }
  | { readonly _tag: "Nothing" }
  | { readonly _tag: "AnyOf"; readonly clauses: ReadonlyArray<ReadonlyArray<VisibilityCondition>> };

export type VideoVisibilityFilter = VisibilityFilter;
export type CollectionListScope = VisibilityFilter;

const groupsOf = (principal: Principal): ReadonlyArray<GroupName> =>
  principal._tag === "User" ? [...principal.groups].sort() : [];

const withGroups = (
  groups: ReadonlyArray<GroupName>,
  clause: (groups: ReadonlyArray<GroupName>) => ReadonlyArray<VisibilityCondition>,
): ReadonlyArray<ReadonlyArray<VisibilityCondition>> => (groups.length > 0 ? [clause(groups)] : []);

/**
 * `canViewVideo` flattened into clauses. For a signed-in non-superuser the first-match rules
 * reduce to: public, or owner, or admin-list member, or (not private and (logged-in-only, or a
 * member of the video's lists, or without video lists a member of the collection's lists)).
 */
export const videoVisibilityFilter = (principal: Principal): VideoVisibilityFilter => {
  if (principal._tag === "Anonymous") return { _tag: "AnyOf", clauses: [[{ _tag: "VideoIsPublic" }]] };
  if (principal.isSuperuser) return { _tag: "Everything" };
  const groups = groupsOf(principal);
  const notPrivate: VisibilityCondition = { _tag: "VideoIsNotPrivate" };
  return {
    _tag: "AnyOf",
    clauses: [
      [{ _tag: "VideoIsPublic" }],
      [{ _tag: "CollectionOwnedBy", userId: principal.id }],
      ...withGroups(groups, (g) => [{ _tag: "CollectionAdminListsInclude", groups: g }]),
      [notPrivate, { _tag: "VideoIsLoggedInOnly" }],
      [notPrivate, { _tag: "CollectionIsLoggedInOnly" }],
      ...withGroups(groups, (g) => [notPrivate, { _tag: "VideoViewListsInclude", groups: g }]),
      ...withGroups(groups, (g) => [
        notPrivate,
        { _tag: "VideoHasNoViewLists" },
        { _tag: "CollectionViewListsInclude", groups: g },
      ]),
    ],
  };
};

/** `inCollectionListScope` flattened into clauses (video conditions never appear here). */
export const collectionListScope = (principal: Principal): CollectionListScope => {
  if (principal._tag === "Anonymous") return { _tag: "Nothing" };
  if (principal.isSuperuser) return { _tag: "Everything" };
  const groups = groupsOf(principal);
  return {
    _tag: "AnyOf",
    clauses: [
      [{ _tag: "CollectionOwnedBy", userId: principal.id }],
      ...withGroups(groups, (g) => [{ _tag: "CollectionAdminListsInclude", groups: g }]),
      ...withGroups(groups, (g) => [{ _tag: "CollectionViewListsInclude", groups: g }]),
    ],
  };
};

const overlaps = (a: ReadonlyArray<GroupName>, b: ReadonlyArray<GroupName>): boolean =>
  a.some((group) => b.includes(group));

/** Evaluates one condition against a row; in-memory adapters filter with this. */
export const conditionHolds = (
  condition: VisibilityCondition,
  video: VideoAccessFields | undefined,
  collection: CollectionAccessFields,
): boolean => {
  switch (condition._tag) {
    case "VideoIsPublic":
      return video?.isPublic === true;
    case "VideoIsNotPrivate":
      return video !== undefined && !video.isPrivate;
    case "VideoIsLoggedInOnly":
      return video?.isLoggedInOnly === true;
    case "VideoHasNoViewLists":
      return video !== undefined && video.viewLists.length === 0;
    case "VideoViewListsInclude":
      return video !== undefined && overlaps(video.viewLists, condition.groups);
    case "CollectionIsLoggedInOnly":
      return collection.isLoggedInOnly;
    case "CollectionOwnedBy":
      return collection.ownerId === condition.userId;
    case "CollectionAdminListsInclude":
      return overlaps(collection.adminLists, condition.groups);
    case "CollectionViewListsInclude":
      return overlaps(collection.viewLists, condition.groups);
  }
};

export const filterAdmits = (
  filter: VisibilityFilter,
  row: { readonly video?: VideoAccessFields; readonly collection: CollectionAccessFields },
): boolean => {
  switch (filter._tag) {
    case "Everything":
      return true;
    case "Nothing":
      return false;
    case "AnyOf":
      return filter.clauses.some((clause) =>
        clause.every((condition) => conditionHolds(condition, row.video, row.collection)),
      );
  }
};
