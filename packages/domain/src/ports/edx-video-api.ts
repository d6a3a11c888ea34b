import { Data } from "effect";
import type { Effect } from "effect";
import type { EdxEndpoint } from "../model/edx-endpoint.js";
import type { EdxVideoPayload } from "../policy/edx-payload.js";

/** What one endpoint made of one post. */
export type EdxPostResult =
  | { readonly _tag: "Created"; readonly status: number }
  | { readonly _tag: "Updated"; readonly status: number }
  | { readonly _tag: "Rejected"; readonly status: number; readonly body: string };

export class EdxFailure extends Data.TaggedError("EdxFailure")<{
  readonly endpoint: string;
  readonly transient: boolean;
  readonly reason: string;
}> {
  override get message(): string {
    return `edX endpoint ${this.endpoint} failed: ${this.reason}`;
  }
}

/**
 * The edxval video API of one Open edX instance. `postVideo` creates the video, or when it
 * already exists updates it keeping every encoding.
 */
export interface EdxVideoApi {
  postVideo(endpoint: EdxEndpoint, payload: EdxVideoPayload): Effect.Effect<EdxPostResult, EdxFailure>;
}
export const EdxVideoApi = Symbol.for("ovs/EdxVideoApi");
