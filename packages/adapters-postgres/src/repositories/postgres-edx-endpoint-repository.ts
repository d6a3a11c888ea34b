import { Effect, Option } from "effect";
import type { Redacted } from "effect";
import type { Knex } from "knex";
import type {
  CollectionKey,
  EdxEndpoint,
  EdxEndpointChanges,
  EdxEndpointId,
  EdxEndpointRepository,
  NewEdxEndpoint,
  PersistenceFailure,
  UniqueViolation,
} from "@ovs/domain";
import { RecordNotFound } from "@ovs/domain";
import type { CredentialSealer, SealedColumn } from "../credential-sealing.js";
import type { EdxEndpointRow } from "../rows.js";
import { edxEndpointOf } from "../rows.js";
import type { SqlContext } from "../sql-context.js";
import { withoutMissingReference, withoutUniqueViolation } from "../sql-context.js";

/** The sealed columns, by the column name a row has. */
const SEALED_CREDENTIALS = {
  client_id: "edx_endpoints.client_id",
  secret_key: "edx_endpoints.secret_key",
} as const satisfies Record<string, SealedColumn>;

/**
 * edX endpoints and their links to collections. The client id, the secret key and the cached
 * token are sealed on every write and opened on every read (`CredentialSealer`), so the table
 * never holds them in plaintext. Rows written before sealing existed hold plaintext: they read
 * as they are, and each write to such a row (a change, a new token) seals them as well.
 */
export class PostgresEdxEndpointRepository implements EdxEndpointRepository {
  constructor(
    private readonly sql: SqlContext,
    private readonly sealer: CredentialSealer,
  ) {}

  private readonly endpointOf = (row: EdxEndpointRow): EdxEndpoint => edxEndpointOf(row, this.sealer);

  private sealed(value: Redacted.Redacted<string>, column: SealedColumn): string {
    return this.sealer.seal(value, column);
  }

  /**
   * The legacy plaintext credentials of a row, sealed, for the write that is about to change it.
   * A value that does not open (another key) is left as it is: only re-entering replaces it.
   */
  private resealedLegacyCredentials(
    row: EdxEndpointRow,
  ): Partial<Record<keyof typeof SEALED_CREDENTIALS, string>> {
    const resealed: Partial<Record<keyof typeof SEALED_CREDENTIALS, string>> = {};
    for (const [field, column] of Object.entries(SEALED_CREDENTIALS) as Array<
      [keyof typeof SEALED_CREDENTIALS, SealedColumn]
    >) {
      const opened = this.sealer.open(row[field], column);
      if (opened._tag === "Right" && opened.right.legacyPlaintext) {
        resealed[field] = this.sealed(opened.right.value, column);
      }
    }
    return resealed;
  }

  /** The row, locked until the transaction ends, so a concurrent write cannot slip between read and write. */
  private async lockedRow(db: Knex.Transaction, id: EdxEndpointId): Promise<EdxEndpointRow | undefined> {
    const row: EdxEndpointRow | undefined = await db("edx_endpoints").where("id", id).forUpdate().first();
    return row;
  }

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
            client_id: this.sealed(endpoint.clientId, "edx_endpoints.client_id"),
            secret_key: this.sealed(endpoint.secretKey, "edx_endpoints.secret_key"),
            access_token:
              endpoint.accessToken === null
                ? null
                : this.sealed(endpoint.accessToken, "edx_endpoints.access_token"),
            access_token_expires_at: endpoint.accessTokenExpiresAt,
            is_global_default: endpoint.isGlobalDefault,
            created_at: at,
            updated_at: at,
          })
          .returning("*");
        if (row === undefined) throw new Error("insert returned no row");
        return this.endpointOf(row);
      }),
    );
  }

  findById(id: EdxEndpointId): Effect.Effect<Option.Option<EdxEndpoint>, PersistenceFailure> {
    return this.sql.statement("find edX endpoint", async (db) =>
      Option.map(
        Option.fromNullable<EdxEndpointRow>(await db("edx_endpoints").where("id", id).first()),
        this.endpointOf,
      ),
    );
  }

  list(): Effect.Effect<ReadonlyArray<EdxEndpoint>, PersistenceFailure> {
    return this.sql.statement("list edX endpoints", async (db) => {
      const rows: ReadonlyArray<EdxEndpointRow> = await db("edx_endpoints").orderBy("id");
      return rows.map(this.endpointOf);
    });
  }

  update(
    id: EdxEndpointId,
    changes: EdxEndpointChanges,
    at: Date,
  ): Effect.Effect<EdxEndpoint, RecordNotFound | UniqueViolation | PersistenceFailure> {
    return withoutMissingReference(
      this.sql.atomically("update edX endpoint", async (db) => {
        const current = await this.lockedRow(db, id);
        if (current === undefined) return undefined;
        const forgetsToken =
          changes.clientId !== undefined || changes.secretKey !== undefined || changes.baseUrl !== undefined;
        const [row]: ReadonlyArray<EdxEndpointRow> = await db("edx_endpoints")
          .where("id", id)
          .update({
            ...this.resealedLegacyCredentials(current),
            ...(changes.name === undefined ? {} : { name: changes.name }),
            ...(changes.baseUrl === undefined ? {} : { base_url: changes.baseUrl }),
            ...(changes.edxVideoApiPath === undefined ? {} : { edx_video_api_path: changes.edxVideoApiPath }),
            ...(changes.clientId === undefined
              ? {}
              : { client_id: this.sealed(changes.clientId, "edx_endpoints.client_id") }),
            ...(changes.secretKey === undefined
              ? {}
              : { secret_key: this.sealed(changes.secretKey, "edx_endpoints.secret_key") }),
            ...(forgetsToken ? { access_token: null, access_token_expires_at: null } : {}),
            updated_at: at,
          })
          .returning("*");
        if (row === undefined) throw new Error("update returned no row");
        return this.endpointOf(row);
      }),
    ).pipe(
      Effect.flatMap((updated) =>
        updated === undefined
          ? Effect.fail(new RecordNotFound({ entity: "EdxEndpoint", id: String(id) }))
          : Effect.succeed(updated),
      ),
    );
  }

  delete(id: EdxEndpointId): Effect.Effect<void, RecordNotFound | PersistenceFailure> {
    // Links and post records go with it: both foreign keys cascade.
    return Effect.flatMap(
      this.sql.statement("delete edX endpoint", (db) =>
        db("edx_endpoints").where("id", id).delete().returning("id"),
      ),
      (deleted: ReadonlyArray<unknown>) =>
        deleted.length === 0
          ? Effect.fail(new RecordNotFound({ entity: "EdxEndpoint", id: String(id) }))
          : Effect.void,
    );
  }

  linkedCollectionCounts(): Effect.Effect<ReadonlyMap<EdxEndpointId, number>, PersistenceFailure> {
    return this.sql.statement("count edX endpoint links", async (db) => {
      const rows: ReadonlyArray<{ readonly edx_endpoint_id: number; readonly links: number | string }> =
        await db("collection_edx_endpoints")
          .groupBy("edx_endpoint_id")
          .select("edx_endpoint_id", db.raw("count(*) as links"));
      // count(*) is a bigint, which the drivers return as text.
      return new Map(rows.map((row) => [row.edx_endpoint_id as EdxEndpointId, Number(row.links)]));
    });
  }

  listForCollection(key: CollectionKey): Effect.Effect<ReadonlyArray<EdxEndpoint>, PersistenceFailure> {
    return this.sql.statement("list edX endpoints of a collection", async (db) => {
      const rows: ReadonlyArray<EdxEndpointRow> = await db("collection_edx_endpoints as l")
        .join("edx_endpoints as e", "e.id", "l.edx_endpoint_id")
        .where("l.collection_key", key)
        .orderBy("l.id")
        .select("e.*");
      return rows.map(this.endpointOf);
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
      withoutUniqueViolation(
        withoutMissingReference(
          this.sql.atomically("save edX token", async (db) => {
            const current = await this.lockedRow(db, id);
            if (current === undefined) return false;
            await db("edx_endpoints")
              .where("id", id)
              .update({
                ...this.resealedLegacyCredentials(current),
                access_token: this.sealed(token, "edx_endpoints.access_token"),
                access_token_expires_at: expiresAt,
                updated_at: at,
              });
            return true;
          }),
        ),
      ),
      (saved) =>
        saved ? Effect.void : Effect.fail(new RecordNotFound({ entity: "EdxEndpoint", id: String(id) })),
    );
  }
}
