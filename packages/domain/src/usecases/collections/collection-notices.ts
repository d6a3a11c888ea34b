import type { Collection } from "../../model/collection.js";
import type { Video } from "../../model/video.js";
import { hasEdxCourse } from "../../model/collection.js";

/**
 * Something an admin should know about a change they just made, beyond the change itself; the
 * edge shows `message` beside the result.
 */
export type CollectionNotice =
  /** The collection was linked to an edX course: its videos' media is now served openly. */
  | { readonly _tag: "MediaServedOpenly"; readonly message: string }
  /** The course was unlinked: media of videos that are not public is signed again. */
  | { readonly _tag: "MediaSignedAgain"; readonly message: string }
  /** An operator published or unpublished the collection, and its videos followed. */
  | { readonly _tag: "VideosRepublished"; readonly message: string; readonly videoCount: number };

export const MEDIA_SERVED_OPENLY: CollectionNotice = {
  _tag: "MediaServedOpenly",
  message:
    "This collection is linked to an edX course, so the media of all its videos (video files, " +
    "thumbnails, subtitles) is now served from plain URLs that work for anyone who has them, " +
    "because edX's learners do not sign in to OVS. Who may list and open the videos in OVS " +
    "does not change.",
};

export const MEDIA_SIGNED_AGAIN: CollectionNotice = {
  _tag: "MediaSignedAgain",
  message:
    "This collection is no longer linked to an edX course: the media of its videos that are " +
    "not public is served from signed URLs again, and the URLs edX holds for them stop working.",
};

/** What linking or unlinking an edX course tells the admin; nothing for any other change. */
export const courseLinkNotices = (
  before: Pick<Collection, "edxCourseId"> | null,
  after: Pick<Collection, "edxCourseId">,
): ReadonlyArray<CollectionNotice> => {
  const wasLinked = before !== null && hasEdxCourse(before);
  const isLinked = hasEdxCourse(after);
  if (isLinked && !wasLinked) return [MEDIA_SERVED_OPENLY];
  if (wasLinked && !isLinked) return [MEDIA_SIGNED_AGAIN];
  return [];
};

/** What publishing or unpublishing a collection did to its videos (`propagatedVideoVisibility`). */
export const videosRepublishedNotice = (
  flags: Pick<Video, "isPublic">,
  videoCount: number,
): CollectionNotice => {
  const videos = videoCount === 1 ? "1 video" : `${videoCount} videos`;
  return {
    _tag: "VideosRepublished",
    videoCount,
    message: flags.isPublic
      ? `The collection is public: ${videos} changed to public, visible to anyone, signed in or not.`
      : `The collection is no longer public: ${videos} changed to private, visible only to the ` +
        "collection's admins. Open each video to choose who else may watch it.",
  };
};
