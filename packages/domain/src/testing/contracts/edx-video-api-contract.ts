import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import type { EdxEndpoint, EdxEndpointId } from "../../model/edx-endpoint.js";
import { DEFAULT_EDX_VIDEO_API_PATH, redactedSecret } from "../../model/edx-endpoint.js";
import { dashedKey, hexKey } from "../../model/keys.js";
import type { VideoKey } from "../../model/keys.js";
import { hlsPlaylistKey, mp4Key } from "../../model/storage-keys.js";
import type { EdxVideoApi } from "../../ports/edx-video-api.js";
import type { EdxEncodedVideo, EdxVideoPayload } from "../../policy/edx-payload.js";
import { aVideoKey, BUILDER_EPOCH } from "../builders.js";
import type { Disposable } from "./contract-support.js";
import { withFreshSubject } from "./contract-support.js";

export interface EdxVideoApiContractSubject extends Disposable {
  readonly api: EdxVideoApi;
  /** An endpoint whose URLs lead to the edX the subject talks to (a local server speaking edxval). */
  readonly endpoint: EdxEndpoint;
  /** Optional: the encodings edX holds for a video, to check that an update kept all of them. */
  readonly encodingsOf?: (edxVideoId: string) => Promise<ReadonlyArray<EdxEncodedVideo> | undefined>;
}

/** An edX endpoint row at `baseUrl` with placeholder credentials and no cached token. */
export const anEdxEndpoint = (baseUrl: string, overrides: Partial<EdxEndpoint> = {}): EdxEndpoint => ({
  id: 1 as EdxEndpointId,
  name: "edX contract",
  baseUrl,
  edxVideoApiPath: DEFAULT_EDX_VIDEO_API_PATH,
  clientId: redactedSecret("contract-client"),
  secretKey: redactedSecret("contract-secret"),
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

/**
 * What every EdxVideoApi must do (the edxval client against a local server, memory):
 * `describeEdxVideoApiContract("edxval", async () => ({ api, endpoint: anEdxEndpoint(url) }))`.
 */
export const describeEdxVideoApiContract = (
  name: string,
  make: () => Promise<EdxVideoApiContractSubject>,
): void => {
  describe(`EdxVideoApi contract: ${name}`, () => {
    const withSubject = withFreshSubject(make);
    const run = Effect.runPromise;

    it("creates a video the first time it is posted", () =>
      withSubject(async ({ api, endpoint }) => {
        expect(await run(api.postVideo(endpoint, anEdxVideoPayload()))).toMatchObject({ _tag: "Created" });
      }));

    it("updates a video posted again, keeping every encoding", () =>
      withSubject(async ({ api, endpoint, encodingsOf }) => {
        const payload = anEdxVideoPayload();
        await run(api.postVideo(endpoint, payload));
        const again = await run(
          api.postVideo(endpoint, { ...payload, client_video_id: "Lecture 1, renamed" }),
        );
        expect(again).toMatchObject({ _tag: "Updated" });
        if (encodingsOf !== undefined) {
          const encodings = await encodingsOf(payload.edx_video_id);
          expect(encodings?.map((encoding) => encoding.profile).sort()).toEqual(["desktop_mp4", "hls"]);
        }
      }));

    it("creates two different videos separately", () =>
      withSubject(async ({ api, endpoint }) => {
        expect(await run(api.postVideo(endpoint, anEdxVideoPayload()))).toMatchObject({ _tag: "Created" });
        expect(await run(api.postVideo(endpoint, anEdxVideoPayload()))).toMatchObject({ _tag: "Created" });
      }));
  });
};
