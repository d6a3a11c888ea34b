import { Duration } from "effect";
import type { Clock } from "../../ports/clock.js";
import { BUILDER_EPOCH } from "../builders.js";

/** A clock that stands still until the test moves it. */
export class InMemoryClock implements Clock {
  private current: Date;

  constructor(start: Date = BUILDER_EPOCH) {
    this.current = new Date(start.getTime());
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  advance(by: Duration.DurationInput): Date {
    this.current = new Date(this.current.getTime() + Duration.toMillis(Duration.decode(by)));
    return this.now();
  }

  set(to: Date): void {
    this.current = new Date(to.getTime());
  }
}
