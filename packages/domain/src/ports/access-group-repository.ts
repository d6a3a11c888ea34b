import type { Effect } from "effect";
import type { AccessGroup } from "../model/access-group.js";
import type { GroupName } from "../model/fields.js";
import type { PersistenceFailure } from "./persistence-errors.js";

/** Local mirror of the Keycloak group names referenced by collections and videos. */
export interface AccessGroupRepository {
  /** Creates the groups that do not exist yet; returns all of them, in the order given. */
  ensure(
    names: ReadonlyArray<GroupName>,
    at: Date,
  ): Effect.Effect<ReadonlyArray<AccessGroup>, PersistenceFailure>;
  findByNames(names: ReadonlyArray<GroupName>): Effect.Effect<ReadonlyArray<AccessGroup>, PersistenceFailure>;
  list(): Effect.Effect<ReadonlyArray<AccessGroup>, PersistenceFailure>;
}
export const AccessGroupRepository = Symbol.for("ovs/AccessGroupRepository");
