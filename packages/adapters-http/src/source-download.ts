import type { OpenedSource } from "@ovs/domain";
import { SourceRejected, SourceUnavailable } from "@ovs/domain";
import { Effect } from "effect";
import {
  describeTransportFailure,
  discardBody,
  headerValue,
  isTransientStatus,
  retryAfterSeconds,
  type ResponseBody,
  type ResponseHeaders,
} from "./http-support.js";
import { sourceBody } from "./source-body.js";

/** A file whose response has started: what the source says it is, and the body not yet read. */
export interface Download {
  readonly name: string;
  /** The announced size in bytes, when there is one. */
  readonly size: number | null;
  readonly contentType: string | null;
  readonly body: ResponseBody;
  /** The largest file the source accepts, in bytes. */
  readonly maxBytes: number | undefined;
}

/**
 * The `VideoSource.open` of a source that fetches with `download`: a file announced larger than
 * the limit is refused before any of it is read, the body is handed out as a bounded stream, and
 * whatever `download` throws that is not already a source failure counts as transport trouble,
 * which is worth retrying.
 */
export const openWith =
  (download: (url: string) => Promise<Download>) =>
  (url: string): Effect.Effect<OpenedSource, SourceUnavailable | SourceRejected> =>
    Effect.tryPromise({
      try: async () => {
        const { name, size, contentType, body, maxBytes } = await download(url);
        if (maxBytes !== undefined && size !== null && size > maxBytes) {
          discardBody(body);
          throw new SourceRejected({
            url,
            reason: `the file is ${size} bytes, more than the limit of ${maxBytes}`,
          });
        }
        return {
          name,
          size,
          contentType,
          body: sourceBody({
            body,
            url,
            expectedBytes: size,
            ...(maxBytes === undefined ? {} : { maxBytes }),
          }),
        };
      },
      catch: (error) =>
        error instanceof SourceRejected || error instanceof SourceUnavailable
          ? error
          : new SourceUnavailable({ url, reason: describeTransportFailure(error).reason }),
    });

/** Trouble that may pass (a reset, a timeout) makes the source unavailable; anything else rejects the link. */
export const sourceFailure = (
  url: string,
  transient: boolean,
  reason: string,
): SourceUnavailable | SourceRejected =>
  transient ? new SourceUnavailable({ url, reason }) : new SourceRejected({ url, reason });

/** An answer other than success: 5xx, 408 and 429 pass on the server's `Retry-After`. */
export const answerFailure = (
  url: string,
  statusCode: number,
  headers: ResponseHeaders,
  reason: string,
): SourceUnavailable | SourceRejected => {
  if (!isTransientStatus(statusCode)) return new SourceRejected({ url, reason });
  const retryAfter = retryAfterSeconds(headerValue(headers, "retry-after"));
  return new SourceUnavailable({
    url,
    reason,
    ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
  });
};
