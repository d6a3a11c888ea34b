import { Effect, Either } from "effect";
import { parseCollectionKey } from "../../model/keys.js";
import type { Principal } from "../../model/user.js";
import { canAdminCollection, canSetOperatorFlags, canViewCollection } from "../../policy/access.js";
import type { CollectionRepository } from "../../ports/collection-repository.js";
import { CollectionNotFound, Forbidden, orFail } from "../errors.js";

/**
 * Reading a collection, administering it (changing, deleting), or setting only its operator
 * flags, which staff may do on any collection as they did in upstream's Django admin.
 */
export type CollectionNeed = "view" | "admin" | "operate";

/**
 * What a principal who may not view a collection is told. Anonymous visitors are asked to sign
 * in (a shared link usually works once they have); signed-in users learn nothing, not even that
 * the collection exists. Keys are random UUIDs, so telling an anonymous visitor that a key they
 * hold exists gives nothing away that guessing could find.
 */
export const collectionHiddenFrom = (principal: Principal, key: string): CollectionNotFound | Forbidden =>
  principal._tag === "Anonymous"
    ? new Forbidden({ reason: "sign in to see this collection", signInRequired: true })
    : new CollectionNotFound({ key });

/** Loads a collection when `principal` may do what `need` says with it; the key may be hex or dashed. */
export const findCollectionFor = Effect.fn("findCollectionFor")(function* (
  collections: CollectionRepository,
  principal: Principal,
  key: string,
  need: CollectionNeed,
) {
  const parsed = parseCollectionKey(key);
  if (Either.isLeft(parsed)) return yield* new CollectionNotFound({ key });
  const collection = yield* collections
    .findByKey(parsed.right)
    .pipe(orFail(() => new CollectionNotFound({ key: parsed.right })));
  if (need === "operate" && canSetOperatorFlags(principal)) return collection;
  if (!canViewCollection(principal, collection))
    return yield* collectionHiddenFrom(principal, collection.key);
  if (need !== "view" && !canAdminCollection(principal, collection)) {
    return yield* new Forbidden({
      reason: "only admins of this collection may change it",
      signInRequired: principal._tag === "Anonymous",
    });
  }
  return collection;
});
