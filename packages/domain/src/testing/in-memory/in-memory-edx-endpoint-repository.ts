import { Effect, Option } from "effect";
import type { Redacted } from "effect";
import type { EdxEndpoint, EdxEndpointId } from "../../model/edx-endpoint.js";
import type { CollectionKey } from "../../model/keys.js";
import type {
  EdxEndpointChanges,
  EdxEndpointRepository,
  NewEdxEndpoint,
} from "../../ports/edx-endpoint-repository.js";
import { RecordNotFound, UniqueViolation } from "../../ports/persistence-errors.js";
import type { InMemoryDatabase } from "./in-memory-database.js";
import { byId, copyRow } from "./in-memory-rows.js";

const linkId = (key: CollectionKey, id: EdxEndpointId): string => `${key}|${id}`;

/** edX endpoints and their links to collections in the shared in-memory tables. */
export class InMemoryEdxEndpointRepository implements EdxEndpointRepository {
  constructor(private readonly database: InMemoryDatabase) {}

  private get endpoints(): Map<number, EdxEndpoint> {
    return this.database.tables.edxEndpoints;
  }

  /** The unique index on `name`: another endpoint than `exceptId` already has it. */
  private nameTaken(name: string, exceptId?: EdxEndpointId): UniqueViolation | undefined {
    const taken = [...this.endpoints.values()].some(
      (existing) => existing.name === name && existing.id !== exceptId,
    );
    return taken ? new UniqueViolation({ entity: "EdxEndpoint", field: "name", value: name }) : undefined;
  }

  insert(endpoint: NewEdxEndpoint, at: Date): Effect.Effect<EdxEndpoint, UniqueViolation> {
    return Effect.suspend(() => {
      const clash = this.nameTaken(endpoint.name);
      if (clash !== undefined) return Effect.fail(clash);
      const stored = copyRow<EdxEndpoint>({
        ...endpoint,
        id: this.database.nextId() as EdxEndpointId,
        credentialsReadable: true,
        createdAt: at,
        updatedAt: at,
      });
      this.endpoints.set(stored.id, stored);
      return Effect.succeed(copyRow(stored));
    });
  }

  findById(id: EdxEndpointId): Effect.Effect<Option.Option<EdxEndpoint>> {
    return Effect.sync(() => Option.map(Option.fromNullable(this.endpoints.get(id)), copyRow));
  }

  list(): Effect.Effect<ReadonlyArray<EdxEndpoint>> {
    return Effect.sync(() => [...this.endpoints.values()].sort(byId).map(copyRow));
  }

  update(
    id: EdxEndpointId,
    changes: EdxEndpointChanges,
    at: Date,
  ): Effect.Effect<EdxEndpoint, RecordNotFound | UniqueViolation> {
    return Effect.suspend((): Effect.Effect<EdxEndpoint, RecordNotFound | UniqueViolation> => {
      const current = this.endpoints.get(id);
      if (current === undefined)
        return Effect.fail(new RecordNotFound({ entity: "EdxEndpoint", id: String(id) }));
      const clash = changes.name === undefined ? undefined : this.nameTaken(changes.name, id);
      if (clash !== undefined) return Effect.fail(clash);
      const credentialsGiven = changes.clientId !== undefined || changes.secretKey !== undefined;
      const forgetsToken = credentialsGiven || changes.baseUrl !== undefined;
      const stored = copyRow<EdxEndpoint>({
        ...current,
        ...changes,
        // Only both credentials re-entered replace what could not be read; the sealing
        // repositories behave the same way, column by column.
        credentialsReadable:
          current.credentialsReadable || (changes.clientId !== undefined && changes.secretKey !== undefined),
        ...(forgetsToken ? { accessToken: null, accessTokenExpiresAt: null } : {}),
        updatedAt: at,
      });
      this.endpoints.set(id, stored);
      return Effect.succeed(copyRow(stored));
    });
  }

  delete(id: EdxEndpointId): Effect.Effect<void, RecordNotFound> {
    return Effect.suspend(() => {
      const tables = this.database.tables;
      if (!this.endpoints.delete(id))
        return Effect.fail(new RecordNotFound({ entity: "EdxEndpoint", id: String(id) }));
      // The foreign keys of links and post records cascade.
      for (const [linkKey, link] of [...tables.collectionEdxEndpoints]) {
        if (link.edxEndpointId === id) tables.collectionEdxEndpoints.delete(linkKey);
      }
      for (const [recordKey, record] of [...tables.edxPostRecords]) {
        if (record.edxEndpointId === id) tables.edxPostRecords.delete(recordKey);
      }
      return Effect.void;
    });
  }

  linkedCollectionCounts(): Effect.Effect<ReadonlyMap<EdxEndpointId, number>> {
    return Effect.sync(() => {
      const counts = new Map<EdxEndpointId, number>();
      for (const link of this.database.tables.collectionEdxEndpoints.values()) {
        const id = link.edxEndpointId as EdxEndpointId;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    });
  }

  listForCollection(key: CollectionKey): Effect.Effect<ReadonlyArray<EdxEndpoint>> {
    return Effect.sync(() =>
      [...this.database.tables.collectionEdxEndpoints.values()].flatMap((link) => {
        const endpoint = link.collectionKey === key ? this.endpoints.get(link.edxEndpointId) : undefined;
        return endpoint === undefined ? [] : [copyRow(endpoint)];
      }),
    );
  }

  link(key: CollectionKey, id: EdxEndpointId): Effect.Effect<void, RecordNotFound> {
    return Effect.suspend(() => {
      const tables = this.database.tables;
      if (!tables.collections.has(key))
        return Effect.fail(new RecordNotFound({ entity: "Collection", id: key }));
      if (!this.endpoints.has(id))
        return Effect.fail(new RecordNotFound({ entity: "EdxEndpoint", id: String(id) }));
      // Map keeps insertion order, so an existing link keeps its place.
      if (!tables.collectionEdxEndpoints.has(linkId(key, id))) {
        tables.collectionEdxEndpoints.set(linkId(key, id), { collectionKey: key, edxEndpointId: id });
      }
      return Effect.void;
    });
  }

  unlink(key: CollectionKey, id: EdxEndpointId): Effect.Effect<void> {
    return Effect.sync(() => {
      this.database.tables.collectionEdxEndpoints.delete(linkId(key, id));
    });
  }

  saveToken(
    id: EdxEndpointId,
    token: Redacted.Redacted<string>,
    expiresAt: Date,
    at: Date,
  ): Effect.Effect<void, RecordNotFound> {
    return Effect.suspend(() => {
      const current = this.endpoints.get(id);
      if (current === undefined)
        return Effect.fail(new RecordNotFound({ entity: "EdxEndpoint", id: String(id) }));
      this.endpoints.set(
        id,
        copyRow({ ...current, accessToken: token, accessTokenExpiresAt: expiresAt, updatedAt: at }),
      );
      return Effect.void;
    });
  }
}
