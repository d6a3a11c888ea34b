import { Data } from "effect";
import type { Effect } from "effect";

export class CdnInvalidationFailure extends Data.TaggedError("CdnInvalidationFailure")<{
  readonly paths: ReadonlyArray<string>;
  readonly transient: boolean;
  readonly reason: string;
}> {
  override get message(): string {
    return `CDN invalidation of ${this.paths.length} path(s) failed: ${this.reason}`;
  }
}

/** Drops cached copies at the CDN. Paths are keys or `prefix/*` wildcards, without a leading slash. */
export interface CdnInvalidator {
  invalidate(
    paths: ReadonlyArray<string>,
  ): Effect.Effect<{ readonly invalidationIds: ReadonlyArray<string> }, CdnInvalidationFailure>;
}
export const CdnInvalidator = Symbol.for("ovs/CdnInvalidator");
