import { Data, Effect } from "effect";
import type { Principal } from "../../model/user.js";
import type { VideoSubtitle } from "../../model/video-file.js";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { PersistenceFailure, RecordNotFound } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import type { Forbidden } from "../errors.js";
import { orFail } from "../errors.js";
import { findVideoFor } from "../videos/video-access.js";

export class SubtitleNotFound extends Data.TaggedError("SubtitleNotFound")<{ readonly id: number }> {
  override get message(): string {
    return `no subtitle ${this.id}`;
  }
}

export type DeleteSubtitleError =
  SubtitleNotFound | Forbidden | RecordNotFound | PersistenceFailure | QueueFailure;

/**
 * Deletes a subtitle (admins of its video's collection only; upstream
 * `DELETE /api/v0/subtitles/<id>/`). The row goes, and its object is deleted by a
 * `storage.delete` job enqueued in the same unit of work. A subtitle of a video the principal
 * may not view is not found for signed-in users; anonymous visitors are asked to sign in.
 */
export class DeleteSubtitle {
  constructor(
    private readonly ports: Pick<DomainPorts, "videos" | "videoSubtitles" | "unitOfWork" | "jobs">,
  ) {}

  run(principal: Principal, id: number): Effect.Effect<VideoSubtitle, DeleteSubtitleError> {
    const { videos, videoSubtitles, unitOfWork, jobs } = this.ports;
    return Effect.gen(function* () {
      const subtitle = yield* videoSubtitles.findById(id).pipe(orFail(() => new SubtitleNotFound({ id })));
      yield* findVideoFor(videos, principal, subtitle.videoKey, "edit").pipe(
        Effect.catchTag("VideoNotFound", () => Effect.fail(new SubtitleNotFound({ id }))),
      );
      yield* unitOfWork.transaction(
        Effect.gen(function* () {
          yield* videoSubtitles.delete(subtitle.id);
          yield* jobs.enqueue("storage.delete", {
            bucket: subtitle.bucketName,
            key: subtitle.s3ObjectKey,
            prefix: false,
          });
        }),
      );
      return subtitle;
    }).pipe(Effect.withSpan("DeleteSubtitle.run", { attributes: { subtitleId: id } }));
  }
}
