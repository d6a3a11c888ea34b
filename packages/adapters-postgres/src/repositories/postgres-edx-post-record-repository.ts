import type { Effect } from "effect";
import { Option } from "effect";
import type {
  CollectionKey,
  EdxEndpointId,
  EdxPostOutcome,
  EdxPostRecord,
  EdxPostRecordRepository,
  PersistenceFailure,
  RecordNotFound,
  VideoKey,
} from "@ovs/domain";
import type { Timestamp } from "../rows.js";
import { jsonColumn, toDate } from "../rows.js";
import type { SqlContext } from "../sql-context.js";
import { withoutUniqueViolation } from "../sql-context.js";

interface EdxPostRecordRow {
  readonly video_key: string;
  readonly edx_endpoint_id: number;
  readonly outcome: EdxPostOutcome;
  readonly attempt: number;
  readonly posted_at: Timestamp;
}
const edxPostRecordOf = (row: EdxPostRecordRow): EdxPostRecord => ({
  videoKey: row.video_key as VideoKey,
  edxEndpointId: row.edx_endpoint_id as EdxEndpointId,
  outcome: row.outcome,
  attempt: row.attempt,
  postedAt: toDate(row.posted_at),
});

export class PostgresEdxPostRecordRepository implements EdxPostRecordRepository {
  constructor(private readonly sql: SqlContext) {}

  record(record: EdxPostRecord): Effect.Effect<EdxPostRecord, RecordNotFound | PersistenceFailure> {
    return withoutUniqueViolation(
      this.sql.constrainedStatement("record edX post", async (db) => {
        const [row]: ReadonlyArray<EdxPostRecordRow> = await db("edx_post_records")
          .insert({
            video_key: record.videoKey,
            edx_endpoint_id: record.edxEndpointId,
            outcome: jsonColumn(record.outcome),
            attempt: record.attempt,
            posted_at: record.postedAt,
          })
          .onConflict(["video_key", "edx_endpoint_id"])
          .merge(["outcome", "attempt", "posted_at"])
          .returning("*");
        if (row === undefined) throw new Error("upsert returned no row");
        return edxPostRecordOf(row);
      }),
    );
  }

  find(
    videoKey: VideoKey,
    edxEndpointId: EdxEndpointId,
  ): Effect.Effect<Option.Option<EdxPostRecord>, PersistenceFailure> {
    return this.sql.statement("find edX post record", async (db) =>
      Option.map(
        Option.fromNullable<EdxPostRecordRow>(
          await db("edx_post_records").where({ video_key: videoKey, edx_endpoint_id: edxEndpointId }).first(),
        ),
        edxPostRecordOf,
      ),
    );
  }

  listForVideo(videoKey: VideoKey): Effect.Effect<ReadonlyArray<EdxPostRecord>, PersistenceFailure> {
    return this.sql.statement("list edX post records of a video", async (db) => {
      const rows: ReadonlyArray<EdxPostRecordRow> = await db("edx_post_records")
        .where("video_key", videoKey)
        .orderBy("edx_endpoint_id");
      return rows.map(edxPostRecordOf);
    });
  }

  listForCollection(
    collectionKey: CollectionKey,
  ): Effect.Effect<ReadonlyArray<EdxPostRecord>, PersistenceFailure> {
    return this.sql.statement("list edX post records of a collection", async (db) => {
      const rows: ReadonlyArray<EdxPostRecordRow> = await db("edx_post_records as r")
        .join("videos as v", "v.key", "r.video_key")
        .where("v.collection_key", collectionKey)
        .orderByRaw('r.video_key::text COLLATE "C", r.edx_endpoint_id')
        .select("r.*");
      return rows.map(edxPostRecordOf);
    });
  }
}
