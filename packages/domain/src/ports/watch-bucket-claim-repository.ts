import { Data } from "effect";
import type { Effect, Option } from "effect";
import type { VideoKey } from "../model/keys.js";
import type { PersistenceFailure, RecordNotFound } from "./persistence-errors.js";

/**
 * One object of the watch bucket as it was when it was seen: its key and its ETag. A file
 * uploaded again under the same name with other bytes has another ETag, hence another claim
 * (upstream ingested a re-upload as a new video, and so do we).
 */
export interface WatchBucketSource {
  readonly sourceKey: string;
  readonly etag: string;
}

/**
 * `InProgress`: a poll took the file and is ingesting it. `Ingested`: the video exists and its
 * transcode is queued. `Failed`: the last attempt failed; the next poll tries again.
 */
export type WatchBucketClaimState = "InProgress" | "Ingested" | "Failed";

/**
 * The record that makes watch-bucket ingest idempotent (docs/architecture.md §6.8): one row per
 * (source key, ETag), so however often the file is listed, it becomes one video.
 */
export interface WatchBucketClaim extends WatchBucketSource {
  readonly state: WatchBucketClaimState;
  /** The video made from the file; null until ingested, and again once that video is deleted. */
  readonly videoKey: VideoKey | null;
  /** Why the last attempt failed; null unless `Failed`. */
  readonly failureReason: string | null;
  /**
   * How many times the file was taken, 1 for the first. It fences the attempt: only the poll
   * holding the latest attempt may record its outcome.
   */
  readonly attempts: number;
  readonly claimedAt: Date;
  readonly updatedAt: Date;
}

export type ClaimResult =
  | { readonly _tag: "Claimed"; readonly claim: WatchBucketClaim }
  | { readonly _tag: "AlreadyClaimed"; readonly existing: WatchBucketClaim };

/**
 * The claim is not in progress under this attempt any more: a later poll took it over after
 * this one lost its lease, or it was never claimed. The caller must drop its work.
 */
export class ClaimLost extends Data.TaggedError("ClaimLost")<{
  readonly sourceKey: string;
  readonly etag: string;
  readonly attempt: number;
}> {
  override get message(): string {
    return `the claim on watch-bucket file '${this.sourceKey}' (ETag ${this.etag}) is no longer held by attempt ${this.attempt}`;
  }
}

/**
 * Claims on watch-bucket files. Claiming is atomic: of two callers claiming the same pair, one
 * gets `Claimed` and the other `AlreadyClaimed`. A failed or abandoned claim is taken again with
 * `reclaim`, never with `claim`.
 */
export interface WatchBucketClaimRepository {
  /** Creates the claim in progress with attempt 1, or answers with the claim that exists. */
  claim(source: WatchBucketSource, at: Date): Effect.Effect<ClaimResult, PersistenceFailure>;
  /**
   * Takes an existing claim for another attempt (attempts + 1, back in progress) when its last
   * attempt failed, or when it is still in progress but was last touched before
   * `abandonedBefore` (its poll died or lost its lease). Otherwise None: someone else holds it,
   * or it was ingested.
   */
  reclaim(
    source: WatchBucketSource,
    at: Date,
    abandonedBefore: Date,
  ): Effect.Effect<Option.Option<WatchBucketClaim>, PersistenceFailure>;
  /** Records the video made by this attempt. The video must exist. */
  markIngested(
    source: WatchBucketSource,
    attempt: number,
    videoKey: VideoKey,
    at: Date,
  ): Effect.Effect<WatchBucketClaim, ClaimLost | RecordNotFound | PersistenceFailure>;
  /** Records why this attempt failed; the claim becomes retryable. */
  markFailed(
    source: WatchBucketSource,
    attempt: number,
    reason: string,
    at: Date,
  ): Effect.Effect<WatchBucketClaim, ClaimLost | PersistenceFailure>;
  find(source: WatchBucketSource): Effect.Effect<Option.Option<WatchBucketClaim>, PersistenceFailure>;
}
export const WatchBucketClaimRepository = Symbol.for("ovs/WatchBucketClaimRepository");
