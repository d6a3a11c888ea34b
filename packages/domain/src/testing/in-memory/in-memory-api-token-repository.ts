import { Effect, Option } from "effect";
import type { UserId } from "../../model/user.js";
import type { ApiToken, ApiTokenRepository, NewApiToken } from "../../ports/api-token-repository.js";
import { RecordNotFound, UniqueViolation } from "../../ports/persistence-errors.js";
import type { InMemoryDatabase } from "./in-memory-database.js";
import { copyRow } from "./in-memory-rows.js";

/** API tokens in the shared in-memory tables; ids and hashes are unique as in the database. */
export class InMemoryApiTokenRepository implements ApiTokenRepository {
  constructor(private readonly database: InMemoryDatabase) {}

  private get tokens(): Map<string, ApiToken> {
    return this.database.tables.apiTokens;
  }

  insert(token: NewApiToken): Effect.Effect<ApiToken, RecordNotFound | UniqueViolation> {
    return Effect.suspend((): Effect.Effect<ApiToken, RecordNotFound | UniqueViolation> => {
      if (!this.database.tables.users.has(token.userId)) {
        return Effect.fail(new RecordNotFound({ entity: "User", id: String(token.userId) }));
      }
      if (this.tokens.has(token.id)) {
        return Effect.fail(new UniqueViolation({ entity: "ApiToken", field: "id", value: token.id }));
      }
      if ([...this.tokens.values()].some((stored) => stored.tokenHash === token.tokenHash)) {
        return Effect.fail(
          new UniqueViolation({ entity: "ApiToken", field: "tokenHash", value: token.tokenHash }),
        );
      }
      const stored = copyRow<ApiToken>({ ...token, lastUsedAt: null, revokedAt: null });
      this.tokens.set(stored.id, stored);
      this.database.recordInsertion("apiTokens", stored.id);
      return Effect.succeed(copyRow(stored));
    });
  }

  findByHash(tokenHash: string): Effect.Effect<Option.Option<ApiToken>> {
    return Effect.sync(() =>
      Option.map(
        Option.fromNullable([...this.tokens.values()].find((token) => token.tokenHash === tokenHash)),
        copyRow,
      ),
    );
  }

  listForUser(userId: UserId): Effect.Effect<ReadonlyArray<ApiToken>> {
    return Effect.sync(() =>
      [...this.tokens.values()]
        .filter((token) => token.userId === userId)
        .sort(
          (a, b) =>
            b.createdAt.getTime() - a.createdAt.getTime() ||
            this.database.insertionOrder("apiTokens", b.id) - this.database.insertionOrder("apiTokens", a.id),
        )
        .map(copyRow),
    );
  }

  revoke(id: string, userId: UserId, at: Date): Effect.Effect<boolean> {
    return Effect.sync(() => {
      const token = this.tokens.get(id);
      if (token === undefined || token.userId !== userId) return false;
      if (token.revokedAt === null) this.tokens.set(id, copyRow({ ...token, revokedAt: at }));
      return true;
    });
  }

  touch(id: string, at: Date): Effect.Effect<void> {
    return Effect.sync(() => {
      const token = this.tokens.get(id);
      if (token === undefined) return;
      if (token.lastUsedAt === null || token.lastUsedAt.getTime() < at.getTime()) {
        this.tokens.set(id, copyRow({ ...token, lastUsedAt: at }));
      }
    });
  }
}
