import type { Effect } from "effect";
import type { PersistenceFailure } from "./persistence-errors.js";

/**
 * Runs an effect atomically: every repository write and every job enqueued inside it commits
 * together, or none does when the effect fails (or a defect or interruption ends it). A nested
 * call is a savepoint inside the outer unit of work: its writes commit only with the outer one,
 * and when the nested work fails they are undone while the outer work may carry on.
 */
export interface UnitOfWork {
  transaction<A, E, R>(work: Effect.Effect<A, E, R>): Effect.Effect<A, E | PersistenceFailure, R>;
}
export const UnitOfWork = Symbol.for("ovs/UnitOfWork");
