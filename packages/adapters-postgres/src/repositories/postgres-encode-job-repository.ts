import { Effect, Option } from "effect";
import type {
  EncodeJob,
  EncodeJobRepository,
  EncodeJobState,
  EncodeJobUpdate,
  PersistenceFailure,
  UniqueViolation,
  VideoKey,
} from "@ovs/domain";
import { RecordNotFound, encodeJobStateCode } from "@ovs/domain";
import type { EncodeJobRow } from "../rows.js";
import { encodeJobOf, jsonColumn } from "../rows.js";
import type { SqlContext } from "../sql-context.js";

const IN_FLIGHT_CODES = (["Submitted", "Progressing"] as const).map(encodeJobStateCode);

export class PostgresEncodeJobRepository implements EncodeJobRepository {
  constructor(private readonly sql: SqlContext) {}

  insert(job: EncodeJob): Effect.Effect<EncodeJob, UniqueViolation | RecordNotFound | PersistenceFailure> {
    return this.sql.constrainedStatement("insert encode job", async (db) => {
      const [row]: ReadonlyArray<EncodeJobRow> = await db("encode_jobs")
        .insert({
          id: job.id,
          video_key: job.videoKey,
          purpose: job.purpose,
          state: encodeJobStateCode(job.state),
          error_code: job.errorCode,
          error_message: job.errorMessage,
          message: jsonColumn(job.message),
          created_at: job.createdAt,
          last_modified: job.lastModified,
        })
        .returning("*");
      if (row === undefined) throw new Error("insert returned no row");
      return encodeJobOf(row);
    });
  }

  findById(id: string): Effect.Effect<Option.Option<EncodeJob>, PersistenceFailure> {
    return this.sql.statement("find encode job", async (db) =>
      Option.map(
        Option.fromNullable<EncodeJobRow>(await db("encode_jobs").where("id", id).first()),
        encodeJobOf,
      ),
    );
  }

  compareAndSetState(
    id: string,
    expected: ReadonlyArray<EncodeJobState>,
    update: EncodeJobUpdate,
    at: Date,
  ): Effect.Effect<Option.Option<EncodeJob>, RecordNotFound | PersistenceFailure> {
    const changes = {
      state: encodeJobStateCode(update.state),
      last_modified: at,
      ...(update.errorCode === undefined ? {} : { error_code: update.errorCode }),
      ...(update.errorMessage === undefined ? {} : { error_message: update.errorMessage }),
      ...("message" in update ? { message: jsonColumn(update.message) } : {}),
    };
    return Effect.flatMap(
      this.sql.statement("compare and set encode job state", async (db) => {
        const [changed]: ReadonlyArray<EncodeJobRow> = await db("encode_jobs")
          .where("id", id)
          .whereIn("state", expected.map(encodeJobStateCode))
          .update(changes)
          .returning("*");
        if (changed !== undefined) return { exists: true, changed: Option.some(encodeJobOf(changed)) };
        const existing: unknown = await db("encode_jobs").where("id", id).first("id");
        return { exists: existing !== undefined, changed: Option.none<EncodeJob>() };
      }),
      ({ exists, changed }) =>
        exists ? Effect.succeed(changed) : Effect.fail(new RecordNotFound({ entity: "EncodeJob", id })),
    );
  }

  latestForVideo(key: VideoKey): Effect.Effect<Option.Option<EncodeJob>, PersistenceFailure> {
    return this.sql.statement("latest encode job", async (db) =>
      Option.map(
        Option.fromNullable<EncodeJobRow>(
          await db("encode_jobs")
            .where("video_key", key)
            .orderBy([
              { column: "created_at", order: "desc" },
              { column: "sequence", order: "desc" },
            ])
            .first(),
        ),
        encodeJobOf,
      ),
    );
  }

  listInFlightSince(
    before: Date,
    limit: number,
  ): Effect.Effect<ReadonlyArray<EncodeJob>, PersistenceFailure> {
    return this.sql.statement("list encode jobs in flight", async (db) => {
      const rows: ReadonlyArray<EncodeJobRow> = await db("encode_jobs")
        .whereIn("state", IN_FLIGHT_CODES)
        .where("created_at", "<", before)
        .orderBy([
          { column: "created_at", order: "asc" },
          { column: "sequence", order: "asc" },
        ])
        .limit(Math.max(0, limit));
      return rows.map(encodeJobOf);
    });
  }
}
