import { Effect, Either, Option, Schema } from "effect";
import { LanguageCode } from "../../model/fields.js";
import { hexKey, VideoKeySchema } from "../../model/keys.js";
import { isLanguageCode } from "../../model/languages.js";
import { subtitleKey } from "../../model/storage-keys.js";
import type { Principal } from "../../model/user.js";
import type { VideoSubtitle } from "../../model/video-file.js";
import { mediaKeySpaceOf } from "../../policy/media-key-space.js";
import type { SubtitleFormat } from "../../policy/subtitles.js";
import { normaliseSubtitles, subtitleFormatFromFilename } from "../../policy/subtitles.js";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { ByteStream, SourceStreamFailed, StorageFailure } from "../../ports/object-store.js";
import type { PersistenceFailure, RecordNotFound, UniqueViolation } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import type { Forbidden, VideoNotFound } from "../errors.js";
import { InvalidInput } from "../errors.js";
import type { DomainSettings } from "../settings.js";
import { validateInput } from "../validate-input.js";
import { storedMediaKeySpace } from "../videos/stored-media-key-space.js";
import { findVideoFor } from "../videos/video-access.js";

/** Stored subtitles are always WebVTT. */
export const SUBTITLE_CONTENT_TYPE = "text/vtt";

/**
 * A subtitle upload as the edge hands it over (upstream `POST /api/v0/upload_subtitles/`
 * multipart fields): the video's key, the language (ISO 639-1, "en" when absent), the file's
 * name and its text, decoded as UTF-8 by the edge. Upstream's `collection` field is ignored: the
 * permission is checked on the video's own collection.
 */
export const SubtitleUploadInput = Schema.Struct({
  video: VideoKeySchema,
  language: Schema.optionalWith(
    LanguageCode.pipe(Schema.filter(isLanguageCode, { message: () => "is not an ISO-639-1 language code" })),
    { exact: true, default: () => "en" },
  ),
  filename: Schema.String.pipe(
    Schema.maxLength(1024, { message: () => "must be at most 1024 characters" }),
    Schema.filter((filename) => Either.isRight(subtitleFormatFromFilename(filename)), {
      message: () => "Only .srt and .vtt subtitle files are supported.",
    }),
  ),
  file: Schema.String,
});

export interface UploadedSubtitle {
  /** What `videoSubtitlePayload` shows. */
  readonly subtitle: VideoSubtitle;
  /** A subtitle of that language existed and was replaced. */
  readonly replaced: boolean;
  /** How the text was read: SRT is converted, whatever the file was called. */
  readonly readAs: SubtitleFormat;
}

export type UploadSubtitleError =
  | InvalidInput
  | VideoNotFound
  | Forbidden
  | StorageFailure
  | SourceStreamFailed
  | UniqueViolation
  | RecordNotFound
  | PersistenceFailure
  | QueueFailure;

const streamOfBytes = (bytes: Uint8Array): ByteStream => ({
  async *[Symbol.asyncIterator]() {
    yield bytes;
  },
});

/**
 * Adds or replaces the subtitles of one language of a video. Fixes upstream, which checked the
 * uploader against a collection the client named instead of the video's own: here only admins of
 * the video's collection may upload. The text is checked and converted to WebVTT
 * (`normaliseSubtitles`) before anything is written; then the object is stored under a
 * timestamped key in the video's key space, and the row is created or repointed in one unit of
 * work with a `storage.delete` job for the object it replaces. When that unit of work fails, the
 * new object is deleted again, so nothing is left half-written.
 */
export class UploadSubtitle {
  constructor(
    private readonly ports: Pick<
      DomainPorts,
      "videos" | "collections" | "videoSubtitles" | "objectStore" | "unitOfWork" | "jobs" | "clock"
    >,
    private readonly settings: Pick<DomainSettings, "buckets">,
  ) {}

  run(principal: Principal, input: unknown): Effect.Effect<UploadedSubtitle, UploadSubtitleError> {
    const ports = this.ports;
    const { videos, videoSubtitles, objectStore, unitOfWork, jobs, clock } = ports;
    const bucket = this.settings.buckets.subtitle;
    return Effect.gen(function* () {
      const upload = yield* validateInput(SubtitleUploadInput, input);
      const details = yield* findVideoFor(videos, principal, upload.video, "edit");
      const normalised = yield* Either.mapLeft(
        normaliseSubtitles(upload.filename, upload.file),
        (problem) =>
          new InvalidInput({
            problems: [
              {
                field: problem._tag === "UnsupportedSubtitleFile" ? "filename" : "file",
                message: problem.message,
              },
            ],
          }),
      );
      const videoKey = details.video.key;
      const at = clock.now();
      const space = mediaKeySpaceOf(details.video, details.collection);
      const location = { bucket, key: subtitleKey(hexKey(videoKey), at, upload.language, space) };
      // A re-upload within the same second lands on the live object's key: that object is not ours to remove.
      const isLiveObject = details.subtitles.some(
        (subtitle) => subtitle.bucketName === location.bucket && subtitle.s3ObjectKey === location.key,
      );

      const bytes = new TextEncoder().encode(normalised.vtt);
      yield* objectStore.put(location, streamOfBytes(bytes), {
        contentType: SUBTITLE_CONTENT_TYPE,
        size: bytes.length,
      });
      const upserted = yield* unitOfWork
        .transaction(
          Effect.gen(function* () {
            const result = yield* videoSubtitles.upsertForLanguage(
              {
                videoKey,
                language: upload.language,
                filename: upload.filename,
                s3ObjectKey: location.key,
                bucketName: location.bucket,
              },
              at,
            );
            if (result.replacedObject !== null) {
              yield* jobs.enqueue("storage.delete", {
                bucket: result.replacedObject.bucketName,
                key: result.replacedObject.s3ObjectKey,
                prefix: false,
              });
            }
            // The media changed key space since it was read (the video's flags, or a course linked
            // to its collection): its move may already have run.
            const current = yield* storedMediaKeySpace(ports, videoKey);
            if (Option.isSome(current) && current.value !== space) {
              yield* jobs.enqueue("video.visibility", { videoKey });
            }
            return result;
          }),
        )
        .pipe(
          Effect.onError(() => (isLiveObject ? Effect.void : Effect.ignore(objectStore.delete(location)))),
        );
      return {
        subtitle: upserted.subtitle,
        replaced: upserted.replacedObject !== null,
        readAs: normalised.format,
      };
    }).pipe(Effect.withSpan("UploadSubtitle.run"));
  }
}
