import { Effect, Option } from "effect";
import type { User, UserId } from "../../model/user.js";
import type { SignedInUser, UserRepository } from "../../ports/user-repository.js";
import type { InMemoryDatabase } from "./in-memory-database.js";
import { copyRow, distinct } from "./in-memory-rows.js";

/** Users in the shared in-memory tables; usernames are unique and case-sensitive. */
export class InMemoryUserRepository implements UserRepository {
  constructor(private readonly database: InMemoryDatabase) {}

  private get users(): Map<number, User> {
    return this.database.tables.users;
  }

  upsertByUsername(user: SignedInUser, at: Date): Effect.Effect<User> {
    return Effect.sync(() => {
      const existing = [...this.users.values()].find((candidate) => candidate.username === user.username);
      const stored = copyRow<User>({
        id: existing?.id ?? (this.database.nextId() as UserId),
        username: user.username,
        email: user.email,
        isSuperuser: user.isSuperuser,
        isStaff: user.isStaff,
        createdAt: existing?.createdAt ?? at,
        updatedAt: at,
      });
      this.users.set(stored.id, stored);
      return copyRow(stored);
    });
  }

  findById(id: UserId): Effect.Effect<Option.Option<User>> {
    return Effect.sync(() => Option.map(Option.fromNullable(this.users.get(id)), copyRow));
  }

  findByUsername(username: string): Effect.Effect<Option.Option<User>> {
    return Effect.sync(() =>
      Option.map(
        Option.fromNullable([...this.users.values()].find((user) => user.username === username)),
        copyRow,
      ),
    );
  }

  findByIds(ids: ReadonlyArray<UserId>): Effect.Effect<ReadonlyArray<User>> {
    return Effect.sync(() =>
      distinct(ids).flatMap((id) => {
        const user = this.users.get(id);
        return user === undefined ? [] : [copyRow(user)];
      }),
    );
  }
}
