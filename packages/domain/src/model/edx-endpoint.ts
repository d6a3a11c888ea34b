import { Redacted, Schema } from "effect";
import { CollectionKeySchema } from "./keys.js";
import { RequiredText } from "./fields.js";

export const DEFAULT_EDX_VIDEO_API_PATH = "/api/val/v0/videos/";

export const EdxEndpointId = Schema.Int.pipe(Schema.positive(), Schema.brand("EdxEndpointId"));
export type EdxEndpointId = typeof EdxEndpointId.Type;

const HttpUrl = Schema.String.pipe(
  Schema.filter(
    (value) => {
      try {
        const url = new URL(value);
        return url.protocol === "https:" || url.protocol === "http:";
      } catch {
        return false;
      }
    },
    { message: () => "must be an http or https URL" },
  ),
);

/**
 * An Open edX instance that receives a collection's videos. Credentials are `Redacted` so they
 * never reach a log line; the access token is cached with its absolute expiry instead of the
 * row's `updated_at` (docs/architecture.md §6.10).
 */
export const EdxEndpoint = Schema.Struct({
  id: EdxEndpointId,
  name: RequiredText.pipe(Schema.maxLength(20)),
  baseUrl: HttpUrl.pipe(Schema.maxLength(100)),
  edxVideoApiPath: RequiredText.pipe(Schema.maxLength(100)),
  clientId: Schema.Redacted(Schema.String),
  secretKey: Schema.Redacted(Schema.String),
  /**
   * False when the store holds credentials it cannot open: a repository that keeps them sealed
   * at rest found them sealed with another key (the service's secret key changed). The endpoint
   * still lists, so staff can see it and re-enter them; meanwhile `clientId` and `secretKey` are
   * empty, `accessToken` is null, and nothing is sent to the endpoint
   * (`unreadableCredentialsReason`).
   */
  credentialsReadable: Schema.Boolean,
  accessToken: Schema.NullOr(Schema.Redacted(Schema.String.pipe(Schema.maxLength(2048)))),
  accessTokenExpiresAt: Schema.NullOr(Schema.DateFromSelf),
  /** Legacy flag kept for data compatibility; links are explicit. */
  isGlobalDefault: Schema.Boolean,
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf,
});
export type EdxEndpoint = typeof EdxEndpoint.Type;

/** The link between a collection and an endpoint, unique per pair. */
export const CollectionEdxEndpoint = Schema.Struct({
  collectionKey: CollectionKeySchema,
  edxEndpointId: EdxEndpointId,
});
export type CollectionEdxEndpoint = typeof CollectionEdxEndpoint.Type;

const stripSlashes = (path: string): string => path.replace(/^\/+|\/+$/g, "");

/**
 * The edxval videos URL: the API path resolved relative to the base URL with a trailing slash,
 * so a base URL without a trailing slash loses its last segment (upstream `multi_urljoin`).
 */
export const edxVideosUrl = (endpoint: Pick<EdxEndpoint, "baseUrl" | "edxVideoApiPath">): string =>
  new URL(`${stripSlashes(endpoint.edxVideoApiPath || DEFAULT_EDX_VIDEO_API_PATH)}/`, endpoint.baseUrl).href;

/** PATCH target for one video: the list URL plus the dashed key, without a trailing slash. */
export const edxVideoUrl = (
  endpoint: Pick<EdxEndpoint, "baseUrl" | "edxVideoApiPath">,
  edxVideoId: string,
): string => `${edxVideosUrl(endpoint)}${edxVideoId}`;

/** The token URL ignores any path in the base URL (upstream resolves an absolute path). */
export const edxTokenUrl = (endpoint: Pick<EdxEndpoint, "baseUrl">): string =>
  new URL("/oauth2/access_token/", endpoint.baseUrl).href;

/**
 * Which endpoint to link automatically when an admin sets a course id on a collection that has
 * none (upstream `CollectionViewSet.update`): xPRO courses go to an `.xpro.` host, others to a
 * `.learn.` host.
 */
export const endpointForCourse = <E extends Pick<EdxEndpoint, "baseUrl">>(
  courseId: string,
  endpoints: ReadonlyArray<E>,
): E | undefined => {
  const marker = courseId.toLowerCase().includes(":xpro+") ? ".xpro." : ".learn.";
  return endpoints.find((endpoint) => endpoint.baseUrl.toLowerCase().includes(marker));
};

/**
 * Why nothing can be posted to an endpoint whose credentials cannot be opened, for the post
 * record staff read: it names the endpoint, the setting that changed and what to do.
 */
export const unreadableCredentialsReason = (endpoint: Pick<EdxEndpoint, "name">): string =>
  `the client id and secret key of edX endpoint "${endpoint.name}" cannot be read: they were sealed ` +
  "with another secret key than the one this service runs with (OVS_SECRET_KEY changed); " +
  "restore the previous OVS_SECRET_KEY, or have staff re-enter both on the edX endpoint";

export const redactedSecret = (value: string): Redacted.Redacted<string> => Redacted.make(value);
