import { Effect, Either, Option } from "effect";
import type { CollectionKey, VideoKey } from "../../model/keys.js";
import type { Video, VideoStatus } from "../../model/video.js";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { PersistenceFailure, RecordNotFound } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import type { DomainSettings } from "../settings.js";
import type { RecordVideoEventError } from "../video-lifecycle/record-video-event.js";
import { RecordVideoEvent } from "../video-lifecycle/record-video-event.js";

/**
 * The statuses the scheduler retranscodes from: settled videos with live outputs. The state
 * machine also lets `Uploading` take `RetranscodeScheduled` (a replacement finishing its
 * upload), but a flagged video caught mid-upload must wait: transcoding now would read a
 * half-written original. Videos in flight are taken once they are Complete; failed ones keep
 * their flag, since their next transcode (after a retry or a replacement) is fresh anyway.
 */
export const RETRANSCODABLE_STATUSES: ReadonlyArray<VideoStatus> = ["Complete", "Retranscode failed error"];

/** Flagged videos taken per run (every 10 minutes). */
export const RETRANSCODE_SCHEDULE_BATCH_SIZE = 1000;

export interface RetranscodeScheduleFailure {
  readonly key: VideoKey | CollectionKey;
  readonly error: RecordVideoEventError;
}

export type ScheduleRetranscodesReport =
  /** `FEATURE_RETRANSCODE_ENABLED` is off: nothing was looked at. */
  | { readonly _tag: "Disabled" }
  | {
      readonly _tag: "Ran";
      /** Now `Retranscode scheduled`, flag cleared, `video.transcode` queued. */
      readonly scheduled: ReadonlyArray<VideoKey>;
      /** Flagged but not retranscodable now; they keep their flag. */
      readonly skipped: ReadonlyArray<{ readonly videoKey: VideoKey; readonly status: VideoStatus }>;
      /** Collections whose flag was reset because none of their videos is flagged any more. */
      readonly collectionsCleared: ReadonlyArray<CollectionKey>;
      readonly failures: ReadonlyArray<RetranscodeScheduleFailure>;
    };

/**
 * Serves `retranscode.schedule` (upstream `schedule_retranscodes` + `retranscode_video`): every
 * flagged video that can be retranscoded moves to `Retranscode scheduled`, its flag cleared in
 * the same write, and its `video.transcode` job is queued in the same unit of work; the submit
 * use case then sends it to staging. Afterwards collections without any flagged video lose
 * their flag. One video failing does not stop the others.
 */
export class ScheduleRetranscodes {
  private readonly recordEvent: RecordVideoEvent;

  constructor(
    private readonly ports: Pick<
      DomainPorts,
      "videos" | "collections" | "mailOutbox" | "jobs" | "unitOfWork" | "clock" | "ids"
    >,
    private readonly settings: Pick<DomainSettings, "retranscodeEnabled">,
  ) {
    this.recordEvent = new RecordVideoEvent(ports);
  }

  run(): Effect.Effect<ScheduleRetranscodesReport, PersistenceFailure> {
    const { videos, collections } = this.ports;
    return Effect.gen(this, function* () {
      if (!this.settings.retranscodeEnabled) return { _tag: "Disabled" } as const;
      const scheduled: Array<VideoKey> = [];
      const skipped: Array<{ readonly videoKey: VideoKey; readonly status: VideoStatus }> = [];
      const failures: Array<RetranscodeScheduleFailure> = [];

      for (const video of yield* videos.listScheduledForRetranscode(RETRANSCODE_SCHEDULE_BATCH_SIZE)) {
        if (!RETRANSCODABLE_STATUSES.includes(video.status)) {
          skipped.push({ videoKey: video.key, status: video.status });
          continue;
        }
        const outcome = yield* Effect.either(this.schedule(video));
        if (Either.isLeft(outcome)) failures.push({ key: video.key, error: outcome.left });
        else if (outcome.right === null) scheduled.push(video.key);
        else skipped.push({ videoKey: video.key, status: outcome.right });
      }

      const collectionsCleared: Array<CollectionKey> = [];
      for (const collection of yield* collections.listScheduledForRetranscode()) {
        const outcome = yield* Effect.either(this.clearCollectionFlagIfDone(collection.key));
        if (Either.isLeft(outcome)) failures.push({ key: collection.key, error: outcome.left });
        else if (outcome.right) collectionsCleared.push(collection.key);
      }
      return { _tag: "Ran", scheduled, skipped, collectionsCleared, failures } as const;
    }).pipe(Effect.withSpan("ScheduleRetranscodes.run"));
  }

  /** Returns null once scheduled, or the status that kept the video from it (a lost race). */
  private schedule(video: Video): Effect.Effect<VideoStatus | null, RecordVideoEventError> {
    const { jobs, unitOfWork } = this.ports;
    return unitOfWork
      .transaction(
        Effect.gen(this, function* () {
          yield* this.recordEvent.run(video.key, "RetranscodeScheduled", {
            fields: { scheduleRetranscode: false },
          });
          yield* jobs.enqueue("video.transcode", { videoKey: video.key }, { singletonKey: video.key });
          return null;
        }),
      )
      .pipe(
        Effect.catchTags({
          IllegalTransition: (refused) => Effect.succeed(refused.from),
          StatusConflict: (conflict) => Effect.succeed(conflict.actual),
        }),
      );
  }

  private clearCollectionFlagIfDone(
    key: CollectionKey,
  ): Effect.Effect<boolean, RecordNotFound | PersistenceFailure | QueueFailure> {
    const { collections, videos, unitOfWork, clock } = this.ports;
    return unitOfWork.transaction(
      Effect.gen(this, function* () {
        const collection = Option.getOrUndefined(yield* collections.findByKey(key));
        if (collection === undefined || !collection.scheduleRetranscode) return false;
        const members = yield* videos.listInCollection(key);
        if (members.some((video) => video.scheduleRetranscode)) return false;
        yield* collections.update({ ...collection, scheduleRetranscode: false, updatedAt: clock.now() });
        return true;
      }),
    );
  }
}
