import { Effect } from "effect";
import type { VideoKey } from "../../model/keys.js";
import type { Video, VideoStatus } from "../../model/video.js";
import type { NotificationOccurrence } from "../../policy/notifications.js";
import { notificationOutboxKey, notificationTemplateFor } from "../../policy/notifications.js";
import type { IllegalTransition, VideoEvent } from "../../policy/video-status.js";
import { nextStatus } from "../../policy/video-status.js";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { PersistenceFailure, RecordNotFound } from "../../ports/persistence-errors.js";
import type { StatusChangeFields, StatusConflict } from "../../ports/video-repository.js";
import type { DomainPorts } from "../domain-ports.js";
import { VideoNotFound, orFail } from "../errors.js";

export interface VideoEventOptions {
  /** What makes this change distinct for the email outbox; defaults to the time of the change. */
  readonly occurrence?: NotificationOccurrence;
  /** Written together with the status. */
  readonly fields?: StatusChangeFields;
}

export interface RecordedVideoEvent {
  readonly video: Video;
  readonly from: VideoStatus;
  readonly to: VideoStatus;
  /** An email was queued for this change. */
  readonly notified: boolean;
}

export type RecordVideoEventError =
  VideoNotFound | IllegalTransition | StatusConflict | RecordNotFound | PersistenceFailure | QueueFailure;

/**
 * The one way a video's status changes: the state machine names the next status, a
 * compare-and-set on the status just read writes it (so a late or duplicate event loses
 * instead of overwriting), and when the change mails someone, the outbox entry and its
 * `mail.send` job are written in the same unit of work.
 */
export class RecordVideoEvent {
  constructor(
    private readonly ports: Pick<
      DomainPorts,
      "videos" | "mailOutbox" | "jobs" | "unitOfWork" | "clock" | "ids"
    >,
  ) {}

  run(
    videoKey: VideoKey,
    event: VideoEvent,
    options: VideoEventOptions = {},
  ): Effect.Effect<RecordedVideoEvent, RecordVideoEventError> {
    const { videos, mailOutbox, jobs, unitOfWork, clock, ids } = this.ports;
    return unitOfWork
      .transaction(
        Effect.gen(function* () {
          const current = yield* videos
            .findByKey(videoKey)
            .pipe(orFail(() => new VideoNotFound({ key: videoKey })));
          const from = current.status;
          const to = yield* nextStatus(from, event);
          const at = clock.now();
          const video = yield* videos.compareAndSetStatus(videoKey, [from], to, at, options.fields);
          const rule = notificationTemplateFor({ from, to });
          if (rule === null) return { video, from, to, notified: false };
          const occurrence = options.occurrence ?? { _tag: "StatusChangedAt", at };
          const added = yield* mailOutbox.add({
            id: ids.opaqueId(),
            dedupeKey: notificationOutboxKey(videoKey, { from, to }, occurrence),
            videoKey,
            template: rule.template,
            fromStatus: from,
            toStatus: to,
            createdAt: at,
          });
          if (added._tag === "Duplicate") return { video, from, to, notified: false };
          yield* jobs.enqueue("mail.send", { outboxId: added.entry.id }, { singletonKey: added.entry.id });
          return { video, from, to, notified: true };
        }),
      )
      .pipe(Effect.withSpan("RecordVideoEvent.run", { attributes: { videoKey, event } }));
  }
}
