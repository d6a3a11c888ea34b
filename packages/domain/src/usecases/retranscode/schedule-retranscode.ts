import { Effect, Schema } from "effect";
import type { Collection } from "../../model/collection.js";
import type { CollectionKey, VideoKey } from "../../model/keys.js";
import type { Principal } from "../../model/user.js";
import type { Video, VideoStatus } from "../../model/video.js";
import { FAILED_STATUSES } from "../../model/video.js";
import { canAdminCollection } from "../../policy/access.js";
import type { PersistenceFailure, RecordNotFound } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import type { InvalidInput } from "../errors.js";
import { CollectionNotFound, Conflict, Forbidden, VideoNotFound, orFail } from "../errors.js";
import type { DomainSettings } from "../settings.js";
import { validateInput } from "../validate-input.js";
import { RETRANSCODABLE_STATUSES } from "./schedule-retranscodes.js";

/** `{"schedule_retranscode": true}`: flag (or unflag) for the next scheduler run. */
export const ScheduleRetranscodeInput = Schema.Struct({
  scheduleRetranscode: Schema.propertySignature(Schema.Boolean).pipe(Schema.fromKey("schedule_retranscode")),
});

export type ScheduleRetranscodeResult =
  | { readonly _tag: "Video"; readonly video: Video }
  | {
      readonly _tag: "Collection";
      readonly collection: Collection;
      /** Videos of the collection whose flag changed. */
      readonly videosChanged: number;
    };

export type ScheduleRetranscodeError =
  | InvalidInput
  | Forbidden
  | Conflict
  | VideoNotFound
  | CollectionNotFound
  | RecordNotFound
  | PersistenceFailure;

/**
 * A video that failed before it had outputs has nothing to retranscode; its retry or
 * replacement transcodes it afresh. Flagging it would only leave it flagged for ever.
 */
const neverRetranscodable = (status: VideoStatus): boolean =>
  FAILED_STATUSES.has(status) && !RETRANSCODABLE_STATUSES.includes(status);

/**
 * An admin of the collection flags a video, or a whole collection, for retranscoding (upstream
 * sets these in the Django admin and with `retranscode_collections`). The scheduler does the
 * rest. Flagging a collection copies its flag onto all its videos in the same unit of work,
 * as upstream's collection save does when the feature is on; with the feature off there is
 * nothing to schedule, so the request is refused.
 */
export class ScheduleRetranscode {
  constructor(
    private readonly ports: Pick<DomainPorts, "videos" | "collections" | "unitOfWork" | "clock">,
    private readonly settings: Pick<DomainSettings, "retranscodeEnabled">,
  ) {}

  forVideo(
    principal: Principal,
    videoKey: VideoKey,
    input: unknown,
  ): Effect.Effect<ScheduleRetranscodeResult, ScheduleRetranscodeError> {
    const { videos, collections, unitOfWork } = this.ports;
    return Effect.gen(this, function* () {
      const { scheduleRetranscode } = yield* validateInput(ScheduleRetranscodeInput, input);
      yield* this.requireEnabled();
      const video = yield* videos
        .findByKey(videoKey)
        .pipe(orFail(() => new VideoNotFound({ key: videoKey })));
      const collection = yield* collections
        .findByKey(video.collectionKey)
        .pipe(orFail(() => new CollectionNotFound({ key: video.collectionKey })));
      yield* requireAdmin(principal, collection);
      if (scheduleRetranscode && neverRetranscodable(video.status)) {
        return yield* new Conflict({
          reason: `a video in status '${video.status}' has no outputs to retranscode`,
        });
      }
      const updated = yield* unitOfWork.transaction(videos.update({ ...video, scheduleRetranscode }));
      return { _tag: "Video", video: updated } as const;
    }).pipe(Effect.withSpan("ScheduleRetranscode.forVideo", { attributes: { videoKey } }));
  }

  forCollection(
    principal: Principal,
    collectionKey: CollectionKey,
    input: unknown,
  ): Effect.Effect<ScheduleRetranscodeResult, ScheduleRetranscodeError> {
    const { videos, collections, unitOfWork, clock } = this.ports;
    return Effect.gen(this, function* () {
      const { scheduleRetranscode } = yield* validateInput(ScheduleRetranscodeInput, input);
      yield* this.requireEnabled();
      const collection = yield* collections
        .findByKey(collectionKey)
        .pipe(orFail(() => new CollectionNotFound({ key: collectionKey })));
      yield* requireAdmin(principal, collection);
      return yield* unitOfWork.transaction(
        Effect.gen(this, function* () {
          const at = clock.now();
          const updated = yield* collections.update({ ...collection, scheduleRetranscode, updatedAt: at });
          const videosChanged = yield* videos.setScheduleRetranscodeForCollection(
            collectionKey,
            scheduleRetranscode,
            at,
          );
          return { _tag: "Collection", collection: updated, videosChanged } as const;
        }),
      );
    }).pipe(Effect.withSpan("ScheduleRetranscode.forCollection", { attributes: { collectionKey } }));
  }

  private requireEnabled(): Effect.Effect<void, Conflict> {
    return this.settings.retranscodeEnabled
      ? Effect.void
      : Effect.fail(new Conflict({ reason: "retranscoding is not enabled on this site" }));
  }
}

const requireAdmin = (principal: Principal, collection: Collection): Effect.Effect<void, Forbidden> =>
  canAdminCollection(principal, collection)
    ? Effect.void
    : Effect.fail(
        new Forbidden({
          reason: "only an admin of the collection may schedule a retranscode",
          signInRequired: principal._tag === "Anonymous",
        }),
      );
