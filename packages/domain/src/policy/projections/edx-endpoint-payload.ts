import type { EdxEndpoint } from "../../model/edx-endpoint.js";
import { edxVideosUrl } from "../../model/edx-endpoint.js";
import { apiTimestamp } from "./api-timestamp.js";

/**
 * An edX endpoint as staff see it in `/api/v0/edx_endpoints/` (upstream had only the Django
 * admin, so these names are OVS's own, in upstream's snake_case). It NEVER carries the client id,
 * the secret key or the access token: once entered, credentials are write-only.
 */
export interface EdxEndpointPayload {
  readonly id: number;
  readonly name: string;
  readonly base_url: string;
  readonly edx_video_api_path: string;
  /** Where videos are posted: the API path resolved against the base URL, as the poster resolves it. */
  readonly videos_url: string;
  /**
   * Whether the stored client id and secret key can be used. False when they were sealed with
   * another `OVS_SECRET_KEY`: nothing is posted to the endpoint until staff re-enter both.
   */
  readonly has_credentials: boolean;
  /** When the cached access token expires; null when none is cached. The token itself is never shown. */
  readonly access_token_expires_at: string | null;
  /**
   * How many collections post to this endpoint (a count, not their keys: staff may not be
   * allowed to see every collection, and deleting the endpoint unlinks them all).
   */
  readonly collection_count: number;
  readonly created_at: string;
  readonly updated_at: string;
}

/** An endpoint with what the projection adds to it. */
export interface EdxEndpointView {
  readonly endpoint: EdxEndpoint;
  readonly collectionCount: number;
}

export const edxEndpointPayload = ({ endpoint, collectionCount }: EdxEndpointView): EdxEndpointPayload => ({
  id: endpoint.id,
  name: endpoint.name,
  base_url: endpoint.baseUrl,
  edx_video_api_path: endpoint.edxVideoApiPath,
  videos_url: edxVideosUrl(endpoint),
  has_credentials: endpoint.credentialsReadable,
  access_token_expires_at:
    endpoint.accessToken === null || endpoint.accessTokenExpiresAt === null
      ? null
      : apiTimestamp(endpoint.accessTokenExpiresAt),
  collection_count: collectionCount,
  created_at: apiTimestamp(endpoint.createdAt),
  updated_at: apiTimestamp(endpoint.updatedAt),
});
