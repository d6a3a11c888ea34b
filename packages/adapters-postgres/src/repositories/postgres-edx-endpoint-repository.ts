import { Effect, Option, Redacted } from "effect";
import type {
  CollectionKey,
  EdxEndpoint,
  EdxEndpointId,
  EdxEndpointRepository,
  NewEdxEndpoint,
  PersistenceFailure,
  UniqueViolation,
} from "@ovs/domain";
import { RecordNotFound } from "@ovs/domain";
import type { EdxEndpointRow } from "../rows.js";
import { edxEndpointOf } from "../rows.js";
import type { SqlContext } from "../sql-context.js";
import { withoutMissingReference, withoutUniqueViolation } from "../sql-context.js";

export class PostgresEdxEndpointRepository implements EdxEndpointRepository {
  constructor(private readonly sql: SqlContext) {}

  insert(
    endpoint: NewEdxEndpoint,
    at: Date,
  ): Effect.Effect<EdxEndpoint, UniqueViolation | PersistenceFailure> {
    return withoutMissingReference(
      this.sql.constrainedStatement("insert edX endpoint", async (db) => {
        const [row]: ReadonlyArray<EdxEndpointRow> = await db("edx_endpoints")
          .insert({
            name: endpoint.name,
            base_url: endpoint.baseUrl,
            edx_video_api_path: endpoint.edxVideoApiPath,
            // Stored as given: encryption at rest is the database's (or a later migration's) job.
            client_id: Redacted.value(endpoint.clientId),
            secret_key: Redacted.value(endpoint.secretKey),
            access_token: endpoint.accessToken === null ? null : Redacted.value(endpoint.accessToken),
            access_token_expires_at: endpoint.accessTokenExpiresAt,
            is_global_default: endpoint.isGlobalDefault,
            created_at: at,
            updated_at: at,
          })
          .returning("*");
        if (row === undefined) throw new Error("insert returned no row");
        return edxEndpointOf(row);
      }),
    );
  }

  findById(id: EdxEndpointId): Effect.Effect<Option.Option<EdxEndpoint>, PersistenceFailure> {
    return this.sql.statement("find edX endpoint", async (db) =>
      Option.map(
        Option.fromNullable<EdxEndpointRow>(await db("edx_endpoints").where("id", id).first()),
        edxEndpointOf,
      ),
    );
  }

  list(): Effect.Effect<ReadonlyArray<EdxEndpoint>, PersistenceFailure> {
    return this.sql.statement("list edX endpoints", async (db) => {
      const rows: ReadonlyArray<EdxEndpointRow> = await db("edx_endpoints").orderBy("id");
      return rows.map(edxEndpointOf);
    });
  }

  listForCollection(key: CollectionKey): Effect.Effect<ReadonlyArray<EdxEndpoint>, PersistenceFailure> {
    return this.sql.statement("list edX endpoints of a collection", async (db) => {
      const rows: ReadonlyArray<EdxEndpointRow> = await db("collection_edx_endpoints as l")
        .join("edx_endpoints as e", "e.id", "l.edx_endpoint_id")
        .where("l.collection_key", key)
        .orderBy("l.id")
        .select("e.*");
      return rows.map(edxEndpointOf);
    });
  }

  link(key: CollectionKey, id: EdxEndpointId): Effect.Effect<void, RecordNotFound | PersistenceFailure> {
    return withoutUniqueViolation(
      this.sql.constrainedStatement("link edX endpoint", async (db) => {
        await db("collection_edx_endpoints")
          .insert({ collection_key: key, edx_endpoint_id: id })
          .onConflict(["collection_key", "edx_endpoint_id"])
          .ignore();
      }),
    );
  }

  unlink(key: CollectionKey, id: EdxEndpointId): Effect.Effect<void, PersistenceFailure> {
    return this.sql.statement("unlink edX endpoint", async (db) => {
      await db("collection_edx_endpoints").where({ collection_key: key, edx_endpoint_id: id }).delete();
    });
  }

  saveToken(
    id: EdxEndpointId,
    token: Redacted.Redacted<string>,
    expiresAt: Date,
    at: Date,
  ): Effect.Effect<void, RecordNotFound | PersistenceFailure> {
    return Effect.flatMap(
      this.sql.statement("save edX token", (db) =>
        db("edx_endpoints")
          .where("id", id)
          .update({
            access_token: Redacted.value(token),
            access_token_expires_at: expiresAt,
            updated_at: at,
          }),
      ),
      (changed) =>
        changed === 0
          ? Effect.fail(new RecordNotFound({ entity: "EdxEndpoint", id: String(id) }))
          : Effect.void,
    );
  }
}
