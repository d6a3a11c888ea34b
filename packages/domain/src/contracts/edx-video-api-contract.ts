import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import type { EdxEndpoint } from "../model/edx-endpoint.js";
import type { EdxVideoApi } from "../ports/edx-video-api.js";
import type { EdxEncodedVideo } from "../policy/edx-payload.js";
import { anEdxVideoPayload } from "../testing/edx-builders.js";
import type { Disposable } from "../testing/fresh-subject.js";
import { withFreshSubject } from "../testing/fresh-subject.js";

export interface EdxVideoApiContractSubject extends Disposable {
  readonly api: EdxVideoApi;
  /** An endpoint whose URLs lead to the edX the subject talks to (a local server speaking edxval). */
  readonly endpoint: EdxEndpoint;
  /** Optional: the encodings edX holds for a video, to check that an update kept all of them. */
  readonly encodingsOf?: (edxVideoId: string) => Promise<ReadonlyArray<EdxEncodedVideo> | undefined>;
}

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
