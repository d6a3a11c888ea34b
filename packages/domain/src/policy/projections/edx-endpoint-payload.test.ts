import { Redacted } from "effect";
import { describe, expect, it } from "vitest";
import type { EdxEndpointId } from "../../model/edx-endpoint.js";
import { anEdxEndpoint } from "../../testing/edx-builders.js";
import { instant } from "../../testing/stored-test-data.js";
import { edxEndpointPayload } from "./edx-endpoint-payload.js";

const CLIENT_ID = "client-id-visible-nowhere";
const SECRET_KEY = "secret-key-visible-nowhere";
const ACCESS_TOKEN = "eyJhbGciOi.access-token-visible-nowhere";

const endpointWithSecrets = anEdxEndpoint("https://courses.learn.example.edu/lms/", {
  id: 7 as EdxEndpointId,
  name: "learn",
  edxVideoApiPath: "/api/val/v0/videos/",
  clientId: Redacted.make(CLIENT_ID),
  secretKey: Redacted.make(SECRET_KEY),
  accessToken: Redacted.make(ACCESS_TOKEN),
  accessTokenExpiresAt: instant(3600),
  createdAt: instant(),
  updatedAt: instant(60),
});

describe("edxEndpointPayload — what staff see of an edX endpoint", () => {
  it("shows the endpoint, where videos go, when its token expires and how many collections use it", () => {
    expect(edxEndpointPayload({ endpoint: endpointWithSecrets, collectionCount: 3 })).toEqual({
      id: 7,
      name: "learn",
      base_url: "https://courses.learn.example.edu/lms/",
      edx_video_api_path: "/api/val/v0/videos/",
      videos_url: "https://courses.learn.example.edu/lms/api/val/v0/videos/",
      has_credentials: true,
      access_token_expires_at: "2026-03-02T10:15:30.250000Z",
      collection_count: 3,
      created_at: "2026-03-02T09:15:30.250000Z",
      updated_at: "2026-03-02T09:16:30.250000Z",
    });
  });

  it("never contains the client id, the secret key or the access token", () => {
    const json = JSON.stringify(edxEndpointPayload({ endpoint: endpointWithSecrets, collectionCount: 0 }));

    for (const secret of [CLIENT_ID, SECRET_KEY, ACCESS_TOKEN]) expect(json).not.toContain(secret);
    expect(json).not.toMatch(/client_id|secret_key|"access_token"/);
  });

  it("says the credentials must be re-entered when they cannot be read", () => {
    const unreadable = anEdxEndpoint("https://courses.learn.example.edu/", {
      clientId: Redacted.make(""),
      secretKey: Redacted.make(""),
      credentialsReadable: false,
    });

    expect(edxEndpointPayload({ endpoint: unreadable, collectionCount: 1 })).toMatchObject({
      has_credentials: false,
      access_token_expires_at: null,
    });
  });
});
