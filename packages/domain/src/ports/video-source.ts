import { Data } from "effect";
import type { Effect } from "effect";
import type { ByteStream } from "./object-store.js";

export interface OpenedSource {
  /** File name as the source reports it (Dropbox metadata, Content-Disposition or URL path). */
  readonly name: string;
  readonly size: number | null;
  readonly contentType: string | null;
  /**
   * The bytes. When the transfer fails half-way, iteration throws `SourceUnavailable` (or
   * `SourceRejected`, e.g. over the size limit); callers treat anything else thrown as transient.
   */
  readonly body: ByteStream;
}

/** Worth retrying: 5xx, 408, 429, resets, timeouts. */
export class SourceUnavailable extends Data.TaggedError("SourceUnavailable")<{
  readonly url: string;
  readonly reason: string;
  /** From `Retry-After`, in seconds, when the source sent one. */
  readonly retryAfterSeconds?: number;
}> {
  override get message(): string {
    return `source ${this.url} is unavailable: ${this.reason}`;
  }
}

/** Not worth retrying: bad link, revoked access, forbidden address, too large. */
export class SourceRejected extends Data.TaggedError("SourceRejected")<{
  readonly url: string;
  readonly reason: string;
}> {
  override get message(): string {
    return `source ${this.url} was rejected: ${this.reason}`;
  }
}

/** Where videos come from: Dropbox shared links, plain URLs. */
export interface VideoSource {
  open(url: string): Effect.Effect<OpenedSource, SourceUnavailable | SourceRejected>;
}
export const VideoSource = Symbol.for("ovs/VideoSource");
