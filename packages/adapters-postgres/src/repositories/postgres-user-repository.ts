import type { Effect } from "effect";
import { Option } from "effect";
import type { PersistenceFailure, SignedInUser, User, UserId, UserRepository } from "@ovs/domain";
import type { UserRow } from "../rows.js";
import { userOf } from "../rows.js";
import type { SqlContext } from "../sql-context.js";

export class PostgresUserRepository implements UserRepository {
  constructor(private readonly sql: SqlContext) {}

  upsertByUsername(user: SignedInUser, at: Date): Effect.Effect<User, PersistenceFailure> {
    return this.sql.statement("upsert user", async (db) => {
      const [row]: ReadonlyArray<UserRow> = await db("users")
        .insert({
          username: user.username,
          email: user.email,
          is_superuser: user.isSuperuser,
          is_staff: user.isStaff,
          created_at: at,
          updated_at: at,
        })
        .onConflict("username")
        .merge(["email", "is_superuser", "is_staff", "updated_at"])
        .returning("*");
      if (row === undefined) throw new Error("upsert returned no row");
      return userOf(row);
    });
  }

  findById(id: UserId): Effect.Effect<Option.Option<User>, PersistenceFailure> {
    return this.sql.statement("find user", async (db) =>
      Option.map(Option.fromNullable<UserRow>(await db("users").where("id", id).first()), userOf),
    );
  }

  findByUsername(username: string): Effect.Effect<Option.Option<User>, PersistenceFailure> {
    return this.sql.statement("find user by username", async (db) =>
      Option.map(Option.fromNullable<UserRow>(await db("users").where("username", username).first()), userOf),
    );
  }

  findByIds(ids: ReadonlyArray<UserId>): Effect.Effect<ReadonlyArray<User>, PersistenceFailure> {
    return this.sql.statement("find users", async (db) => {
      const distinct = [...new Set(ids)];
      if (distinct.length === 0) return [];
      const rows: ReadonlyArray<UserRow> = await db("users").whereIn("id", distinct);
      const byId = new Map(rows.map((row) => [row.id, userOf(row)]));
      return distinct.flatMap((id) => {
        const user = byId.get(id);
        return user === undefined ? [] : [user];
      });
    });
  }
}
