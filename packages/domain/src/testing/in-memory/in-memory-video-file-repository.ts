import { Effect } from "effect";
import type { VideoKey } from "../../model/keys.js";
import type { VideoFile } from "../../model/video-file.js";
import { RecordNotFound, UniqueViolation } from "../../ports/persistence-errors.js";
import type {
  NewVideoFile,
  UpsertedVideoFile,
  VideoFileRepository,
} from "../../ports/video-file-repository.js";
import type { InMemoryDatabase } from "./in-memory-database.js";
import { byId, copyRow, deleteStoredRow, objectKeyTaken, repointStoredRow } from "./in-memory-rows.js";

const keyTaken = (s3ObjectKey: string): UniqueViolation =>
  new UniqueViolation({ entity: "VideoFile", field: "s3ObjectKey", value: s3ObjectKey });

/** Video files in the shared in-memory tables; `s3ObjectKey` is unique across the table. */
export class InMemoryVideoFileRepository implements VideoFileRepository {
  constructor(private readonly database: InMemoryDatabase) {}

  private get files(): Map<number, VideoFile> {
    return this.database.tables.videoFiles;
  }

  private write(file: VideoFile): VideoFile {
    const stored = copyRow(file);
    this.files.set(file.id, stored);
    return copyRow(stored);
  }

  private create(file: NewVideoFile, at: Date): VideoFile {
    return this.write({
      id: this.database.nextId(),
      videoKey: file.videoKey,
      s3ObjectKey: file.s3ObjectKey,
      bucketName: file.bucketName,
      encoding: file.encoding,
      presetId: file.presetId ?? null,
      createdAt: at,
      updatedAt: at,
    });
  }

  insert(file: NewVideoFile, at: Date): Effect.Effect<VideoFile, UniqueViolation | RecordNotFound> {
    return Effect.suspend((): Effect.Effect<VideoFile, UniqueViolation | RecordNotFound> => {
      if (!this.database.tables.videos.has(file.videoKey)) {
        return Effect.fail(new RecordNotFound({ entity: "Video", id: file.videoKey }));
      }
      if (objectKeyTaken(this.files, file.s3ObjectKey)) return Effect.fail(keyTaken(file.s3ObjectKey));
      return Effect.succeed(this.create(file, at));
    });
  }

  replaceForEncoding(
    file: NewVideoFile,
    at: Date,
  ): Effect.Effect<UpsertedVideoFile, UniqueViolation | RecordNotFound> {
    return Effect.suspend((): Effect.Effect<UpsertedVideoFile, UniqueViolation | RecordNotFound> => {
      if (!this.database.tables.videos.has(file.videoKey)) {
        return Effect.fail(new RecordNotFound({ entity: "Video", id: file.videoKey }));
      }
      const all = [...this.files.values()].sort(byId);
      const existing = all.find((row) => row.s3ObjectKey === file.s3ObjectKey);
      // The key is another video's object: repointing that row would steal it, so refuse.
      if (existing !== undefined && existing.videoKey !== file.videoKey) {
        return Effect.fail(keyTaken(file.s3ObjectKey));
      }
      const removed = all.filter(
        (row) =>
          row.videoKey === file.videoKey &&
          row.encoding === file.encoding &&
          row.s3ObjectKey !== file.s3ObjectKey,
      );
      for (const row of removed) this.files.delete(row.id);
      const upserted =
        existing === undefined
          ? this.create(file, at)
          : this.write({
              ...existing,
              bucketName: file.bucketName,
              encoding: file.encoding,
              presetId: file.presetId ?? null,
              updatedAt: at,
            });
      return Effect.succeed({ file: upserted, removed: removed.map(copyRow) });
    });
  }

  repoint(
    id: number,
    location: { readonly s3ObjectKey: string; readonly bucketName: string },
    at: Date,
  ): Effect.Effect<VideoFile, UniqueViolation | RecordNotFound> {
    return repointStoredRow(this.files, "VideoFile", id, location, at);
  }

  listForVideo(key: VideoKey): Effect.Effect<ReadonlyArray<VideoFile>> {
    return Effect.sync(() =>
      [...this.files.values()]
        .filter((file) => file.videoKey === key)
        .sort(byId)
        .map(copyRow),
    );
  }

  delete(id: number): Effect.Effect<void, RecordNotFound> {
    return deleteStoredRow(this.files, "VideoFile", id);
  }
}
