import { Effect, Option } from "effect";
import type { VideoKey } from "../../model/keys.js";
import { RecordNotFound } from "../../ports/persistence-errors.js";
import type {
  ClaimResult,
  WatchBucketClaim,
  WatchBucketClaimRepository,
  WatchBucketSource,
} from "../../ports/watch-bucket-claim-repository.js";
import { ClaimLost } from "../../ports/watch-bucket-claim-repository.js";
import type { InMemoryDatabase } from "./in-memory-database.js";
import { copyRow } from "./in-memory-rows.js";

/** The primary key of a claim: both parts, unambiguously joined. */
export const claimId = (source: WatchBucketSource): string => JSON.stringify([source.sourceKey, source.etag]);

/** Watch-bucket claims in the shared in-memory tables, unique per (source key, ETag). */
export class InMemoryWatchBucketClaimRepository implements WatchBucketClaimRepository {
  constructor(private readonly database: InMemoryDatabase) {}

  private get claims(): Map<string, WatchBucketClaim> {
    return this.database.tables.watchBucketClaims;
  }

  private write(claim: WatchBucketClaim): WatchBucketClaim {
    const stored = copyRow(claim);
    this.claims.set(claimId(claim), stored);
    return copyRow(stored);
  }

  claim(source: WatchBucketSource, at: Date): Effect.Effect<ClaimResult> {
    return Effect.sync((): ClaimResult => {
      const existing = this.claims.get(claimId(source));
      if (existing !== undefined) return { _tag: "AlreadyClaimed", existing: copyRow(existing) };
      const claim = this.write({
        sourceKey: source.sourceKey,
        etag: source.etag,
        state: "InProgress",
        videoKey: null,
        failureReason: null,
        attempts: 1,
        claimedAt: at,
        updatedAt: at,
      });
      return { _tag: "Claimed", claim };
    });
  }

  reclaim(
    source: WatchBucketSource,
    at: Date,
    abandonedBefore: Date,
  ): Effect.Effect<Option.Option<WatchBucketClaim>> {
    return Effect.sync(() => {
      const existing = this.claims.get(claimId(source));
      if (existing === undefined) return Option.none();
      const retryable =
        existing.state === "Failed" ||
        (existing.state === "InProgress" && existing.updatedAt.getTime() < abandonedBefore.getTime());
      if (!retryable) return Option.none();
      return Option.some(
        this.write({
          ...existing,
          state: "InProgress",
          failureReason: null,
          attempts: existing.attempts + 1,
          claimedAt: at,
          updatedAt: at,
        }),
      );
    });
  }

  markIngested(
    source: WatchBucketSource,
    attempt: number,
    videoKey: VideoKey,
    at: Date,
  ): Effect.Effect<WatchBucketClaim, ClaimLost | RecordNotFound> {
    return Effect.suspend((): Effect.Effect<WatchBucketClaim, ClaimLost | RecordNotFound> => {
      const current = this.heldBy(source, attempt);
      if (current === undefined) return Effect.fail(new ClaimLost({ ...sourceOf(source), attempt }));
      if (!this.database.tables.videos.has(videoKey)) {
        return Effect.fail(new RecordNotFound({ entity: "Video", id: videoKey }));
      }
      return Effect.succeed(
        this.write({ ...current, state: "Ingested", videoKey, failureReason: null, updatedAt: at }),
      );
    });
  }

  markFailed(
    source: WatchBucketSource,
    attempt: number,
    reason: string,
    at: Date,
  ): Effect.Effect<WatchBucketClaim, ClaimLost> {
    return Effect.suspend((): Effect.Effect<WatchBucketClaim, ClaimLost> => {
      const current = this.heldBy(source, attempt);
      if (current === undefined) return Effect.fail(new ClaimLost({ ...sourceOf(source), attempt }));
      return Effect.succeed(
        this.write({ ...current, state: "Failed", failureReason: reason, updatedAt: at }),
      );
    });
  }

  find(source: WatchBucketSource): Effect.Effect<Option.Option<WatchBucketClaim>> {
    return Effect.sync(() => Option.map(Option.fromNullable(this.claims.get(claimId(source))), copyRow));
  }

  private heldBy(source: WatchBucketSource, attempt: number): WatchBucketClaim | undefined {
    const current = this.claims.get(claimId(source));
    return current !== undefined && current.state === "InProgress" && current.attempts === attempt
      ? current
      : undefined;
  }
}

const sourceOf = (source: WatchBucketSource): WatchBucketSource => ({
  sourceKey: source.sourceKey,
  etag: source.etag,
});
