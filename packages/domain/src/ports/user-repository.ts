import type { Effect, Option } from "effect";
import type { User, UserId } from "../model/user.js";
import type { PersistenceFailure } from "./persistence-errors.js";

export interface SignedInUser {
  readonly username: string;
  readonly email: string;
  readonly isSuperuser: boolean;
  readonly isStaff: boolean;
}

export interface UserRepository {
  /** Creates the user on first sign-in, or updates email and role flags; keyed by username. */
  upsertByUsername(user: SignedInUser, at: Date): Effect.Effect<User, PersistenceFailure>;
  findById(id: UserId): Effect.Effect<Option.Option<User>, PersistenceFailure>;
  findByUsername(username: string): Effect.Effect<Option.Option<User>, PersistenceFailure>;
  findByIds(ids: ReadonlyArray<UserId>): Effect.Effect<ReadonlyArray<User>, PersistenceFailure>;
}
export const UserRepository = Symbol.for("ovs/UserRepository");
