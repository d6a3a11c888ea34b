import type { Collection } from "../model/collection.js";

/**
 * Whether a new video starts public (upstream `set_video_is_public_from_collection`): it
 * inherits a public collection's visibility, except in collections fed to MIT Learn, whose
 * videos are published one by one. Other new videos start neither public nor private.
 */
export const newVideoIsPublic = (collection: Pick<Collection, "isPublic" | "includeInLearn">): boolean =>
  collection.isPublic && !collection.includeInLearn;
