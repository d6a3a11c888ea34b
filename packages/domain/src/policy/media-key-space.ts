import type { Collection } from "../model/collection.js";
import { hasEdxCourse } from "../model/collection.js";
import type { KeySpace } from "../model/storage-keys.js";
import type { Video } from "../model/video.js";

/**
 * The key space a video's served objects (playlists, segments, MP4, thumbnails, subtitles) live
 * in, and so whether its media URLs are plain or signed. Public videos are served openly. So are
 * the videos of a collection linked to an edX course: edX hands their URLs to learners who never
 * sign in to OVS and keeps them for as long as the course runs, and a signature expires within
 * hours. Every other video is served from the restricted space, with a signature.
 *
 * This decides media only: who may list or open a video stays with `canViewVideo`.
 */
export const mediaKeySpaceOf = (
  video: Pick<Video, "isPublic">,
  collection: Pick<Collection, "edxCourseId">,
): KeySpace => (video.isPublic || hasEdxCourse(collection) ? "public" : "restricted");
