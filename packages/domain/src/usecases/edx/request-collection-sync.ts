import { Effect, Either, Option, Schema } from "effect";
import type { CollectionKey } from "../../model/keys.js";
import { parseCollectionKey } from "../../model/keys.js";
import type { Principal } from "../../model/user.js";
import { canAdminCollection, canViewCollection } from "../../policy/access.js";
import type { EdxSyncReport } from "../../policy/edx-sync-report.js";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import { CollectionNotFound, Forbidden, invalidField, orFail } from "../errors.js";
import type { InvalidInput } from "../errors.js";
import { validateInput } from "../validate-input.js";
import type { EdxSyncRefused } from "./edx-sync-refused.js";
import { videosToSync } from "./sync-collection-to-edx.js";

export const COLLECTION_ID_FIELD = "collection_id";

/** The body of `POST /api/v0/sync_collection_videos_with_edx/`. */
const SyncRequestBody = Schema.Struct({
  collection_id: Schema.optionalWith(Schema.Unknown, { exact: true }),
});

/** Upstream's 202 body, field for field. */
export interface EdxSyncAccepted {
  readonly message: string;
  /** The id of the queued `edx.sync-collection` job. */
  readonly task_id: string | null;
  /** As the client sent it. */
  readonly collection_id: string;
  readonly status: "processing";
}

/**
 * A sync that was queued: upstream's body for the edge to answer with, and what the sync will
 * send and leave out, video by video, for the edge to show.
 */
export interface EdxSyncRequested {
  readonly accepted: EdxSyncAccepted;
  readonly report: EdxSyncReport;
}

/** A value Python treats as false: upstream answers "collection_id is required" for all of them. */
const isFalsy = (value: unknown): boolean =>
  value === undefined || value === null || value === "" || value === 0 || value === false;

const collectionKeyOf = (
  value: unknown,
): Either.Either<{ readonly sent: string; readonly key: CollectionKey }, InvalidInput> => {
  if (isFalsy(value)) return Either.left(invalidField(COLLECTION_ID_FIELD, "collection_id is required"));
  if (typeof value !== "string") {
    return Either.left(invalidField(COLLECTION_ID_FIELD, "collection_id must be a collection key"));
  }
  return Either.mapBoth(parseCollectionKey(value), {
    onLeft: (error) => invalidField(COLLECTION_ID_FIELD, error.message),
    onRight: (key) => ({ sent: value, key }),
  });
};

/**
 * The "Sync Videos with edX" action of a collection page. Only admins of THAT collection may
 * start it (upstream let only superusers through, by reading the wrong field; docs/architecture.md
 * §6.5). Upstream's checks come in upstream's order with its messages: `collection_id`
 * required (and, unlike upstream's 500, a malformed key is a field error), collection not found
 * (also for a collection the principal may not see, so keys cannot be probed), no course id,
 * no endpoint, no Complete video. Then OVS's own: no video that can be sent (no HLS or MP4
 * output, files still moving to the public key space), so that a sync which would send nothing
 * is refused with the reasons rather than reported as under way. Then one `edx.sync-collection`
 * job is queued, and the result says which videos it will post and which it leaves out, and why.
 */
export class RequestCollectionSync {
  constructor(
    private readonly ports: Pick<
      DomainPorts,
      "collections" | "videos" | "edxEndpoints" | "jobs" | "unitOfWork"
    >,
  ) {}

  run(
    principal: Principal,
    body: unknown,
  ): Effect.Effect<
    EdxSyncRequested,
    Forbidden | InvalidInput | CollectionNotFound | EdxSyncRefused | PersistenceFailure | QueueFailure
  > {
    const { collections, jobs, unitOfWork } = this.ports;
    return Effect.gen(this, function* () {
      if (principal._tag === "Anonymous") {
        return yield* new Forbidden({ reason: "sign in to sync videos with edX", signInRequired: true });
      }
      const request = yield* validateInput(SyncRequestBody, body);
      const { sent, key } = yield* collectionKeyOf(request.collection_id);
      const collection = yield* collections.findByKey(key).pipe(
        Effect.map(Option.filter((found) => canViewCollection(principal, found))),
        orFail(() => new CollectionNotFound({ key: sent })),
      );
      if (!canAdminCollection(principal, collection)) {
        return yield* new Forbidden({
          reason: "only admins of this collection may sync its videos with edX",
          signInRequired: false,
        });
      }
      const report = yield* videosToSync(this.ports, collection);
      const queued = yield* unitOfWork.transaction(
        jobs.enqueue("edx.sync-collection", { collectionKey: key }),
      );
      return {
        accepted: {
          message: `Syncing videos from collection '${collection.title}' with edX`,
          task_id: queued._tag === "Enqueued" ? queued.jobId : null,
          collection_id: sent,
          status: "processing",
        },
        report,
      } as const;
    }).pipe(Effect.withSpan("RequestCollectionSync.run"));
  }
}
