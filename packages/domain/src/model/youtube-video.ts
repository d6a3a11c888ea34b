import { Schema } from "effect";
import { VideoKeySchema } from "./keys.js";

/** YouTube upload status values, lower case as upstream stores them. */
export const YouTubeStatus = Schema.Literal(
  "uploaded",
  "uploading",
  "processing",
  "processed",
  "rejected",
  "failed",
  "succeeded",
  "retry",
);
export type YouTubeStatus = typeof YouTubeStatus.Type;

/** A video's YouTube copy. `youtubeId` is null while an upload is in flight. */
export const YouTubeVideo = Schema.Struct({
  videoKey: VideoKeySchema,
  youtubeId: Schema.NullOr(Schema.String.pipe(Schema.maxLength(11))),
  status: YouTubeStatus,
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf,
});
export type YouTubeVideo = typeof YouTubeVideo.Type;

/** The YouTube id is exposed only once YouTube has processed the upload. */
export const exposedYouTubeId = (youtube: YouTubeVideo | null | undefined): string | null =>
  youtube && youtube.status === "processed" ? youtube.youtubeId : null;
