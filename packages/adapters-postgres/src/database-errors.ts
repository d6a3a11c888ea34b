import type { EntityName } from "@ovs/domain";
import { PersistenceFailure, RecordNotFound, UniqueViolation } from "@ovs/domain";

/** The fields of a driver error we read (pg and PGlite raise the same shape). */
interface DriverError {
  readonly code?: unknown;
  readonly constraint?: unknown;
  readonly detail?: unknown;
}

const UNIQUE_VIOLATION = "23505";
const FOREIGN_KEY_VIOLATION = "23503";

/** Unique constraints by name: the entity and the domain field they protect. */
const UNIQUE_CONSTRAINTS: Readonly<Record<string, { readonly entity: EntityName; readonly field: string }>> =
  {
    users_username_unique: { entity: "User", field: "username" },
    access_groups_pkey: { entity: "AccessGroup", field: "name" },
    collections_key_unique: { entity: "Collection", field: "key" },
    videos_key_unique: { entity: "Video", field: "key" },
    video_files_s3_object_key_unique: { entity: "VideoFile", field: "s3ObjectKey" },
    video_thumbnails_s3_object_key_unique: { entity: "VideoThumbnail", field: "s3ObjectKey" },
    video_subtitles_s3_object_key_unique: { entity: "VideoSubtitle", field: "s3ObjectKey" },
    video_subtitles_video_language_unique: { entity: "VideoSubtitle", field: "language" },
    encode_jobs_pkey: { entity: "EncodeJob", field: "id" },
    edx_endpoints_name_unique: { entity: "EdxEndpoint", field: "name" },
    collection_edx_endpoints_pair_unique: { entity: "CollectionEdxEndpoint", field: "edxEndpointId" },
    youtube_videos_pkey: { entity: "YouTubeVideo", field: "videoKey" },
    mail_outbox_pkey: { entity: "MailOutboxEntry", field: "id" },
    mail_outbox_dedupe_key_unique: { entity: "MailOutboxEntry", field: "dedupeKey" },
    api_tokens_pkey: { entity: "ApiToken", field: "id" },
    api_tokens_token_hash_unique: { entity: "ApiToken", field: "tokenHash" },
  };

/** Foreign keys by the column that refers: the entity that must exist. */
const REFERENCED_ENTITY: Readonly<Record<string, EntityName>> = {
  owner_id: "User",
  user_id: "User",
  collection_key: "Collection",
  video_key: "Video",
  group_name: "AccessGroup",
  edx_endpoint_id: "EdxEndpoint",
};

/** `Key (column)=(value) …` from a constraint error's detail. */
const keyOfDetail = (detail: unknown): { readonly columns: string; readonly value: string } | undefined => {
  if (typeof detail !== "string") return undefined;
  const match = /Key \((.+?)\)=\((.*)\)/.exec(detail);
  return match?.[1] === undefined || match[2] === undefined
    ? undefined
    : { columns: match[1], value: match[2] };
};

const isDriverError = (error: unknown): error is DriverError => typeof error === "object" && error !== null;

export type DatabaseError = UniqueViolation | RecordNotFound | PersistenceFailure;

/**
 * Turns what the driver threw into the domain's errors: a unique violation names the clashing
 * field, a foreign-key violation names the missing row; anything else is a PersistenceFailure,
 * so no raw driver error ever reaches the edge.
 */
export const toDatabaseError = (operation: string, error: unknown): DatabaseError => {
  // Statements may throw the domain's own errors to end a transaction; they pass unchanged.
  if (error instanceof UniqueViolation || error instanceof RecordNotFound) return error;
  if (isDriverError(error) && typeof error.constraint === "string") {
    const key = keyOfDetail(error.detail);
    if (error.code === UNIQUE_VIOLATION) {
      const known = UNIQUE_CONSTRAINTS[error.constraint];
      if (known !== undefined) return new UniqueViolation({ ...known, value: key?.value ?? "" });
    }
    if (error.code === FOREIGN_KEY_VIOLATION && key !== undefined) {
      const entity = REFERENCED_ENTITY[key.columns];
      // A delete refused by a referencing row has the referenced column in its detail too;
      // only inserts and updates report "is not present", which is what "not found" means.
      if (
        entity !== undefined &&
        typeof error.detail === "string" &&
        error.detail.includes("is not present")
      ) {
        return new RecordNotFound({ entity, id: key.value });
      }
    }
  }
  return new PersistenceFailure({ operation, cause: error });
};
