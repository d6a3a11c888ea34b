import { Schema } from "effect";
import { StreamSource } from "../../model/collection.js";
import { CollectionTitle, EdxCourseId, GroupName } from "../../model/fields.js";
import { UserId } from "../../model/user.js";

/**
 * The JSON bodies of collection create and update, with upstream's field names
 * (`CollectionListSerializer`, `CollectionSerializer`), so field errors name what the client
 * sent. Any other field, read-only ones (`key`, `video_count`, …) included, is refused by name.
 */

const optionalField = <S extends Schema.Schema.Any>(schema: S) =>
  Schema.optionalWith(schema, { exact: true });

const sharedFields = {
  description: optionalField(Schema.NullOr(Schema.String)),
  viewLists: optionalField(Schema.Array(GroupName)).pipe(Schema.fromKey("view_lists")),
  adminLists: optionalField(Schema.Array(GroupName)).pipe(Schema.fromKey("admin_lists")),
  edxCourseId: optionalField(Schema.NullOr(EdxCourseId)).pipe(Schema.fromKey("edx_course_id")),
  /** Upstream's create serializer silently dropped it although the UI sends it; accepted here. */
  isLoggedInOnly: optionalField(Schema.Boolean).pipe(Schema.fromKey("is_logged_in_only")),
  owner: optionalField(UserId),
  /** The operator flags: only staff and superusers may send them (`canSetOperatorFlags`). */
  isPublic: optionalField(Schema.Boolean).pipe(Schema.fromKey("is_public")),
  includeInLearn: optionalField(Schema.Boolean).pipe(Schema.fromKey("include_in_learn")),
  forShorts: optionalField(Schema.Boolean).pipe(Schema.fromKey("for_shorts")),
  streamSource: optionalField(Schema.NullOr(StreamSource)).pipe(Schema.fromKey("stream_source")),
};

export const CreateCollectionBody = Schema.Struct({
  title: CollectionTitle,
  ...sharedFields,
});
export type CreateCollectionBody = typeof CreateCollectionBody.Type;

/** PATCH semantics: every field is optional and only the fields sent change. */
export const UpdateCollectionBody = Schema.Struct({
  title: optionalField(CollectionTitle),
  ...sharedFields,
  scheduleRetranscode: optionalField(Schema.Boolean).pipe(Schema.fromKey("schedule_retranscode")),
});
export type UpdateCollectionBody = typeof UpdateCollectionBody.Type;

/** DRF trims text fields; an empty course id means "none", like null. */
export const normalisedCourseId = (courseId: string | null): string | null => {
  const trimmed = courseId?.trim() ?? "";
  return trimmed.length === 0 ? null : trimmed;
};
