import type { EdxEndpoint, EdxEndpointId } from "../model/edx-endpoint.js";
import { DEFAULT_EDX_VIDEO_API_PATH, redactedSecret } from "../model/edx-endpoint.js";
import { dashedKey, hexKey } from "../model/keys.js";
import type { VideoKey } from "../model/keys.js";
import { hlsPlaylistKey, mp4Key } from "../model/storage-keys.js";
import type { EdxVideoPayload } from "../policy/edx-payload.js";
import { aVideoKey, BUILDER_EPOCH } from "./builders.js";

/** An edX endpoint row at `baseUrl` with placeholder credentials and no cached token. */
export const anEdxEndpoint = (baseUrl: string, overrides: Partial<EdxEndpoint> = {}): EdxEndpoint => ({
  id: 1 as EdxEndpointId,
  name: "edX contract",
  baseUrl,
  edxVideoApiPath: DEFAULT_EDX_VIDEO_API_PATH,
  clientId: redactedSecret("contract-client"),
  secretKey: redactedSecret("contract-secret"),
  credentialsReadable: true,
  accessToken: null,
  accessTokenExpiresAt: null,
  isGlobalDefault: false,
  createdAt: BUILDER_EPOCH,
  updatedAt: BUILDER_EPOCH,
  ...overrides,
});

/** The create body OVS sends for a Complete video with HLS and MP4 outputs. */
export const anEdxVideoPayload = (
  videoKey: VideoKey = aVideoKey(),
  overrides: Partial<EdxVideoPayload> = {},
): EdxVideoPayload => {
  const hex = hexKey(videoKey);
  return {
    edx_video_id: dashedKey(videoKey),
    client_video_id: "Lecture 1: Introduction",
    duration: 61.5,
    status: "file_complete",
    encoded_videos: [
      {
        url: `https://cdn.ovs.test/${hlsPlaylistKey(hex, "public")}`,
        file_size: 0,
        bitrate: 0,
        profile: "hls",
      },
      {
        url: `https://cdn.ovs.test/${mp4Key(hex, "public")}`,
        file_size: 0,
        bitrate: 0,
        profile: "desktop_mp4",
      },
    ],
    courses: [{ "course-v1:MITx+1.00x+2026_Spring": null }],
    ...overrides,
  };
};
