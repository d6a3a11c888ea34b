import { Effect, FiberRef } from "effect";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { UnitOfWork } from "../../ports/unit-of-work.js";
import type { InMemoryDatabase } from "./in-memory-database.js";

const insideTransaction = FiberRef.unsafeMake(false);

/**
 * Transactions over the in-memory tables: one at a time (a semaphore stands in for the
 * database's isolation), a snapshot taken at the start, put back when the work fails, dies or
 * is interrupted. A nested transaction takes its own snapshot, like a savepoint. Writes made
 * outside any transaction while one is running are undone with it: the harness runs one
 * scenario step at a time, so nothing relies on that.
 */
export class InMemoryUnitOfWork implements UnitOfWork {
  private readonly lock = Effect.unsafeMakeSemaphore(1);

  constructor(private readonly database: InMemoryDatabase) {}

  transaction<A, E, R>(work: Effect.Effect<A, E, R>): Effect.Effect<A, E | PersistenceFailure, R> {
    const database = this.database;
    const withSnapshot = Effect.acquireUseRelease(
      Effect.sync(() => database.snapshot()),
      () => Effect.locally(work, insideTransaction, true),
      (snapshot, exit) =>
        Effect.sync(() => (exit._tag === "Failure" ? database.restore(snapshot) : undefined)),
    );
    return Effect.flatMap(FiberRef.get(insideTransaction), (nested) =>
      nested ? withSnapshot : this.lock.withPermits(1)(withSnapshot),
    );
  }
}
