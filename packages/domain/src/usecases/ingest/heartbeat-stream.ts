import type { Clock } from "../../ports/clock.js";
import type { ByteStream } from "../../ports/object-store.js";

export interface Heartbeat {
  readonly clock: Clock;
  readonly intervalMillis: number;
  /**
   * Renews the lease and bumps the video's heartbeat. Rejecting aborts the stream with that
   * reason, and the store then keeps nothing of it.
   */
  readonly beat: () => Promise<void>;
}

/**
 * The source's bytes, unchanged, with a heartbeat while they flow: whenever a chunk arrives and
 * the interval has passed since the last beat, and once more after the last chunk. The final
 * beat runs before the store sees the end of the stream, so an upload whose lease was lost at
 * the very end is never committed as the original.
 *
 * Beats ride on the chunks rather than on a timer: a source that stalls sends no chunks and
 * no beats, its lease runs out, and the janitor reaps it (upstream renewed from the transfer's
 * progress callbacks for the same reason).
 */
export const withHeartbeat = (body: ByteStream, heartbeat: Heartbeat): ByteStream => ({
  async *[Symbol.asyncIterator]() {
    let lastBeat = heartbeat.clock.now().getTime();
    for await (const chunk of body) {
      const now = heartbeat.clock.now().getTime();
      if (now - lastBeat >= heartbeat.intervalMillis) {
        await heartbeat.beat();
        lastBeat = now;
      }
      yield chunk;
    }
    await heartbeat.beat();
  },
});
