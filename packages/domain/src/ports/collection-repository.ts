import type { Effect, Option } from "effect";
import type { Collection } from "../model/collection.js";
import type { EdxEndpointId } from "../model/edx-endpoint.js";
import type { CollectionKey } from "../model/keys.js";
import type { UserId } from "../model/user.js";
import type { CollectionListScope } from "../policy/access.js";
import type { InvalidCursor, Page, PageRequest } from "./pagination.js";
import type { PersistenceFailure, RecordNotFound, UniqueViolation } from "./persistence-errors.js";

export type CollectionOrdering = "-created_at" | "created_at" | "title" | "-title";

/**
 * What to list: the list scope plus the optional filters of the API (upstream
 * `CollectionFilter`). Text filters match case-insensitively anywhere in the field; a null
 * field never matches.
 */
export interface CollectionListQuery {
  /** Which collections the principal's list may show at all (`collectionListScope`). */
  readonly visibility: CollectionListScope;
  readonly titleContains?: string;
  readonly slugContains?: string;
  readonly descriptionContains?: string;
  readonly edxCourseIdContains?: string;
  /** Collections linked to this edX endpoint. */
  readonly edxEndpointId?: EdxEndpointId;
  /**
   * Matches the collection's title, description, edX course id or slug, or the title or
   * description of any of its videos (each collection listed once).
   */
  readonly search?: string;
  readonly ordering?: CollectionOrdering;
}

export interface CollectionListItem {
  readonly collection: Collection;
  readonly videoCount: number;
}

/**
 * Collections with their view and admin lists. The owner must be a stored user and every group
 * name must already exist as an access group (the use case ensures them in the same unit of
 * work); otherwise writes fail with `RecordNotFound` naming the missing row.
 */
export interface CollectionRepository {
  insert(
    collection: Collection,
  ): Effect.Effect<Collection, UniqueViolation | RecordNotFound | PersistenceFailure>;
  /** Replaces every field but key and createdAt; bumps updatedAt to the given value. */
  update(collection: Collection): Effect.Effect<Collection, RecordNotFound | PersistenceFailure>;
  /** Deletes the collection and, by cascade, its videos and their files, thumbnails, subtitles and jobs. */
  delete(key: CollectionKey): Effect.Effect<void, RecordNotFound | PersistenceFailure>;
  findByKey(key: CollectionKey): Effect.Effect<Option.Option<Collection>, PersistenceFailure>;
  findByKeys(
    keys: ReadonlyArray<CollectionKey>,
  ): Effect.Effect<ReadonlyArray<Collection>, PersistenceFailure>;
  /** Lecture capture finds its collections by slug and owner; the oldest match wins. */
  findBySlugAndOwner(
    slug: string,
    ownerId: UserId,
  ): Effect.Effect<Option.Option<Collection>, PersistenceFailure>;
  list(
    query: CollectionListQuery,
    page: PageRequest,
  ): Effect.Effect<Page<CollectionListItem>, InvalidCursor | PersistenceFailure>;
  /** Collections flagged for retranscoding. */
  listScheduledForRetranscode(): Effect.Effect<ReadonlyArray<Collection>, PersistenceFailure>;
}
export const CollectionRepository = Symbol.for("ovs/CollectionRepository");
