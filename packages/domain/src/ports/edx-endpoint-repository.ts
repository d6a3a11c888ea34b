import type { Effect, Option, Redacted } from "effect";
import type { EdxEndpoint, EdxEndpointId } from "../model/edx-endpoint.js";
import type { CollectionKey } from "../model/keys.js";
import type { PersistenceFailure, RecordNotFound, UniqueViolation } from "./persistence-errors.js";

/** A new endpoint: the credentials it is given are readable by definition. */
export type NewEdxEndpoint = Omit<EdxEndpoint, "id" | "createdAt" | "updatedAt" | "credentialsReadable">;

/** What staff may change on an endpoint; a field left out keeps its value. */
export type EdxEndpointChanges = Partial<
  Pick<EdxEndpoint, "name" | "baseUrl" | "edxVideoApiPath" | "clientId" | "secretKey">
>;

export interface EdxEndpointRepository {
  insert(
    endpoint: NewEdxEndpoint,
    at: Date,
  ): Effect.Effect<EdxEndpoint, UniqueViolation | PersistenceFailure>;
  findById(id: EdxEndpointId): Effect.Effect<Option.Option<EdxEndpoint>, PersistenceFailure>;
  list(): Effect.Effect<ReadonlyArray<EdxEndpoint>, PersistenceFailure>;
  /**
   * Changes the fields given and sets `updatedAt`. A client id, secret key or base URL given
   * (even unchanged) forgets the cached token and its expiry: the token was issued for the
   * credentials and host it replaces, and the next post asks for a new one. Names stay unique.
   */
  update(
    id: EdxEndpointId,
    changes: EdxEndpointChanges,
    at: Date,
  ): Effect.Effect<EdxEndpoint, RecordNotFound | UniqueViolation | PersistenceFailure>;
  /** Deletes the endpoint with its links to collections and the records of its posts. */
  delete(id: EdxEndpointId): Effect.Effect<void, RecordNotFound | PersistenceFailure>;
  /** How many collections each endpoint is linked to; an endpoint without links is absent. */
  linkedCollectionCounts(): Effect.Effect<ReadonlyMap<EdxEndpointId, number>, PersistenceFailure>;
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
