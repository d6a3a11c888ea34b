import type { Collection } from "../model/collection.js";
import type { Video } from "../model/video.js";

/**
 * Whether a new video starts public (upstream `set_video_is_public_from_collection`): it
 * inherits a public collection's visibility, except in collections fed to MIT Learn, whose
 * videos are published one by one. Other new videos start neither public nor private.
 */
export const newVideoIsPublic = (collection: Pick<Collection, "isPublic" | "includeInLearn">): boolean =>
  collection.isPublic && !collection.includeInLearn;

/**
 * What an operator's change of a collection's `is_public` does to every one of its videos
 * (upstream `CollectionAdmin.save_model`): publishing makes them all public, unpublishing makes
 * them all private (admins only) — except that publishing a collection fed to MIT Learn leaves
 * its videos alone, since those are published one by one. `undefined` when the videos keep
 * their flags: `is_public` did not change, or the exception applies.
 */
export const propagatedVideoVisibility = (
  before: Pick<Collection, "isPublic">,
  after: Pick<Collection, "isPublic" | "includeInLearn">,
): Pick<Video, "isPublic" | "isPrivate"> | undefined => {
  if (before.isPublic === after.isPublic) return undefined;
  if (after.isPublic && after.includeInLearn) return undefined;
  return { isPublic: after.isPublic, isPrivate: !after.isPublic };
};
