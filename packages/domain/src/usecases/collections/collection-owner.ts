import type { Effect } from "effect";
import type { Collection } from "../../model/collection.js";
import type { User, UserId } from "../../model/user.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import { RecordNotFound } from "../../ports/persistence-errors.js";
import type { UserRepository } from "../../ports/user-repository.js";
import type { InvalidInput } from "../errors.js";
import { invalidField, orFail } from "../errors.js";

/** The owner row; the store's foreign key guarantees it, so a missing one is reported, not invented. */
export const ownerOf = (
  users: UserRepository,
  collection: Pick<Collection, "ownerId">,
): Effect.Effect<User, RecordNotFound | PersistenceFailure> =>
  users
    .findById(collection.ownerId)
    .pipe(orFail(() => new RecordNotFound({ entity: "User", id: String(collection.ownerId) })));

/** The user a body names as `owner`; an unknown id is the client's mistake (DRF's message). */
export const requestedOwner = (
  users: UserRepository,
  id: UserId,
): Effect.Effect<User, InvalidInput | PersistenceFailure> =>
  users.findById(id).pipe(orFail(() => invalidField("owner", `Invalid pk "${id}" - object does not exist.`)));
