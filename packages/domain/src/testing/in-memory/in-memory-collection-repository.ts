import { Effect, Either, Option } from "effect";
import type { Collection } from "../../model/collection.js";
import type { CollectionKey } from "../../model/keys.js";
import type { UserId } from "../../model/user.js";
import { filterAdmits } from "../../policy/access.js";
import type {
  CollectionListItem,
  CollectionListQuery,
  CollectionRepository,
} from "../../ports/collection-repository.js";
import type { InvalidCursor, Page, PageRequest } from "../../ports/pagination.js";
import { RecordNotFound, UniqueViolation } from "../../ports/persistence-errors.js";
import type { InMemoryDatabase, Tables } from "./in-memory-database.js";
import { paginate } from "./in-memory-paging.js";
import {
  cascadeDeleteCollection,
  containsIgnoringCase,
  copyRow,
  distinct,
  firstMissingGroup,
} from "./in-memory-rows.js";

const TABLE = "collections";

/** The row a collection refers to that does not exist: its owner or one of its groups. */
const missingReferenceOf = (tables: Tables, collection: Collection): RecordNotFound | undefined => {
  if (!tables.users.has(collection.ownerId)) {
    return new RecordNotFound({ entity: "User", id: String(collection.ownerId) });
  }
  const missing = firstMissingGroup(tables, [...collection.viewLists, ...collection.adminLists]);
  return missing === undefined ? undefined : new RecordNotFound({ entity: "AccessGroup", id: missing });
};

/** Every condition of a list query but the paging. */
const matches = (tables: Tables, query: CollectionListQuery, collection: Collection): boolean => {
  if (!filterAdmits(query.visibility, { collection })) return false;
  const textFilters: ReadonlyArray<readonly [string | null, string | undefined]> = [
    [collection.title, query.titleContains],
    [collection.slug, query.slugContains],
    [collection.description, query.descriptionContains],
    [collection.edxCourseId, query.edxCourseIdContains],
  ];
  if (
    textFilters.some(([text, fragment]) => fragment !== undefined && !containsIgnoringCase(text, fragment))
  ) {
    return false;
  }
  const endpointId = query.edxEndpointId;
  if (
    endpointId !== undefined &&
    ![...tables.collectionEdxEndpoints.values()].some(
      (link) => link.collectionKey === collection.key && link.edxEndpointId === endpointId,
    )
  ) {
    return false;
  }
  if (query.search !== undefined) {
    const search = query.search;
    const own = [collection.title, collection.description, collection.edxCourseId, collection.slug];
    const found =
      own.some((text) => containsIgnoringCase(text, search)) ||
      [...tables.videos.values()].some(
        (video) =>
          video.collectionKey === collection.key &&
          (containsIgnoringCase(video.title, search) || containsIgnoringCase(video.description, search)),
      );
    if (!found) return false;
  }
  return true;
};

const storable = (collection: Collection): Collection =>
  copyRow({
    ...collection,
    viewLists: distinct(collection.viewLists),
    adminLists: distinct(collection.adminLists),
  });

/** Collections in the shared in-memory tables, with the database's key and reference checks. */
export class InMemoryCollectionRepository implements CollectionRepository {
  constructor(private readonly database: InMemoryDatabase) {}

  insert(collection: Collection): Effect.Effect<Collection, UniqueViolation | RecordNotFound> {
    return Effect.suspend((): Effect.Effect<Collection, UniqueViolation | RecordNotFound> => {
      const tables = this.database.tables;
      if (tables.collections.has(collection.key)) {
        return Effect.fail(
          new UniqueViolation({ entity: "Collection", field: "key", value: collection.key }),
        );
      }
      const missingReference = missingReferenceOf(tables, collection);
      if (missingReference !== undefined) return Effect.fail(missingReference);
      const stored = storable(collection);
      tables.collections.set(collection.key, stored);
      this.database.recordInsertion(TABLE, collection.key);
      return Effect.succeed(copyRow(stored));
    });
  }

  update(collection: Collection): Effect.Effect<Collection, RecordNotFound> {
    return Effect.suspend(() => {
      const tables = this.database.tables;
      const current = tables.collections.get(collection.key);
      if (current === undefined) {
        return Effect.fail(new RecordNotFound({ entity: "Collection", id: collection.key }));
      }
      const missingReference = missingReferenceOf(tables, collection);
      if (missingReference !== undefined) return Effect.fail(missingReference);
      const stored = storable({ ...collection, key: current.key, createdAt: current.createdAt });
      tables.collections.set(collection.key, stored);
      return Effect.succeed(copyRow(stored));
    });
  }

  delete(key: CollectionKey): Effect.Effect<void, RecordNotFound> {
    return Effect.suspend(() => {
      const tables = this.database.tables;
      if (!tables.collections.has(key))
        return Effect.fail(new RecordNotFound({ entity: "Collection", id: key }));
      cascadeDeleteCollection(tables, key);
      return Effect.void;
    });
  }

  findByKey(key: CollectionKey): Effect.Effect<Option.Option<Collection>> {
    return Effect.sync(() =>
      Option.map(Option.fromNullable(this.database.tables.collections.get(key)), copyRow),
    );
  }

  findByKeys(keys: ReadonlyArray<CollectionKey>): Effect.Effect<ReadonlyArray<Collection>> {
    return Effect.sync(() =>
      distinct(keys).flatMap((key) => {
        const collection = this.database.tables.collections.get(key);
        return collection === undefined ? [] : [copyRow(collection)];
      }),
    );
  }

  findBySlugAndOwner(slug: string, ownerId: UserId): Effect.Effect<Option.Option<Collection>> {
    return Effect.sync(() => {
      const oldest = [...this.database.tables.collections.values()]
        .filter((collection) => collection.slug === slug && collection.ownerId === ownerId)
        .sort(
          (a, b) =>
            a.createdAt.getTime() - b.createdAt.getTime() ||
            this.database.insertionOrder(TABLE, a.key) - this.database.insertionOrder(TABLE, b.key),
        )[0];
      return Option.map(Option.fromNullable(oldest), copyRow);
    });
  }

  list(
    query: CollectionListQuery,
    page: PageRequest,
  ): Effect.Effect<Page<CollectionListItem>, InvalidCursor> {
    return Effect.suspend(() => {
      const tables = this.database.tables;
      const visible = [...tables.collections.values()].filter((collection) =>
        matches(tables, query, collection),
      );
      const videoCounts = new Map<string, number>();
      for (const video of tables.videos.values()) {
        videoCounts.set(video.collectionKey, (videoCounts.get(video.collectionKey) ?? 0) + 1);
      }
      return Either.map(
        paginate(visible, query.ordering ?? "-created_at", page),
        (result): Page<CollectionListItem> => ({
          ...result,
          items: result.items.map((collection) => ({
            collection: copyRow(collection),
            videoCount: videoCounts.get(collection.key) ?? 0,
          })),
        }),
      );
    });
  }

  listScheduledForRetranscode(): Effect.Effect<ReadonlyArray<Collection>> {
    return Effect.sync(() =>
      [...this.database.tables.collections.values()]
        .filter((collection) => collection.scheduleRetranscode)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.key < b.key ? -1 : 1))
        .map(copyRow),
    );
  }
}
