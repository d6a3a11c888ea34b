import type { Effect, Option } from "effect";
import type { EncodeJob, EncodeJobState } from "../model/encode-job.js";
import type { VideoKey } from "../model/keys.js";
import type { PersistenceFailure, RecordNotFound, UniqueViolation } from "./persistence-errors.js";

export interface EncodeJobUpdate {
  readonly state: EncodeJobState;
  readonly errorCode?: number | null;
  readonly errorMessage?: string | null;
  readonly message?: unknown;
}

/** Transcode jobs by transcoder job id. */
export interface EncodeJobRepository {
  insert(job: EncodeJob): Effect.Effect<EncodeJob, UniqueViolation | RecordNotFound | PersistenceFailure>;
  findById(id: string): Effect.Effect<Option.Option<EncodeJob>, PersistenceFailure>;
  /**
   * Moves a job to a new state only if it is still in one of `expected`; returns None when
   * another writer got there first (this is how a redelivered outcome is recognised).
   */
  compareAndSetState(
    id: string,
    expected: ReadonlyArray<EncodeJobState>,
    update: EncodeJobUpdate,
    at: Date,
  ): Effect.Effect<Option.Option<EncodeJob>, RecordNotFound | PersistenceFailure>;
  /** The current job of a video: the newest by createdAt. */
  latestForVideo(key: VideoKey): Effect.Effect<Option.Option<EncodeJob>, PersistenceFailure>;
  /** Jobs still Submitted or Progressing that were created before `before`, oldest first. */
  listInFlightSince(before: Date, limit: number): Effect.Effect<ReadonlyArray<EncodeJob>, PersistenceFailure>;
}
export const EncodeJobRepository = Symbol.for("ovs/EncodeJobRepository");
