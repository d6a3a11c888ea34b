import { Effect, Option } from "effect";
import type { VideoKey } from "../../model/keys.js";
import type { VideoSubtitle } from "../../model/video-file.js";
import { RecordNotFound, UniqueViolation } from "../../ports/persistence-errors.js";
import type {
  SubtitleUpload,
  UpsertedSubtitle,
  VideoSubtitleRepository,
} from "../../ports/video-subtitle-repository.js";
import type { InMemoryDatabase } from "./in-memory-database.js";
import { byId, copyRow, deleteStoredRow, objectKeyTaken, repointStoredRow } from "./in-memory-rows.js";

const keyTaken = (s3ObjectKey: string): UniqueViolation =>
  new UniqueViolation({ entity: "VideoSubtitle", field: "s3ObjectKey", value: s3ObjectKey });

/**
 * Subtitles in the shared in-memory tables: one row per (video, language), `s3ObjectKey`
 * unique across the table.
 */
export class InMemoryVideoSubtitleRepository implements VideoSubtitleRepository {
  constructor(private readonly database: InMemoryDatabase) {}

  private get subtitles(): Map<number, VideoSubtitle> {
    return this.database.tables.videoSubtitles;
  }

  private write(subtitle: VideoSubtitle): VideoSubtitle {
    const stored = copyRow(subtitle);
    this.subtitles.set(subtitle.id, stored);
    return copyRow(stored);
  }

  upsertForLanguage(
    upload: SubtitleUpload,
    at: Date,
  ): Effect.Effect<UpsertedSubtitle, UniqueViolation | RecordNotFound> {
    return Effect.suspend((): Effect.Effect<UpsertedSubtitle, UniqueViolation | RecordNotFound> => {
      if (!this.database.tables.videos.has(upload.videoKey)) {
        return Effect.fail(new RecordNotFound({ entity: "Video", id: upload.videoKey }));
      }
      const existing = [...this.subtitles.values()].find(
        (row) => row.videoKey === upload.videoKey && row.language === upload.language,
      );
      if (objectKeyTaken(this.subtitles, upload.s3ObjectKey, existing?.id)) {
        return Effect.fail(keyTaken(upload.s3ObjectKey));
      }
      if (existing === undefined) {
        const subtitle = this.write({
          id: this.database.nextId(),
          videoKey: upload.videoKey,
          s3ObjectKey: upload.s3ObjectKey,
          bucketName: upload.bucketName,
          presetId: null,
          filename: upload.filename,
          language: upload.language,
          createdAt: at,
          updatedAt: at,
        });
        return Effect.succeed({ subtitle, replacedObject: null });
      }
      // Keys carry a one-second timestamp, so a quick re-upload can land on the same object:
      // that object is the new subtitle, not garbage.
      const moved = existing.s3ObjectKey !== upload.s3ObjectKey || existing.bucketName !== upload.bucketName;
      const subtitle = this.write({
        ...existing,
        s3ObjectKey: upload.s3ObjectKey,
        bucketName: upload.bucketName,
        filename: upload.filename,
        updatedAt: at,
      });
      return Effect.succeed({
        subtitle,
        replacedObject: moved ? { s3ObjectKey: existing.s3ObjectKey, bucketName: existing.bucketName } : null,
      });
    });
  }

  findById(id: number): Effect.Effect<Option.Option<VideoSubtitle>> {
    return Effect.sync(() => Option.map(Option.fromNullable(this.subtitles.get(id)), copyRow));
  }

  listForVideo(key: VideoKey): Effect.Effect<ReadonlyArray<VideoSubtitle>> {
    return Effect.sync(() =>
      [...this.subtitles.values()]
        .filter((subtitle) => subtitle.videoKey === key)
        .sort(byId)
        .map(copyRow),
    );
  }

  repoint(
    id: number,
    location: { readonly s3ObjectKey: string; readonly bucketName: string },
    at: Date,
  ): Effect.Effect<VideoSubtitle, UniqueViolation | RecordNotFound> {
    return repointStoredRow(this.subtitles, "VideoSubtitle", id, location, at);
  }

  delete(id: number): Effect.Effect<void, RecordNotFound> {
    return deleteStoredRow(this.subtitles, "VideoSubtitle", id);
  }
}
