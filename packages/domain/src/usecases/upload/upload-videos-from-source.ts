import { Effect, Schema } from "effect";
import type { Collection } from "../../model/collection.js";
import type { CollectionKey } from "../../model/keys.js";
import { CollectionKeySchema, hexKey } from "../../model/keys.js";
import { originalKey } from "../../model/storage-keys.js";
import type { Principal } from "../../model/user.js";
import type { Video } from "../../model/video.js";
import { videoDefaults } from "../../model/video.js";
import { Encoding } from "../../model/video-file.js";
import { canUploadToCollection } from "../../policy/access.js";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { PersistenceFailure, UniqueViolation } from "../../ports/persistence-errors.js";
import { findCollectionFor } from "../collections/collection-access.js";
import type { DomainPorts } from "../domain-ports.js";
import type { InvalidInput } from "../errors.js";
import { CollectionNotFound, Forbidden } from "../errors.js";
import type { DomainSettings } from "../settings.js";
import { newVideoIsPublic } from "../../policy/new-video-visibility.js";
import { decodeWithFileNames, SourceFileEntry, titleFromFileName } from "./source-file-entry.js";

/** The body of `POST /api/v0/upload_videos/` (upstream `DropboxUploadSerializer`). */
export const UploadVideosInput = Schema.Struct({
  collection: CollectionKeySchema,
  files: Schema.Array(SourceFileEntry),
});
export type UploadVideosInput = typeof UploadVideosInput.Type;

export interface UploadedVideo {
  /** The original's key in the upload bucket. */
  readonly s3key: string;
  readonly title: string;
}

/** Upstream's 202 body: `{ <video hex key>: { s3key, title } }`, in the order of the files. */
export type UploadedVideos = Readonly<Record<string, UploadedVideo>>;

export type UploadVideosFromSourceError =
  InvalidInput | Forbidden | CollectionNotFound | UniqueViolation | PersistenceFailure | QueueFailure;

/**
 * An admin picks files (Dropbox Chooser entries or plain URLs) for a collection; each becomes
 * a `Created` video with its `original` file, and a `video.ingest` job fetches its bytes
 * (upstream `process_dropbox_data`, docs/upstream.md §3).
 *
 * A signed-in user who may not see the collection is told it does not exist
 * (`CollectionNotFound`), like every other use case; one who may see it but not administer it
 * is `Forbidden`.
 *
 * Every entry is checked before anything is written: one bad entry refuses the whole request
 * with a problem per bad entry, so the admin fixes the selection and sends it again without
 * having to work out which videos already exist. Each file is then created atomically with its
 * job, as upstream (a database failure half-way leaves the earlier files created and queued).
 */
export class UploadVideosFromSource {
  constructor(
    private readonly ports: Pick<
      DomainPorts,
      "collections" | "videos" | "videoFiles" | "jobs" | "unitOfWork" | "clock" | "ids"
    >,
    private readonly settings: Pick<DomainSettings, "buckets">,
  ) {}

  run(principal: Principal, input: unknown): Effect.Effect<UploadedVideos, UploadVideosFromSourceError> {
    const { collections } = this.ports;
    return Effect.gen(this, function* () {
      if (principal._tag === "Anonymous") {
        return yield* new Forbidden({ reason: "sign in to upload videos", signInRequired: true });
      }
      const request = yield* decodeWithFileNames(UploadVideosInput, input);
      const collection = yield* findCollectionFor(collections, principal, request.collection, "view");
      if (!canUploadToCollection(principal, collection)) {
        return yield* new Forbidden({
          reason: "only admins of this collection may upload videos to it",
          signInRequired: false,
        });
      }
      const uploaded: Record<string, UploadedVideo> = {};
      for (const file of request.files) {
        const [hex, video] = yield* this.createVideo(collection, file);
        uploaded[hex] = video;
      }
      return uploaded;
    }).pipe(Effect.withSpan("UploadVideosFromSource.run"));
  }

  /** The video, its original file and its ingest job, together or not at all. */
  private createVideo(
    collection: Collection,
    file: SourceFileEntry,
  ): Effect.Effect<
    readonly [string, UploadedVideo],
    CollectionNotFound | UniqueViolation | PersistenceFailure | QueueFailure
  > {
    const { videos, videoFiles, jobs, unitOfWork, clock, ids } = this.ports;
    const uploadBucket = this.settings.buckets.upload;
    const collectionKey: CollectionKey = collection.key;
    return unitOfWork
      .transaction(
        Effect.gen(function* () {
          const at = clock.now();
          const key = ids.videoKey();
          const title = titleFromFileName(file.name);
          const video: Video = {
            ...videoDefaults,
            key,
            collectionKey,
            title,
            sourceUrl: file.link,
            isPublic: newVideoIsPublic(collection),
            createdAt: at,
            updatedAt: at,
          };
          yield* videos.insert(video);
          const s3key = originalKey(hexKey(key), file.link);
          yield* videoFiles.insert(
            { videoKey: key, s3ObjectKey: s3key, bucketName: uploadBucket, encoding: Encoding.original },
            at,
          );
          yield* jobs.enqueue("video.ingest", { videoKey: key }, { singletonKey: key });
          return [hexKey(key), { s3key, title }] as const;
        }),
      )
      .pipe(
        // The collection was deleted while the files were being created.
        Effect.catchTag("RecordNotFound", () => Effect.fail(new CollectionNotFound({ key: collectionKey }))),
      );
  }
}
