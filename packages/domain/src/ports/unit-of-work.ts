import type { Effect } from "effect";
import type { PersistenceFailure } from "./persistence-errors.js";

/**
 * Runs an effect atomically: every repository write and every job enqueued inside it commits
 * together, or none does when the effect fails (or a defect or interruption ends it). Nested
 * calls join the outer unit of work.
 */
export interface UnitOfWork {
  transaction<A, E, R>(work: Effect.Effect<A, E, R>): Effect.Effect<A, E | PersistenceFailure, R>;
}
export const UnitOfWork = Symbol.for("ovs/UnitOfWork");
