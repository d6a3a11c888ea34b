import { Effect } from "effect";
import { hexKey } from "../../model/keys.js";
import type { KeySpace } from "../../model/storage-keys.js";
import { Encoding } from "../../model/video-file.js";
import {
  folderOf,
  retranscodeStagingPrefix,
  subtitlePrefix,
  thumbnailPrefix,
  transcodePrefix,
} from "../../model/storage-keys.js";
import type { JobPayloads, JobQueue, QueueFailure } from "../../ports/job-queue.js";
import type { VideoDetails } from "../../ports/video-repository.js";
import type { DomainSettings } from "../settings.js";

/** One `storage.delete` job: a single object, or every object under a prefix. */
export type StoredObjectDeletion = JobPayloads["storage.delete"];

const BOTH_SPACES: ReadonlyArray<KeySpace> = ["public", "restricted"];

const covers = (deletion: StoredObjectDeletion, bucket: string, key: string): boolean =>
  deletion.bucket === bucket && (deletion.prefix ? key.startsWith(deletion.key) : key === deletion.key);

/**
 * Everything a deleted video leaves in storage: its original uploads, its transcode outputs in
 * both key spaces (a visibility move may have been cut short), the retranscode staging area
 * (which upstream forgot), its thumbnails and subtitles in both spaces, and any object a row of
 * it points at outside those folders (rows from before this layout). Prefixes end in "/" so
 * that they never reach another video's objects.
 */
export const storageOfDeletedVideo = (
  settings: Pick<DomainSettings, "buckets">,
  details: Pick<VideoDetails, "video" | "files" | "thumbnails" | "subtitles">,
): ReadonlyArray<StoredObjectDeletion> => {
  const hex = hexKey(details.video.key);
  const { buckets } = settings;
  const folder = (bucket: string, prefix: string): StoredObjectDeletion => ({
    bucket,
    key: `${prefix}/`,
    prefix: true,
  });
  const deletions: Array<StoredObjectDeletion> = [
    folder(buckets.upload, hex),
    ...BOTH_SPACES.map((space) => folder(buckets.transcode, transcodePrefix(hex, space))),
    folder(buckets.transcode, retranscodeStagingPrefix(hex)),
    ...BOTH_SPACES.map((space) => folder(buckets.thumbnail, thumbnailPrefix(hex, space))),
    ...BOTH_SPACES.map((space) => folder(buckets.subtitle, subtitlePrefix(hex, space))),
  ];
  const rows = [...details.files, ...details.thumbnails, ...details.subtitles];
  for (const row of rows) {
    if (deletions.some((deletion) => covers(deletion, row.bucketName, row.s3ObjectKey))) continue;
    // An HLS row stands for its whole folder of playlists and segments (upstream deletes the prefix).
    const isHls = "encoding" in row && row.encoding === Encoding.hls;
    deletions.push(
      isHls
        ? folder(row.bucketName, folderOf(row.s3ObjectKey))
        : { bucket: row.bucketName, key: row.s3ObjectKey, prefix: false },
    );
  }
  return deletions;
};

/** Enqueues one `storage.delete` job per deletion (inside the caller's unit of work). */
export const enqueueDeletions = (
  jobs: JobQueue,
  deletions: ReadonlyArray<StoredObjectDeletion>,
): Effect.Effect<void, QueueFailure> =>
  Effect.forEach(deletions, (deletion) => jobs.enqueue("storage.delete", deletion), { discard: true });
