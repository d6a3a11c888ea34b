import { Effect, Option } from "effect";
import type {
  ClaimResult,
  PersistenceFailure,
  RecordNotFound,
  VideoKey,
  WatchBucketClaim,
  WatchBucketClaimRepository,
  WatchBucketClaimState,
  WatchBucketSource,
} from "@ovs/domain";
import { ClaimLost } from "@ovs/domain";
import type { Timestamp } from "../rows.js";
import { toDate } from "../rows.js";
import type { SqlContext } from "../sql-context.js";
import { withoutUniqueViolation } from "../sql-context.js";

interface ClaimRow {
  readonly source_key: string;
  readonly etag: string;
  readonly state: string;
  readonly video_key: string | null;
  readonly failure_reason: string | null;
  readonly attempts: number;
  readonly claimed_at: Timestamp;
  readonly updated_at: Timestamp;
}
const claimOf = (row: ClaimRow): WatchBucketClaim => ({
  sourceKey: row.source_key,
  etag: row.etag,
  state: row.state as WatchBucketClaimState,
  videoKey: row.video_key as VideoKey | null,
  failureReason: row.failure_reason,
  attempts: row.attempts,
  claimedAt: toDate(row.claimed_at),
  updatedAt: toDate(row.updated_at),
});

export class PostgresWatchBucketClaimRepository implements WatchBucketClaimRepository {
  constructor(private readonly sql: SqlContext) {}

  claim(source: WatchBucketSource, at: Date): Effect.Effect<ClaimResult, PersistenceFailure> {
    return this.sql.statement("claim watch-bucket file", async (db): Promise<ClaimResult> => {
      const [row]: ReadonlyArray<ClaimRow> = await db("watch_bucket_claims")
        .insert({
          source_key: source.sourceKey,
          etag: source.etag,
          state: "InProgress",
          attempts: 1,
          claimed_at: at,
          updated_at: at,
        })
        .onConflict(["source_key", "etag"])
        .ignore()
        .returning("*");
      if (row !== undefined) return { _tag: "Claimed", claim: claimOf(row) };
      const existing: ClaimRow | undefined = await db("watch_bucket_claims")
        .where({ source_key: source.sourceKey, etag: source.etag })
        .first();
      if (existing === undefined) throw new Error("claim vanished after a conflict");
      return { _tag: "AlreadyClaimed", existing: claimOf(existing) };
    });
  }

  reclaim(
    source: WatchBucketSource,
    at: Date,
    abandonedBefore: Date,
  ): Effect.Effect<Option.Option<WatchBucketClaim>, PersistenceFailure> {
    return this.sql.statement("reclaim watch-bucket file", async (db) => {
      const [row]: ReadonlyArray<ClaimRow> = await db("watch_bucket_claims")
        .where({ source_key: source.sourceKey, etag: source.etag })
        .where((retryable) =>
          retryable
            .where("state", "Failed")
            .orWhere((abandoned) =>
              abandoned.where("state", "InProgress").where("updated_at", "<", abandonedBefore),
            ),
        )
        .update({
          state: "InProgress",
          failure_reason: null,
          attempts: db.raw("attempts + 1"),
          claimed_at: at,
          updated_at: at,
        })
        .returning("*");
      return row === undefined ? Option.none() : Option.some(claimOf(row));
    });
  }

  markIngested(
    source: WatchBucketSource,
    attempt: number,
    videoKey: VideoKey,
    at: Date,
  ): Effect.Effect<WatchBucketClaim, ClaimLost | RecordNotFound | PersistenceFailure> {
    return Effect.flatMap(
      withoutUniqueViolation(
        this.sql.constrainedStatement("mark watch-bucket claim ingested", (db) =>
          db("watch_bucket_claims")
            .where({
              source_key: source.sourceKey,
              etag: source.etag,
              state: "InProgress",
              attempts: attempt,
            })
            .update({ state: "Ingested", video_key: videoKey, failure_reason: null, updated_at: at })
            .returning("*"),
        ),
      ),
      ([row]: ReadonlyArray<ClaimRow>) =>
        row === undefined
          ? Effect.fail(new ClaimLost({ sourceKey: source.sourceKey, etag: source.etag, attempt }))
          : Effect.succeed(claimOf(row)),
    );
  }

  markFailed(
    source: WatchBucketSource,
    attempt: number,
    reason: string,
    at: Date,
  ): Effect.Effect<WatchBucketClaim, ClaimLost | PersistenceFailure> {
    return Effect.flatMap(
      this.sql.statement("mark watch-bucket claim failed", (db) =>
        db("watch_bucket_claims")
          .where({ source_key: source.sourceKey, etag: source.etag, state: "InProgress", attempts: attempt })
          .update({ state: "Failed", failure_reason: reason, updated_at: at })
          .returning("*"),
      ),
      ([row]: ReadonlyArray<ClaimRow>) =>
        row === undefined
          ? Effect.fail(new ClaimLost({ sourceKey: source.sourceKey, etag: source.etag, attempt }))
          : Effect.succeed(claimOf(row)),
    );
  }

  find(source: WatchBucketSource): Effect.Effect<Option.Option<WatchBucketClaim>, PersistenceFailure> {
    return this.sql.statement("find watch-bucket claim", async (db) =>
      Option.map(
        Option.fromNullable<ClaimRow>(
          await db("watch_bucket_claims").where({ source_key: source.sourceKey, etag: source.etag }).first(),
        ),
        claimOf,
      ),
    );
  }
}
