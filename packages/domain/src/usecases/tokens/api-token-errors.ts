import { Data } from "effect";

/**
 * The bearer token is unknown, malformed, expired or revoked. One error for all four, with no
 * detail, so a caller probing tokens learns nothing about which it hit.
 */
export class InvalidApiToken extends Data.TaggedError("InvalidApiToken")<Record<never, never>> {
  override get message(): string {
    return "invalid API token";
  }
}

/** The principal has no token with this id (someone else's token answers the same). */
export class ApiTokenNotFound extends Data.TaggedError("ApiTokenNotFound")<{ readonly id: string }> {
  override get message(): string {
    return `no API token ${this.id}`;
  }
}
