import { Either } from "effect";
import type { Collection } from "../model/collection.js";
import type { VideoKey } from "../model/keys.js";
import type { Video } from "../model/video.js";
import type { VideoFile } from "../model/video-file.js";
import { edxEligibleFiles } from "./edx-payload.js";

export interface EdxSyncVideo {
  readonly videoKey: VideoKey;
  readonly title: string;
}

export interface EdxSyncRefusedVideo extends EdxSyncVideo {
  /** Why the video is not sent, e.g. "the video is 'Transcoding', not 'Complete'". */
  readonly reason: string;
}

/** What a sync of a collection with edX sends and what it leaves out, video by video. */
export interface EdxSyncReport {
  /** Sent to every edX endpoint of the collection, with plain URLs. */
  readonly toPost: ReadonlyArray<EdxSyncVideo>;
  /** Not sent, each with the reason. */
  readonly refused: ReadonlyArray<EdxSyncRefusedVideo>;
}

/**
 * Sorts the videos of a collection into the ones a sync posts and the ones it refuses, by the
 * same rule the post itself applies (`edxEligibleFiles`), keeping the order given.
 */
export const edxSyncReport = (
  collection: Pick<Collection, "edxCourseId">,
  videos: ReadonlyArray<{
    readonly video: Pick<Video, "key" | "title" | "status">;
    readonly files: ReadonlyArray<VideoFile>;
  }>,
): EdxSyncReport => {
  const toPost: Array<EdxSyncVideo> = [];
  const refused: Array<EdxSyncRefusedVideo> = [];
  for (const { video, files } of videos) {
    const entry = { videoKey: video.key, title: video.title };
    const eligible = edxEligibleFiles(video, collection, files);
    if (Either.isRight(eligible)) toPost.push(entry);
    else refused.push({ ...entry, reason: eligible.left.reason });
  }
  return { toPost, refused };
};
