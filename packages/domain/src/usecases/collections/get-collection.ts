import { Effect } from "effect";
import type { Principal } from "../../model/user.js";
import type { CdnSigningFailure } from "../../ports/cdn-urls.js";
import type { PersistenceFailure, RecordNotFound } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import type { CollectionNotFound, Forbidden } from "../errors.js";
import { findCollectionFor } from "./collection-access.js";
import type { CollectionView } from "./collection-view.js";
import { collectionViewFor } from "./collection-view.js";

export type GetCollectionError =
  CollectionNotFound | Forbidden | RecordNotFound | PersistenceFailure | CdnSigningFailure;

/**
 * One collection with the videos the principal may view (upstream `GET /api/v0/collections/<key>/`).
 * Fixes upstream, where anyone holding the key could read any collection: a collection the
 * principal may not view is `Forbidden` with `signInRequired` for anonymous visitors and
 * `CollectionNotFound` for signed-in users.
 */
export class GetCollection {
  constructor(private readonly ports: Pick<DomainPorts, "collections" | "videos" | "users" | "cdnUrls">) {}

  run(principal: Principal, key: string): Effect.Effect<CollectionView, GetCollectionError> {
    return Effect.flatMap(findCollectionFor(this.ports.collections, principal, key, "view"), (collection) =>
      collectionViewFor(this.ports, principal, collection),
    ).pipe(Effect.withSpan("GetCollection.run", { attributes: { collectionKey: key } }));
  }
}
