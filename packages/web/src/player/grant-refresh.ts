import type { Playback } from "../api/schema-types.js";
import { refreshDelayMs } from "./cdn-grant.js";

/** After a failed refresh, try again this soon (the current grant may still have a while to run). */
export const RETRY_AFTER_FAILURE_MS = 10_000;

/**
 * Keeps a protected video's playback current: whenever the latest answer carries a grant, asks
 * for a fresh one before it expires, and hands every answer to `onPlayback`. Public videos (no
 * grant) are fetched once. `stop()` cancels the pending refresh.
 */
export class GrantRefresh {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly fetchPlayback: () => Promise<Playback>,
    private readonly onPlayback: (playback: Playback) => void,
    private readonly onError: (error: unknown) => void,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Fetches now, then keeps refreshing while grants come back. */
  start(): Promise<void> {
    return this.refresh();
  }

  /** Takes an answer fetched elsewhere (the page's first load) and schedules its refresh. */
  adopt(playback: Playback): void {
    this.schedule(playback);
  }

  /**
   * Fetches a fresh answer now, whatever the schedule: the CDN refused a request (a grant that
   * expired while the computer slept, objects moved to the other key space). Calls made while one
   * is under way share it.
   */
  refreshNow(): Promise<void> {
    if (this.inFlight !== undefined) return this.inFlight;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.inFlight = this.refresh().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async refresh(): Promise<void> {
    if (this.stopped) return;
    try {
      const playback = await this.fetchPlayback();
      if (this.stopped) return;
      this.onPlayback(playback);
      this.schedule(playback);
    } catch (error) {
      if (this.stopped) return;
      this.onError(error);
      this.timer = setTimeout(() => void this.refresh(), RETRY_AFTER_FAILURE_MS);
    }
  }

  private schedule(playback: Playback): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped || playback.grant === null) return;
    this.timer = setTimeout(() => void this.refresh(), refreshDelayMs(playback.grant.expiresAt, this.now()));
  }
}
