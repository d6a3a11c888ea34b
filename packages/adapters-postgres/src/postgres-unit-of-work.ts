import { Effect, Exit, FiberRef } from "effect";
import type { UnitOfWork } from "@ovs/domain";
import { PersistenceFailure } from "@ovs/domain";
import type { SqlContext } from "./sql-context.js";
import { currentTransaction } from "./sql-context.js";

/**
 * Units of work on knex transactions. The transaction is carried in a FiberRef that every
 * repository and the job queue read, so everything inside commits or rolls back together. A
 * nested call opens a savepoint in the outer transaction. Commit happens inside the work's
 * effect (a failed commit is a failure of the unit of work); rollback happens in the release
 * step, so failures, defects and interruptions all undo the work.
 */
export class PostgresUnitOfWork implements UnitOfWork {
  constructor(private readonly sql: SqlContext) {}

  transaction<A, E, R>(work: Effect.Effect<A, E, R>): Effect.Effect<A, E | PersistenceFailure, R> {
    return Effect.flatMap(FiberRef.get(currentTransaction), (outer) =>
      Effect.acquireUseRelease(
        Effect.tryPromise({
          try: () => (outer ?? this.sql.knex).transaction(),
          catch: (cause) => new PersistenceFailure({ operation: "begin transaction", cause }),
        }),
        (transaction) =>
          Effect.flatMap(Effect.locally(work, currentTransaction, transaction), (value) =>
            Effect.as(
              Effect.tryPromise({
                try: () => transaction.commit(),
                catch: (cause) => new PersistenceFailure({ operation: "commit", cause }),
              }),
              value,
            ),
          ),
        (transaction, exit) =>
          Exit.isSuccess(exit) && transaction.isCompleted()
            ? Effect.void
            : Effect.promise(() =>
                transaction.isCompleted()
                  ? Promise.resolve()
                  : transaction.rollback().then(
                      () => undefined,
                      () => undefined,
                    ),
              ),
      ),
    );
  }
}
