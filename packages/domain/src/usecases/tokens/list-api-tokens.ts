import { Effect } from "effect";
import type { Principal } from "../../model/user.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import { Forbidden } from "../errors.js";
import type { ApiTokenSummary } from "./api-token-summary.js";
import { apiTokenSummaryOf } from "./api-token-summary.js";

export type ListApiTokensError = Forbidden | PersistenceFailure;

/** The principal's own tokens, newest first, revoked and expired ones included; never a hash. */
export class ListApiTokens {
  constructor(private readonly ports: Pick<DomainPorts, "apiTokens" | "clock">) {}

  run(principal: Principal): Effect.Effect<ReadonlyArray<ApiTokenSummary>, ListApiTokensError> {
    const { apiTokens, clock } = this.ports;
    return Effect.gen(function* () {
      if (principal._tag === "Anonymous") {
        return yield* new Forbidden({ reason: "sign in to see your API tokens", signInRequired: true });
      }
      const tokens = yield* apiTokens.listForUser(principal.id);
      const now = clock.now();
      return tokens.map((token) => apiTokenSummaryOf(token, now));
    }).pipe(Effect.withSpan("ListApiTokens.run"));
  }
}
