import type { Effect, Option } from "effect";
import type { UserId } from "../model/user.js";
import type { PersistenceFailure, RecordNotFound, UniqueViolation } from "./persistence-errors.js";

/**
 * A bearer token a user issued for scripts, the CLI or a service. Only the SHA-256 of the token
 * is stored (`tokenHash`, lowercase hex): the token itself is shown once, when it is issued.
 */
export interface ApiToken {
  readonly id: string;
  readonly userId: UserId;
  readonly name: string;
  readonly tokenHash: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export type NewApiToken = Omit<ApiToken, "lastUsedAt" | "revokedAt">;

export interface ApiTokenRepository {
  /**
   * The user must exist (`RecordNotFound` names `User`); ids and hashes are unique
   * (`UniqueViolation` names `id` or `tokenHash`). Deleting the user deletes their tokens.
   */
  insert(token: NewApiToken): Effect.Effect<ApiToken, RecordNotFound | UniqueViolation | PersistenceFailure>;
  /** The token with this hash, whatever its state (expired and revoked tokens too). */
  findByHash(tokenHash: string): Effect.Effect<Option.Option<ApiToken>, PersistenceFailure>;
  /** Every token of the user, revoked and expired ones included, newest first. */
  listForUser(userId: UserId): Effect.Effect<ReadonlyArray<ApiToken>, PersistenceFailure>;
  /**
   * Revokes the token if it is this user's; a token revoked before keeps its first `revokedAt`.
   * True when the user's token is revoked afterwards, false when the user has no such token.
   */
  revoke(id: string, userId: UserId, at: Date): Effect.Effect<boolean, PersistenceFailure>;
  /** Records a use: `lastUsedAt` moves to `at` if that is later. An unknown id changes nothing. */
  touch(id: string, at: Date): Effect.Effect<void, PersistenceFailure>;
}
export const ApiTokenRepository = Symbol.for("ovs/ApiTokenRepository");
