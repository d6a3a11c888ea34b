import { Duration } from "effect";
import type { Clock } from "../../ports/clock.js";
import { BUILDER_EPOCH } from "../builders.js";

/**
 * A clock tests can move. By default it stands still until moved; `InMemoryClock.realTime()`
 * follows the wall clock (for a harness that drives real timers or a real database) and can still
 * be moved forward to reach a deadline without waiting for it.
 */
export class InMemoryClock implements Clock {
  private offsetMs = 0;

  constructor(
    start: Date = BUILDER_EPOCH,
    private readonly base: () => number = () => start.getTime(),
  ) {}

  /** A clock that reads the wall clock plus however far the test has moved it. */
  static realTime(): InMemoryClock {
    return new InMemoryClock(new Date(), () => Date.now());
  }

  now(): Date {
    return new Date(this.base() + this.offsetMs);
  }

  advance(by: Duration.DurationInput): Date {
    this.offsetMs += Duration.toMillis(Duration.decode(by));
    return this.now();
  }

  set(to: Date): void {
    this.offsetMs = to.getTime() - this.base();
  }
}
