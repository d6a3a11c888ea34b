import { Effect } from "effect";
import type { VideoKey } from "../../model/keys.js";
import { folderOf } from "../../model/storage-keys.js";
import type { VideoFile } from "../../model/video-file.js";
import { Encoding } from "../../model/video-file.js";
import type { JobQueue, QueueFailure } from "../../ports/job-queue.js";
import type { ObjectLocation } from "../../ports/object-store.js";
import type { DomainPorts } from "../domain-ports.js";
import type { LiveOutputs } from "./transcode-outputs.js";

/** The rows a successful job leaves behind, and the rows its files replaced. */
export interface RecordedTranscodeOutputs {
  /** The file rows' objects now served: the HLS playlist and, when there is one, the MP4. */
  readonly liveFiles: ReadonlyArray<ObjectLocation>;
  readonly replaced: ReadonlyArray<VideoFile>;
}

/**
 * One file row per encoding (the HLS `__index.m3u8` playlist, the `desktop_mp4`), replacing the
 * video's previous row of that encoding, and the thumbnails upserted by key with their sizes.
 */
export const recordTranscodeOutputs = Effect.fn("recordTranscodeOutputs")(function* (
  ports: Pick<DomainPorts, "videoFiles" | "videoThumbnails">,
  videoKey: VideoKey,
  outputs: LiveOutputs,
  at: Date,
) {
  const { videoFiles, videoThumbnails } = ports;
  const liveFiles: Array<ObjectLocation> = [outputs.hlsPlaylist];
  const replaced: Array<VideoFile> = [];
  const hls = yield* videoFiles.replaceForEncoding(
    {
      videoKey,
      s3ObjectKey: outputs.hlsPlaylist.key,
      bucketName: outputs.hlsPlaylist.bucket,
      encoding: Encoding.hls,
      presetId: "",
    },
    at,
  );
  replaced.push(...hls.removed);
  if (outputs.mp4 !== null) {
    liveFiles.push(outputs.mp4);
    const mp4 = yield* videoFiles.replaceForEncoding(
      {
        videoKey,
        s3ObjectKey: outputs.mp4.key,
        bucketName: outputs.mp4.bucket,
        encoding: Encoding.desktopMp4,
        presetId: "",
      },
      at,
    );
    replaced.push(...mp4.removed);
  }
  for (const thumbnail of outputs.thumbnails) {
    yield* videoThumbnails.upsertByKey(
      {
        videoKey,
        s3ObjectKey: thumbnail.live.key,
        bucketName: thumbnail.live.bucket,
        maxWidth: thumbnail.width,
        maxHeight: thumbnail.height,
      },
      at,
    );
  }
  const recorded: RecordedTranscodeOutputs = { liveFiles, replaced };
  return recorded;
});

/**
 * The objects of a file row another output replaced are garbage (upstream deletes them with
 * the row; for HLS the whole folder). A folder that holds a live output is kept: deleting it
 * would take the fresh outputs with it.
 */
const deleteReplacedFile = (
  jobs: JobQueue,
  file: VideoFile,
  liveFiles: ReadonlyArray<ObjectLocation>,
): Effect.Effect<void, QueueFailure> => {
  const isLive = (key: string): boolean =>
    liveFiles.some((live) => live.bucket === file.bucketName && live.key === key);
  const holdsLive = (prefix: string): boolean =>
    liveFiles.some((live) => live.bucket === file.bucketName && live.key.startsWith(prefix));
  if (file.encoding === Encoding.hls) {
    const folder = `${folderOf(file.s3ObjectKey)}/`;
    if (folder === "/" || holdsLive(folder)) return Effect.void;
    return Effect.asVoid(
      jobs.enqueue("storage.delete", { bucket: file.bucketName, key: folder, prefix: true }),
    );
  }
  if (isLive(file.s3ObjectKey)) return Effect.void;
  return Effect.asVoid(
    jobs.enqueue("storage.delete", { bucket: file.bucketName, key: file.s3ObjectKey, prefix: false }),
  );
};

/** Queues the deletion of the objects of every replaced row, sparing what is live. */
export const discardReplacedFiles = Effect.fn("discardReplacedFiles")(function* (
  jobs: JobQueue,
  recorded: RecordedTranscodeOutputs,
) {
  for (const file of recorded.replaced) yield* deleteReplacedFile(jobs, file, recorded.liveFiles);
});
