import { Data, Effect, Schema } from "effect";
import type { CdnInvalidationFailure } from "../../ports/cdn-invalidator.js";
import type { DomainPorts } from "../domain-ports.js";
import type { InvalidInput } from "../errors.js";
import { validateInput } from "../validate-input.js";

/** A key or `prefix/*` wildcard as the `CdnInvalidator` port takes it. */
const CdnPath = Schema.String.pipe(
  Schema.minLength(1, { message: () => "must not be empty" }),
  Schema.filter((path) => !path.startsWith("/"), { message: () => "must not start with a slash" }),
);

/** The `cdn.invalidate` payload as the worker receives it. */
const CdnInvalidatePayload = Schema.Struct({
  paths: Schema.Array(CdnPath),
  // Any text: a reason a newer release adds must not make an older worker drop the job.
  reason: Schema.optional(Schema.String),
});

/**
 * The CDN did not take the invalidation. Always worth the queue's retries, whatever the CDN
 * called its failure: a passing one (throttling, `TooManyInvalidationsInProgress`, 5xx) heals
 * by itself, and a lasting one is configuration (access denied, an unknown distribution) that
 * an operator can fix while the retries still run. Dropping the job instead would leave moved
 * or replaced media served from the CDN's cache at their old paths. A malformed path, the one
 * failure no retry heals, never gets here: the payload does not validate (`InvalidInput`).
 * Carries no `transient` or `retryable` flag, so `isRetryableJobFailure` retries it.
 */
export class CdnPathsNotInvalidated extends Data.TaggedError("CdnPathsNotInvalidated")<{
  /** The paths the CDN was not told to forget. */
  readonly paths: ReadonlyArray<string>;
  readonly reason: string;
  readonly cause: CdnInvalidationFailure;
}> {
  override get message(): string {
    return `the CDN did not invalidate ${this.paths.length} path(s), the job will be retried: ${this.reason}`;
  }
}

export interface CdnPathsInvalidated {
  readonly paths: number;
  /** The CDN's ids of the invalidations it started, for operators. */
  readonly invalidationIds: ReadonlyArray<string>;
}

export type InvalidateCdnPathsError = InvalidInput | CdnPathsNotInvalidated;

/**
 * The `cdn.invalidate` job: has the CDN drop its cached copies of the paths, so that replaced
 * media (a retranscode, an uploaded thumbnail) are fetched anew and moved media (a visibility
 * change) stop being served at their old paths. Queued by the change, in its unit of work, so a
 * failed invalidation is retried on its own (`CdnPathsNotInvalidated`) and changes nothing else.
 * Invalidating a path twice is harmless, so a redelivery is too.
 */
export class InvalidateCdnPaths {
  constructor(private readonly ports: Pick<DomainPorts, "cdnInvalidator">) {}

  run(payload: unknown): Effect.Effect<CdnPathsInvalidated, InvalidateCdnPathsError> {
    const { cdnInvalidator } = this.ports;
    return Effect.gen(function* () {
      const { paths, reason } = yield* validateInput(CdnInvalidatePayload, payload);
      yield* Effect.annotateCurrentSpan({ paths: paths.length, reason: reason ?? "" });
      if (paths.length === 0) return { paths: 0, invalidationIds: [] };
      const { invalidationIds } = yield* Effect.mapError(
        cdnInvalidator.invalidate(paths),
        (failure) =>
          new CdnPathsNotInvalidated({
            paths: failure.paths.length > 0 ? failure.paths : paths,
            reason: failure.reason,
            cause: failure,
          }),
      );
      return { paths: paths.length, invalidationIds };
    }).pipe(Effect.withSpan("InvalidateCdnPaths.run"));
  }
}
