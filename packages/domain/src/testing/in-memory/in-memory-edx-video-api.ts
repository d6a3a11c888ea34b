import { Effect } from "effect";
import type { EdxEndpoint } from "../../model/edx-endpoint.js";
import { edxVideosUrl } from "../../model/edx-endpoint.js";
import type { EdxPostResult, EdxVideoApi } from "../../ports/edx-video-api.js";
import { EdxFailure } from "../../ports/edx-video-api.js";
import type { EdxEncodedVideo, EdxVideoPayload } from "../../policy/edx-payload.js";

/** A video as one edX instance holds it. */
export interface EdxStoredVideo {
  readonly edx_video_id: string;
  readonly client_video_id: string;
  readonly duration: number;
  readonly status: string;
  readonly encoded_videos: ReadonlyArray<EdxEncodedVideo>;
  /** Course ids linked to the video, in link order. */
  readonly courses: ReadonlyArray<string>;
}

export interface RecordedEdxPost {
  /** The endpoint's videos URL, which identifies the edX instance. */
  readonly endpoint: string;
  readonly payload: EdxVideoPayload;
  readonly result: EdxPostResult | EdxFailure;
}

type ScriptedResponse =
  | { readonly _tag: "Rejected"; readonly status: number; readonly body: string }
  | { readonly _tag: "Failure"; readonly transient: boolean; readonly reason: string };

const courseIdsOf = (payload: EdxVideoPayload): ReadonlyArray<string> =>
  payload.courses.flatMap((course) => Object.keys(course));

/**
 * The edxval video API of any number of edX instances, told apart by their videos URL. The
 * first post of a video creates it (201); a later post updates it as edxval's PATCH does (200):
 * encodings are replaced by the ones sent, course links are only ever added. Test hooks:
 * `posts`/`postsTo` (every post and its result), `videoAt`, `arrangeVideo`, `rejectNext`,
 * `failNext`.
 */
export class InMemoryEdxVideoApi implements EdxVideoApi {
  private readonly videos = new Map<string, Map<string, EdxStoredVideo>>();
  private readonly recorded: Array<RecordedEdxPost> = [];
  private readonly scripted: Array<{ readonly response: ScriptedResponse; remaining: number }> = [];

  get posts(): ReadonlyArray<RecordedEdxPost> {
    return [...this.recorded];
  }

  postsTo(endpoint: Pick<EdxEndpoint, "baseUrl" | "edxVideoApiPath">): ReadonlyArray<RecordedEdxPost> {
    const url = edxVideosUrl(endpoint);
    return this.recorded.filter((post) => post.endpoint === url);
  }

  videoAt(
    endpoint: Pick<EdxEndpoint, "baseUrl" | "edxVideoApiPath">,
    edxVideoId: string,
  ): EdxStoredVideo | undefined {
    return this.videos.get(edxVideosUrl(endpoint))?.get(edxVideoId);
  }

  /** Puts a video on an instance as if it had been created earlier (by OVS or by hand). */
  arrangeVideo(endpoint: Pick<EdxEndpoint, "baseUrl" | "edxVideoApiPath">, payload: EdxVideoPayload): void {
    this.videosOf(edxVideosUrl(endpoint)).set(payload.edx_video_id, {
      edx_video_id: payload.edx_video_id,
      client_video_id: payload.client_video_id,
      duration: payload.duration,
      status: payload.status,
      encoded_videos: [...payload.encoded_videos],
      courses: [...courseIdsOf(payload)],
    });
  }

  /** The next `times` posts get a non-2xx answer that is not worth retrying (e.g. 403). */
  rejectNext(rejection: { readonly status: number; readonly body: string; readonly times?: number }): void {
    this.scripted.push({
      response: { _tag: "Rejected", status: rejection.status, body: rejection.body },
      remaining: rejection.times ?? 1,
    });
  }

  /** The next `times` posts fail with an `EdxFailure` (timeouts, 5xx, token trouble). */
  failNext(failure: {
    readonly transient: boolean;
    readonly reason?: string;
    readonly times?: number;
  }): void {
    this.scripted.push({
      response: {
        _tag: "Failure",
        transient: failure.transient,
        reason: failure.reason ?? (failure.transient ? "scripted 503" : "scripted failure"),
      },
      remaining: failure.times ?? 1,
    });
  }

  postVideo(endpoint: EdxEndpoint, payload: EdxVideoPayload): Effect.Effect<EdxPostResult, EdxFailure> {
    return Effect.suspend(() => {
      const url = edxVideosUrl(endpoint);
      const result = this.answer(url, payload);
      this.recorded.push({ endpoint: url, payload, result });
      return result instanceof EdxFailure ? Effect.fail(result) : Effect.succeed(result);
    });
  }

  private answer(url: string, payload: EdxVideoPayload): EdxPostResult | EdxFailure {
    const next = this.scripted[0];
    if (next !== undefined) {
      next.remaining -= 1;
      if (next.remaining <= 0) this.scripted.shift();
      const response = next.response;
      return response._tag === "Rejected"
        ? response
        : new EdxFailure({ endpoint: url, transient: response.transient, reason: response.reason });
    }
    const videos = this.videosOf(url);
    const existing = videos.get(payload.edx_video_id);
    const courses = [...(existing?.courses ?? [])];
    for (const course of courseIdsOf(payload)) if (!courses.includes(course)) courses.push(course);
    videos.set(payload.edx_video_id, {
      edx_video_id: payload.edx_video_id,
      client_video_id: payload.client_video_id,
      duration: payload.duration,
      status: payload.status,
      encoded_videos: [...payload.encoded_videos],
      courses,
    });
    return existing === undefined ? { _tag: "Created", status: 201 } : { _tag: "Updated", status: 200 };
  }

  private videosOf(url: string): Map<string, EdxStoredVideo> {
    const existing = this.videos.get(url);
    if (existing !== undefined) return existing;
    const created = new Map<string, EdxStoredVideo>();
    this.videos.set(url, created);
    return created;
  }
}
