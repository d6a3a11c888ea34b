import type { ApiToken } from "../../ports/api-token-repository.js";

export type ApiTokenState = "active" | "expired" | "revoked";

/** A token as its owner sees it in a list: everything but the hash, and whether it still works. */
export interface ApiTokenSummary {
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
  readonly state: ApiTokenState;
}

/** Revoked wins over expired; a token expires at `expiresAt` exactly. */
export const apiTokenState = (token: Pick<ApiToken, "expiresAt" | "revokedAt">, now: Date): ApiTokenState =>
  token.revokedAt !== null ? "revoked" : now.getTime() >= token.expiresAt.getTime() ? "expired" : "active";

export const apiTokenSummaryOf = (token: ApiToken, now: Date): ApiTokenSummary => ({
  id: token.id,
  name: token.name,
  createdAt: token.createdAt,
  expiresAt: token.expiresAt,
  lastUsedAt: token.lastUsedAt,
  revokedAt: token.revokedAt,
  state: apiTokenState(token, now),
});
