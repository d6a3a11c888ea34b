import { Effect } from "effect";
import type { Collection } from "../../model/collection.js";
import { collectionDefaults } from "../../model/collection.js";
import type { Principal } from "../../model/user.js";
import { canCreateCollection } from "../../policy/access.js";
import type { DirectoryFailure } from "../../ports/group-directory.js";
import type { PersistenceFailure, RecordNotFound, UniqueViolation } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import { Forbidden } from "../errors.js";
import type { InvalidInput } from "../errors.js";
import { validateInput } from "../validate-input.js";
import { checkGroupsExist } from "./access-group-lists.js";
import { CreateCollectionBody, normalisedCourseId } from "./collection-input.js";
import type { CollectionNotice } from "./collection-notices.js";
import { courseLinkNotices } from "./collection-notices.js";
import { checkOperatorFlags } from "./operator-flags.js";
import { ownerOf, requestedOwner } from "./collection-owner.js";
import type { CollectionListEntry } from "./collection-view.js";

export type CreateCollectionError =
  Forbidden | InvalidInput | DirectoryFailure | UniqueViolation | RecordNotFound | PersistenceFailure;

/** The new collection, and what the edge should tell its creator (a linked course serves media openly). */
export interface CreatedCollection extends CollectionListEntry {
  readonly notices: ReadonlyArray<CollectionNotice>;
}

/**
 * Staff and superusers create collections (upstream `POST /api/v0/collections/`). Every group the
 * lists name must exist in the directory, checked before anything is written; the access-group
 * rows and the collection are then written in one unit of work. The owner is the creator unless
 * the body names another existing user.
 */
export class CreateCollection {
  constructor(
    private readonly ports: Pick<
      DomainPorts,
      "collections" | "accessGroups" | "groupDirectory" | "users" | "unitOfWork" | "clock" | "ids"
    >,
  ) {}

  /**
   * The result is what `collectionListPayload` takes (upstream answers 201 with the list
   * serializer), with the notices the edge shows beside it.
   */
  run(principal: Principal, body: unknown): Effect.Effect<CreatedCollection, CreateCollectionError> {
    const { collections, accessGroups, groupDirectory, users, unitOfWork, clock, ids } = this.ports;
    return Effect.gen(function* () {
      if (principal._tag === "Anonymous") {
        return yield* new Forbidden({ reason: "sign in to create a collection", signInRequired: true });
      }
      if (!canCreateCollection(principal)) {
        return yield* new Forbidden({
          reason: "only staff and superusers may create collections",
          signInRequired: false,
        });
      }
      const input = yield* validateInput(CreateCollectionBody, body, { unknownFields: "refuse" });
      yield* checkOperatorFlags(principal, input);
      const viewLists = input.viewLists ?? [];
      const adminLists = input.adminLists ?? [];
      yield* checkGroupsExist(groupDirectory, [
        { field: "view_lists", names: viewLists },
        { field: "admin_lists", names: adminLists },
      ]);
      const owner =
        input.owner === undefined
          ? yield* ownerOf(users, { ownerId: principal.id })
          : yield* requestedOwner(users, input.owner);
      const at = clock.now();
      const draft: Collection = {
        ...collectionDefaults,
        key: ids.collectionKey(),
        title: input.title.trim(),
        description: input.description ?? null,
        ownerId: owner.id,
        viewLists,
        adminLists,
        isLoggedInOnly: input.isLoggedInOnly ?? false,
        edxCourseId: normalisedCourseId(input.edxCourseId ?? null),
        isPublic: input.isPublic ?? collectionDefaults.isPublic,
        includeInLearn: input.includeInLearn ?? collectionDefaults.includeInLearn,
        forShorts: input.forShorts ?? collectionDefaults.forShorts,
        streamSource: input.streamSource === undefined ? collectionDefaults.streamSource : input.streamSource,
        createdAt: at,
        updatedAt: at,
      };
      const collection = yield* unitOfWork.transaction(
        Effect.gen(function* () {
          yield* accessGroups.ensure([...viewLists, ...adminLists], at);
          return yield* collections.insert(draft);
        }),
      );
      return { collection, owner, videoCount: 0, notices: courseLinkNotices(null, collection) };
    }).pipe(Effect.withSpan("CreateCollection.run"));
  }
}
