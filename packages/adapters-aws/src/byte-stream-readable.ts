import { Readable } from "node:stream";
import type { ByteStream } from "@ovs/domain";

/**
 * A Node `Readable` over a domain `ByteStream`, for `@aws-sdk/lib-storage`, which reads
 * Readables. It holds at most one chunk ahead of its reader, counts the bytes that passed, and
 * keeps apart the two ways it can end badly: the source failed (`sourceFailure`, what the
 * source threw, kept as it was so the ingest retry rules can read it) or the reader gave up
 * and destroyed it (no source failure). Destroying it closes the source at once, even while
 * the source is stalled in the middle of producing a chunk, so an interrupted upload never
 * waits on a silent peer.
 */
export class ByteStreamReadable extends Readable {
  private readonly sourceIterator: AsyncIterator<Uint8Array>;
  private pulling = false;
  private sourceClosed = false;
  private bytes = 0;
  private failure: { readonly cause: unknown } | undefined;

  constructor(source: ByteStream) {
    // Object mode passes each chunk through untouched; a high-water mark of one chunk keeps
    // the read-ahead to a single chunk whatever the source's chunk size.
    super({ objectMode: true, highWaterMark: 1 });
    this.sourceIterator = source[Symbol.asyncIterator]();
  }

  /** Bytes the source has produced so far. */
  get bytesRead(): number {
    return this.bytes;
  }

  /** Set when the source itself threw; undefined when it ended or was closed by the reader. */
  get sourceFailure(): { readonly cause: unknown } | undefined {
    return this.failure;
  }

  override _read(): void {
    if (this.pulling) return;
    this.pulling = true;
    this.sourceIterator.next().then(
      (step) => {
        this.pulling = false;
        if (this.destroyed) return;
        if (step.done === true) {
          this.sourceClosed = true;
          this.push(null);
          return;
        }
        this.bytes += step.value.byteLength;
        this.push(step.value);
      },
      (cause: unknown) => {
        this.pulling = false;
        this.sourceClosed = true;
        if (this.destroyed) return;
        this.failure = { cause };
        this.destroy(cause instanceof Error ? cause : new Error(String(cause)));
      },
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.closeSource();
    callback(error);
  }

  /** Tells the source to stop (closing its connection or file) without waiting for it. */
  private closeSource(): void {
    if (this.sourceClosed) return;
    this.sourceClosed = true;
    try {
      const returned = this.sourceIterator.return?.();
      if (returned !== undefined) returned.catch(() => undefined);
    } catch {
      // A source that cannot be closed has nothing left to release.
    }
  }
}
