import { Effect, Option, Schema } from "effect";
import { CtaLink, GroupName, VideoTitle } from "../../model/fields.js";
import { hasEdxCourse } from "../../model/collection.js";
import type { Principal } from "../../model/user.js";
import type { Video } from "../../model/video.js";
import { mediaKeySpaceOf } from "../../policy/media-key-space.js";
import type { CdnSigningFailure } from "../../ports/cdn-urls.js";
import type { DirectoryFailure } from "../../ports/group-directory.js";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { PersistenceFailure, RecordNotFound } from "../../ports/persistence-errors.js";
import { checkGroupsExist } from "../collections/access-group-lists.js";
import type { DomainPorts } from "../domain-ports.js";
import type { Forbidden, InvalidInput } from "../errors.js";
import { VideoNotFound, orFail } from "../errors.js";
import { validateInput } from "../validate-input.js";
import { findVideoFor } from "./video-access.js";
import type { VideoView } from "./video-view.js";
import { videoViewFor } from "./video-view.js";

const optionalField = <S extends Schema.Schema.Any>(schema: S) =>
  Schema.optionalWith(schema, { exact: true });

/**
 * The PATCH body of `/api/v0/videos/<key>/` with upstream's field names (`VideoSerializer`);
 * read-only fields are ignored. Like upstream there is no cross-field rule: public and private
 * at once is stored as sent (the access policy gives public precedence).
 */
export const UpdateVideoBody = Schema.Struct({
  title: optionalField(VideoTitle),
  description: optionalField(Schema.String),
  ctaLink: optionalField(Schema.NullOr(Schema.Union(Schema.Literal(""), CtaLink))).pipe(
    Schema.fromKey("cta_link"),
  ),
  viewLists: optionalField(Schema.Array(GroupName)).pipe(Schema.fromKey("view_lists")),
  isPublic: optionalField(Schema.Boolean).pipe(Schema.fromKey("is_public")),
  isPrivate: optionalField(Schema.Boolean).pipe(Schema.fromKey("is_private")),
  isLoggedInOnly: optionalField(Schema.Boolean).pipe(Schema.fromKey("is_logged_in_only")),
  customOrder: optionalField(Schema.NullOr(Schema.Int)).pipe(Schema.fromKey("custom_order")),
  scheduleRetranscode: optionalField(Schema.Boolean).pipe(Schema.fromKey("schedule_retranscode")),
});
export type UpdateVideoBody = typeof UpdateVideoBody.Type;

export type UpdateVideoError =
  | VideoNotFound
  | Forbidden
  | InvalidInput
  | DirectoryFailure
  | RecordNotFound
  | PersistenceFailure
  | QueueFailure
  | CdnSigningFailure;

const changesOf = (input: UpdateVideoBody): Partial<Video> => ({
  ...(input.title === undefined ? {} : { title: input.title }),
  ...(input.description === undefined ? {} : { description: input.description }),
  ...(input.ctaLink === undefined ? {} : { ctaLink: input.ctaLink === "" ? null : input.ctaLink }),
  ...(input.viewLists === undefined ? {} : { viewLists: input.viewLists }),
  ...(input.isPublic === undefined ? {} : { isPublic: input.isPublic }),
  ...(input.isPrivate === undefined ? {} : { isPrivate: input.isPrivate }),
  ...(input.isLoggedInOnly === undefined ? {} : { isLoggedInOnly: input.isLoggedInOnly }),
  ...(input.customOrder === undefined ? {} : { customOrder: input.customOrder }),
  ...(input.scheduleRetranscode === undefined ? {} : { scheduleRetranscode: input.scheduleRetranscode }),
});

/**
 * Changes a video (admins of its collection only; upstream `PATCH /api/v0/videos/<key>/`).
 * Only the fields sent change. The body and the groups of `view_lists` (which must exist in the
 * directory) are checked before anything is written; then, in one unit of work, the access
 * groups, the video and the jobs the change calls for:
 * - `video.visibility` when the video's media moves between the public and the protected key
 *   space (`mediaKeySpaceOf`; in a collection linked to an edX course it stays public), so its
 *   objects follow it (docs/architecture.md §6.6);
 * - `edx.post-video` when the title of a Complete video in a collection with an edX course id
 *   changes. Upstream re-posted on every save; edX shows the title and the duration, and only the
 *   title can change here.
 */
export class UpdateVideo {
  constructor(
    private readonly ports: Pick<
      DomainPorts,
      | "videos"
      | "collections"
      | "accessGroups"
      | "groupDirectory"
      | "unitOfWork"
      | "jobs"
      | "clock"
      | "cdnUrls"
    >,
  ) {}

  run(principal: Principal, key: string, body: unknown): Effect.Effect<VideoView, UpdateVideoError> {
    const { videos, collections, accessGroups, groupDirectory, unitOfWork, jobs, clock, cdnUrls } =
      this.ports;
    return Effect.gen(function* () {
      const current = yield* findVideoFor(videos, principal, key, "edit");
      const input = yield* validateInput(UpdateVideoBody, body);
      if (input.viewLists !== undefined) {
        yield* checkGroupsExist(groupDirectory, [{ field: "view_lists", names: input.viewLists }]);
      }
      const changes = changesOf(input);
      const videoKey = current.video.key;

      yield* unitOfWork.transaction(
        Effect.gen(function* () {
          const at = clock.now();
          // Read again inside the unit of work so that what the pipeline wrote meanwhile
          // (duration, status) is kept and the comparisons below see the latest values.
          const before = yield* videos
            .findByKey(videoKey)
            .pipe(orFail(() => new VideoNotFound({ key: videoKey })));
          const collection = Option.getOrElse(
            yield* collections.findByKey(before.collectionKey),
            () => current.collection,
          );
          const after: Video = { ...before, ...changes, updatedAt: at };
          if (after.viewLists.length > 0) yield* accessGroups.ensure(after.viewLists, at);
          yield* videos.update(after);
          if (mediaKeySpaceOf(before, collection) !== mediaKeySpaceOf(after, collection)) {
            yield* jobs.enqueue("video.visibility", { videoKey });
          }
          const edxShowsTheChange = after.title !== before.title;
          if (edxShowsTheChange && after.status === "Complete" && hasEdxCourse(collection)) {
            yield* jobs.enqueue("edx.post-video", { videoKey });
          }
        }),
      );
      const updated = yield* findVideoFor(videos, principal, videoKey, "view");
      return yield* videoViewFor(cdnUrls, principal, updated);
    }).pipe(Effect.withSpan("UpdateVideo.run", { attributes: { videoKey: key } }));
  }
}
