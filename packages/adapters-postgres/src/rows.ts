import { Either, Option, Redacted } from "effect";
import type {
  Collection,
  CollectionKey,
  EdxEndpoint,
  EdxEndpointId,
  EncodeJob,
  EncodeJobPurpose,
  StreamSource,
  User,
  UserId,
  Video,
  VideoFile,
  VideoKey,
  VideoStatus,
  VideoSubtitle,
  VideoThumbnail,
  YouTubeStatus,
  YouTubeVideo,
} from "@ovs/domain";
import { encodeJobStateFromCode } from "@ovs/domain";
import type { CredentialSealer } from "./credential-sealing.js";

/**
 * Rows as the drivers return them, and their translation into domain values. Timestamps come
 * back as Date from a column and as ISO text from JSON built in SQL (details are loaded with
 * json_agg in the page query), so the decoders accept both.
 */
export type Timestamp = Date | string;

export const toDate = (value: Timestamp): Date =>
  value instanceof Date ? new Date(value.getTime()) : new Date(value);
export const toNullableDate = (value: Timestamp | null): Date | null =>
  value === null ? null : toDate(value);

export interface UserRow {
  readonly id: number;
  readonly username: string;
  readonly email: string;
  readonly is_superuser: boolean;
  readonly is_staff: boolean;
  readonly created_at: Timestamp;
  readonly updated_at: Timestamp;
}

export const userOf = (row: UserRow): User => ({
  id: row.id as UserId,
  username: row.username,
  email: row.email,
  isSuperuser: row.is_superuser,
  isStaff: row.is_staff,
  createdAt: toDate(row.created_at),
  updatedAt: toDate(row.updated_at),
});

export interface CollectionRow {
  readonly key: string;
  readonly title: string;
  readonly slug: string | null;
  readonly description: string | null;
  readonly owner_id: number;
  readonly is_logged_in_only: boolean;
  readonly allow_share_openedx: boolean;
  readonly is_public: boolean;
  readonly include_in_learn: boolean;
  readonly for_shorts: boolean;
  readonly stream_source: string | null;
  readonly edx_course_id: string | null;
  readonly schedule_retranscode: boolean;
  readonly created_at: Timestamp;
  readonly updated_at: Timestamp;
}

export const collectionOf = (
  row: CollectionRow,
  viewLists: ReadonlyArray<string>,
  adminLists: ReadonlyArray<string>,
): Collection => ({
  key: row.key as CollectionKey,
  title: row.title,
  slug: row.slug,
  description: row.description,
  ownerId: row.owner_id as UserId,
  viewLists: [...viewLists],
  adminLists: [...adminLists],
  isLoggedInOnly: row.is_logged_in_only,
  allowShareOpenedx: row.allow_share_openedx,
  isPublic: row.is_public,
  includeInLearn: row.include_in_learn,
  forShorts: row.for_shorts,
  streamSource: row.stream_source as StreamSource | null,
  edxCourseId: row.edx_course_id,
  scheduleRetranscode: row.schedule_retranscode,
  createdAt: toDate(row.created_at),
  updatedAt: toDate(row.updated_at),
});

export const collectionColumns = (collection: Collection) => ({
  key: collection.key,
  title: collection.title,
  slug: collection.slug,
  description: collection.description,
  owner_id: collection.ownerId,
  is_logged_in_only: collection.isLoggedInOnly,
  allow_share_openedx: collection.allowShareOpenedx,
  is_public: collection.isPublic,
  include_in_learn: collection.includeInLearn,
  for_shorts: collection.forShorts,
  stream_source: collection.streamSource,
  edx_course_id: collection.edxCourseId,
  schedule_retranscode: collection.scheduleRetranscode,
  created_at: collection.createdAt,
  updated_at: collection.updatedAt,
});

export interface VideoRow {
  readonly key: string;
  readonly collection_key: string;
  readonly title: string;
  readonly description: string;
  readonly source_url: string;
  readonly status: string;
  readonly multiangle: boolean;
  readonly is_public: boolean;
  readonly is_private: boolean;
  readonly is_logged_in_only: boolean;
  readonly custom_order: number | null;
  readonly schedule_retranscode: boolean;
  readonly duration: number;
  readonly cta_link: string | null;
  readonly created_at: Timestamp;
  readonly updated_at: Timestamp;
  /** Aggregated from `video_view_groups` by the query, in position order. */
  readonly view_lists: ReadonlyArray<string> | null;
}

export const videoOf = (row: VideoRow): Video => ({
  key: row.key as VideoKey,
  collectionKey: row.collection_key as CollectionKey,
  title: row.title,
  description: row.description,
  sourceUrl: row.source_url,
  status: row.status as VideoStatus,
  multiangle: row.multiangle,
  viewLists: [...(row.view_lists ?? [])],
  isPublic: row.is_public,
  isPrivate: row.is_private,
  isLoggedInOnly: row.is_logged_in_only,
  customOrder: row.custom_order,
  scheduleRetranscode: row.schedule_retranscode,
  duration: Number(row.duration),
  ctaLink: row.cta_link,
  createdAt: toDate(row.created_at),
  updatedAt: toDate(row.updated_at),
});

/** Every column but the key, collection and status, which `update` keeps. */
export const videoEditableColumns = (video: Video) => ({
  title: video.title,
  description: video.description,
  source_url: video.sourceUrl,
  multiangle: video.multiangle,
  is_public: video.isPublic,
  is_private: video.isPrivate,
  is_logged_in_only: video.isLoggedInOnly,
  custom_order: video.customOrder,
  schedule_retranscode: video.scheduleRetranscode,
  duration: video.duration,
  cta_link: video.ctaLink,
  updated_at: video.updatedAt,
});

export const videoColumns = (video: Video) => ({
  key: video.key,
  collection_key: video.collectionKey,
  status: video.status,
  created_at: video.createdAt,
  ...videoEditableColumns(video),
});

interface StoredObjectRow {
  readonly id: number;
  readonly video_key: string;
  readonly s3_object_key: string;
  readonly bucket_name: string;
  readonly preset_id: string | null;
  readonly created_at: Timestamp;
  readonly updated_at: Timestamp;
}

const storedObjectOf = (row: StoredObjectRow) => ({
  id: row.id,
  videoKey: row.video_key as VideoKey,
  s3ObjectKey: row.s3_object_key,
  bucketName: row.bucket_name,
  presetId: row.preset_id,
  createdAt: toDate(row.created_at),
  updatedAt: toDate(row.updated_at),
});

export interface VideoFileRow extends StoredObjectRow {
  readonly encoding: string;
}
export const videoFileOf = (row: VideoFileRow): VideoFile => ({
  ...storedObjectOf(row),
  encoding: row.encoding,
});

export interface VideoThumbnailRow extends StoredObjectRow {
  readonly max_width: number | null;
  readonly max_height: number | null;
}
export const videoThumbnailOf = (row: VideoThumbnailRow): VideoThumbnail => ({
  ...storedObjectOf(row),
  maxWidth: row.max_width,
  maxHeight: row.max_height,
});

export interface VideoSubtitleRow extends StoredObjectRow {
  readonly filename: string;
  readonly language: string;
}
export const videoSubtitleOf = (row: VideoSubtitleRow): VideoSubtitle => ({
  ...storedObjectOf(row),
  filename: row.filename,
  language: row.language,
});

export interface YouTubeVideoRow {
  readonly video_key: string;
  readonly youtube_id: string | null;
  readonly status: string;
  readonly created_at: Timestamp;
  readonly updated_at: Timestamp;
}
export const youtubeVideoOf = (row: YouTubeVideoRow): YouTubeVideo => ({
  videoKey: row.video_key as VideoKey,
  youtubeId: row.youtube_id,
  status: row.status as YouTubeStatus,
  createdAt: toDate(row.created_at),
  updatedAt: toDate(row.updated_at),
});

export interface EncodeJobRow {
  readonly id: string;
  readonly video_key: string;
  readonly purpose: string;
  readonly state: number;
  readonly error_code: number | null;
  readonly error_message: string | null;
  readonly message: unknown;
  readonly created_at: Timestamp;
  readonly last_modified: Timestamp;
}
export const encodeJobOf = (row: EncodeJobRow): EncodeJob => ({
  id: row.id,
  videoKey: row.video_key as VideoKey,
  purpose: row.purpose as EncodeJobPurpose,
  state: encodeJobStateFromCode(row.state) ?? "Error",
  errorCode: row.error_code,
  errorMessage: row.error_message,
  message: row.message,
  createdAt: toDate(row.created_at),
  lastModified: toDate(row.last_modified),
});

export interface EdxEndpointRow {
  readonly id: number;
  readonly name: string;
  readonly base_url: string;
  readonly edx_video_api_path: string;
  readonly client_id: string;
  readonly secret_key: string;
  readonly access_token: string | null;
  readonly access_token_expires_at: Timestamp | null;
  readonly is_global_default: boolean;
  readonly created_at: Timestamp;
  readonly updated_at: Timestamp;
}
/**
 * The credentials columns are sealed (`CredentialSealer`). A row whose client id or secret key
 * does not open (sealed with another key) still reads, with `credentialsReadable: false` and
 * empty credentials, so lists keep working and staff can re-enter them; a cached token that does
 * not open is only a cache, and reads as none.
 */
export const edxEndpointOf = (row: EdxEndpointRow, sealer: CredentialSealer): EdxEndpoint => {
  const credentials = Either.all({
    clientId: sealer.open(row.client_id, "edx_endpoints.client_id"),
    secretKey: sealer.open(row.secret_key, "edx_endpoints.secret_key"),
  });
  const token =
    Either.isRight(credentials) && row.access_token !== null
      ? Either.getRight(sealer.open(row.access_token, "edx_endpoints.access_token"))
      : Option.none();
  return {
    id: row.id as EdxEndpointId,
    name: row.name,
    baseUrl: row.base_url,
    edxVideoApiPath: row.edx_video_api_path,
    clientId: Either.isRight(credentials) ? credentials.right.clientId.value : Redacted.make(""),
    secretKey: Either.isRight(credentials) ? credentials.right.secretKey.value : Redacted.make(""),
    credentialsReadable: Either.isRight(credentials),
    accessToken: Option.isSome(token) ? token.value.value : null,
    accessTokenExpiresAt: Option.isSome(token) ? toNullableDate(row.access_token_expires_at) : null,
    isGlobalDefault: row.is_global_default,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
};

/**
 * A JSON value as a jsonb column stores it: serialised once here, because the drivers would
 * send a JS array as a Postgres array literal instead of JSON.
 */
export const jsonColumn = (value: unknown): string =>
  JSON.stringify(value === undefined ? null : value) ?? "null";

/** `%` and `_` match themselves in a text filter (ILIKE … ESCAPE '\'). */
export const containsPattern = (fragment: string): string =>
  `%${fragment.replaceAll("\\", "\\\\").replaceAll("%", "\\%").replaceAll("_", "\\_")}%`;
