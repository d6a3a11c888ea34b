import { JSONSchema, Schema } from "effect";
import {
  API_TOKEN_NAME_MAX_LENGTH,
  COLLECTION_PAGE_SIZE,
  CreateCollectionBody,
  CreateEdxEndpointBody,
  DEFAULT_EDX_VIDEO_API_PATH,
  EDX_BASE_URL_MAX_LENGTH,
  EDX_ENDPOINT_NAME_MAX_LENGTH,
  EDX_VIDEO_API_PATH_MAX_LENGTH,
  UpdateEdxEndpointBody,
  DEFAULT_API_TOKEN_DAYS,
  DEFAULT_ABANDONED_MAIL_LIMIT,
  DEFAULT_FEED_PAGE_SIZE,
  EncodeJobPurpose,
  ENCODE_JOB_STATES,
  IssueApiTokenRequest,
  MAX_API_TOKEN_DAYS,
  MAX_ABANDONED_MAIL_LIMIT,
  MAX_PAGE_SIZE,
  PUBLIC_VIDEOS_PATH,
  ReplaceVideoSourceInput,
  StreamSource,
  SubtitleUploadInput,
  THUMBNAIL_CONTENT_TYPES,
  UpdateVideoBody,
  UpdateCollectionBody,
  UploadVideosInput,
  VIDEO_PAGE_SIZE,
  VIDEO_STATUSES,
} from "@ovs/domain";
import type { NotificationTemplate } from "@ovs/domain";
import {
  CSRF_COOKIE_NAME,
  CSRF_FAILURE_DETAIL,
  CSRF_HEADER_NAME,
  DEFAULT_SESSION_COOKIE_NAME,
  INVALID_TOKEN_DETAIL,
  TOKEN_IN_QUERY_DETAIL,
} from "../auth/index.js";
import { NOT_FOUND, SERVER_ERROR, SERVICE_UNAVAILABLE, SIGN_IN_REQUIRED } from "../http/errors.js";
import { SUBTITLE_UPLOAD_LIMIT_BYTES } from "./subtitles-routes.js";
import { DEFAULT_THUMBNAIL_MAX_UPLOAD_BYTES } from "./thumbnail-routes.js";

/**
 * The OpenAPI 3.1 description of the JSON API (`GET /api/v0/openapi.json`). Request bodies are
 * generated from the effect Schemas the use cases decode them with (their encoded side, so the
 * field names are the API's), so a rule added to a schema shows here; responses give the status
 * codes, the payload shapes and the error shapes of `http/errors.ts`. The route test compares the
 * document with the router: a route that is not described here fails it.
 */

export const OPENAPI_DOCUMENT_PATH = "/api/v0/openapi.json";

type Json = Readonly<Record<string, unknown>>;

export interface OpenApiOperation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: ReadonlyArray<string>;
  readonly security: ReadonlyArray<Json>;
  readonly parameters?: ReadonlyArray<Json>;
  readonly requestBody?: Json;
  readonly responses: Readonly<Record<string, Json>>;
}

export type HttpMethod = "get" | "put" | "post" | "delete" | "patch";

export type OpenApiPathItem = Partial<Readonly<Record<HttpMethod, OpenApiOperation>>>;

export interface OpenApiDocument {
  readonly openapi: "3.1.0";
  readonly info: Json;
  readonly servers: ReadonlyArray<{ readonly url: string; readonly description: string }>;
  readonly security: ReadonlyArray<Json>;
  readonly tags: ReadonlyArray<Json>;
  readonly paths: Readonly<Record<string, OpenApiPathItem>>;
  readonly components: {
    readonly securitySchemes: Readonly<Record<string, Json>>;
    readonly schemas: Readonly<Record<string, Json>>;
    readonly responses: Readonly<Record<string, Json>>;
  };
}

// ---------------------------------------------------------------------------------------------
// Request bodies from effect Schemas

/** A JSON Schema generated from an effect Schema, and the definitions its `$ref`s name. */
export interface GeneratedSchema {
  readonly schema: Json;
  readonly definitions: Readonly<Record<string, Json>>;
}

const SCHEMA_REFERENCE_PREFIX = "#/components/schemas/";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Copies a generated JSON Schema: `$ref`s point into `components.schemas`, and, for a body whose
 * decoder ignores the fields it does not read, `additionalProperties: false` is dropped.
 */
const adapted = (value: unknown, allowUnknownFields: boolean): unknown => {
  if (Array.isArray(value)) return value.map((item) => adapted(item, allowUnknownFields));
  if (!isRecord(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === "$ref" && typeof item === "string")
      copy[key] = item.replace(/^#\/\$defs\//, SCHEMA_REFERENCE_PREFIX);
    else if (key === "additionalProperties" && item === false && allowUnknownFields) continue;
    else copy[key] = adapted(item, allowUnknownFields);
  }
  return copy;
};

/**
 * The JSON Schema of a body `schema` decodes, from its encoded side with the refinements that
 * apply before any transformation (`Schema.encodedBoundSchema`): field names as the client sends
 * them (`view_lists`, not `viewLists`), with their length limits and integer types. `refuse`
 * when the decoder fails on fields it does not name (`additionalProperties: false`), `ignore`
 * when it drops them.
 */
export const jsonSchemaOf = <A, I>(
  schema: Schema.Schema<A, I, never>,
  unknownFields: "refuse" | "ignore",
): GeneratedSchema => {
  const generated = JSONSchema.make(Schema.encodedBoundSchema(schema), { target: "openApi3.1" });
  const { $schema: _dialect, $defs: definitions = {}, ...body } = generated;
  const allow = unknownFields === "ignore";
  return {
    schema: adapted(body, allow) as Json,
    definitions: Object.fromEntries(
      Object.entries(definitions).map(([name, definition]) => [name, adapted(definition, allow) as Json]),
    ),
  };
};

/** Describes top-level properties of a generated body, for a reader of the document. */
const describedProperties = (
  generated: GeneratedSchema,
  descriptions: Record<string, string>,
): GeneratedSchema => {
  const properties = (generated.schema["properties"] ?? {}) as Record<string, Json>;
  for (const name of Object.keys(descriptions)) {
    if (properties[name] === undefined) throw new Error(`the schema has no property ${name} to describe`);
  }
  return {
    ...generated,
    schema: {
      ...generated.schema,
      properties: Object.fromEntries(
        Object.entries(properties).map(([name, property]) => {
          const description = descriptions[name];
          return [name, description === undefined ? property : { ...property, description }];
        }),
      ),
    },
  };
};

/**
 * The body `POST /api/v0/tokens/` reads (`TokenRequestBody` in `tokens-routes.ts`, unknown
 * fields refused), with the rules `IssueApiTokenRequest` then applies to each field.
 */
const TokenRequestBodyEncoded = Schema.Struct({
  name: IssueApiTokenRequest.fields.name,
  expires_in_days: IssueApiTokenRequest.fields.expiresInDays,
});

const COLLECTION_BODY_DESCRIPTIONS = {
  title: "Not blank.",
  description: "Free text; null for none.",
  view_lists: "Names of the groups whose members may view the collection's videos; each must exist.",
  admin_lists: "Names of the groups whose members administer the collection; each must exist.",
  edx_course_id: "The edX course the collection's videos are posted to; empty or null for none.",
  is_logged_in_only: "Whether only signed-in users may view the collection's videos.",
  owner: "The owner's user id; only staff may give a collection another owner.",
  is_public:
    "Staff only. Publishes the collection: new videos start public. Changing it on an existing collection " +
    "makes every video public (or, when unpublishing, private) — except that publishing a collection " +
    "included in MIT Learn leaves its videos as they are.",
  include_in_learn:
    "Staff only. Offers the collection's public videos to MIT Learn (the public feed's filter).",
  for_shorts: "Staff only. Transcodes the collection's videos in portrait sizes, for shorts.",
  stream_source:
    "Staff only. Where the collection's public videos stream from: `Youtube`, `Cloudfront`, or null.",
};

const EDX_ENDPOINT_BODY_DESCRIPTIONS = {
  name: `Trimmed, then 1 to ${EDX_ENDPOINT_NAME_MAX_LENGTH} characters; unique among endpoints.`,
  base_url: `The edX instance's http(s) URL, at most ${EDX_BASE_URL_MAX_LENGTH} characters; tokens are asked for at its host's \`/oauth2/access_token/\`.`,
  edx_video_api_path:
    `The edxval videos path on that host, at most ${EDX_VIDEO_API_PATH_MAX_LENGTH} characters; ` +
    `\`${DEFAULT_EDX_VIDEO_API_PATH}\` when absent.`,
  client_id: "The OAuth client id. Write-only: kept sealed at rest and never shown again.",
  secret_key: "The OAuth client secret. Write-only: kept sealed at rest and never shown again.",
};

/** The request bodies, generated when the document is built. */
const makeRequestBodies = () => ({
  createCollection: describedProperties(
    jsonSchemaOf(CreateCollectionBody, "refuse"),
    COLLECTION_BODY_DESCRIPTIONS,
  ),
  updateCollection: describedProperties(jsonSchemaOf(UpdateCollectionBody, "refuse"), {
    ...COLLECTION_BODY_DESCRIPTIONS,
    schedule_retranscode: "Retranscode every video of the collection.",
  }),
  updateVideo: describedProperties(jsonSchemaOf(UpdateVideoBody, "ignore"), {
    cta_link: "A call-to-action http(s) URL; empty or null for none.",
    view_lists: "Names of the groups whose members may view the video; each must exist.",
    custom_order: "The video's position in its collection; null for the default order.",
    schedule_retranscode: "Retranscode the video.",
  }),
  uploadVideos: describedProperties(jsonSchemaOf(UploadVideosInput, "ignore"), {
    collection: "The collection's key: 32 hex characters or a dashed UUID.",
    files:
      "Dropbox Chooser entries or plain `{name, link}` entries; each becomes a video titled after its name. " +
      "`link` must be an http(s) URL; folders (`isDir: true`) are refused.",
  }),
  replaceVideo: describedProperties(jsonSchemaOf(ReplaceVideoSourceInput, "ignore"), {
    video: "The video's key: 32 hex characters or a dashed UUID.",
    file: "A Dropbox Chooser entry or a plain `{name, link}` entry with the new source.",
  }),
  issueToken: describedProperties(jsonSchemaOf(TokenRequestBodyEncoded, "refuse"), {
    name: `The token's name: trimmed, then 1 to ${API_TOKEN_NAME_MAX_LENGTH} characters.`,
    expires_in_days: `Days until the token expires, 1 to ${MAX_API_TOKEN_DAYS}; ${DEFAULT_API_TOKEN_DAYS} when absent.`,
  }),
  createEdxEndpoint: describedProperties(
    jsonSchemaOf(CreateEdxEndpointBody, "refuse"),
    EDX_ENDPOINT_BODY_DESCRIPTIONS,
  ),
  updateEdxEndpoint: describedProperties(jsonSchemaOf(UpdateEdxEndpointBody, "refuse"), {
    ...EDX_ENDPOINT_BODY_DESCRIPTIONS,
    client_id:
      "Replaces the stored client id and forgets the cached token. When the stored credentials cannot be read " +
      "(`has_credentials: false`), send it with `secret_key`.",
    secret_key:
      "Replaces the stored secret key and forgets the cached token. When the stored credentials cannot be read " +
      "(`has_credentials: false`), send it with `client_id`.",
  }),
  uploadSubtitle: describedProperties(jsonSchemaOf(SubtitleUploadInput, "ignore"), {
    video: "The video's key: 32 hex characters or a dashed UUID.",
    language: "ISO 639-1 code of the subtitles' language; `en` when absent.",
    filename: "The file's name, ending in `.vtt` or `.srt`; the file part's own name when absent.",
    file: `The subtitle file (WebVTT or SRT), UTF-8 text, at most ${SUBTITLE_UPLOAD_LIMIT_BYTES} bytes.`,
  }),
});
type RequestBodies = ReturnType<typeof makeRequestBodies>;

/**
 * The multipart form of `upload_subtitles`: `SubtitleUploadInput`'s fields, with `file` a file
 * part and `filename` optional (the route falls back to the part's file name). The route reads
 * only these fields; others (upstream's `collection`) are ignored.
 */
const subtitleForm = (bodies: RequestBodies): Json => {
  const { schema } = bodies.uploadSubtitle;
  const properties = schema["properties"] as Record<string, Json>;
  return {
    ...schema,
    required: ["video", "file"],
    properties: {
      ...properties,
      file: { ...properties["file"], contentMediaType: "application/octet-stream" },
    },
  };
};

/**
 * `POST /api/v0/sync_collection_videos_with_edx/`: the use case reads `collection_id` itself
 * (its schema types it as unknown), so its rules are written out here.
 */
const SYNC_REQUEST_BODY: Json = {
  type: "object",
  description: "Fields other than `collection_id` are ignored.",
  required: ["collection_id"],
  properties: {
    collection_id: {
      type: "string",
      description:
        "The collection's key: 32 hex characters or a dashed UUID. A missing, null, empty, 0 or false value " +
        'is refused with `{"collection_id": ["collection_id is required"]}`.',
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Response payloads and errors

const ref = (name: string): Json => ({ $ref: `${SCHEMA_REFERENCE_PREFIX}${name}` });
const responseRef = (name: string): Json => ({ $ref: `#/components/responses/${name}` });
const string = (description?: string): Json =>
  description === undefined ? { type: "string" } : { type: "string", description };
const dateTime = (description?: string): Json => ({ ...string(description), format: "date-time" });
const integer: Json = { type: "integer" };
const number: Json = { type: "number" };
const boolean: Json = { type: "boolean" };
const nullable = (schema: Json): Json => ({ anyOf: [schema, { type: "null" }] });
const arrayOf = (items: Json): Json => ({ type: "array", items });
const enumOf = (values: ReadonlyArray<string>): Json => ({ type: "string", enum: [...values] });
/** An object whose properties are always present (null where nullable). */
const object = (properties: Record<string, Json>): Json => ({
  type: "object",
  required: Object.keys(properties),
  properties,
});
const hexKey: Json = {
  type: "string",
  pattern: "^[0-9a-f]{32}$",
  description: "32 lowercase hex characters.",
};
const jsonContent = (schema: Json): Json => ({ "application/json": { schema } });

/** Upstream's pagination envelope around `item`. */
const page = (item: Json): Json =>
  object({
    count: integer,
    next: nullable(string("Absolute URL of the next page.")),
    previous: nullable(string("Absolute URL of the previous page.")),
    results: arrayOf(item),
    start_index: integer,
    end_index: integer,
    num_pages: integer,
  });

const videoFile = object({
  id: integer,
  created_at: dateTime(),
  s3_object_key: string(),
  encoding: string(),
  bucket_name: string(),
  cloudfront_url: string(),
});
const videoThumbnail = object({
  id: integer,
  created_at: dateTime(),
  s3_object_key: string(),
  bucket_name: string(),
  cloudfront_url: string(),
});
const videoSubtitle = object({
  id: integer,
  created_at: dateTime(),
  filename: string(),
  s3_object_key: string(),
  bucket_name: string(),
  language: string("ISO 639-1 code."),
  language_name: nullable(string()),
});
const playbackSource = object({
  src: string(),
  label: string("The encoding: `HLS`, `desktop_mp4`, or a legacy rendition."),
  type: enumOf(["application/x-mpegURL", "video/mp4"]),
});
const sharedVideoFields = {
  key: hexKey,
  created_at: dateTime(),
  title: string(),
  description: string(),
  collection_key: hexKey,
  status: ref("VideoStatus"),
  videofile_set: arrayOf(ref("VideoFile")),
  videothumbnail_set: arrayOf(ref("VideoThumbnail")),
  videosubtitle_set: arrayOf(ref("VideoSubtitle")),
  view_lists: arrayOf(string()),
  collection_view_lists: arrayOf(string()),
  is_public: boolean,
  is_private: boolean,
  cloudfront_url: string("The HLS playlist URL, or empty."),
  cta_link: nullable(string()),
  duration: { ...number, description: "Seconds; 0 until a transcode measured it." },
};
const video = object({
  ...sharedVideoFields,
  collection_title: string(),
  multiangle: boolean,
  is_logged_in_only: boolean,
  sources: arrayOf(ref("PlaybackSource")),
  youtube_id: nullable(string()),
});
const simpleVideo = object(sharedVideoFields);
const ownerInfo = object({ id: integer, username: string(), email: string() });
const collectionListFields = {
  key: hexKey,
  created_at: dateTime(),
  title: string(),
  description: nullable(string()),
  view_lists: arrayOf(string()),
  admin_lists: arrayOf(string()),
  video_count: integer,
  edx_course_id: nullable(string()),
  owner: integer,
  owner_info: ref("OwnerInfo"),
  is_public: boolean,
  stream_source: nullable(ref("StreamSource")),
};
const notices = arrayOf(
  string("Something the admin should know about the change, e.g. media now served openly."),
);
const collectionListItem = object(collectionListFields);
const collection = object({
  ...collectionListFields,
  videos: arrayOf(ref("SimpleVideo")),
  is_logged_in_only: boolean,
  is_admin: boolean,
  include_in_learn: boolean,
  for_shorts: boolean,
  schedule_retranscode: boolean,
});
const playback = object({
  key: hexKey,
  status: ref("VideoStatus"),
  playable: boolean,
  sources: arrayOf(ref("PlaybackSource")),
  subtitles: arrayOf(object({ language: string(), label: string(), url: string() })),
  poster: nullable(string()),
  duration: nullable(number),
  multiangle: boolean,
  youtubeId: nullable(string()),
  grant: nullable(
    object({
      queryParameters: {
        type: "object",
        additionalProperties: string(),
        description: "Appended to every request the player makes to the CDN host.",
      },
      expiresAt: dateTime(
        "The grant works until then (at least OVS_PLAYBACK_GRANT_SECONDS after it was made); refresh before.",
      ),
    }),
  ),
  video: ref("Video"),
});
const publicCollection = object({
  key: hexKey,
  title: string(),
  description: nullable(string()),
  is_public: boolean,
  stream_source: nullable(ref("StreamSource")),
  for_shorts: boolean,
});
const publicVideo = object({
  key: hexKey,
  created_at: dateTime(),
  title: string(),
  description: string(),
  status: ref("VideoStatus"),
  is_public: boolean,
  youtube_id: nullable(string()),
  sources: arrayOf(
    object({ src: string(), label: enumOf(["HLS"]), type: enumOf(["application/x-mpegURL"]) }),
  ),
  cta_link: nullable(string()),
  duration: nullable(number),
  multiangle: boolean,
  videothumbnail_set: arrayOf(ref("VideoThumbnail")),
  videosubtitle_set: arrayOf(ref("VideoSubtitle")),
  collection: ref("PublicCollection"),
});
const videoProcessingStatus = object({
  key: hexKey,
  status: ref("VideoStatus"),
  encode_jobs: {
    ...arrayOf(
      object({
        state: enumOf(ENCODE_JOB_STATES),
        purpose: enumOf(EncodeJobPurpose.literals),
        error_code: nullable(integer),
        error_message: nullable(string()),
        created_at: dateTime(),
        last_modified: dateTime(),
      }),
    ),
    description: "The video's latest transcode job; empty before the first.",
  },
});
const apiToken = object({
  id: string(),
  name: string(),
  created_at: dateTime(),
  expires_at: dateTime(),
  last_used_at: nullable(dateTime()),
  revoked_at: nullable(dateTime()),
  state: enumOf(["active", "expired", "revoked"]),
});
/** Every template, checked against the domain's type: one missing or misspelt fails to compile. */
const NOTIFICATION_TEMPLATES = Object.keys({
  success: true,
  invalid_format_error: true,
  other_error: true,
} satisfies Record<NotificationTemplate, true>);
const abandonedMail = {
  ...object({
    id: string("The outbox entry's id."),
    video_key: hexKey,
    template: enumOf(NOTIFICATION_TEMPLATES),
    from_status: nullable(ref("VideoStatus")),
    to_status: ref("VideoStatus"),
    attempts: { ...integer, description: "Sends tried; 0 when there was nobody to send it to." },
    reason: nullable(string("Why it was given up on: the last failure, or that nobody was to be told.")),
    created_at: dateTime("When the status changed."),
    abandoned_at: dateTime("When the email was given up on."),
  }),
  description: "A status email that will not be sent: the status change it was about, and why.",
};
const failedJob = object({
  id: string(),
  queue: string(),
  payload: { description: "The job's payload, as queued." },
  end: enumOf(["exhausted", "not_retried"]),
  failure: nullable(object({ tag: string(), message: string() })),
  attempts: integer,
  created_at: dateTime(),
  ended_at: nullable(dateTime()),
});
const issuedApiToken = object({
  id: string(),
  name: string(),
  token: string("The secret, shown this once: only its hash is kept."),
  created_at: dateTime(),
  expires_at: dateTime(),
});
const keyAndTitle = object({ key: hexKey, title: string() });
const edxEndpoint = {
  ...object({
    id: integer,
    name: string(),
    base_url: string(),
    edx_video_api_path: string(),
    videos_url: string("Where videos are posted: the API path resolved against the base URL."),
    has_credentials: {
      ...boolean,
      description:
        "False when the stored client id and secret key cannot be read (sealed with another OVS_SECRET_KEY): " +
        "nothing is posted to the endpoint until both are sent again.",
    },
    access_token_expires_at: nullable(
      dateTime("When the cached access token expires; null when none is cached."),
    ),
    collection_count: { ...integer, description: "How many collections post to this endpoint." },
    created_at: dateTime(),
    updated_at: dateTime(),
  }),
  description: "An Open edX instance. The client id, secret key and access token are never shown.",
};

const detail: Json = {
  ...object({ detail: string() }),
  description: `An error with a message, e.g. \`{"detail": "${NOT_FOUND}"}\`.`,
};
const errorMessage: Json = {
  ...object({ error: string() }),
  description: "An error with a message, where the old endpoints answered so.",
};
const fieldErrors: Json = {
  type: "object",
  description:
    "Django REST Framework field errors: each field names its messages, an object of nested field errors, " +
    "or a list with one object per item of a list of objects; problems with the body as a whole are " +
    "under `non_field_errors`.",
  additionalProperties: {
    anyOf: [arrayOf(string()), ref("FieldErrors"), arrayOf(ref("FieldErrors"))],
  },
};

const me = {
  ...object({
    user: nullable(
      object({ id: integer, username: string(), email: string(), is_staff: boolean, is_superuser: boolean }),
    ),
    may_create_collections: boolean,
    may_manage_edx_endpoints: boolean,
    dropbox_key: nullable(
      string("The Dropbox Chooser's public app key; null when Dropbox is not configured."),
    ),
    support_email: string(),
  }),
  description:
    "Who is asking (null when anonymous), what they may do in general, and the settings the web UI shows.",
};

const edxPost = object({
  video_key: hexKey,
  video_title: string(),
  endpoint_id: integer,
  endpoint_name: string(),
  outcome: enumOf(["Created", "Updated", "Rejected", "Failed", "NotEligible"]),
  status: nullable({ ...integer, description: "edxval's HTTP status, when it answered." }),
  detail: nullable(string("Why the post failed or was not sent; edxval's body for a rejection.")),
  retrying: boolean,
  attempt: integer,
  posted_at: dateTime(),
});

const SCHEMAS: Record<string, Json> = {
  Me: me,
  Detail: detail,
  ErrorMessage: errorMessage,
  FieldErrors: fieldErrors,
  VideoStatus: enumOf(VIDEO_STATUSES),
  StreamSource: enumOf(StreamSource.literals),
  OwnerInfo: ownerInfo,
  VideoFile: videoFile,
  VideoThumbnail: videoThumbnail,
  VideoSubtitle: videoSubtitle,
  PlaybackSource: playbackSource,
  Video: video,
  SimpleVideo: simpleVideo,
  CollectionListItem: collectionListItem,
  Collection: collection,
  Playback: playback,
  VideoProcessingStatus: videoProcessingStatus,
  PublicCollection: publicCollection,
  PublicVideo: publicVideo,
  ApiToken: apiToken,
  IssuedApiToken: issuedApiToken,
  FailedJob: failedJob,
  AbandonedMail: abandonedMail,
  EdxEndpoint: edxEndpoint,
  EdxPost: edxPost,
};

const errorResponse = (description: string, schema: Json): Json => ({
  description,
  content: jsonContent(schema),
});

const RESPONSES: Record<string, Json> = {
  QueryCredentials: errorResponse(
    `Credentials in the query string (\`token\`, \`access_token\`) are refused: "${TOKEN_IN_QUERY_DETAIL}"`,
    ref("Detail"),
  ),
  InvalidBody: errorResponse(
    "The body is refused: field errors for invalid fields (unknown fields too, where the body refuses them); " +
      '`{"detail"}` for JSON that does not parse, a body that ends early, or credentials in the query string.',
    { anyOf: [ref("FieldErrors"), ref("Detail")] },
  ),
  InvalidToken: {
    ...errorResponse(
      `The bearer token is malformed, unknown, expired or revoked: "${INVALID_TOKEN_DETAIL}"`,
      ref("Detail"),
    ),
    headers: { "WWW-Authenticate": { schema: string(), description: 'Bearer error="invalid_token"' } },
  },
  Forbidden: errorResponse(
    `An anonymous caller is asked to sign in ("${SIGN_IN_REQUIRED}"); a signed-in one who may see the object ` +
      `but not do this gets the reason; a session write without the \`${CSRF_HEADER_NAME}\` header ` +
      `matching the \`${CSRF_COOKIE_NAME}\` cookie gets "${CSRF_FAILURE_DETAIL}"`,
    ref("Detail"),
  ),
  NotFound: errorResponse(
    `Not found, also for what the caller may not see or a key that does not parse: "${NOT_FOUND}"`,
    ref("Detail"),
  ),
  Conflict: errorResponse(
    "The state of the object does not allow this now, or it would duplicate another.",
    ref("Detail"),
  ),
  BodyTooLarge: errorResponse("The body is larger than the route accepts.", ref("Detail")),
  UnsupportedMediaType: errorResponse(
    "The body is not of the type the route reads (or is compressed, or not UTF-8).",
    ref("Detail"),
  ),
  ServerError: errorResponse(`A fault that retrying will not fix: "${SERVER_ERROR}"`, ref("Detail")),
  ServiceUnavailable: errorResponse(
    `A passing fault; try again later: "${SERVICE_UNAVAILABLE}"`,
    ref("Detail"),
  ),
};

// ---------------------------------------------------------------------------------------------
// Operations

/** Signed-in users (session or token), and anonymous callers, who see what is public. */
const OPTIONAL_SIGN_IN: ReadonlyArray<Json> = [{ sessionCookie: [] }, { bearerAuth: [] }, {}];
const SIGNED_IN: ReadonlyArray<Json> = [{ sessionCookie: [] }, { bearerAuth: [] }];
const PUBLIC: ReadonlyArray<Json> = [];

const ok = (description: string, schema?: Json): Json =>
  schema === undefined ? { description } : { description, content: jsonContent(schema) };

/** The answers every route can give: the principal middleware's and the infrastructure's. */
const withCommonAnswers = (responses: Record<string, Json>): Record<string, Json> =>
  Object.fromEntries(
    Object.entries({
      "400": responseRef("QueryCredentials"),
      ...responses,
      "401": responseRef("InvalidToken"),
      "500": responseRef("ServerError"),
      "503": responseRef("ServiceUnavailable"),
    }).sort(([one], [other]) => Number(one) - Number(other)),
  );

const JSON_BODY_ERRORS = {
  "400": responseRef("InvalidBody"),
  "413": responseRef("BodyTooLarge"),
  "415": responseRef("UnsupportedMediaType"),
};

const jsonBody = (schema: Json): Json => ({ required: true, content: jsonContent(schema) });

const pathParameter = (name: string, description: string, schema: Json = string()): Json => ({
  name,
  in: "path",
  required: true,
  description,
  schema,
});
const COLLECTION_KEY = pathParameter("key", "The collection's key: 32 hex characters or a dashed UUID.");
const VIDEO_KEY = pathParameter("key", "The video's key: 32 hex characters or a dashed UUID.");
const EDX_ENDPOINT_ID = pathParameter(
  "id",
  "The endpoint's id; anything but a positive integer is not found.",
  {
    type: "integer",
    minimum: 1,
  },
);

const queryParameter = (name: string, description: string, schema: Json = string()): Json => ({
  name,
  in: "query",
  required: false,
  description,
  schema,
});
const pageParameters = (defaultSize: number): ReadonlyArray<Json> => [
  queryParameter("page", 'The page, from 1, or `last`; a page past the end is 404 "Invalid page.".', {
    anyOf: [{ type: "integer", minimum: 1 }, { const: "last" }],
  }),
  queryParameter(
    "page_size",
    `Items per page, at most ${MAX_PAGE_SIZE}; ${defaultSize} when absent or not a positive integer.`,
    {
      type: "integer",
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      default: defaultSize,
    },
  ),
];
const ORDERING_PARAMETER = queryParameter(
  "ordering",
  "Comma-separated fields (`created_at`, `title`, `-` for descending); the first known one sorts, the key breaks ties.",
);
const INVALID_PAGE = errorResponse('The page does not exist: "Invalid page."', ref("Detail"));
const INVALID_QUERY = errorResponse(
  'A filter is invalid (field errors); `{"detail"}` for a cursor that is not one of ours ("Invalid cursor.") ' +
    "or credentials in the query string.",
  { anyOf: [ref("FieldErrors"), ref("Detail")] },
);

interface OperationInput {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly security: ReadonlyArray<Json>;
  readonly parameters?: ReadonlyArray<Json>;
  readonly requestBody?: Json;
  readonly responses: Record<string, Json>;
}

const operation = (input: OperationInput): OpenApiOperation => ({
  operationId: input.operationId,
  summary: input.summary,
  ...(input.description === undefined ? {} : { description: input.description }),
  tags: [input.tag],
  security: input.security,
  ...(input.parameters === undefined ? {} : { parameters: input.parameters }),
  ...(input.requestBody === undefined ? {} : { requestBody: input.requestBody }),
  responses: withCommonAnswers(input.responses),
});

const collectionUpdate = (bodies: RequestBodies, replace: boolean): OpenApiOperation => {
  const body = bodies.updateCollection.schema;
  return operation({
    operationId: replace ? "collectionsUpdate" : "collectionsPartialUpdate",
    summary: replace ? "Replace a collection" : "Change a collection",
    description: replace
      ? "As PATCH, except that `title`, `view_lists` and `admin_lists` are required. Admins of the collection only."
      : "Only the fields sent change. Admins of the collection only.",
    tag: "collections",
    security: SIGNED_IN,
    parameters: [COLLECTION_KEY],
    requestBody: jsonBody(replace ? { ...body, required: ["title", "view_lists", "admin_lists"] } : body),
    responses: {
      "200": ok("The collection.", {
        allOf: [ref("Collection"), { type: "object", properties: { notices } }],
      }),
      ...JSON_BODY_ERRORS,
      "403": responseRef("Forbidden"),
      "404": responseRef("NotFound"),
    },
  });
};

const videoUpdate = (bodies: RequestBodies, method: "put" | "patch"): OpenApiOperation =>
  operation({
    operationId: method === "put" ? "videosUpdate" : "videosPartialUpdate",
    summary: method === "put" ? "Change a video (as PATCH)" : "Change a video",
    description:
      "Only the fields sent change; read-only and unknown fields are ignored. Admins of the video's collection only." +
      (method === "put" ? " PUT answers as PATCH: no field is required." : ""),
    tag: "videos",
    security: SIGNED_IN,
    parameters: [VIDEO_KEY],
    requestBody: jsonBody(bodies.updateVideo.schema),
    responses: {
      "200": ok("The video.", ref("Video")),
      ...JSON_BODY_ERRORS,
      "403": responseRef("Forbidden"),
      "404": responseRef("NotFound"),
    },
  });

const paths = (bodies: RequestBodies): Record<string, OpenApiPathItem> => ({
  "/api/v0/collections/": {
    get: operation({
      operationId: "collectionsList",
      summary: "List my collections",
      description:
        "The collections the caller owns, administers or is on a view list of; all of them for superusers; none for anonymous callers. " +
        "Text filters match case-insensitively.",
      tag: "collections",
      security: OPTIONAL_SIGN_IN,
      parameters: [
        ...pageParameters(COLLECTION_PAGE_SIZE),
        queryParameter("title", "Title contains."),
        queryParameter("slug", "Slug contains."),
        queryParameter("description", "Description contains."),
        queryParameter("edx_course_id", "edX course id contains."),
        queryParameter("edx_endpoint", "Linked to the edX endpoint with this id."),
        queryParameter("search", "Searches the collection's text and its videos' titles and descriptions."),
        ORDERING_PARAMETER,
      ],
      responses: {
        "200": ok("A page of collections.", page(ref("CollectionListItem"))),
        "400": INVALID_QUERY,
        "404": INVALID_PAGE,
      },
    }),
    post: operation({
      operationId: "collectionsCreate",
      summary: "Create a collection",
      description: "Staff and superusers only. The owner is the caller unless `owner` names another user.",
      tag: "collections",
      security: SIGNED_IN,
      requestBody: jsonBody(bodies.createCollection.schema),
      responses: {
        "201": ok("The new collection.", {
          allOf: [ref("CollectionListItem"), { type: "object", properties: { notices } }],
        }),
        ...JSON_BODY_ERRORS,
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
        "409": responseRef("Conflict"),
      },
    }),
  },
  "/api/v0/collections/{key}/edx_posts/": {
    get: operation({
      operationId: "collectionsEdxPosts",
      summary: "What became of the videos posted to edX",
      description:
        "The last post of each video of the collection to each of its edX endpoints, in the collection's video " +
        "order, then by endpoint name. Admins of the collection only.",
      tag: "collections",
      security: SIGNED_IN,
      parameters: [COLLECTION_KEY],
      responses: {
        "200": ok("The posts.", object({ results: arrayOf(ref("EdxPost")) })),
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
      },
    }),
  },
  "/api/v0/collections/{key}/": {
    get: operation({
      operationId: "collectionsRetrieve",
      summary: "Get a collection",
      description: "With the videos the caller may view.",
      tag: "collections",
      security: OPTIONAL_SIGN_IN,
      parameters: [COLLECTION_KEY],
      responses: {
        "200": ok("The collection.", ref("Collection")),
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
      },
    }),
    put: collectionUpdate(bodies, true),
    patch: collectionUpdate(bodies, false),
    delete: operation({
      operationId: "collectionsDestroy",
      summary: "Delete a collection",
      description:
        "With its videos; their stored objects are deleted afterwards. Admins of the collection only.",
      tag: "collections",
      security: SIGNED_IN,
      parameters: [COLLECTION_KEY],
      responses: {
        "204": ok("Deleted."),
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
      },
    }),
  },
  "/api/v0/videos/": {
    get: operation({
      operationId: "videosList",
      summary: "List videos",
      description: "The videos the caller may view.",
      tag: "videos",
      security: OPTIONAL_SIGN_IN,
      parameters: [
        ...pageParameters(VIDEO_PAGE_SIZE),
        queryParameter("collection", "Only the videos of the collection with this key."),
        ORDERING_PARAMETER,
      ],
      responses: {
        "200": ok("A page of videos.", page(ref("Video"))),
        "400": INVALID_QUERY,
        "404": INVALID_PAGE,
      },
    }),
  },
  "/api/v0/videos/{key}/": {
    get: operation({
      operationId: "videosRetrieve",
      summary: "Get a video",
      tag: "videos",
      security: OPTIONAL_SIGN_IN,
      parameters: [VIDEO_KEY],
      responses: {
        "200": ok("The video.", ref("Video")),
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
      },
    }),
    put: videoUpdate(bodies, "put"),
    patch: videoUpdate(bodies, "patch"),
    delete: operation({
      operationId: "videosDestroy",
      summary: "Delete a video",
      description: "Its stored objects are deleted afterwards. Admins of the video's collection only.",
      tag: "videos",
      security: SIGNED_IN,
      parameters: [VIDEO_KEY],
      responses: {
        "204": ok("Deleted."),
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
      },
    }),
  },
  "/api/v0/videos/{key}/playback/": {
    get: operation({
      operationId: "videosPlayback",
      summary: "What a player needs to play a video",
      description:
        "Sources, subtitle tracks, poster and, for a protected video, the CDN grant. The playlists name their variants " +
        "and segments by relative URIs, so a player appends `grant.queryParameters` to every request to the CDN host " +
        "(hls.js `xhrSetup`/`fetchSetup`, Video.js VHS `beforeRequest`) and calls this endpoint again before " +
        "`grant.expiresAt` for a fresh grant. With `OVS_PLAYBACK_SIGNED_COOKIES`, the grant is also set as CloudFront " +
        "cookies (`CloudFront-Policy`, `CloudFront-Signature`, `CloudFront-Key-Pair-Id`) on each of the video's " +
        "protected folders. A public video has `grant: null` and plain URLs. " +
        "Answered with `Cache-Control: private, no-store`.",
      tag: "videos",
      security: OPTIONAL_SIGN_IN,
      parameters: [VIDEO_KEY],
      responses: {
        "200": ok("The playback description.", ref("Playback")),
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
      },
    }),
  },
  "/api/v0/videos/{key}/status/": {
    get: operation({
      operationId: "videosStatus",
      summary: "How a video's processing goes",
      description: "The video's status and its latest transcode job, for whoever may view the video.",
      tag: "videos",
      security: OPTIONAL_SIGN_IN,
      parameters: [VIDEO_KEY],
      responses: {
        "200": ok("The status.", ref("VideoProcessingStatus")),
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
      },
    }),
  },
  "/api/v0/videos/{key}/thumbnail/": {
    patch: operation({
      operationId: "videosThumbnailUpload",
      summary: "Replace a video's thumbnail",
      description:
        "A JPEG or PNG image in the multipart field `thumbnail`; its bytes must really be JPEG or PNG. " +
        `At most THUMBNAIL_UPLOAD_MAX_SIZE bytes (${DEFAULT_THUMBNAIL_MAX_UPLOAD_BYTES} by default). ` +
        "Admins of the video's collection only.",
      tag: "videos",
      security: SIGNED_IN,
      parameters: [VIDEO_KEY],
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: object({
              thumbnail: {
                type: "string",
                contentMediaType: "application/octet-stream",
                description: "The image.",
              },
            }),
            encoding: { thumbnail: { contentType: THUMBNAIL_CONTENT_TYPES.join(", ") } },
          },
        },
      },
      responses: {
        "200": ok("The thumbnail was replaced; the video.", ref("Video")),
        "201": ok("The video had no thumbnail; the video.", ref("Video")),
        "400": errorResponse(
          'No file, a type other than JPEG or PNG, bytes that are not an image, or a form that does not parse: `{"error"}`; ' +
            '`{"detail"}` for a body that ends early or credentials in the query string.',
          { anyOf: [ref("ErrorMessage"), ref("Detail")] },
        ),
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
        "413": errorResponse("The image is over the limit.", ref("ErrorMessage")),
        "415": responseRef("UnsupportedMediaType"),
      },
    }),
  },
  "/api/v0/upload_subtitles/": {
    post: operation({
      operationId: "subtitlesUpload",
      summary: "Add or replace a video's subtitles in one language",
      description:
        "WebVTT or SRT (converted to WebVTT). Admins of the video's collection only. Fields the route does not read " +
        "(upstream's `collection`) are ignored.",
      tag: "subtitles",
      security: SIGNED_IN,
      requestBody: { required: true, content: { "multipart/form-data": { schema: subtitleForm(bodies) } } },
      responses: {
        "202": ok("The stored subtitles.", ref("VideoSubtitle")),
        "400": errorResponse(
          "Field errors (`video`, `language`, `filename`, `file`, or `non_field_errors` for a form that does not parse); " +
            '`{"detail"}` for a body that ends early or credentials in the query string.',
          { anyOf: [ref("FieldErrors"), ref("Detail")] },
        ),
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
        "409": responseRef("Conflict"),
        "413": responseRef("BodyTooLarge"),
        "415": responseRef("UnsupportedMediaType"),
      },
    }),
  },
  "/api/v0/subtitles/{id}/": {
    get: operation({
      operationId: "subtitlesRetrieve",
      summary: "Get a subtitle",
      description: "For whoever may view its video.",
      tag: "subtitles",
      security: OPTIONAL_SIGN_IN,
      parameters: [pathParameter("id", "The subtitle's id.", { type: "integer", minimum: 1 })],
      responses: {
        "200": ok("The subtitle.", ref("VideoSubtitle")),
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
      },
    }),
    delete: operation({
      operationId: "subtitlesDestroy",
      summary: "Delete a subtitle",
      description: "Admins of its video's collection only; the stored file is deleted afterwards.",
      tag: "subtitles",
      security: SIGNED_IN,
      parameters: [pathParameter("id", "The subtitle's id.", { type: "integer", minimum: 1 })],
      responses: {
        "204": ok("Deleted."),
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
      },
    }),
  },
  "/api/v0/upload_videos/": {
    post: operation({
      operationId: "uploadVideos",
      summary: "Add videos to a collection from Dropbox or URLs",
      description:
        "Each file becomes a `Created` video whose source is fetched in the background; the video's status tells how it goes. " +
        "Every entry is checked before anything is created. Admins of the collection only.",
      tag: "ingest",
      security: SIGNED_IN,
      requestBody: jsonBody(bodies.uploadVideos.schema),
      responses: {
        "202": ok("Queued: for each new video's key, its original's storage key and its title.", {
          type: "object",
          additionalProperties: object({ s3key: string(), title: string() }),
        }),
        ...JSON_BODY_ERRORS,
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
        "409": responseRef("Conflict"),
      },
    }),
  },
  "/api/v0/upload_file/": {
    post: operation({
      operationId: "uploadFile",
      summary: "Upload a video file to a collection",
      description:
        "A `multipart/form-data` body: the text field `collection` (the collection's key), then the file part `file` " +
        "with its file name, which titles the video. The file streams into storage as it arrives; the video is created " +
        "once it is stored, and goes on to be transcoded. At most OVS_MAX_UPLOAD_BYTES bytes. " +
        "Admins of the collection only.",
      tag: "ingest",
      security: SIGNED_IN,
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: object({
              collection: string("The collection's key; sent before `file`."),
              file: {
                type: "string",
                contentMediaType: "application/octet-stream",
                description: "The video.",
              },
            }),
          },
        },
      },
      responses: {
        "202": ok("Stored and queued: for the new video's key, its original's storage key and its title.", {
          type: "object",
          additionalProperties: object({ s3key: string(), title: string() }),
        }),
        "400": errorResponse(
          "Field errors (`collection`, `file`, or `non_field_errors` for a form that does not parse); " +
            '`{"detail"}` for a body that ends early or credentials in the query string.',
          { anyOf: [ref("FieldErrors"), ref("Detail")] },
        ),
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
        "413": responseRef("BodyTooLarge"),
        "415": responseRef("UnsupportedMediaType"),
      },
    }),
  },
  "/api/v0/replace_video/": {
    post: operation({
      operationId: "replaceVideoSource",
      summary: "Give a video a new source",
      description:
        "The new source is fetched and transcoded in the background; the old outputs stay live until the new ones are ready. " +
        "Refused while an upload or transcode is under way. Admins of the video's collection only.",
      tag: "ingest",
      security: SIGNED_IN,
      requestBody: jsonBody(bodies.replaceVideo.schema),
      responses: {
        "202": ok("Queued.", keyAndTitle),
        ...JSON_BODY_ERRORS,
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
        "409": responseRef("Conflict"),
      },
    }),
  },
  "/api/v0/videos/{key}/retry_upload/": {
    post: operation({
      operationId: "videosRetryUpload",
      summary: "Retry a failed upload",
      description: "Admins of the video's collection only. No body.",
      tag: "ingest",
      security: SIGNED_IN,
      parameters: [VIDEO_KEY],
      responses: {
        "202": ok("Queued again.", object({ key: hexKey, outcome: enumOf(["retried"]) })),
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
        "409": ok(
          "Not retried: the video is not `Upload failed` (any more), or has no source or original to fetch again.",
          object({
            key: hexKey,
            outcome: enumOf([
              "skipped_status",
              "skipped_no_source",
              "skipped_no_original",
              "skipped_conflict",
            ]),
          }),
        ),
      },
    }),
  },
  "/api/v0/sync_collection_videos_with_edx/": {
    post: operation({
      operationId: "syncCollectionWithEdx",
      summary: "Post a collection's videos to edX",
      description:
        "Admins of the collection only. Queues one sync and says which videos it will post and which it leaves out.",
      tag: "edx",
      security: SIGNED_IN,
      requestBody: jsonBody(SYNC_REQUEST_BODY),
      responses: {
        "202": ok(
          "Queued.",
          object({
            message: string(),
            task_id: nullable(string("The id of the queued sync job.")),
            collection_id: string("As sent."),
            status: enumOf(["processing"]),
            to_post: arrayOf(keyAndTitle),
            refused: arrayOf(object({ key: hexKey, title: string(), reason: string() })),
          }),
        ),
        "400": errorResponse(
          '`collection_id` missing or malformed (field errors); `{"error"}` when the collection cannot be synced ' +
            '(no course id, no edX endpoint, no video that can be sent); `{"detail"}` for JSON that does not parse ' +
            "or credentials in the query string.",
          { anyOf: [ref("FieldErrors"), ref("ErrorMessage"), ref("Detail")] },
        ),
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
        "413": responseRef("BodyTooLarge"),
        "415": responseRef("UnsupportedMediaType"),
      },
    }),
  },
  ...Object.fromEntries(
    (["/videos/{key}/download", "/videos/{key}/download/"] as const).map((path, index) => [
      path,
      {
        get: operation({
          operationId: index === 0 ? "videosDownload" : "videosDownloadSlash",
          summary: "Download a public video's MP4",
          description:
            "Upstream's download link: a 302 to the unsigned CDN URL of the video's MP4. Public videos only; " +
            "a protected video, or one without a transcoded MP4 (the original upload is never served), is not found.",
          tag: "feed",
          security: PUBLIC,
          parameters: [VIDEO_KEY],
          responses: { "302": ok("To the MP4 on the CDN (`Location`)."), "404": responseRef("NotFound") },
        }),
      },
    ]),
  ),
  [PUBLIC_VIDEOS_PATH]: {
    get: operation({
      operationId: "publicVideosList",
      summary: "The public video feed",
      description:
        "Public, complete videos of every collection, for crawlers. Every `next` link carries a `cursor`, so a crawl that " +
        "follows `next` sees each video once. Boolean filters take `true`/`false` (`True`, `2`, `False`, `3`); other values turn them off.",
      tag: "feed",
      security: PUBLIC,
      parameters: [
        ...pageParameters(DEFAULT_FEED_PAGE_SIZE),
        queryParameter("cursor", "From a `next` link; takes precedence over `page`."),
        queryParameter("collection", "Only the videos of the collection with this key (a UUID)."),
        queryParameter("status", "Only videos with this status."),
        queryParameter("include_in_learn", "Only videos with (or without) this flag."),
        queryParameter("for_shorts", "Only videos of collections for shorts (or not)."),
        queryParameter("collection_title", "The collection's title contains."),
        queryParameter("stream_source", "Only collections with this stream source."),
        queryParameter("exclude_source", "Comma-separated stream sources to leave out."),
        queryParameter("title", "Title contains."),
        queryParameter("description", "Description contains."),
        queryParameter("search", "Title or description contains."),
        ORDERING_PARAMETER,
      ],
      responses: {
        "200": ok("A page of public videos.", page(ref("PublicVideo"))),
        "400": INVALID_QUERY,
        "404": INVALID_PAGE,
      },
    }),
  },
  "/api/v0/me/": {
    get: operation({
      operationId: "meRetrieve",
      summary: "Who am I, and what may I do",
      description:
        "The signed-in user (null for anonymous callers), whether they may create collections and manage edX endpoints, " +
        "and the settings the web UI needs (the Dropbox Chooser key, the support address). Answered with `Cache-Control: private, no-store`.",
      tag: "meta",
      security: OPTIONAL_SIGN_IN,
      responses: { "200": ok("Who is asking.", ref("Me")) },
    }),
  },
  "/api/v0/tokens/": {
    get: operation({
      operationId: "tokensList",
      summary: "List my API tokens",
      description: "Newest first, revoked and expired ones included; never a secret.",
      tag: "tokens",
      security: SIGNED_IN,
      responses: {
        "200": ok("The tokens.", arrayOf(ref("ApiToken"))),
        "403": responseRef("Forbidden"),
      },
    }),
    post: operation({
      operationId: "tokensCreate",
      summary: "Create an API token",
      description:
        "For scripts, the CLI and services: send it as `Authorization: Bearer <token>`. Answered with `Cache-Control: no-store`.",
      tag: "tokens",
      security: SIGNED_IN,
      requestBody: jsonBody(bodies.issueToken.schema),
      responses: {
        "201": ok("The token, with its secret.", ref("IssuedApiToken")),
        ...JSON_BODY_ERRORS,
        "403": responseRef("Forbidden"),
      },
    }),
  },
  "/api/v0/jobs/failed/": {
    get: operation({
      operationId: "jobsFailedList",
      summary: "List the jobs that will not run again",
      description:
        "Failed with no retries left (`exhausted`) or failed so that a retry would fail the same way " +
        "(`not_retried`), newest first. Staff and superusers.",
      tag: "operations",
      security: SIGNED_IN,
      parameters: [queryParameter("limit", "At most this many, 1 to 500; 50 when absent.", integer)],
      responses: {
        "200": ok("The failed jobs.", object({ count: integer, results: arrayOf(ref("FailedJob")) })),
        "400": responseRef("QueryCredentials"),
        "403": responseRef("Forbidden"),
      },
    }),
  },
  "/api/v0/mail/failed/": {
    get: operation({
      operationId: "mailFailedList",
      summary: "List the status emails given up on",
      description:
        "Status emails that will not be sent — a failure retrying would repeat, nobody to send them to, " +
        "or too many failed sends — newest first. Staff and superusers.",
      tag: "operations",
      security: SIGNED_IN,
      parameters: [
        queryParameter(
          "limit",
          `At most this many, 1 to ${MAX_ABANDONED_MAIL_LIMIT}; ${DEFAULT_ABANDONED_MAIL_LIMIT} when absent.`,
          integer,
        ),
      ],
      responses: {
        "200": ok(
          "The abandoned status emails.",
          object({ count: integer, results: arrayOf(ref("AbandonedMail")) }),
        ),
        "400": errorResponse(
          `A \`limit\` that is not a whole number from 1 to ${MAX_ABANDONED_MAIL_LIMIT} is a field error on ` +
            '`limit`; credentials in the query string are refused with `{"detail"}`.',
          { anyOf: [ref("FieldErrors"), ref("Detail")] },
        ),
        "403": responseRef("Forbidden"),
      },
    }),
  },
  "/api/v0/tokens/{id}/": {
    delete: operation({
      operationId: "tokensDestroy",
      summary: "Revoke an API token",
      description:
        "It stops working at once; revoking it again changes nothing. Another user's token is not found.",
      tag: "tokens",
      security: SIGNED_IN,
      parameters: [pathParameter("id", "The token's id.")],
      responses: {
        "204": ok("Revoked."),
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
      },
    }),
  },
  "/api/v0/edx_endpoints/": {
    get: operation({
      operationId: "edxEndpointsList",
      summary: "List the edX endpoints",
      description: "Every endpoint, oldest first (not paged). Staff and superusers only.",
      tag: "edx",
      security: SIGNED_IN,
      responses: {
        "200": ok("The endpoints.", arrayOf(ref("EdxEndpoint"))),
        "403": responseRef("Forbidden"),
      },
    }),
    post: operation({
      operationId: "edxEndpointsCreate",
      summary: "Add an edX endpoint",
      description:
        "Staff and superusers only. A name another endpoint has is a field error on `name`. " +
        "The credentials are kept sealed at rest and never shown again.",
      tag: "edx",
      security: SIGNED_IN,
      requestBody: jsonBody(bodies.createEdxEndpoint.schema),
      responses: {
        "201": ok("The new endpoint.", ref("EdxEndpoint")),
        ...JSON_BODY_ERRORS,
        "403": responseRef("Forbidden"),
      },
    }),
  },
  "/api/v0/edx_endpoints/{id}/": {
    get: operation({
      operationId: "edxEndpointsRetrieve",
      summary: "Get an edX endpoint",
      description: "Staff and superusers only.",
      tag: "edx",
      security: SIGNED_IN,
      parameters: [EDX_ENDPOINT_ID],
      responses: {
        "200": ok("The endpoint.", ref("EdxEndpoint")),
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
      },
    }),
    patch: operation({
      operationId: "edxEndpointsPartialUpdate",
      summary: "Change an edX endpoint",
      description:
        "Only the fields sent change. New credentials or a new base URL forget the cached token. Staff and superusers only.",
      tag: "edx",
      security: SIGNED_IN,
      parameters: [EDX_ENDPOINT_ID],
      requestBody: jsonBody(bodies.updateEdxEndpoint.schema),
      responses: {
        "200": ok("The endpoint.", ref("EdxEndpoint")),
        ...JSON_BODY_ERRORS,
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
      },
    }),
    delete: operation({
      operationId: "edxEndpointsDestroy",
      summary: "Delete an edX endpoint",
      description:
        "Unlinks it from every collection, which stop posting to it; videos already on edX stay there. " +
        "Staff and superusers only.",
      tag: "edx",
      security: SIGNED_IN,
      parameters: [EDX_ENDPOINT_ID],
      responses: {
        "204": ok("Deleted."),
        "403": responseRef("Forbidden"),
        "404": responseRef("NotFound"),
      },
    }),
  },
  [OPENAPI_DOCUMENT_PATH]: {
    get: operation({
      operationId: "openApiDocument",
      summary: "This document",
      tag: "meta",
      security: PUBLIC,
      responses: { "200": ok("The OpenAPI 3.1 document.", { type: "object" }) },
    }),
  },
});

/** The definitions generated schemas refer to, checked against each other and the hand-written ones. */
const generatedDefinitions = (bodies: RequestBodies): Record<string, Json> => {
  const definitions: Record<string, Json> = {};
  for (const { definitions: each } of Object.values(bodies)) {
    for (const [name, definition] of Object.entries(each)) {
      const known = definitions[name] ?? SCHEMAS[name];
      if (known !== undefined && JSON.stringify(known) !== JSON.stringify(definition)) {
        throw new Error(`two different schemas are both named ${name}`);
      }
      definitions[name] = definition;
    }
  }
  return definitions;
};

/**
 * The document. `baseUrl` is `ODL_VIDEO_BASE_URL`, the service's root as clients reach it (an
 * embedder's prefix included): the API's paths are under it.
 */
export const openApiDocument = (options: { readonly baseUrl: string }): OpenApiDocument => {
  const bodies = makeRequestBodies();
  return {
    openapi: "3.1.0",
    info: {
      title: "OVS API",
      version: "v0",
      description:
        "The JSON API of OVS, the open video service: collections, videos, uploads, subtitles, edX sync, the public feed and API tokens. " +
        "Paths, field names, the pagination envelope and the error shapes are those of the previous service's `/api/v0/`.",
    },
    servers: [{ url: options.baseUrl, description: "This service." }],
    security: OPTIONAL_SIGN_IN,
    tags: [
      { name: "collections", description: "Collections of videos and who may view and administer them." },
      { name: "videos", description: "Videos, their playback, processing status and thumbnails." },
      { name: "subtitles", description: "Subtitle files of videos." },
      { name: "ingest", description: "Getting video sources in." },
      { name: "edx", description: "Posting videos to Open edX." },
      { name: "feed", description: "The public feed crawlers read." },
      { name: "tokens", description: "API tokens for scripts and services." },
      { name: "operations", description: "The service's own state, for the staff who run it." },
      { name: "meta", description: "About the API." },
    ],
    paths: paths(bodies),
    components: {
      securitySchemes: {
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: DEFAULT_SESSION_COOKIE_NAME,
          description:
            "The session the sign-in sets. Writes (POST, PUT, PATCH, DELETE) with a session must also send the " +
            `\`${CSRF_COOKIE_NAME}\` cookie's value in the \`${CSRF_HEADER_NAME}\` header.`,
        },
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description:
            "An API token (`POST /api/v0/tokens/`); it acts as its user. No CSRF header is needed.",
        },
      },
      schemas: { ...SCHEMAS, ...generatedDefinitions(bodies) },
      responses: RESPONSES,
    },
  };
};
