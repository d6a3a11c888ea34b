import type { Effect, Option, Redacted } from "effect";
import type { EdxEndpoint, EdxEndpointId } from "../model/edx-endpoint.js";
import type { CollectionKey } from "../model/keys.js";
import type { PersistenceFailure, RecordNotFound, UniqueViolation } from "./persistence-errors.js";

export type NewEdxEndpoint = Omit<EdxEndpoint, "id" | "createdAt" | "updatedAt">;

export interface EdxEndpointRepository {
  insert(
    endpoint: NewEdxEndpoint,
    at: Date,
  ): Effect.Effect<EdxEndpoint, UniqueViolation | PersistenceFailure>;
  findById(id: EdxEndpointId): Effect.Effect<Option.Option<EdxEndpoint>, PersistenceFailure>;
  list(): Effect.Effect<ReadonlyArray<EdxEndpoint>, PersistenceFailure>;
  /** Endpoints linked to a collection, in link order. */
  listForCollection(key: CollectionKey): Effect.Effect<ReadonlyArray<EdxEndpoint>, PersistenceFailure>;
  /** Links are unique per pair; linking twice is a no-op. */
  link(key: CollectionKey, id: EdxEndpointId): Effect.Effect<void, RecordNotFound | PersistenceFailure>;
  unlink(key: CollectionKey, id: EdxEndpointId): Effect.Effect<void, PersistenceFailure>;
  /** Caches a token with its absolute expiry. */
  saveToken(
    id: EdxEndpointId,
    token: Redacted.Redacted<string>,
    expiresAt: Date,
    at: Date,
  ): Effect.Effect<void, RecordNotFound | PersistenceFailure>;
}
export const EdxEndpointRepository = Symbol.for("ovs/EdxEndpointRepository");
