import { Schema } from "effect";
import { CollectionKeySchema, VideoKeySchema } from "./keys.js";
import { CtaLink, GroupName, NonNegativeSeconds, SourceUrl, Timestamps, VideoTitle } from "./fields.js";

/**
 * The exact status strings external programs read (docs/architecture.md §5.1), in the upstream
 * `ALL_STATUSES` order. `Error` is legacy: stored values stay valid, nothing sets it.
 */
export const VIDEO_STATUSES = [
  "Created",
  "Uploading",
  "Upload failed",
  "Transcoding",
  "Transcode failed internal error",
  "Transcode failed video error",
  "Retranscoding",
  "Retranscode failed error",
  "Retranscode scheduled",
  "Complete",
  "Error",
] as const;

export const VideoStatus = Schema.Literal(...VIDEO_STATUSES);
export type VideoStatus = typeof VideoStatus.Type;

/** Statuses that end a pipeline run unsuccessfully. */
export const FAILED_STATUSES: ReadonlySet<VideoStatus> = new Set<VideoStatus>([
  "Upload failed",
  "Transcode failed internal error",
  "Transcode failed video error",
  "Retranscode failed error",
  "Error",
]);

/** Work is under way; replacing the source now would race the pipeline. */
export const IN_FLIGHT_STATUSES: ReadonlySet<VideoStatus> = new Set<VideoStatus>([
  "Created",
  "Uploading",
  "Transcoding",
  "Retranscode scheduled",
  "Retranscoding",
]);

export const Video = Schema.Struct({
  key: VideoKeySchema,
  collectionKey: CollectionKeySchema,
  title: VideoTitle,
  description: Schema.String,
  sourceUrl: SourceUrl,
  status: VideoStatus,
  /** Lecture-capture recordings hold four camera angles in one frame. */
  multiangle: Schema.Boolean,
  /** When non-empty, replaces the collection's view lists for this video. */
  viewLists: Schema.Array(GroupName),
  isPublic: Schema.Boolean,
  isPrivate: Schema.Boolean,
  isLoggedInOnly: Schema.Boolean,
  customOrder: Schema.NullOr(Schema.Int),
  scheduleRetranscode: Schema.Boolean,
  /** Seconds, from the first transcode output. */
  duration: NonNegativeSeconds,
  ctaLink: Schema.NullOr(CtaLink),
  ...Timestamps,
});
export type Video = typeof Video.Type;

export const videoDefaults = {
  description: "",
  status: "Created",
  multiangle: false,
  viewLists: [],
  isPublic: false,
  isPrivate: false,
  isLoggedInOnly: false,
  customOrder: null,
  scheduleRetranscode: false,
  duration: 0,
  ctaLink: null,
} as const satisfies Partial<Video>;

/**
 * Visibility as one choice instead of three independent flags (the edit dialog's vocabulary,
 * upstream `static/js/lib/dialog.js`). Reading uses the dialog's precedence:
 * private > public > logged in > lists > inherit from the collection.
 */
export type VideoVisibilityChoice =
  | { readonly _tag: "InheritFromCollection" }
  | { readonly _tag: "Public" }
  | { readonly _tag: "AdminsOnly" }
  | { readonly _tag: "LoggedIn" }
  | { readonly _tag: "Lists"; readonly viewLists: ReadonlyArray<GroupName> };

export const visibilityChoiceOf = (
  video: Pick<Video, "isPrivate" | "isPublic" | "isLoggedInOnly" | "viewLists">,
): VideoVisibilityChoice => {
  if (video.isPrivate) return { _tag: "AdminsOnly" };
  if (video.isPublic) return { _tag: "Public" };
  if (video.isLoggedInOnly) return { _tag: "LoggedIn" };
  if (video.viewLists.length > 0) return { _tag: "Lists", viewLists: video.viewLists };
  return { _tag: "InheritFromCollection" };
};

export const flagsForVisibilityChoice = (
  choice: VideoVisibilityChoice,
): Pick<Video, "isPrivate" | "isPublic" | "isLoggedInOnly" | "viewLists"> => ({
  isPublic: choice._tag === "Public",
  isPrivate: choice._tag === "AdminsOnly",
  isLoggedInOnly: choice._tag === "LoggedIn",
  viewLists: choice._tag === "Lists" ? choice.viewLists : [],
});
