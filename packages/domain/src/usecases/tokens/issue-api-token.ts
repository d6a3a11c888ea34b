import { Effect, Schema } from "effect";
import type { Principal } from "../../model/user.js";
import type { PersistenceFailure, RecordNotFound } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import { Forbidden } from "../errors.js";
import type { InvalidInput } from "../errors.js";
import { validateInput } from "../validate-input.js";
import { hashApiToken, newApiTokenSecret } from "./api-token-secret.js";

export const API_TOKEN_NAME_MAX_LENGTH = 100;
export const DEFAULT_API_TOKEN_DAYS = 90;
export const MAX_API_TOKEN_DAYS = 365;
const DAY_MS = 86_400_000;
const daysMessage = () => `expires_in_days must be a whole number of days from 1 to ${MAX_API_TOKEN_DAYS}`;

/** What the owner asks for: a name (trimmed, 1–100 characters) and optionally a lifetime in days. */
export const IssueApiTokenRequest = Schema.Struct({
  name: Schema.Trim.pipe(
    Schema.minLength(1, { message: () => "name must not be empty" }),
    Schema.maxLength(API_TOKEN_NAME_MAX_LENGTH, {
      message: () => `name must be at most ${API_TOKEN_NAME_MAX_LENGTH} characters`,
    }),
  ),
  // The API's field name, so a refusal names the field the client sent.
  expiresInDays: Schema.optionalWith(
    Schema.Number.pipe(
      Schema.int({ message: daysMessage }),
      Schema.between(1, MAX_API_TOKEN_DAYS, { message: daysMessage }),
    ),
    { exact: true },
  ).pipe(Schema.fromKey("expires_in_days")),
});
export type IssueApiTokenRequest = typeof IssueApiTokenRequest.Encoded;

/** The new token. `token` is the only time the secret is available: it is not stored. */
export interface IssuedApiToken {
  readonly token: string;
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export type IssueApiTokenError = Forbidden | InvalidInput | RecordNotFound | PersistenceFailure;

/**
 * A signed-in user issues a bearer token for scripts, the CLI or a service. The token is 32
 * random bytes; only its SHA-256 is written, so a leaked table yields no usable token.
 */
export class IssueApiToken {
  constructor(private readonly ports: Pick<DomainPorts, "apiTokens" | "clock" | "ids">) {}

  run(
    principal: Principal,
    request: IssueApiTokenRequest,
  ): Effect.Effect<IssuedApiToken, IssueApiTokenError> {
    const { apiTokens, clock, ids } = this.ports;
    return Effect.gen(function* () {
      if (principal._tag === "Anonymous") {
        return yield* new Forbidden({ reason: "sign in to issue an API token", signInRequired: true });
      }
      const input = yield* validateInput(IssueApiTokenRequest, request);
      const token = yield* newApiTokenSecret;
      const tokenHash = yield* hashApiToken(token);
      const createdAt = clock.now();
      const days = input.expiresInDays ?? DEFAULT_API_TOKEN_DAYS;
      const stored = yield* apiTokens
        .insert({
          id: ids.opaqueId(),
          userId: principal.id,
          name: input.name,
          tokenHash,
          createdAt,
          expiresAt: new Date(createdAt.getTime() + days * DAY_MS),
        })
        .pipe(
          // 256 random bits do not collide; a clash means a broken generator, not a bad request.
          Effect.catchTag("UniqueViolation", (clash) => Effect.die(clash)),
        );
      return {
        token,
        id: stored.id,
        name: stored.name,
        createdAt: stored.createdAt,
        expiresAt: stored.expiresAt,
      };
    }).pipe(Effect.withSpan("IssueApiToken.run"));
  }
}
