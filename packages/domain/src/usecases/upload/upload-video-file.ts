import { Effect } from "effect";
import type { Collection } from "../../model/collection.js";
import type { VideoKey } from "../../model/keys.js";
import { hexKey } from "../../model/keys.js";
import { originalKey, sourceExtension } from "../../model/storage-keys.js";
import type { Principal } from "../../model/user.js";
import type { Video } from "../../model/video.js";
import { videoDefaults } from "../../model/video.js";
import { Encoding } from "../../model/video-file.js";
import { canUploadToCollection } from "../../policy/access.js";
import { newVideoIsPublic } from "../../policy/new-video-visibility.js";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { ByteStream, ObjectInfo, ObjectLocation, PutOptions } from "../../ports/object-store.js";
import type { SourceStreamFailed, StorageFailure } from "../../ports/object-store.js";
import type { PersistenceFailure, UniqueViolation } from "../../ports/persistence-errors.js";
import { findCollectionFor } from "../collections/collection-access.js";
import type { DomainPorts } from "../domain-ports.js";
import type { InvalidInput } from "../errors.js";
import { CollectionNotFound, Forbidden, invalidField } from "../errors.js";
import type { DomainSettings } from "../settings.js";
import { RecordVideoEvent } from "../video-lifecycle/record-video-event.js";
import type { UploadedVideos } from "./upload-videos-from-source.js";
import { titleFromFileName } from "./source-file-entry.js";

/** One file sent straight to OVS (`POST /api/v0/upload_file/`), read as it arrives. */
export interface VideoFileUpload {
  /** The collection's key, hex or dashed. */
  readonly collection: string;
  /** The name the client gave the file; the video's title and its original's extension. */
  readonly filename: string;
  /** The declared content type, stored with the original; null when none was declared. */
  readonly contentType: string | null;
  /** The bytes, streamed into the upload bucket as they come; never held whole. */
  readonly body: ByteStream;
  /** The length the client announced, when it did; a hint for the store's part sizes. */
  readonly declaredSize?: number;
}

export type UploadVideoFileError =
  | InvalidInput
  | Forbidden
  | CollectionNotFound
  | StorageFailure
  | SourceStreamFailed
  | UniqueViolation
  | PersistenceFailure
  | QueueFailure;

/** An extension the original's key keeps: short and plain, so a file name cannot shape the key. */
const PLAIN_EXTENSION = /^\.[A-Za-z0-9]{1,16}$/;

/** `video<ext>` for the file's extension when it is plain, else `video`; `originalKey` turns it into the key. */
const storedName = (filename: string): string => {
  const extension = sourceExtension(filename.replace(/[?#]/g, "_"));
  return PLAIN_EXTENSION.test(extension) ? `video${extension}` : "video";
};

/**
 * A file uploaded directly: the same outcome as a Dropbox or URL upload (a video with its
 * `original` file, on its way to the transcoder), without the fetch. Access is checked as for
 * `upload_videos` before a byte is read.
 *
 * The bytes go into the upload bucket first, under a fresh video key; only once the object is
 * stored are the video and its original file written, in one unit of work with its move to
 * `Uploading` (the ingest's `IngestStarted`) and its `video.transcode` job. A stream that fails
 * or is cut leaves nothing: the store's `put` leaves no object, and no row was written. If the
 * rows cannot be written the object is deleted again; a crash between the two leaves at most an
 * object no row names, never a video waiting for bytes that will not come.
 */
export class UploadVideoFile {
  private readonly recordEvent: RecordVideoEvent;

  constructor(
    private readonly ports: Pick<
      DomainPorts,
      | "collections"
      | "videos"
      | "videoFiles"
      | "objectStore"
      | "jobs"
      | "unitOfWork"
      | "mailOutbox"
      | "clock"
      | "ids"
    >,
    private readonly settings: Pick<DomainSettings, "buckets">,
  ) {
    this.recordEvent = new RecordVideoEvent(ports);
  }

  run(principal: Principal, upload: VideoFileUpload): Effect.Effect<UploadedVideos, UploadVideoFileError> {
    const { collections, objectStore, ids } = this.ports;
    return Effect.gen(this, function* () {
      if (principal._tag === "Anonymous") {
        return yield* new Forbidden({ reason: "sign in to upload videos", signInRequired: true });
      }
      const title = titleFromFileName(upload.filename);
      if (title.length === 0) return yield* invalidField("file", "The submitted file has no name.");
      const collection = yield* findCollectionFor(collections, principal, upload.collection, "view");
      if (!canUploadToCollection(principal, collection)) {
        return yield* new Forbidden({
          reason: "only admins of this collection may upload videos to it",
          signInRequired: false,
        });
      }

      const key = ids.videoKey();
      const location: ObjectLocation = {
        bucket: this.settings.buckets.upload,
        key: originalKey(hexKey(key), storedName(upload.filename)),
      };
      const options: PutOptions = {
        ...(upload.contentType === null ? {} : { contentType: upload.contentType }),
        ...(upload.declaredSize === undefined ? {} : { size: upload.declaredSize }),
      };
      const stored = yield* objectStore.put(location, upload.body, options);
      if (stored.size === 0) {
        yield* Effect.ignore(objectStore.delete(location));
        return yield* invalidField("file", "The submitted file is empty.");
      }
      yield* this.createVideo(collection, key, title, location, stored).pipe(
        // Nothing names the object: take it away again, then report why.
        Effect.tapError(() => Effect.ignore(objectStore.delete(location))),
      );
      return { [hexKey(key)]: { s3key: location.key, title } };
    }).pipe(Effect.withSpan("UploadVideoFile.run"));
  }

  /** The video, its original file, `Uploading` and the transcode job: together or not at all. */
  private createVideo(
    collection: Collection,
    key: VideoKey,
    title: string,
    location: ObjectLocation,
    stored: ObjectInfo,
  ): Effect.Effect<void, CollectionNotFound | UniqueViolation | PersistenceFailure | QueueFailure> {
    const { videos, videoFiles, jobs, unitOfWork, clock } = this.ports;
    const collectionKey = collection.key;
    return unitOfWork
      .transaction(
        Effect.gen(this, function* () {
          const at = clock.now();
          const video: Video = {
            ...videoDefaults,
            key,
            collectionKey,
            title,
            // Nothing to fetch again: a failed upload of this video cannot be retried from a source.
            sourceUrl: "",
            isPublic: newVideoIsPublic(collection),
            createdAt: at,
            updatedAt: at,
          };
          yield* videos.insert(video);
          yield* videoFiles.insert(
            {
              videoKey: key,
              s3ObjectKey: location.key,
              bucketName: location.bucket,
              encoding: Encoding.original,
            },
            at,
          );
          // The ingest's own transition: the bytes are in, as after its stream.
          yield* this.recordEvent.run(key, "IngestStarted").pipe(
            Effect.catchTags({
              // The row was written just above, in this unit of work: these cannot happen.
              VideoNotFound: (error) => Effect.die(error),
              IllegalTransition: (error) => Effect.die(error),
              StatusConflict: (error) => Effect.die(error),
            }),
          );
          yield* jobs.enqueue("video.transcode", { videoKey: key }, { singletonKey: key });
        }),
      )
      .pipe(
        // The collection was deleted while the file was streaming.
        Effect.catchTag("RecordNotFound", () => Effect.fail(new CollectionNotFound({ key: collectionKey }))),
        Effect.withSpan("UploadVideoFile.createVideo", { attributes: { videoKey: key, size: stored.size } }),
      );
  }
}
