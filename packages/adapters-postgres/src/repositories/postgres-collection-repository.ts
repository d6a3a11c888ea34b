import { Effect, Option } from "effect";
import type { Knex } from "knex";
import type {
  Collection,
  CollectionKey,
  CollectionListItem,
  CollectionListQuery,
  CollectionRepository,
  InvalidCursor,
  Page,
  PageRequest,
  PersistenceFailure,
  RecordNotFound,
  UniqueViolation,
  UserId,
} from "@ovs/domain";
import { RecordNotFound as NotFound } from "@ovs/domain";
import { applyPlan, pageOf, planOrFail } from "../keyset-paging.js";
import type { CollectionRow } from "../rows.js";
import { collectionColumns, collectionOf, containsPattern, toDate } from "../rows.js";
import type { SqlContext } from "../sql-context.js";
import { withoutUniqueViolation } from "../sql-context.js";
import { visibilitySql } from "../visibility-sql.js";
import { replaceGroupList } from "./group-lists.js";

type Db = Knex | Knex.Transaction;

const GROUP_LISTS = [
  `ARRAY(SELECT g.group_name FROM collection_view_groups AS g WHERE g.collection_key = c.key ORDER BY g.position) AS view_lists`,
  `ARRAY(SELECT g.group_name FROM collection_admin_groups AS g WHERE g.collection_key = c.key ORDER BY g.position) AS admin_lists`,
].join(", ");

interface CollectionWithListsRow extends CollectionRow {
  readonly view_lists: ReadonlyArray<string>;
  readonly admin_lists: ReadonlyArray<string>;
}

interface CollectionListRow extends CollectionWithListsRow {
  readonly video_count: number | string;
}

const fromRow = (row: CollectionWithListsRow): Collection =>
  collectionOf(row, row.view_lists, row.admin_lists);

const SORT_COLUMNS = { createdAt: "c.created_at", title: "c.title", key: "c.key" };

/** Every condition of a list query but the paging, on `collections c`. */
const filtered = (db: Db, query: CollectionListQuery): Knex.QueryBuilder => {
  const visibility = visibilitySql(query.visibility, { hasVideo: false });
  let builder = db.from("collections as c").whereRaw(visibility.sql, [...visibility.bindings]);
  const contains = (column: string, fragment: string | undefined): void => {
    if (fragment !== undefined)
      builder = builder.whereRaw(`${column} ILIKE ? ESCAPE '\\'`, [containsPattern(fragment)]);
  };
  contains("c.title", query.titleContains);
  contains("c.slug", query.slugContains);
  contains("c.description", query.descriptionContains);
  contains("c.edx_course_id", query.edxCourseIdContains);
  if (query.edxEndpointId !== undefined) {
    builder = builder.whereRaw(
      "EXISTS (SELECT 1 FROM collection_edx_endpoints AS l WHERE l.collection_key = c.key AND l.edx_endpoint_id = ?)",
      [query.edxEndpointId],
    );
  }
  if (query.search !== undefined) {
    const pattern = containsPattern(query.search);
    builder = builder.whereRaw(
      `(c.title ILIKE ? ESCAPE '\\' OR c.description ILIKE ? ESCAPE '\\' OR c.edx_course_id ILIKE ? ESCAPE '\\' OR c.slug ILIKE ? ESCAPE '\\'
        OR EXISTS (SELECT 1 FROM videos AS v WHERE v.collection_key = c.key AND (v.title ILIKE ? ESCAPE '\\' OR v.description ILIKE ? ESCAPE '\\')))`,
      [pattern, pattern, pattern, pattern, pattern, pattern],
    );
  }
  return builder;
};

/** Collections with their view and admin lists, on knex. */
export class PostgresCollectionRepository implements CollectionRepository {
  constructor(private readonly sql: SqlContext) {}

  private select(db: Db): Knex.QueryBuilder {
    return db.from("collections as c").select("c.*", db.raw(GROUP_LISTS));
  }

  private async readCollection(db: Db, key: CollectionKey): Promise<Collection | undefined> {
    const row: CollectionWithListsRow | undefined = await this.select(db).where("c.key", key).first();
    return row === undefined ? undefined : fromRow(row);
  }

  private async writeLists(db: Knex.Transaction, collection: Collection): Promise<void> {
    await replaceGroupList(
      db,
      "collection_view_groups",
      "collection_key",
      collection.key,
      collection.viewLists,
    );
    await replaceGroupList(
      db,
      "collection_admin_groups",
      "collection_key",
      collection.key,
      collection.adminLists,
    );
  }

  insert(
    collection: Collection,
  ): Effect.Effect<Collection, UniqueViolation | RecordNotFound | PersistenceFailure> {
    return this.sql.atomically("insert collection", async (db) => {
      await db("collections").insert(collectionColumns(collection));
      await this.writeLists(db, collection);
      return (await this.readCollection(db, collection.key)) ?? collection;
    });
  }

  update(collection: Collection): Effect.Effect<Collection, RecordNotFound | PersistenceFailure> {
    const { key: _key, created_at: _createdAt, ...columns } = collectionColumns(collection);
    return withoutUniqueViolation(
      Effect.flatMap(
        this.sql.atomically("update collection", async (db) => {
          const changed = await db("collections").where("key", collection.key).update(columns);
          if (changed === 0) return undefined;
          await this.writeLists(db, collection);
          return this.readCollection(db, collection.key);
        }),
        (stored) =>
          stored === undefined
            ? Effect.fail(new NotFound({ entity: "Collection", id: collection.key }))
            : Effect.succeed(stored),
      ),
    );
  }

  delete(key: CollectionKey): Effect.Effect<void, RecordNotFound | PersistenceFailure> {
    return Effect.flatMap(
      this.sql.statement("delete collection", (db) =>
        db("collections").where("key", key).delete().returning("key"),
      ),
      (deleted: ReadonlyArray<unknown>) =>
        deleted.length === 0 ? Effect.fail(new NotFound({ entity: "Collection", id: key })) : Effect.void,
    );
  }

  findByKey(key: CollectionKey): Effect.Effect<Option.Option<Collection>, PersistenceFailure> {
    return this.sql.statement("find collection", async (db) =>
      Option.fromNullable(await this.readCollection(db, key)),
    );
  }

  findByKeys(
    keys: ReadonlyArray<CollectionKey>,
  ): Effect.Effect<ReadonlyArray<Collection>, PersistenceFailure> {
    return this.sql.statement("find collections", async (db) => {
      const distinct = [...new Set(keys)];
      if (distinct.length === 0) return [];
      const rows: ReadonlyArray<CollectionWithListsRow> = await this.select(db).whereIn("c.key", distinct);
      const byKey = new Map(rows.map((row) => [row.key, fromRow(row)]));
      return distinct.flatMap((key) => {
        const collection = byKey.get(key);
        return collection === undefined ? [] : [collection];
      });
    });
  }

  findBySlugAndOwner(
    slug: string,
    ownerId: UserId,
  ): Effect.Effect<Option.Option<Collection>, PersistenceFailure> {
    return this.sql.statement("find collection by slug", async (db) => {
      const row: CollectionWithListsRow | undefined = await this.select(db)
        .where({ "c.slug": slug, "c.owner_id": ownerId })
        .orderBy([
          { column: "c.created_at", order: "asc" },
          { column: "c.id", order: "asc" },
        ])
        .first();
      return row === undefined ? Option.none() : Option.some(fromRow(row));
    });
  }

  list(
    query: CollectionListQuery,
    request: PageRequest,
  ): Effect.Effect<Page<CollectionListItem>, InvalidCursor | PersistenceFailure> {
    return Effect.flatMap(planOrFail(SORT_COLUMNS, query.ordering ?? "-created_at", request), (plan) =>
      this.sql.statement("list collections", async (db) => {
        const rows: ReadonlyArray<CollectionListRow> = await applyPlan(
          filtered(db, query).select(
            "c.*",
            db.raw(GROUP_LISTS),
            db.raw("(SELECT count(*) FROM videos AS v WHERE v.collection_key = c.key) AS video_count"),
          ),
          plan,
        );
        const counted: { readonly total: number | string } | undefined = await filtered(db, query)
          .count({ total: "*" })
          .first();
        return pageOf(
          rows,
          plan,
          Number(counted?.total ?? 0),
          (row) => ({ createdAt: toDate(row.created_at), title: row.title, key: row.key }),
          (row): CollectionListItem => ({ collection: fromRow(row), videoCount: Number(row.video_count) }),
        );
      }),
    );
  }

  listScheduledForRetranscode(): Effect.Effect<ReadonlyArray<Collection>, PersistenceFailure> {
    return this.sql.statement("list collections scheduled for retranscode", async (db) => {
      const rows: ReadonlyArray<CollectionWithListsRow> = await this.select(db)
        .where("c.schedule_retranscode", true)
        .orderBy([
          { column: "c.created_at", order: "asc" },
          { column: "c.key", order: "asc" },
        ]);
      return rows.map(fromRow);
    });
  }
}
