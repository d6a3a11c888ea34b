import { Duration, Effect } from "effect";
import type { Clock } from "../../ports/clock.js";
import type { Lease, LeaseHandle } from "../../ports/lease.js";
import { LeaseFailure, LeaseHeld, LeaseLost } from "../../ports/lease.js";

interface Holding {
  readonly owner: string;
  readonly expiresAt: Date;
}

const expiryAfter = (clock: Clock, ttl: Duration.DurationInput): Date =>
  new Date(clock.now().getTime() + Duration.toMillis(Duration.decode(ttl)));

/**
 * Leases in memory, timed by the given clock (move an `InMemoryClock` to let one expire). A
 * lease is live while the clock is before its expiry; the holder may acquire it again to
 * extend it; renewing needs a live lease still held by the same owner, since an expired lease
 * may already have been given up on (the stuck-upload janitor fails such uploads). Test hooks:
 * `holderOf`, `failNext`.
 */
export class InMemoryLease implements Lease {
  private readonly holdings = new Map<string, Holding>();
  private failures = 0;

  constructor(private readonly clock: Clock) {}

  /** The live holder of a lease, if any. */
  holderOf(name: string): LeaseHandle | undefined {
    const holding = this.liveHolding(name);
    return holding === undefined ? undefined : { name, ...holding };
  }

  /** Makes the next `times` operations fail as if the lease table could not be reached. */
  failNext(times = 1): void {
    this.failures += times;
  }

  acquire(
    name: string,
    owner: string,
    ttl: Duration.DurationInput,
  ): Effect.Effect<LeaseHandle, LeaseHeld | LeaseFailure> {
    return Effect.suspend((): Effect.Effect<LeaseHandle, LeaseHeld | LeaseFailure> => {
      const failure = this.takeScripted(name);
      if (failure !== undefined) return Effect.fail(failure);
      const holding = this.liveHolding(name);
      if (holding !== undefined && holding.owner !== owner) {
        return Effect.fail(new LeaseHeld({ name, holder: holding.owner }));
      }
      const expiresAt = expiryAfter(this.clock, ttl);
      this.holdings.set(name, { owner, expiresAt });
      return Effect.succeed({ name, owner, expiresAt });
    });
  }

  renew(
    handle: LeaseHandle,
    ttl: Duration.DurationInput,
  ): Effect.Effect<LeaseHandle, LeaseLost | LeaseFailure> {
    return Effect.suspend((): Effect.Effect<LeaseHandle, LeaseLost | LeaseFailure> => {
      const failure = this.takeScripted(handle.name);
      if (failure !== undefined) return Effect.fail(failure);
      const holding = this.liveHolding(handle.name);
      if (holding === undefined || holding.owner !== handle.owner) {
        return Effect.fail(new LeaseLost({ name: handle.name, owner: handle.owner }));
      }
      const expiresAt = expiryAfter(this.clock, ttl);
      this.holdings.set(handle.name, { owner: handle.owner, expiresAt });
      return Effect.succeed({ name: handle.name, owner: handle.owner, expiresAt });
    });
  }

  release(handle: LeaseHandle): Effect.Effect<void, LeaseFailure> {
    return Effect.suspend(() => {
      const failure = this.takeScripted(handle.name);
      if (failure !== undefined) return Effect.fail(failure);
      if (this.holdings.get(handle.name)?.owner === handle.owner) this.holdings.delete(handle.name);
      return Effect.void;
    });
  }

  private liveHolding(name: string): Holding | undefined {
    const holding = this.holdings.get(name);
    if (holding === undefined || holding.expiresAt.getTime() <= this.clock.now().getTime()) return undefined;
    return holding;
  }

  private takeScripted(name: string): LeaseFailure | undefined {
    if (this.failures <= 0) return undefined;
    this.failures -= 1;
    return new LeaseFailure({ name, cause: new Error("scripted lease storage failure") });
  }
}
