import type { Effect, Option } from "effect";
import type { VideoKey } from "../model/keys.js";
import type { VideoStatus } from "../model/video.js";
import type { NotificationTemplate } from "../policy/notifications.js";
import type { PersistenceFailure, RecordNotFound } from "./persistence-errors.js";

/**
 * A status email waiting to be sent. Entries are written in the same unit of work as the
 * status change that causes them and are unique by `dedupeKey`, so a replayed event can never
 * queue a second email; the mail job sends and retries them.
 *
 * An entry is pending (`sentAt` and `abandonedAt` both null), sent (`sentAt`), or abandoned
 * (`abandonedAt`: given up on, never to be sent, with the reason in `lastError`); never both.
 */
export interface OutboxEntry {
  readonly id: string;
  readonly dedupeKey: string;
  readonly videoKey: VideoKey;
  readonly template: NotificationTemplate;
  readonly fromStatus: VideoStatus | null;
  readonly toStatus: VideoStatus;
  readonly createdAt: Date;
  readonly sentAt: Date | null;
  /** When the email was given up on (see `markAbandoned`); null while pending or once sent. */
  readonly abandonedAt: Date | null;
  /** Sends tried: each failure recorded and the send that succeeded. */
  readonly attempts: number;
  /** The last failure; on an abandoned entry, why it was given up. */
  readonly lastError: string | null;
}

export type NewOutboxEntry = Omit<OutboxEntry, "sentAt" | "abandonedAt" | "attempts" | "lastError">;

export type OutboxAddResult =
  | { readonly _tag: "Added"; readonly entry: OutboxEntry }
  | { readonly _tag: "Duplicate"; readonly existing: OutboxEntry };

export interface MailOutboxRepository {
  /** The video must exist; deleting it deletes its entries. */
  add(entry: NewOutboxEntry): Effect.Effect<OutboxAddResult, RecordNotFound | PersistenceFailure>;
  findById(id: string): Effect.Effect<Option.Option<OutboxEntry>, PersistenceFailure>;
  /**
   * Counts the attempt and clears the last error. A send that lands after the entry was
   * abandoned (a race) wins: the email went out, so the entry is sent and no longer abandoned.
   */
  markSent(id: string, at: Date): Effect.Effect<OutboxEntry, RecordNotFound | PersistenceFailure>;
  /** Counts the attempt and keeps its error. */
  recordFailure(
    id: string,
    error: string,
    at: Date,
  ): Effect.Effect<OutboxEntry, RecordNotFound | PersistenceFailure>;
  /**
   * Gives the email up: sets `abandonedAt` and the reason (as `lastError`), compare-and-set, only
   * on an entry neither sent nor abandoned yet; None when it was either, and then nothing changes
   * (the first reason stays). Does not count an attempt: record the failed one first.
   */
  markAbandoned(
    id: string,
    reason: string,
    at: Date,
  ): Effect.Effect<Option.Option<OutboxEntry>, RecordNotFound | PersistenceFailure>;
  /** Entries neither sent nor abandoned, oldest first (for a sweep after an outage). */
  listUnsent(limit: number): Effect.Effect<ReadonlyArray<OutboxEntry>, PersistenceFailure>;
  /**
   * Abandoned entries, newest first (by `abandonedAt`, then the later added), at most `limit`:
   * the status emails nobody got, for operators.
   */
  listAbandoned(limit: number): Effect.Effect<ReadonlyArray<OutboxEntry>, PersistenceFailure>;
}
export const MailOutboxRepository = Symbol.for("ovs/MailOutboxRepository");
