import { Schema } from "effect";
import { CollectionKeySchema } from "./keys.js";
import { CollectionTitle, EdxCourseId, GroupName, Timestamps } from "./fields.js";
import { UserId } from "./user.js";

/** `Collection.stream_source`: note the upstream capitalisation. Null means neither. */
export const StreamSource = Schema.Literal("Youtube", "Cloudfront");
export type StreamSource = typeof StreamSource.Type;

export const Collection = Schema.Struct({
  key: CollectionKeySchema,
  title: CollectionTitle,
  /** Lecture capture finds its collections by (slug, owner); not unique. */
  slug: Schema.NullOr(Schema.String),
  description: Schema.NullOr(Schema.String),
  ownerId: UserId,
  viewLists: Schema.Array(GroupName),
  adminLists: Schema.Array(GroupName),
  isLoggedInOnly: Schema.Boolean,
  /** Gates the shareable HLS URL shown to admins ("Open edX video URL"). */
  allowShareOpenedx: Schema.Boolean,
  /** Changed only by operators; seeds `Video.isPublic` for new videos. */
  isPublic: Schema.Boolean,
  includeInLearn: Schema.Boolean,
  /** Selects the portrait transcode template. */
  forShorts: Schema.Boolean,
  streamSource: Schema.NullOr(StreamSource),
  edxCourseId: Schema.NullOr(EdxCourseId),
  scheduleRetranscode: Schema.Boolean,
  ...Timestamps,
});
export type Collection = typeof Collection.Type;

/** Linked to an edX course: a course id that is not blank. */
export const hasEdxCourse = (collection: Pick<Collection, "edxCourseId">): boolean =>
  collection.edxCourseId !== null && collection.edxCourseId.trim().length > 0;

export const collectionDefaults = {
  slug: null,
  description: null,
  viewLists: [],
  adminLists: [],
  isLoggedInOnly: false,
  allowShareOpenedx: false,
  isPublic: false,
  includeInLearn: false,
  forShorts: false,
  streamSource: null,
  edxCourseId: null,
  scheduleRetranscode: false,
} as const satisfies Partial<Collection>;
