import { Effect } from "effect";
import type { CdnInvalidator } from "../../ports/cdn-invalidator.js";
import { CdnInvalidationFailure } from "../../ports/cdn-invalidator.js";

export interface RecordedInvalidation {
  readonly invalidationId: string;
  readonly paths: ReadonlyArray<string>;
}

interface ScriptedFailure {
  readonly transient: boolean;
  readonly reason: string;
  remaining: number;
}

/**
 * Records what the CDN was told to forget. Test hooks: `invalidations` (one entry per call that
 * succeeded), `invalidatedPaths` (all paths, in order), `failNext`.
 */
export class InMemoryCdnInvalidator implements CdnInvalidator {
  private readonly recorded: Array<RecordedInvalidation> = [];
  private readonly scriptedFailures: Array<ScriptedFailure> = [];
  private sequence = 0;

  get invalidations(): ReadonlyArray<RecordedInvalidation> {
    return [...this.recorded];
  }

  get invalidatedPaths(): ReadonlyArray<string> {
    return this.recorded.flatMap((invalidation) => invalidation.paths);
  }

  /** Makes the next `times` invalidations fail, recording nothing. */
  failNext(failure: {
    readonly transient: boolean;
    readonly reason?: string;
    readonly times?: number;
  }): void {
    this.scriptedFailures.push({
      transient: failure.transient,
      reason: failure.reason ?? "scripted invalidation failure",
      remaining: failure.times ?? 1,
    });
  }

  invalidate(
    paths: ReadonlyArray<string>,
  ): Effect.Effect<{ readonly invalidationIds: ReadonlyArray<string> }, CdnInvalidationFailure> {
    return Effect.suspend(() => {
      const scripted = this.scriptedFailures[0];
      if (scripted !== undefined) {
        scripted.remaining -= 1;
        if (scripted.remaining <= 0) this.scriptedFailures.shift();
        return Effect.fail(
          new CdnInvalidationFailure({ paths, transient: scripted.transient, reason: scripted.reason }),
        );
      }
      // CloudFront refuses an empty batch; asking to forget nothing is simply done.
      if (paths.length === 0) return Effect.succeed({ invalidationIds: [] });
      const badPath = paths.find((path) => path.length === 0 || path.startsWith("/"));
      if (badPath !== undefined) {
        return Effect.fail(
          new CdnInvalidationFailure({
            paths,
            transient: false,
            reason: `path '${badPath}' must be a key or prefix without a leading slash`,
          }),
        );
      }
      this.sequence += 1;
      const invalidationId = `I-IN-MEMORY-${this.sequence}`;
      this.recorded.push({ invalidationId, paths: [...paths] });
      return Effect.succeed({ invalidationIds: [invalidationId] });
    });
  }
}
