import { Effect, Option } from "effect";
import type {
  ApiToken,
  ApiTokenRepository,
  NewApiToken,
  PersistenceFailure,
  RecordNotFound,
  UniqueViolation,
  UserId,
} from "@ovs/domain";
import type { Timestamp } from "../rows.js";
import { toDate, toNullableDate } from "../rows.js";
import type { SqlContext } from "../sql-context.js";

interface ApiTokenRow {
  readonly id: string;
  readonly user_id: number;
  readonly name: string;
  readonly token_hash: string;
  readonly created_at: Timestamp;
  readonly expires_at: Timestamp;
  readonly last_used_at: Timestamp | null;
  readonly revoked_at: Timestamp | null;
}

const COLUMNS = [
  "id",
  "user_id",
  "name",
  "token_hash",
  "created_at",
  "expires_at",
  "last_used_at",
  "revoked_at",
] as const;

const apiTokenOf = (row: ApiTokenRow): ApiToken => ({
  id: row.id,
  userId: row.user_id as UserId,
  name: row.name,
  tokenHash: row.token_hash,
  createdAt: toDate(row.created_at),
  expiresAt: toDate(row.expires_at),
  lastUsedAt: toNullableDate(row.last_used_at),
  revokedAt: toNullableDate(row.revoked_at),
});

export class PostgresApiTokenRepository implements ApiTokenRepository {
  constructor(private readonly sql: SqlContext) {}

  insert(token: NewApiToken): Effect.Effect<ApiToken, RecordNotFound | UniqueViolation | PersistenceFailure> {
    return this.sql.constrainedStatement("insert api token", async (db) => {
      const [row]: ReadonlyArray<ApiTokenRow> = await db("api_tokens")
        .insert({
          id: token.id,
          user_id: token.userId,
          name: token.name,
          token_hash: token.tokenHash,
          created_at: token.createdAt,
          expires_at: token.expiresAt,
        })
        .returning(COLUMNS);
      if (row === undefined) throw new Error("insert returned no row");
      return apiTokenOf(row);
    });
  }

  findByHash(tokenHash: string): Effect.Effect<Option.Option<ApiToken>, PersistenceFailure> {
    return this.sql.statement("find api token by hash", async (db) =>
      Option.map(
        Option.fromNullable<ApiTokenRow>(
          await db("api_tokens").where("token_hash", tokenHash).first(COLUMNS),
        ),
        apiTokenOf,
      ),
    );
  }

  listForUser(userId: UserId): Effect.Effect<ReadonlyArray<ApiToken>, PersistenceFailure> {
    return this.sql.statement("list api tokens of user", async (db) => {
      const rows: ReadonlyArray<ApiTokenRow> = await db("api_tokens")
        .where("user_id", userId)
        .orderBy([
          { column: "created_at", order: "desc" },
          { column: "sequence", order: "desc" },
        ])
        .select(COLUMNS);
      return rows.map(apiTokenOf);
    });
  }

  revoke(id: string, userId: UserId, at: Date): Effect.Effect<boolean, PersistenceFailure> {
    return Effect.map(
      this.sql.statement("revoke api token", (db) =>
        db("api_tokens")
          .where({ id, user_id: userId })
          .update({ revoked_at: db.raw("COALESCE(revoked_at, ?)", [at]) })
          .returning("id"),
      ),
      (rows: ReadonlyArray<unknown>) => rows.length > 0,
    );
  }

  touch(id: string, at: Date): Effect.Effect<void, PersistenceFailure> {
    return Effect.asVoid(
      this.sql.statement("touch api token", (db) =>
        db("api_tokens")
          .where("id", id)
          .andWhere((query) => query.whereNull("last_used_at").orWhere("last_used_at", "<", at))
          .update({ last_used_at: at }),
      ),
    );
  }
}
