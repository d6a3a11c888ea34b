import { Effect, Option } from "effect";
import type {
  MailOutboxRepository,
  NewOutboxEntry,
  NotificationTemplate,
  OutboxAddResult,
  OutboxEntry,
  PersistenceFailure,
  VideoKey,
  VideoStatus,
} from "@ovs/domain";
import { RecordNotFound } from "@ovs/domain";
import type { Timestamp } from "../rows.js";
import { toDate, toNullableDate } from "../rows.js";
import type { SqlContext } from "../sql-context.js";
import { withoutUniqueViolation } from "../sql-context.js";

const requireRow = <A>(row: A | undefined, error: () => RecordNotFound): Effect.Effect<A, RecordNotFound> =>
  row === undefined ? Effect.fail(error()) : Effect.succeed(row);

interface OutboxRow {
  readonly id: string;
  readonly dedupe_key: string;
  readonly video_key: string;
  readonly template: string;
  readonly from_status: string | null;
  readonly to_status: string;
  readonly created_at: Timestamp;
  readonly sent_at: Timestamp | null;
  readonly abandoned_at: Timestamp | null;
  readonly attempts: number;
  readonly last_error: string | null;
}
const outboxEntryOf = (row: OutboxRow): OutboxEntry => ({
  id: row.id,
  dedupeKey: row.dedupe_key,
  videoKey: row.video_key as VideoKey,
  template: row.template as NotificationTemplate,
  fromStatus: row.from_status as VideoStatus | null,
  toStatus: row.to_status as VideoStatus,
  createdAt: toDate(row.created_at),
  sentAt: toNullableDate(row.sent_at),
  abandonedAt: toNullableDate(row.abandoned_at),
  attempts: row.attempts,
  lastError: row.last_error,
});

export class PostgresMailOutboxRepository implements MailOutboxRepository {
  constructor(private readonly sql: SqlContext) {}

  add(entry: NewOutboxEntry): Effect.Effect<OutboxAddResult, RecordNotFound | PersistenceFailure> {
    return withoutUniqueViolation(
      this.sql.constrainedStatement("add outbox entry", async (db): Promise<OutboxAddResult> => {
        // ON CONFLICT DO NOTHING: a replayed event finds the entry of the first delivery.
        const [row]: ReadonlyArray<OutboxRow> = await db("mail_outbox")
          .insert({
            id: entry.id,
            dedupe_key: entry.dedupeKey,
            video_key: entry.videoKey,
            template: entry.template,
            from_status: entry.fromStatus,
            to_status: entry.toStatus,
            created_at: entry.createdAt,
          })
          .onConflict("dedupe_key")
          .ignore()
          .returning("*");
        if (row !== undefined) return { _tag: "Added", entry: outboxEntryOf(row) };
        const existing: OutboxRow | undefined = await db("mail_outbox")
          .where("dedupe_key", entry.dedupeKey)
          .first();
        if (existing === undefined) throw new Error("outbox entry vanished after a conflict");
        return { _tag: "Duplicate", existing: outboxEntryOf(existing) };
      }),
    );
  }

  findById(id: string): Effect.Effect<Option.Option<OutboxEntry>, PersistenceFailure> {
    return this.sql.statement("find outbox entry", async (db) =>
      Option.map(
        Option.fromNullable<OutboxRow>(await db("mail_outbox").where("id", id).first()),
        outboxEntryOf,
      ),
    );
  }

  markSent(id: string, at: Date): Effect.Effect<OutboxEntry, RecordNotFound | PersistenceFailure> {
    return this.change("mark outbox entry sent", id, { sent_at: at, abandoned_at: null, last_error: null });
  }

  recordFailure(
    id: string,
    error: string,
    _at: Date,
  ): Effect.Effect<OutboxEntry, RecordNotFound | PersistenceFailure> {
    return this.change("record outbox failure", id, { last_error: error });
  }

  markAbandoned(
    id: string,
    reason: string,
    at: Date,
  ): Effect.Effect<Option.Option<OutboxEntry>, RecordNotFound | PersistenceFailure> {
    return Effect.flatMap(
      this.sql.statement("mark outbox entry abandoned", async (db) => {
        // Compare-and-set: of two racing writers, one abandons the entry; nobody abandons a sent one.
        const [row]: ReadonlyArray<OutboxRow> = await db("mail_outbox")
          .where("id", id)
          .whereNull("sent_at")
          .whereNull("abandoned_at")
          .update({ abandoned_at: at, last_error: reason })
          .returning("*");
        if (row !== undefined) return { _tag: "Abandoned", row } as const;
        const exists: unknown = await db("mail_outbox").where("id", id).first("id");
        return { _tag: exists === undefined ? "Missing" : "Unchanged" } as const;
      }),
      (outcome) =>
        outcome._tag === "Missing"
          ? Effect.fail(new RecordNotFound({ entity: "MailOutboxEntry", id }))
          : Effect.succeed(
              outcome._tag === "Abandoned" ? Option.some(outboxEntryOf(outcome.row)) : Option.none(),
            ),
    );
  }

  private change(
    operation: string,
    id: string,
    columns: Record<string, unknown>,
  ): Effect.Effect<OutboxEntry, RecordNotFound | PersistenceFailure> {
    return Effect.flatMap(
      this.sql.statement(operation, (db) =>
        db("mail_outbox")
          .where("id", id)
          .update({ ...columns, attempts: db.raw("attempts + 1") })
          .returning("*"),
      ),
      ([row]: ReadonlyArray<OutboxRow>) =>
        Effect.map(
          requireRow(row, () => new RecordNotFound({ entity: "MailOutboxEntry", id })),
          outboxEntryOf,
        ),
    );
  }

  listUnsent(limit: number): Effect.Effect<ReadonlyArray<OutboxEntry>, PersistenceFailure> {
    return this.sql.statement("list unsent outbox entries", async (db) => {
      const rows: ReadonlyArray<OutboxRow> = await db("mail_outbox")
        .whereNull("sent_at")
        .whereNull("abandoned_at")
        .orderBy([
          { column: "created_at", order: "asc" },
          { column: "sequence", order: "asc" },
        ])
        .limit(Math.max(0, limit));
      return rows.map(outboxEntryOf);
    });
  }

  listAbandoned(limit: number): Effect.Effect<ReadonlyArray<OutboxEntry>, PersistenceFailure> {
    return this.sql.statement("list abandoned outbox entries", async (db) => {
      const rows: ReadonlyArray<OutboxRow> = await db("mail_outbox")
        .whereNotNull("abandoned_at")
        .orderBy([
          { column: "abandoned_at", order: "desc" },
          { column: "sequence", order: "desc" },
        ])
        .limit(Math.max(0, limit));
      return rows.map(outboxEntryOf);
    });
  }
}
