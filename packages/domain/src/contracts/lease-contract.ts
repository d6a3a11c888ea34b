import { Effect, Either } from "effect";
import { describe, expect, it } from "vitest";
import type { Lease } from "../ports/lease.js";
import type { Disposable } from "../testing/fresh-subject.js";
import { failureOf } from "../testing/effect-outcomes.js";
import { uniqueSuffix, withFreshSubject } from "../testing/fresh-subject.js";

export interface LeaseContractSubject extends Disposable {
  readonly lease: Lease;
  /**
   * Lets `milliseconds` pass for the lease: the in-memory one moves its clock, a database one
   * may simply sleep. The contract keeps short ttls under two seconds.
   */
  readonly advance: (milliseconds: number) => Promise<void>;
}

/** Long enough that it never runs out during a test, however slow the machine. */
const LONG_TTL = "10 minutes";
const SHORT_TTL_MILLISECONDS = 300;
/** Comfortably past a short ttl, so clocks of a millisecond's resolution agree it expired. */
const PAST_SHORT_TTL_MILLISECONDS = 450;

const aLeaseName = (): string => `video-ingest:${uniqueSuffix()}`;

/**
 * What every Lease must do (Postgres rows, memory). `advance` lets time pass for the subject:
 * `describeLeaseContract("postgres", async () => ({ lease, advance: (ms) => sleep(ms) }))`.
 */
export const describeLeaseContract = (name: string, make: () => Promise<LeaseContractSubject>): void => {
  describe(`Lease contract: ${name}`, () => {
    const withSubject = withFreshSubject(make);
    const run = Effect.runPromise;

    it("grants a free lease to the caller", () =>
      withSubject(async ({ lease }) => {
        const name = aLeaseName();
        const handle = await run(lease.acquire(name, "worker-a", LONG_TTL));
        expect(handle).toMatchObject({ name, owner: "worker-a" });
      }));

    it("refuses a lease another owner holds, naming the holder", () =>
      withSubject(async ({ lease }) => {
        const name = aLeaseName();
        await run(lease.acquire(name, "worker-a", LONG_TTL));
        expect(await failureOf(lease.acquire(name, "worker-b", LONG_TTL))).toMatchObject({
          _tag: "LeaseHeld",
          name,
          holder: "worker-a",
        });
      }));

    it("lets the holder acquire its lease again, as a retried job with the same owner does", () =>
      withSubject(async ({ lease }) => {
        const name = aLeaseName();
        await run(lease.acquire(name, "worker-a", LONG_TTL));
        expect(await run(lease.acquire(name, "worker-a", LONG_TTL))).toMatchObject({
          name,
          owner: "worker-a",
        });
      }));

    it("keeps leases of different names apart", () =>
      withSubject(async ({ lease }) => {
        await run(lease.acquire(aLeaseName(), "worker-a", LONG_TTL));
        expect(await run(lease.acquire(aLeaseName(), "worker-b", LONG_TTL))).toMatchObject({
          owner: "worker-b",
        });
      }));

    it("lets another owner take an expired lease, after which the old holder has lost it", () =>
      withSubject(async ({ lease, advance }) => {
        const name = aLeaseName();
        const first = await run(lease.acquire(name, "worker-a", `${SHORT_TTL_MILLISECONDS} millis`));
        await advance(PAST_SHORT_TTL_MILLISECONDS);
        const second = await run(lease.acquire(name, "worker-b", LONG_TTL));
        expect(second.owner).toBe("worker-b");

        expect(await failureOf(lease.renew(first, LONG_TTL))).toMatchObject({
          _tag: "LeaseLost",
          name,
          owner: "worker-a",
        });
        // Releasing a lost lease is fine and must not free the new holder's lease.
        await run(lease.release(first));
        expect(await failureOf(lease.acquire(name, "worker-c", LONG_TTL))).toMatchObject({
          _tag: "LeaseHeld",
          holder: "worker-b",
        });
      }));

    it("extends the lease when the holder renews it", () =>
      withSubject(async ({ lease, advance }) => {
        const name = aLeaseName();
        const first = await run(lease.acquire(name, "worker-a", "1500 millis"));
        await advance(100);
        const renewed = await run(lease.renew(first, LONG_TTL));
        expect(renewed).toMatchObject({ name, owner: "worker-a" });
        expect(renewed.expiresAt.getTime()).toBeGreaterThan(first.expiresAt.getTime());
        await advance(1_600);
        expect(await failureOf(lease.acquire(name, "worker-b", LONG_TTL))).toMatchObject({
          _tag: "LeaseHeld",
          holder: "worker-a",
        });
        expect(await run(lease.renew(renewed, LONG_TTL))).toMatchObject({ owner: "worker-a" });
      }));

    it("says a lease that expired is lost, even when nobody took it", () =>
      withSubject(async ({ lease, advance }) => {
        const handle = await run(lease.acquire(aLeaseName(), "worker-a", `${SHORT_TTL_MILLISECONDS} millis`));
        await advance(PAST_SHORT_TTL_MILLISECONDS);
        expect(await failureOf(lease.renew(handle, LONG_TTL))).toMatchObject({ _tag: "LeaseLost" });
      }));

    it("frees a released lease, says it is lost to its old holder, and releases idempotently", () =>
      withSubject(async ({ lease }) => {
        const name = aLeaseName();
        const handle = await run(lease.acquire(name, "worker-a", LONG_TTL));
        await run(lease.release(handle));
        await run(lease.release(handle));
        expect(await failureOf(lease.renew(handle, LONG_TTL))).toMatchObject({ _tag: "LeaseLost" });
        expect(await run(lease.acquire(name, "worker-b", LONG_TTL))).toMatchObject({ owner: "worker-b" });
      }));

    it("grants exactly one of two concurrent acquisitions", () =>
      withSubject(async ({ lease }) => {
        const name = aLeaseName();
        const outcomes = await run(
          Effect.all(
            ["worker-a", "worker-b"].map((owner) => Effect.either(lease.acquire(name, owner, LONG_TTL))),
            { concurrency: 2 },
          ),
        );
        const granted = outcomes.filter(Either.isRight).map((outcome) => outcome.right);
        const refused = outcomes.filter(Either.isLeft).map((outcome) => outcome.left);
        expect(granted).toHaveLength(1);
        expect(refused).toHaveLength(1);
        expect(refused[0]).toMatchObject({ _tag: "LeaseHeld", holder: granted[0]?.owner });
      }));
  });
};
