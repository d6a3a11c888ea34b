import { Effect, FiberRef } from "effect";
import type { Knex } from "knex";
import type { RecordNotFound, UniqueViolation } from "@ovs/domain";
import { PersistenceFailure } from "@ovs/domain";
import type { DatabaseError } from "./database-errors.js";
import { toDatabaseError } from "./database-errors.js";

/** Which engine is behind the knex instance; a few things (locks, executors) differ. */
export type DatabaseKind = "postgres" | "pglite";

/**
 * The transaction of the unit of work the current fiber runs in, if any. Every repository
 * method reads it, so writes made inside `UnitOfWork.transaction` use that transaction without
 * the use cases passing anything around. Fibers forked inside inherit it.
 */
export const currentTransaction: FiberRef.FiberRef<Knex.Transaction | null> =
  FiberRef.unsafeMake<Knex.Transaction | null>(null);

/** What repositories share: the knex instance and the way to run a statement on the right connection. */
export class SqlContext {
  constructor(
    readonly knex: Knex,
    readonly kind: DatabaseKind,
  ) {}

  /** The current transaction, or the pool. */
  readonly connection: Effect.Effect<Knex | Knex.Transaction> = Effect.map(
    FiberRef.get(currentTransaction),
    (transaction) => transaction ?? this.knex,
  );

  /**
   * Runs statements that may break a constraint: a unique or foreign-key violation comes back as
   * `UniqueViolation` or `RecordNotFound`, anything else as `PersistenceFailure`.
   */
  constrainedStatement<A>(
    operation: string,
    statements: (db: Knex | Knex.Transaction) => Promise<A>,
  ): Effect.Effect<A, DatabaseError> {
    return Effect.flatMap(this.connection, (db) =>
      Effect.tryPromise({ try: () => statements(db), catch: (error) => toDatabaseError(operation, error) }),
    );
  }

  /**
   * Runs statements no constraint is expected to stop (reads, upserts that settle their own
   * conflicts, updates of unconstrained columns): any failure is the store's, a `PersistenceFailure`.
   */
  statement<A>(
    operation: string,
    statements: (db: Knex | Knex.Transaction) => Promise<A>,
  ): Effect.Effect<A, PersistenceFailure> {
    return Effect.flatMap(this.connection, (db) =>
      Effect.tryPromise({
        try: () => statements(db),
        catch: (cause) => new PersistenceFailure({ operation, cause }),
      }),
    );
  }

  /**
   * Runs several statements atomically: inside the current unit of work they share its
   * transaction (as a savepoint, so a failure undoes only them); outside, they get their own.
   */
  atomically<A>(
    operation: string,
    statements: (db: Knex.Transaction) => Promise<A>,
  ): Effect.Effect<A, DatabaseError> {
    return this.constrainedStatement(operation, (db) =>
      db.transaction((transaction) => statements(transaction)),
    );
  }
}

/** A write whose signature has no unique constraint to break: a violation is a store failure. */
export const withoutUniqueViolation = <A, E>(
  effect: Effect.Effect<A, E | UniqueViolation>,
): Effect.Effect<A, Exclude<E, UniqueViolation> | PersistenceFailure> =>
  Effect.catchIf(
    effect,
    (error): error is UniqueViolation =>
      typeof error === "object" && error !== null && "_tag" in error && error._tag === "UniqueViolation",
    (error) => Effect.fail(new PersistenceFailure({ operation: "write", cause: error })),
  ) as Effect.Effect<A, Exclude<E, UniqueViolation> | PersistenceFailure>;

/** A write whose signature has no reference to miss. */
export const withoutMissingReference = <A, E>(
  effect: Effect.Effect<A, E | RecordNotFound>,
): Effect.Effect<A, Exclude<E, RecordNotFound> | PersistenceFailure> =>
  Effect.catchIf(
    effect,
    (error): error is RecordNotFound =>
      typeof error === "object" && error !== null && "_tag" in error && error._tag === "RecordNotFound",
    (error) => Effect.fail(new PersistenceFailure({ operation: "write", cause: error })),
  ) as Effect.Effect<A, Exclude<E, RecordNotFound> | PersistenceFailure>;
