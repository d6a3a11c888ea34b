import { Effect, Option } from "effect";
import type { EdxEndpointId } from "../../model/edx-endpoint.js";
import type { CollectionKey, VideoKey } from "../../model/keys.js";
import type { EdxPostRecord, EdxPostRecordRepository } from "../../ports/edx-post-record-repository.js";
import { RecordNotFound } from "../../ports/persistence-errors.js";
import type { InMemoryDatabase } from "./in-memory-database.js";

const recordId = (videoKey: VideoKey, edxEndpointId: EdxEndpointId): string => `${videoKey}|${edxEndpointId}`;

/** A deep copy: the outcome is a nested value the caller must not be able to change in the store. */
const copyRecord = (record: EdxPostRecord): EdxPostRecord =>
  Object.freeze({
    ...record,
    outcome: Object.freeze({ ...record.outcome }),
    postedAt: new Date(record.postedAt.getTime()),
  });

const byVideoThenEndpoint = (a: EdxPostRecord, b: EdxPostRecord): number =>
  a.videoKey < b.videoKey ? -1 : a.videoKey > b.videoKey ? 1 : a.edxEndpointId - b.edxEndpointId;

/** The last edX post per (video, endpoint) in the shared in-memory tables. */
export class InMemoryEdxPostRecordRepository implements EdxPostRecordRepository {
  constructor(private readonly database: InMemoryDatabase) {}

  private get records(): Map<string, EdxPostRecord> {
    return this.database.tables.edxPostRecords;
  }

  record(record: EdxPostRecord): Effect.Effect<EdxPostRecord, RecordNotFound> {
    return Effect.suspend((): Effect.Effect<EdxPostRecord, RecordNotFound> => {
      const tables = this.database.tables;
      if (!tables.videos.has(record.videoKey)) {
        return Effect.fail(new RecordNotFound({ entity: "Video", id: record.videoKey }));
      }
      if (!tables.edxEndpoints.has(record.edxEndpointId)) {
        return Effect.fail(new RecordNotFound({ entity: "EdxEndpoint", id: String(record.edxEndpointId) }));
      }
      const stored = copyRecord(record);
      this.records.set(recordId(record.videoKey, record.edxEndpointId), stored);
      return Effect.succeed(copyRecord(stored));
    });
  }

  find(videoKey: VideoKey, edxEndpointId: EdxEndpointId): Effect.Effect<Option.Option<EdxPostRecord>> {
    return Effect.sync(() =>
      Option.map(Option.fromNullable(this.records.get(recordId(videoKey, edxEndpointId))), copyRecord),
    );
  }

  listForVideo(videoKey: VideoKey): Effect.Effect<ReadonlyArray<EdxPostRecord>> {
    return Effect.sync(() =>
      [...this.records.values()]
        .filter((record) => record.videoKey === videoKey)
        .sort(byVideoThenEndpoint)
        .map(copyRecord),
    );
  }

  listForCollection(collectionKey: CollectionKey): Effect.Effect<ReadonlyArray<EdxPostRecord>> {
    return Effect.sync(() => {
      const videos = this.database.tables.videos;
      return [...this.records.values()]
        .filter((record) => videos.get(record.videoKey)?.collectionKey === collectionKey)
        .sort(byVideoThenEndpoint)
        .map(copyRecord);
    });
  }
}
