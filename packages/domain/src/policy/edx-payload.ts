import { Data, Either } from "effect";
import type { Collection } from "../model/collection.js";
import { hasEdxCourse } from "../model/collection.js";
import { dashedKey } from "../model/keys.js";
import { spaceOfKey } from "../model/storage-keys.js";
import type { Video } from "../model/video.js";
import { Encoding, type VideoFile } from "../model/video-file.js";

/** edxval's profiles for the two encodings OVS sends. */
export type EdxProfile = "hls" | "desktop_mp4";

export interface EdxEncodedVideo {
  readonly url: string;
  readonly file_size: number;
  readonly bitrate: number;
  readonly profile: EdxProfile;
}

/** The edxval create body, field for field (docs/upstream.md §9). */
export interface EdxVideoPayload {
  readonly edx_video_id: string;
  readonly client_video_id: string;
  readonly duration: number;
  readonly status: "file_complete";
  readonly encoded_videos: ReadonlyArray<EdxEncodedVideo>;
  /** `[{ "<course id>": null }]`: edxval's course-to-image form with no image. */
  readonly courses: ReadonlyArray<Readonly<Record<string, null>>>;
}

export class EdxNotEligible extends Data.TaggedError("EdxNotEligible")<{ readonly reason: string }> {
  override get message(): string {
    return `the video cannot be sent to edX: ${this.reason}`;
  }
}

const PROFILE_OF: Readonly<Record<string, EdxProfile>> = {
  [Encoding.hls]: "hls",
  [Encoding.desktopMp4]: "desktop_mp4",
};

/**
 * The files edX receives: HLS and desktop_mp4 only, one per profile (edxval rejects duplicate
 * profiles; the newest row wins), in ascending id order like upstream.
 */
export const edxQualifyingFiles = (files: ReadonlyArray<VideoFile>): ReadonlyArray<VideoFile> => {
  const newestPerProfile = new Map<EdxProfile, VideoFile>();
  for (const file of files) {
    const profile = PROFILE_OF[file.encoding];
    if (profile === undefined) continue;
    const current = newestPerProfile.get(profile);
    if (current === undefined || file.id > current.id) newestPerProfile.set(profile, file);
  }
  return [...newestPerProfile.values()].sort((a, b) => a.id - b.id);
};

/**
 * The files edX would receive for one video now, or why the video cannot be sent: the collection
 * needs a course id, the video must be Complete and have at least one HLS or MP4 output, and
 * those outputs must already be in the public key space. edX keeps the URLs it is given for as
 * long as the course runs, so only plain URLs that keep working are sent; a collection linked to
 * a course serves its videos' media openly (`mediaKeySpaceOf`), but right after the link its
 * objects may still be on their way out of the restricted space, where a plain URL is refused.
 */
export const edxEligibleFiles = (
  video: Pick<Video, "status">,
  collection: Pick<Collection, "edxCourseId">,
  files: ReadonlyArray<VideoFile>,
): Either.Either<ReadonlyArray<VideoFile>, EdxNotEligible> => {
  if (!hasEdxCourse(collection)) {
    return Either.left(new EdxNotEligible({ reason: "the collection has no edX course id" }));
  }
  if (video.status !== "Complete") {
    return Either.left(new EdxNotEligible({ reason: `the video is '${video.status}', not 'Complete'` }));
  }
  const qualifying = edxQualifyingFiles(files);
  if (qualifying.length === 0) {
    return Either.left(new EdxNotEligible({ reason: "the video has no HLS or MP4 output" }));
  }
  if (qualifying.some((file) => spaceOfKey(file.s3ObjectKey) === "restricted")) {
    return Either.left(
      new EdxNotEligible({ reason: "the video's files are still being moved to the public key space" }),
    );
  }
  return Either.right(qualifying);
};

/** Builds the body for one video from `edxEligibleFiles`, or says why the video does not qualify. */
export const edxVideoPayload = (
  video: Pick<Video, "key" | "title" | "duration" | "status">,
  collection: Pick<Collection, "edxCourseId">,
  files: ReadonlyArray<VideoFile>,
  urlOf: (file: VideoFile) => string,
): Either.Either<EdxVideoPayload, EdxNotEligible> =>
  Either.map(edxEligibleFiles(video, collection, files), (eligible) => ({
    edx_video_id: dashedKey(video.key),
    client_video_id: video.title,
    duration: video.duration,
    status: "file_complete" as const,
    encoded_videos: eligible.map((file) => ({
      url: urlOf(file),
      file_size: 0,
      bitrate: 0,
      profile: PROFILE_OF[file.encoding] as EdxProfile,
    })),
    courses: [{ [collection.edxCourseId ?? ""]: null }],
  }));

/**
 * The PATCH body used when the video already exists: no courses (edxval only adds links), and
 * every encoding again, since edxval replaces the encodings it holds with the ones sent.
 */
export const edxVideoUpdatePayload = (payload: EdxVideoPayload): Omit<EdxVideoPayload, "courses"> => {
  const { courses: _courses, ...update } = payload;
  return update;
};
