import type { Clock } from "../ports/clock.js";

/** The machine's wall clock: the `Clock` a deployed service runs on. */
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}
