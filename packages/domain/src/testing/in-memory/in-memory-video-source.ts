import { Effect } from "effect";
import type { ByteStream } from "../../ports/object-store.js";
import type { OpenedSource, VideoSource } from "../../ports/video-source.js";
import { SourceRejected, SourceUnavailable } from "../../ports/video-source.js";
import { STREAM_CHUNK_SIZE, streamFailingAfter, streamOfBytes } from "./byte-streams.js";

/**
 * What a registered URL serves: bytes, a function making a fresh stream for every open, or one
 * stream (an async generator, say) that only the first open can read in full.
 */
export type SourceContent = Uint8Array | (() => AsyncIterable<Uint8Array>) | AsyncIterable<Uint8Array>;

export interface RegisteredSource {
  readonly content: SourceContent;
  /** Defaults to the last segment of the URL path. */
  readonly name?: string;
  /** Defaults to the length of byte content, and to null for a stream. */
  readonly size?: number | null;
  readonly contentType?: string | null;
  /** Size of the chunks byte content is streamed in. */
  readonly chunkSize?: number;
}

export type ScriptedOpenFailure =
  | { readonly _tag: "Unavailable"; readonly reason?: string; readonly retryAfterSeconds?: number }
  | { readonly _tag: "Rejected"; readonly reason?: string };

interface ScriptedOpen {
  readonly failure: ScriptedOpenFailure;
  remaining: number;
}

const nameFromUrl = (url: string): string => {
  try {
    const path = new URL(url).pathname;
    return decodeURIComponent(path.slice(path.lastIndexOf("/") + 1)) || "video";
  } catch {
    return "video";
  }
};

const toFailure = (url: string, failure: ScriptedOpenFailure): SourceUnavailable | SourceRejected =>
  failure._tag === "Rejected"
    ? new SourceRejected({ url, reason: failure.reason ?? "scripted rejection" })
    : new SourceUnavailable({
        url,
        reason: failure.reason ?? "scripted outage",
        ...(failure.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: failure.retryAfterSeconds }),
      });

/**
 * Video sources a test registers by URL. An unregistered URL is a bad link (`SourceRejected`).
 * Test hooks: `register` serves content, `failOpen` scripts open failures (for the next few
 * opens or for good), `registerFailingHalfway` serves a body that breaks part-way, and
 * `openCount` says how often a URL was opened (failed opens included).
 */
export class InMemoryVideoSource implements VideoSource {
  private readonly sources = new Map<string, RegisteredSource>();
  private readonly scriptedOpens = new Map<string, Array<ScriptedOpen>>();
  private readonly opens = new Map<string, number>();

  register(url: string, source: RegisteredSource): this {
    this.sources.set(url, source);
    return this;
  }

  /** Registers a source whose body yields `afterBytes` bytes of `content`, then throws. */
  registerFailingHalfway(
    url: string,
    content: Uint8Array,
    options: {
      readonly afterBytes: number;
      readonly failure?: ScriptedOpenFailure;
      readonly name?: string;
      readonly contentType?: string | null;
    },
  ): this {
    const failure = options.failure ?? { _tag: "Unavailable", reason: "connection reset half-way" };
    return this.register(url, {
      content: () => streamFailingAfter(content, options.afterBytes, () => toFailure(url, failure)),
      size: content.length,
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
    });
  }

  /**
   * Makes opening `url` fail, for the next `times` opens (then the registered source, if any,
   * answers again) or, without `times`, for good.
   */
  failOpen(url: string, failure: ScriptedOpenFailure, times = Number.POSITIVE_INFINITY): this {
    const queue = this.scriptedOpens.get(url) ?? [];
    queue.push({ failure, remaining: times });
    this.scriptedOpens.set(url, queue);
    return this;
  }

  openCount(url: string): number {
    return this.opens.get(url) ?? 0;
  }

  open(url: string): Effect.Effect<OpenedSource, SourceUnavailable | SourceRejected> {
    return Effect.suspend(() => {
      this.opens.set(url, this.openCount(url) + 1);
      const scripted = this.scriptedOpens.get(url)?.[0];
      if (scripted !== undefined) {
        scripted.remaining -= 1;
        if (scripted.remaining <= 0) this.scriptedOpens.get(url)?.shift();
        return Effect.fail(toFailure(url, scripted.failure));
      }
      const source = this.sources.get(url);
      if (source === undefined) {
        return Effect.fail(new SourceRejected({ url, reason: "no such link" }));
      }
      const content = source.content;
      const body: ByteStream =
        content instanceof Uint8Array
          ? streamOfBytes(content, source.chunkSize ?? STREAM_CHUNK_SIZE)
          : typeof content === "function"
            ? { [Symbol.asyncIterator]: () => content()[Symbol.asyncIterator]() }
            : content;
      return Effect.succeed({
        name: source.name ?? nameFromUrl(url),
        size: source.size !== undefined ? source.size : content instanceof Uint8Array ? content.length : null,
        contentType: source.contentType ?? null,
        body,
      });
    });
  }
}
