import { Duration, Effect } from "effect";
import type { Lease, LeaseHandle } from "@ovs/domain";
import { LeaseFailure, LeaseHeld, LeaseLost } from "@ovs/domain";
import type { SqlContext } from "./sql-context.js";

interface LeaseRow {
  readonly owner: string;
  readonly expires_at: Date | string;
}

const millisecondsOf = (ttl: Duration.DurationInput): number => Duration.toMillis(Duration.decode(ttl));

/**
 * Leases as rows (name, owner, expires_at), timed by the database clock so every process
 * agrees on expiry. Acquire is one non-blocking upsert that only takes over a row whose lease
 * expired or that the caller already holds; renew only extends a live lease of the same owner
 * (an expired one is lost even if nobody took it: the janitor may have given up on that work);
 * release deletes only the caller's own row. Works the same on Postgres and PGlite. Inside a
 * unit of work the statements use its transaction, like the repositories (PGlite has a single
 * connection, so anything else would wait for the transaction it runs in).
 */
export class PostgresLease implements Lease {
  constructor(private readonly sql: SqlContext) {}

  acquire(
    name: string,
    owner: string,
    ttl: Duration.DurationInput,
  ): Effect.Effect<LeaseHandle, LeaseHeld | LeaseFailure> {
    return Effect.flatMap(
      Effect.mapError(
        this.sql.statement("acquire lease", async (db) => {
          const result = await db.raw<{ rows: ReadonlyArray<LeaseRow> }>(
            `INSERT INTO leases (name, owner, expires_at)
             VALUES (?, ?, clock_timestamp() + (? * interval '1 millisecond'))
             ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
             WHERE leases.expires_at <= clock_timestamp() OR leases.owner = excluded.owner
             RETURNING owner, expires_at`,
            [name, owner, millisecondsOf(ttl)],
          );
          const granted = result.rows[0];
          if (granted !== undefined) return { granted, holder: null };
          const holder: LeaseRow | undefined = await db("leases").where("name", name).first();
          return { granted: null, holder: holder?.owner ?? "unknown" };
        }),
        (failure) => new LeaseFailure({ name, cause: failure.cause }),
      ),
      ({ granted, holder }): Effect.Effect<LeaseHandle, LeaseHeld> =>
        granted === null
          ? Effect.fail(new LeaseHeld({ name, holder: holder ?? "unknown" }))
          : Effect.succeed({ name, owner, expiresAt: new Date(granted.expires_at) }),
    );
  }

  renew(
    handle: LeaseHandle,
    ttl: Duration.DurationInput,
  ): Effect.Effect<LeaseHandle, LeaseLost | LeaseFailure> {
    return Effect.flatMap(
      Effect.mapError(
        this.sql.statement("renew lease", async (db) => {
          const result = await db.raw<{ rows: ReadonlyArray<LeaseRow> }>(
            `UPDATE leases SET expires_at = clock_timestamp() + (? * interval '1 millisecond')
             WHERE name = ? AND owner = ? AND expires_at > clock_timestamp()
             RETURNING owner, expires_at`,
            [millisecondsOf(ttl), handle.name, handle.owner],
          );
          return result.rows[0];
        }),
        (failure) => new LeaseFailure({ name: handle.name, cause: failure.cause }),
      ),
      (renewed): Effect.Effect<LeaseHandle, LeaseLost> =>
        renewed === undefined
          ? Effect.fail(new LeaseLost({ name: handle.name, owner: handle.owner }))
          : Effect.succeed({
              name: handle.name,
              owner: handle.owner,
              expiresAt: new Date(renewed.expires_at),
            }),
    );
  }

  release(handle: LeaseHandle): Effect.Effect<void, LeaseFailure> {
    return Effect.mapError(
      this.sql.statement("release lease", async (db) => {
        await db("leases").where({ name: handle.name, owner: handle.owner }).delete();
      }),
      (failure) => new LeaseFailure({ name: handle.name, cause: failure.cause }),
    );
  }
}
