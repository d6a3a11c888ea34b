import { Schema } from "effect";
import { DEFAULT_EDX_VIDEO_API_PATH, edxVideosUrl } from "../../model/edx-endpoint.js";

/**
 * The JSON bodies of edX endpoint create and update, with snake_case names after upstream's
 * `EdxEndpoint` columns, so a field error names what the client sent. Unknown fields are
 * refused by name; read-only ones (`id`, `videos_url`, `has_credentials`, …) included.
 */

export const EDX_ENDPOINT_NAME_MAX_LENGTH = 20;
export const EDX_BASE_URL_MAX_LENGTH = 100;
export const EDX_VIDEO_API_PATH_MAX_LENGTH = 100;
/** Client ids and secrets edX issues are short; a bound keeps a pasted document out. */
export const EDX_CREDENTIAL_MAX_LENGTH = 1000;

const atMostMessage = (limit: number) => ({ message: () => `must be at most ${limit} characters` });

const isHttpUrl = (value: string): boolean => {
  if (/\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.hostname.length > 0;
  } catch {
    return false;
  }
};

/** A host the path rule resolves against: any would do, only its origin is compared. */
const PROBE_BASE_URL = "https://edx.invalid/";

/**
 * The videos URL is the path resolved against the base URL (`edxVideosUrl`), and the access
 * token travels with every post to it. So the path must stay on the edX host: no scheme
 * (`/javascript:…` would become one once its slashes are stripped), no query, no fragment.
 */
const staysOnEdxHost = (path: string): boolean => {
  if (!path.startsWith("/") || /[\s?#\\]/.test(path) || path.replaceAll("/", "") === "") return false;
  try {
    return (
      new URL(edxVideosUrl({ baseUrl: PROBE_BASE_URL, edxVideoApiPath: path })).origin ===
      new URL(PROBE_BASE_URL).origin
    );
  } catch {
    return false;
  }
};

/** Unique among endpoints (the edge reports a clash on this field). */
const EndpointName = Schema.Trim.pipe(
  Schema.minLength(1, { message: () => "must not be blank" }),
  Schema.maxLength(EDX_ENDPOINT_NAME_MAX_LENGTH, atMostMessage(EDX_ENDPOINT_NAME_MAX_LENGTH)),
);

const BaseUrl = Schema.String.pipe(
  Schema.maxLength(EDX_BASE_URL_MAX_LENGTH, atMostMessage(EDX_BASE_URL_MAX_LENGTH)),
  Schema.filter(isHttpUrl, { message: () => "must be an http or https URL" }),
);

const VideoApiPath = Schema.String.pipe(
  Schema.maxLength(EDX_VIDEO_API_PATH_MAX_LENGTH, atMostMessage(EDX_VIDEO_API_PATH_MAX_LENGTH)),
  Schema.filter(staysOnEdxHost, {
    message: () => `must be a path on the edX host, such as ${DEFAULT_EDX_VIDEO_API_PATH}`,
  }),
);

/** Decoded straight into `Redacted`, so the value never sits in plain sight in what follows. */
const Credential = Schema.Redacted(
  Schema.Trim.pipe(
    Schema.minLength(1, { message: () => "must not be blank" }),
    Schema.maxLength(EDX_CREDENTIAL_MAX_LENGTH, atMostMessage(EDX_CREDENTIAL_MAX_LENGTH)),
  ),
);

const optionalField = <S extends Schema.Schema.Any>(schema: S) =>
  Schema.optionalWith(schema, { exact: true });

export const CreateEdxEndpointBody = Schema.Struct({
  name: EndpointName,
  baseUrl: Schema.propertySignature(BaseUrl).pipe(Schema.fromKey("base_url")),
  edxVideoApiPath: Schema.optionalWith(VideoApiPath, {
    exact: true,
    default: () => DEFAULT_EDX_VIDEO_API_PATH,
  }).pipe(Schema.fromKey("edx_video_api_path")),
  clientId: Schema.propertySignature(Credential).pipe(Schema.fromKey("client_id")),
  secretKey: Schema.propertySignature(Credential).pipe(Schema.fromKey("secret_key")),
});
export type CreateEdxEndpointBody = typeof CreateEdxEndpointBody.Type;

/** PATCH semantics: only the fields sent change; credentials left out are kept. */
export const UpdateEdxEndpointBody = Schema.Struct({
  name: optionalField(EndpointName),
  baseUrl: optionalField(BaseUrl).pipe(Schema.fromKey("base_url")),
  edxVideoApiPath: optionalField(VideoApiPath).pipe(Schema.fromKey("edx_video_api_path")),
  clientId: optionalField(Credential).pipe(Schema.fromKey("client_id")),
  secretKey: optionalField(Credential).pipe(Schema.fromKey("secret_key")),
});
export type UpdateEdxEndpointBody = typeof UpdateEdxEndpointBody.Type;

/** The field a name clash is reported on, with DRF's wording for a unique field. */
export const NAME_FIELD = "name";
export const NAME_TAKEN = "edX endpoint with this name already exists.";
