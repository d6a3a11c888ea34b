import { Effect } from "effect";
import type { Principal } from "../../model/user.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import { Forbidden } from "../errors.js";
import { ApiTokenNotFound } from "./api-token-errors.js";

export type RevokeApiTokenError = Forbidden | ApiTokenNotFound | PersistenceFailure;

/**
 * The owner revokes one of their tokens; it stops working at once. Revoking it again succeeds
 * and keeps the first revocation time. Another user's token is "not found", superusers included,
 * so a token id reveals nothing.
 */
export class RevokeApiToken {
  constructor(private readonly ports: Pick<DomainPorts, "apiTokens" | "clock">) {}

  run(principal: Principal, tokenId: string): Effect.Effect<void, RevokeApiTokenError> {
    const { apiTokens, clock } = this.ports;
    return Effect.gen(function* () {
      if (principal._tag === "Anonymous") {
        return yield* new Forbidden({ reason: "sign in to revoke an API token", signInRequired: true });
      }
      const revoked = yield* apiTokens.revoke(tokenId, principal.id, clock.now());
      if (!revoked) return yield* new ApiTokenNotFound({ id: tokenId });
    }).pipe(Effect.withSpan("RevokeApiToken.run"));
  }
}
