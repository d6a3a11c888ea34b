import { Effect, Option } from "effect";
import type {
  MailOutboxRepository,
  NewOutboxEntry,
  OutboxAddResult,
  OutboxEntry,
} from "../../ports/mail-outbox-repository.js";
import { RecordNotFound } from "../../ports/persistence-errors.js";
import type { InMemoryDatabase } from "./in-memory-database.js";

/** The email outbox in the in-memory tables; `dedupeKey` is unique as in the database. */
export class InMemoryMailOutboxRepository implements MailOutboxRepository {
  constructor(private readonly database: InMemoryDatabase) {}

  add(entry: NewOutboxEntry): Effect.Effect<OutboxAddResult, RecordNotFound> {
    return Effect.suspend((): Effect.Effect<OutboxAddResult, RecordNotFound> => {
      const tables = this.database.tables;
      if (!tables.videos.has(entry.videoKey)) {
        return Effect.fail(new RecordNotFound({ entity: "Video", id: entry.videoKey }));
      }
      const existing = [...tables.mailOutbox.values()].find(
        (candidate) => candidate.dedupeKey === entry.dedupeKey,
      );
      if (existing !== undefined) return Effect.succeed({ _tag: "Duplicate", existing });
      const stored: OutboxEntry = {
        ...entry,
        sentAt: null,
        abandonedAt: null,
        attempts: 0,
        lastError: null,
      };
      tables.mailOutbox.set(stored.id, stored);
      this.database.recordInsertion("mailOutbox", stored.id);
      return Effect.succeed({ _tag: "Added", entry: stored });
    });
  }

  findById(id: string): Effect.Effect<Option.Option<OutboxEntry>> {
    return Effect.sync(() => Option.fromNullable(this.database.tables.mailOutbox.get(id)));
  }

  markSent(id: string, at: Date): Effect.Effect<OutboxEntry, RecordNotFound> {
    return this.change(id, (entry) => ({
      ...entry,
      sentAt: at,
      abandonedAt: null,
      attempts: entry.attempts + 1,
      lastError: null,
    }));
  }

  markAbandoned(
    id: string,
    reason: string,
    at: Date,
  ): Effect.Effect<Option.Option<OutboxEntry>, RecordNotFound> {
    return Effect.suspend(() => {
      const entry = this.database.tables.mailOutbox.get(id);
      if (entry === undefined) return Effect.fail(new RecordNotFound({ entity: "MailOutboxEntry", id }));
      if (entry.sentAt !== null || entry.abandonedAt !== null) return Effect.succeed(Option.none());
      const abandoned: OutboxEntry = { ...entry, abandonedAt: at, lastError: reason };
      this.database.tables.mailOutbox.set(id, abandoned);
      return Effect.succeed(Option.some(abandoned));
    });
  }

  recordFailure(id: string, error: string, _at: Date): Effect.Effect<OutboxEntry, RecordNotFound> {
    return this.change(id, (entry) => ({ ...entry, attempts: entry.attempts + 1, lastError: error }));
  }

  listUnsent(limit: number): Effect.Effect<ReadonlyArray<OutboxEntry>> {
    return Effect.sync(() =>
      [...this.database.tables.mailOutbox.values()]
        .filter((entry) => entry.sentAt === null && entry.abandonedAt === null)
        .sort(
          (a, b) =>
            a.createdAt.getTime() - b.createdAt.getTime() ||
            this.database.insertionOrder("mailOutbox", a.id) -
              this.database.insertionOrder("mailOutbox", b.id),
        )
        .slice(0, Math.max(0, limit)),
    );
  }

  listAbandoned(limit: number): Effect.Effect<ReadonlyArray<OutboxEntry>> {
    return Effect.sync(() =>
      [...this.database.tables.mailOutbox.values()]
        .flatMap((entry) => (entry.abandonedAt === null ? [] : [{ entry, at: entry.abandonedAt }]))
        .sort(
          (a, b) =>
            b.at.getTime() - a.at.getTime() ||
            this.database.insertionOrder("mailOutbox", b.entry.id) -
              this.database.insertionOrder("mailOutbox", a.entry.id),
        )
        .slice(0, Math.max(0, limit))
        .map(({ entry }) => entry),
    );
  }

  private change(
    id: string,
    update: (entry: OutboxEntry) => OutboxEntry,
  ): Effect.Effect<OutboxEntry, RecordNotFound> {
    return Effect.suspend(() => {
      const entry = this.database.tables.mailOutbox.get(id);
      if (entry === undefined) return Effect.fail(new RecordNotFound({ entity: "MailOutboxEntry", id }));
      const updated = update(entry);
      this.database.tables.mailOutbox.set(id, updated);
      return Effect.succeed(updated);
    });
  }
}
