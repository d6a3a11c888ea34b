/** The time, from one place, so tests can move it. */
export interface Clock {
  now(): Date;
}
export const Clock = Symbol.for("ovs/Clock");
