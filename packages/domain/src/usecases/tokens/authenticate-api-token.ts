import { Effect, Option } from "effect";
import type { User } from "../../model/user.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import { InvalidApiToken } from "./api-token-errors.js";
import { hashApiToken, isWellFormedApiToken } from "./api-token-secret.js";
import { apiTokenState } from "./api-token-summary.js";

/** `lastUsedAt` is written at most this often per token, so busy scripts do not write on every call. */
export const API_TOKEN_TOUCH_INTERVAL_MS = 60_000;

export type AuthenticateApiTokenError = InvalidApiToken | PersistenceFailure;

/**
 * Who a bearer token (`Authorization: Bearer <token>`, the part after `Bearer `) belongs to.
 * The token is hashed and looked up by its hash, so no stored secret is ever compared with the
 * presented one. Unknown, malformed, expired and revoked tokens, and tokens of users that no
 * longer exist, all fail with the same `InvalidApiToken`.
 */
export class AuthenticateApiToken {
  constructor(private readonly ports: Pick<DomainPorts, "apiTokens" | "users" | "clock">) {}

  run(token: string): Effect.Effect<User, AuthenticateApiTokenError> {
    const { apiTokens, users, clock } = this.ports;
    return Effect.gen(function* () {
      if (!isWellFormedApiToken(token)) return yield* new InvalidApiToken();
      const stored = yield* apiTokens.findByHash(yield* hashApiToken(token));
      if (Option.isNone(stored)) return yield* new InvalidApiToken();
      const now = clock.now();
      if (apiTokenState(stored.value, now) !== "active") return yield* new InvalidApiToken();
      const user = yield* users.findById(stored.value.userId);
      if (Option.isNone(user)) return yield* new InvalidApiToken();
      const lastUsedAt = stored.value.lastUsedAt;
      if (lastUsedAt === null || now.getTime() - lastUsedAt.getTime() >= API_TOKEN_TOUCH_INTERVAL_MS) {
        yield* apiTokens.touch(stored.value.id, now);
      }
      return user.value;
    }).pipe(Effect.withSpan("AuthenticateApiToken.run"));
  }
}
