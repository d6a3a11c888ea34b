import { Effect } from "effect";
import type { Collection } from "../../model/collection.js";
import { hasEdxCourse } from "../../model/collection.js";
import type { EdxEndpoint } from "../../model/edx-endpoint.js";
import { endpointForCourse } from "../../model/edx-endpoint.js";
import type { Principal, User } from "../../model/user.js";
import { mediaKeySpaceOf } from "../../policy/media-key-space.js";
import { canSetOperatorFlags } from "../../policy/access.js";
import { propagatedVideoVisibility } from "../../policy/new-video-visibility.js";
import type { CdnSigningFailure } from "../../ports/cdn-urls.js";
import type { DirectoryFailure } from "../../ports/group-directory.js";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { PersistenceFailure, RecordNotFound } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import type { InvalidInput } from "../errors.js";
import { CollectionNotFound, Forbidden, orFail } from "../errors.js";
import type { DomainSettings } from "../settings.js";
import { validateInput } from "../validate-input.js";
import { checkGroupsExist } from "./access-group-lists.js";
import { findCollectionFor } from "./collection-access.js";
import type { CollectionNotice } from "./collection-notices.js";
import { courseLinkNotices, videosRepublishedNotice } from "./collection-notices.js";
import { UpdateCollectionBody, normalisedCourseId } from "./collection-input.js";
import { requestedOwner } from "./collection-owner.js";
import { checkOperatorFlags, setsOnlyOperatorFlags } from "./operator-flags.js";
import type { CollectionView } from "./collection-view.js";
import { collectionViewFor } from "./collection-view.js";

export type UpdateCollectionError =
  | CollectionNotFound
  | Forbidden
  | InvalidInput
  | DirectoryFailure
  | RecordNotFound
  | PersistenceFailure
  | QueueFailure
  | CdnSigningFailure;

/** The collection as the admin now sees it, and what the change means beyond itself. */
export interface UpdatedCollection extends CollectionView {
  /** For the edge to show with the result, e.g. that a linked course serves media openly. */
  readonly notices: ReadonlyArray<CollectionNotice>;
}

/**
 * Changes a collection (its admins only; upstream `PATCH /api/v0/collections/<key>/`). Only the
 * fields sent change. Everything is checked before the first write: the body, the groups the
 * lists name (they must exist in the directory), and the owner. Then, in one unit of work: the
 * access groups, the collection, the edX endpoint picked for a newly set course id when the
 * collection has none yet (upstream `CollectionViewSet.update`), and, when `schedule_retranscode`
 * changes and retranscoding is enabled, the flag on every video of the collection (upstream's
 * post-save signal, which copied it on every save; here only on a change, so editing a title
 * no longer clears the videos' flags).
 *
 * Operator flags (`is_public`, `include_in_learn`, `for_shorts`, `stream_source`) are for staff
 * and superusers (`canSetOperatorFlags`), on any collection when the body sets nothing else, as
 * in upstream's Django admin; changing `is_public` carries the collection's
 * visibility to every video (`propagatedVideoVisibility`, upstream `CollectionAdmin.save_model`),
 * and a notice says how many videos changed.
 *
 * Linking or unlinking an edX course, or republishing the videos, moves media (`mediaKeySpaceOf`): a `video.visibility` job
 * is queued, in the same unit of work, for every video whose objects change key space, and the
 * result carries a notice telling the admin what that means.
 *
 * Fixes upstream, where any admin-list member could hand the collection to anyone: only staff and
 * superusers may change the owner.
 */
export class UpdateCollection {
  constructor(
    private readonly ports: Pick<
      DomainPorts,
      | "collections"
      | "videos"
      | "accessGroups"
      | "groupDirectory"
      | "users"
      | "edxEndpoints"
      | "unitOfWork"
      | "jobs"
      | "clock"
      | "cdnUrls"
    >,
    private readonly settings: Pick<DomainSettings, "retranscodeEnabled">,
  ) {}

  /**
   * The result is what `collectionPayload` takes (upstream answers 200 with the detail
   * serializer), with the notices the edge shows beside it.
   */
  run(
    principal: Principal,
    key: string,
    body: unknown,
  ): Effect.Effect<UpdatedCollection, UpdateCollectionError> {
    const ports = this.ports;
    const {
      collections,
      videos,
      accessGroups,
      groupDirectory,
      users,
      edxEndpoints,
      unitOfWork,
      jobs,
      clock,
    } = ports;
    const retranscodeEnabled = this.settings.retranscodeEnabled;
    return Effect.gen(function* () {
      const need = canSetOperatorFlags(principal) && setsOnlyOperatorFlags(body) ? "operate" : "admin";
      const current = yield* findCollectionFor(collections, principal, key, need);
      const notFound = () => new CollectionNotFound({ key: current.key });
      const input = yield* validateInput(UpdateCollectionBody, body, { unknownFields: "refuse" });
      yield* checkOperatorFlags(principal, input);
      yield* checkGroupsExist(groupDirectory, [
        ...(input.viewLists === undefined ? [] : [{ field: "view_lists", names: input.viewLists }]),
        ...(input.adminLists === undefined ? [] : [{ field: "admin_lists", names: input.adminLists }]),
      ]);
      const requested = input.owner;
      const newOwner: User | undefined =
        requested === undefined || requested === current.ownerId
          ? undefined
          : yield* ownerChange(principal, () => requestedOwner(users, requested));
      const courseId = input.edxCourseId === undefined ? undefined : normalisedCourseId(input.edxCourseId);
      const endpointToLink =
        courseId === undefined || courseId === null
          ? undefined
          : yield* endpointForNewCourse(ports, current, courseId);

      const notices = yield* unitOfWork.transaction(
        Effect.gen(function* () {
          const at = clock.now();
          // Read again inside the unit of work so that fields changed meanwhile by others survive.
          const before = yield* collections.findByKey(current.key).pipe(orFail(notFound));
          const changed: Collection = {
            ...before,
            ...(input.title === undefined ? {} : { title: input.title.trim() }),
            ...(input.description === undefined ? {} : { description: input.description }),
            ...(input.viewLists === undefined ? {} : { viewLists: input.viewLists }),
            ...(input.adminLists === undefined ? {} : { adminLists: input.adminLists }),
            ...(input.isLoggedInOnly === undefined ? {} : { isLoggedInOnly: input.isLoggedInOnly }),
            ...(courseId === undefined ? {} : { edxCourseId: courseId }),
            ...(newOwner === undefined ? {} : { ownerId: newOwner.id }),
            ...(input.scheduleRetranscode === undefined
              ? {}
              : { scheduleRetranscode: input.scheduleRetranscode }),
            ...(input.isPublic === undefined ? {} : { isPublic: input.isPublic }),
            ...(input.includeInLearn === undefined ? {} : { includeInLearn: input.includeInLearn }),
            ...(input.forShorts === undefined ? {} : { forShorts: input.forShorts }),
            ...(input.streamSource === undefined ? {} : { streamSource: input.streamSource }),
            updatedAt: at,
          };
          yield* accessGroups.ensure([...changed.viewLists, ...changed.adminLists], at);
          yield* collections.update(changed);
          if (endpointToLink !== undefined) yield* edxEndpoints.link(changed.key, endpointToLink.id);
          if (retranscodeEnabled && changed.scheduleRetranscode !== before.scheduleRetranscode) {
            yield* videos.setScheduleRetranscodeForCollection(changed.key, changed.scheduleRetranscode, at);
          }
          const propagated = propagatedVideoVisibility(before, changed);
          let republished = 0;
          if (propagated !== undefined || hasEdxCourse(changed) !== hasEdxCourse(before)) {
            for (const video of yield* videos.listInCollection(changed.key)) {
              const flagsChange =
                propagated !== undefined &&
                (video.isPublic !== propagated.isPublic || video.isPrivate !== propagated.isPrivate);
              const after = flagsChange ? { ...video, ...propagated, updatedAt: at } : video;
              if (flagsChange) {
                yield* videos.update(after);
                republished += 1;
              }
              if (mediaKeySpaceOf(video, before) !== mediaKeySpaceOf(after, changed)) {
                yield* jobs.enqueue("video.visibility", { videoKey: video.key });
              }
            }
          }
          return [
            ...courseLinkNotices(before, changed),
            ...(propagated === undefined ? [] : [videosRepublishedNotice(propagated, republished)]),
          ];
        }),
      );
      const updated = yield* collections.findByKey(current.key).pipe(orFail(notFound));
      const view = yield* collectionViewFor(ports, principal, updated);
      return { ...view, notices };
    }).pipe(Effect.withSpan("UpdateCollection.run", { attributes: { collectionKey: key } }));
  }
}

/** Handing a collection to someone else is for staff and superusers, not for every admin. */
const ownerChange = <E>(
  principal: Principal,
  load: () => Effect.Effect<User, E>,
): Effect.Effect<User, E | Forbidden> =>
  principal._tag === "User" && (principal.isStaff || principal.isSuperuser)
    ? load()
    : Effect.fail(
        new Forbidden({
          reason: "only staff and superusers may change the owner of a collection",
          signInRequired: principal._tag === "Anonymous",
        }),
      );

/**
 * The endpoint to link for a course id, only when the collection has no endpoint yet (upstream
 * never re-targets an existing link); undefined when none applies.
 */
const endpointForNewCourse = (
  ports: Pick<DomainPorts, "edxEndpoints">,
  collection: Collection,
  courseId: string,
): Effect.Effect<EdxEndpoint | undefined, PersistenceFailure> =>
  Effect.gen(function* () {
    const linked = yield* ports.edxEndpoints.listForCollection(collection.key);
    if (linked.length > 0) return undefined;
    return endpointForCourse(courseId, yield* ports.edxEndpoints.list());
  });
