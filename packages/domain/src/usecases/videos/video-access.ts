import { Effect, Either } from "effect";
import { parseVideoKey } from "../../model/keys.js";
import type { Principal } from "../../model/user.js";
import { canEditVideo, canViewVideo } from "../../policy/access.js";
import type { VideoRepository } from "../../ports/video-repository.js";
import { Forbidden, VideoNotFound, orFail } from "../errors.js";

/** Viewing a video, or changing it (and its thumbnail and subtitles). */
export type VideoNeed = "view" | "edit";

/**
 * What a principal who may not view a video is told. Anonymous visitors are asked to sign in,
 * since a shared link is usually meant for someone who has to sign in first; signed-in users
 * learn nothing, not even that the video exists (upstream answered 404 for videos outside the
 * viewer's list, and the list and the detail now share one rule).
 */
export const videoHiddenFrom = (principal: Principal, key: string): VideoNotFound | Forbidden =>
  principal._tag === "Anonymous"
    ? new Forbidden({ reason: "sign in to see this video", signInRequired: true })
    : new VideoNotFound({ key });

/**
 * Loads a video with its files, thumbnails and subtitles when `principal` may do what `need`
 * says with it. The key may be hex or dashed; one that is neither is simply not found.
 *
 * Untraced: it always runs inside the span of the use case that calls it (`GetPlayback.run`,
 * `GetVideo.run`, …), and a span of its own cost more than the lookup on the hottest read path.
 */
export const findVideoFor = Effect.fnUntraced(function* (
  videos: VideoRepository,
  principal: Principal,
  key: string,
  need: VideoNeed,
) {
  const parsed = parseVideoKey(key);
  if (Either.isLeft(parsed)) return yield* new VideoNotFound({ key });
  const details = yield* videos
    .findDetailsByKey(parsed.right)
    .pipe(orFail(() => new VideoNotFound({ key: parsed.right })));
  if (!canViewVideo(principal, details.video, details.collection)) {
    return yield* videoHiddenFrom(principal, parsed.right);
  }
  if (need === "edit" && !canEditVideo(principal, details.collection)) {
    return yield* new Forbidden({
      reason: "only admins of the video's collection may change it",
      signInRequired: principal._tag === "Anonymous",
    });
  }
  return details;
});
