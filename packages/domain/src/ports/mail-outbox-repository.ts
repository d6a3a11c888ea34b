import type { Effect, Option } from "effect";
import type { VideoKey } from "../model/keys.js";
import type { VideoStatus } from "../model/video.js";
import type { NotificationTemplate } from "../policy/notifications.js";
import type { PersistenceFailure, RecordNotFound } from "./persistence-errors.js";

/**
 * A status email waiting to be sent. Entries are written in the same unit of work as the
 * status change that causes them and are unique by `dedupeKey`, so a replayed event can never
 * queue a second email; the mail job sends and retries them.
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
  readonly attempts: number;
  readonly lastError: string | null;
}

export type NewOutboxEntry = Omit<OutboxEntry, "sentAt" | "attempts" | "lastError">;

export type OutboxAddResult =
  | { readonly _tag: "Added"; readonly entry: OutboxEntry }
  | { readonly _tag: "Duplicate"; readonly existing: OutboxEntry };

export interface MailOutboxRepository {
  /** The video must exist; deleting it deletes its entries. */
  add(entry: NewOutboxEntry): Effect.Effect<OutboxAddResult, RecordNotFound | PersistenceFailure>;
  findById(id: string): Effect.Effect<Option.Option<OutboxEntry>, PersistenceFailure>;
  markSent(id: string, at: Date): Effect.Effect<OutboxEntry, RecordNotFound | PersistenceFailure>;
  recordFailure(
    id: string,
    error: string,
    at: Date,
  ): Effect.Effect<OutboxEntry, RecordNotFound | PersistenceFailure>;
  /** Entries not sent yet, oldest first (for a sweep after an outage). */
  listUnsent(limit: number): Effect.Effect<ReadonlyArray<OutboxEntry>, PersistenceFailure>;
}
export const MailOutboxRepository = Symbol.for("ovs/MailOutboxRepository");
