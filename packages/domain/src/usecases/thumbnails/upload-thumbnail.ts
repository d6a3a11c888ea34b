import { Data, Effect, Option } from "effect";
import { hexKey } from "../../model/keys.js";
import { thumbnailKey } from "../../model/storage-keys.js";
import type { Principal } from "../../model/user.js";
import type { VideoThumbnail } from "../../model/video-file.js";
import { mediaKeySpaceOf } from "../../policy/media-key-space.js";
import type { CdnSigningFailure } from "../../ports/cdn-urls.js";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { ByteStream, SourceStreamFailed, StorageFailure } from "../../ports/object-store.js";
import type { PersistenceFailure, RecordNotFound, UniqueViolation } from "../../ports/persistence-errors.js";
import { enqueueCdnInvalidation } from "../cdn/cdn-invalidation-jobs.js";
import type { DomainPorts } from "../domain-ports.js";
import type { Forbidden, VideoNotFound } from "../errors.js";
import { invalidField } from "../errors.js";
import type { InvalidInput } from "../errors.js";
import type { DomainSettings } from "../settings.js";
import { storedMediaKeySpace } from "../videos/stored-media-key-space.js";
import { findVideoFor } from "../videos/video-access.js";
import type { VideoView } from "../videos/video-view.js";
import { videoViewFor } from "../videos/video-view.js";
import { readThumbnailImage } from "./thumbnail-image.js";

/** The content types upstream accepts for a thumbnail upload. */
export const THUMBNAIL_CONTENT_TYPES: ReadonlyArray<string> = ["image/jpeg", "image/jpg", "image/png"];

/** Upstream's size label: the largest unit the limit reaches, in whole units. */
export const uploadLimitLabel = (maxBytes: number): string => {
  if (maxBytes >= 1024 * 1024) return `${Math.floor(maxBytes / (1024 * 1024))} MB`;
  if (maxBytes >= 1024) return `${Math.floor(maxBytes / 1024)} KB`;
  return `${maxBytes} bytes`;
};

/** The image is over `THUMBNAIL_UPLOAD_MAX_SIZE`; the edge answers 413 with this message. */
export class ThumbnailTooLarge extends Data.TaggedError("ThumbnailTooLarge")<{
  readonly size: number;
  readonly maxBytes: number;
}> {
  override get message(): string {
    return `The uploaded image is too large (max ${uploadLimitLabel(this.maxBytes)}).`;
  }
}

/** The `thumbnail` field of the multipart body as the edge read it. */
export interface ThumbnailUpload {
  /** The content type the client declared for the file; null when it declared none. */
  readonly contentType: string | null;
  readonly bytes: Uint8Array;
}

export interface UploadedThumbnail {
  /** Created answers 201 upstream, Replaced 200. */
  readonly outcome: "Created" | "Replaced";
  readonly thumbnail: VideoThumbnail;
  /** The video as it is now (upstream answers with the video serializer). */
  readonly video: VideoView;
}

export type UploadThumbnailError =
  | VideoNotFound
  | Forbidden
  | InvalidInput
  | ThumbnailTooLarge
  | StorageFailure
  | SourceStreamFailed
  | UniqueViolation
  | RecordNotFound
  | PersistenceFailure
  | QueueFailure
  | CdnSigningFailure;

const streamOfBytes = (bytes: Uint8Array): ByteStream => ({
  async *[Symbol.asyncIterator]() {
    yield bytes;
  },
});

/** `image/PNG; charset=binary` is `image/png`. */
const mediaTypeOf = (contentType: string): string => (contentType.split(";")[0] ?? "").trim().toLowerCase();

/**
 * Replaces a video's thumbnail with an uploaded image (admins of its collection only; upstream
 * `PATCH /api/v0/videos/<key>/thumbnail/`). The checks run in upstream's order: a file is
 * there, its declared type is JPEG or PNG, it is within the size limit, and its bytes really
 * are a JPEG or PNG (the declared type is not trusted; the stored object gets the real one).
 * The image is stored at the video's one thumbnail key in its key space, so its URL never
 * changes; the row is created or updated by that key, and the `cdn.invalidate` job that has the
 * CDN forget the key is queued in the same unit of work (the image is already stored by then).
 * The domain does not re-encode: an edge that wants upstream's downscaling to 640×360 JPEG does
 * it before calling. When the row cannot be written, a newly created object is deleted again.
 */
export class UploadThumbnail {
  constructor(
    private readonly ports: Pick<
      DomainPorts,
      | "videos"
      | "collections"
      | "videoThumbnails"
      | "objectStore"
      | "cdnUrls"
      | "unitOfWork"
      | "jobs"
      | "clock"
    >,
    private readonly settings: Pick<DomainSettings, "buckets" | "thumbnails">,
  ) {}

  run(
    principal: Principal,
    videoKey: string,
    upload: ThumbnailUpload | null,
  ): Effect.Effect<UploadedThumbnail, UploadThumbnailError> {
    const ports = this.ports;
    const { videos, videoThumbnails, objectStore, cdnUrls, unitOfWork, jobs, clock } = ports;
    const { buckets, thumbnails } = this.settings;
    return Effect.gen(function* () {
      const details = yield* findVideoFor(videos, principal, videoKey, "edit");
      if (upload === null) return yield* invalidField("thumbnail", "No thumbnail file provided.");
      if (upload.contentType === null || !THUMBNAIL_CONTENT_TYPES.includes(mediaTypeOf(upload.contentType))) {
        return yield* invalidField("thumbnail", "Only JPEG and PNG image files are allowed.");
      }
      if (upload.bytes.length > thumbnails.maxUploadBytes) {
        return yield* new ThumbnailTooLarge({
          size: upload.bytes.length,
          maxBytes: thumbnails.maxUploadBytes,
        });
      }
      const image = readThumbnailImage(upload.bytes);
      if (image === undefined) return yield* invalidField("thumbnail", "Invalid thumbnail data provided.");

      const video = details.video;
      const space = mediaKeySpaceOf(video, details.collection);
      const location = { bucket: buckets.thumbnail, key: thumbnailKey(hexKey(video.key), space) };
      const existed = details.thumbnails.some(
        (thumbnail) => thumbnail.s3ObjectKey === location.key && thumbnail.bucketName === location.bucket,
      );
      yield* objectStore.put(location, streamOfBytes(upload.bytes), {
        contentType: image.contentType,
        size: upload.bytes.length,
      });
      const thumbnail = yield* (
        unitOfWork
          .transaction(
            Effect.gen(function* () {
              const stored = yield* videoThumbnails.upsertByKey(
                {
                  videoKey: video.key,
                  s3ObjectKey: location.key,
                  bucketName: location.bucket,
                  maxWidth: image.width,
                  maxHeight: image.height,
                },
                clock.now(),
              );
              yield* enqueueCdnInvalidation(jobs, [location.key], "thumbnail-upload");
              // The media changed key space since it was read (the video's flags, or a course linked
              // to its collection): its move may already have run.
              const current = yield* storedMediaKeySpace(ports, video.key);
              if (Option.isSome(current) && current.value !== space) {
                yield* jobs.enqueue("video.visibility", { videoKey: video.key });
              }
              return stored;
            }),
          )
          // A replaced object keeps its row (now pointing at the new image); a new one has none.
          .pipe(Effect.onError(() => (existed ? Effect.void : Effect.ignore(objectStore.delete(location)))))
      );
      const now = yield* findVideoFor(videos, principal, video.key, "view");
      return {
        outcome: existed ? "Replaced" : "Created",
        thumbnail,
        video: yield* videoViewFor(cdnUrls, principal, now),
      } as const;
    }).pipe(Effect.withSpan("UploadThumbnail.run", { attributes: { videoKey } }));
  }
}
