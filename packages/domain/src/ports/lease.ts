import { Data } from "effect";
import type { Duration, Effect } from "effect";

export interface LeaseHandle {
  readonly name: string;
  readonly owner: string;
  readonly expiresAt: Date;
}

/** Someone else holds the lease; the caller should do nothing. */
export class LeaseHeld extends Data.TaggedError("LeaseHeld")<{
  readonly name: string;
  readonly holder: string;
}> {
  override get message(): string {
    return `lease ${this.name} is held by ${this.holder}`;
  }
}

/** The lease expired and was taken, or released, while we worked: stop without side effects. */
export class LeaseLost extends Data.TaggedError("LeaseLost")<{
  readonly name: string;
  readonly owner: string;
}> {
  override get message(): string {
    return `lease ${this.name} is no longer held by ${this.owner}`;
  }
}

export class LeaseFailure extends Data.TaggedError("LeaseFailure")<{
  readonly name: string;
  readonly cause: unknown;
}> {
  override get message(): string {
    const detail = this.cause instanceof Error ? this.cause.message : String(this.cause);
    return `lease ${this.name} could not be read or written: ${detail}`;
  }
}

/**
 * Exclusive, expiring claims (one ingest per video). Acquiring never waits; the holder may
 * acquire again to extend. Renewing after expiry fails with `LeaseLost` even if nobody took
 * the lease meanwhile: the janitor may already have given up on that work.
 */
export interface Lease {
  acquire(
    name: string,
    owner: string,
    ttl: Duration.DurationInput,
  ): Effect.Effect<LeaseHandle, LeaseHeld | LeaseFailure>;
  renew(
    handle: LeaseHandle,
    ttl: Duration.DurationInput,
  ): Effect.Effect<LeaseHandle, LeaseLost | LeaseFailure>;
  /** Releasing a lease that was lost is not an error. */
  release(handle: LeaseHandle): Effect.Effect<void, LeaseFailure>;
}
export const Lease = Symbol.for("ovs/Lease");
