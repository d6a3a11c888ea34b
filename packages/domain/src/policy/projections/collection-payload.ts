import type { Collection, StreamSource } from "../../model/collection.js";
import type { GroupName } from "../../model/fields.js";
import { hexKey } from "../../model/keys.js";
import type { Principal, User } from "../../model/user.js";
import type { Video } from "../../model/video.js";
import { canAdminCollection, canViewVideo } from "../access.js";
import { apiTimestamp } from "./api-timestamp.js";
import type { MediaUrl } from "./stored-object-payloads.js";
import { simpleVideoPayload } from "./video-payload.js";
import type { SimpleVideoPayload, VideoMedia } from "./video-payload.js";

/** Upstream `UserSerializer`. */
export interface OwnerInfoPayload {
  readonly id: number;
  readonly username: string;
  readonly email: string;
}

/** Upstream `CollectionSerializer` (collection detail and update responses). */
export interface CollectionPayload {
  readonly key: string;
  readonly created_at: string;
  readonly title: string;
  readonly description: string | null;
  readonly videos: ReadonlyArray<SimpleVideoPayload>;
  readonly video_count: number;
  readonly view_lists: ReadonlyArray<GroupName>;
  readonly admin_lists: ReadonlyArray<GroupName>;
  readonly is_logged_in_only: boolean;
  readonly is_public: boolean;
  readonly stream_source: StreamSource | null;
  readonly edx_course_id: string | null;
  readonly is_admin: boolean;
  readonly owner: number;
  readonly owner_info: OwnerInfoPayload;
  /**
   * Beyond upstream, which showed these only in the Django admin: the operator flags and the
   * retranscode flag, so the settings page can show what it edits.
   */
  readonly include_in_learn: boolean;
  readonly for_shorts: boolean;
  readonly schedule_retranscode: boolean;
}

/** Upstream `CollectionListSerializer` (collection list and create responses). */
export interface CollectionListPayload {
  readonly key: string;
  readonly created_at: string;
  readonly title: string;
  readonly description: string | null;
  readonly view_lists: ReadonlyArray<GroupName>;
  readonly admin_lists: ReadonlyArray<GroupName>;
  readonly video_count: number;
  readonly edx_course_id: string | null;
  readonly owner: number;
  readonly owner_info: OwnerInfoPayload;
  readonly is_public: boolean;
  readonly stream_source: StreamSource | null;
}

export type CollectionOwner = Pick<User, "id" | "username" | "email">;

const ownerInfo = (owner: CollectionOwner): OwnerInfoPayload => ({
  id: owner.id,
  username: owner.username,
  email: owner.email,
});

/**
 * The videos of a collection that `principal` may view, in the given order. Upstream's detail
 * used a third rule of its own (every non-private video for any signed-in user); the same
 * decision as the video detail replaces it (docs/architecture.md §6.5). Callers that sign media URLs
 * per video sign only these.
 */
export const videosVisibleTo = <M extends { readonly video: Video }>(
  principal: Principal,
  collection: Collection,
  videos: ReadonlyArray<M>,
): ReadonlyArray<M> => videos.filter((media) => canViewVideo(principal, media.video, collection));

/**
 * A collection's detail. `videos` are all of the collection's videos in display order (custom
 * order, then newest); only those the principal may view are shown, while `video_count` counts
 * them all, as upstream. `mediaUrlFor` gives each video its URL function (plain or signed).
 */
export const collectionPayload = (input: {
  readonly collection: Collection;
  readonly owner: CollectionOwner;
  readonly videos: ReadonlyArray<VideoMedia>;
  readonly principal: Principal;
  readonly mediaUrlFor: (video: Video) => MediaUrl;
}): CollectionPayload => {
  const { collection, principal } = input;
  return {
    key: hexKey(collection.key),
    created_at: apiTimestamp(collection.createdAt),
    title: collection.title,
    description: collection.description,
    videos: videosVisibleTo(principal, collection, input.videos).map((media) =>
      simpleVideoPayload(media, collection, principal, input.mediaUrlFor(media.video)),
    ),
    video_count: input.videos.length,
    view_lists: collection.viewLists,
    admin_lists: collection.adminLists,
    is_logged_in_only: collection.isLoggedInOnly,
    is_public: collection.isPublic,
    stream_source: collection.streamSource,
    edx_course_id: collection.edxCourseId,
    is_admin: canAdminCollection(principal, collection),
    owner: input.owner.id,
    owner_info: ownerInfo(input.owner),
    include_in_learn: collection.includeInLearn,
    for_shorts: collection.forShorts,
    schedule_retranscode: collection.scheduleRetranscode,
  };
};

/** One item of the collection list; `videoCount` counts every video of the collection. */
export const collectionListPayload = (input: {
  readonly collection: Collection;
  readonly owner: CollectionOwner;
  readonly videoCount: number;
}): CollectionListPayload => {
  const { collection } = input;
  return {
    key: hexKey(collection.key),
    created_at: apiTimestamp(collection.createdAt),
    title: collection.title,
    description: collection.description,
    view_lists: collection.viewLists,
    admin_lists: collection.adminLists,
    video_count: input.videoCount,
    edx_course_id: collection.edxCourseId,
    owner: input.owner.id,
    owner_info: ownerInfo(input.owner),
    is_public: collection.isPublic,
    stream_source: collection.streamSource,
  };
};
