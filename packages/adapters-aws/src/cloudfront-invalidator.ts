import { randomUUID } from "node:crypto";
import { CreateInvalidationCommand } from "@aws-sdk/client-cloudfront";
import type { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import type { CdnInvalidator } from "@ovs/domain";
import { CdnInvalidationFailure } from "@ovs/domain";
import { Effect } from "effect";
import { classifyAwsError } from "./aws-errors.js";

export interface CloudFrontInvalidatorSettings {
  /** `VIDEO_CDN_DISTRIBUTION_ID`: the distribution's id (not the `VIDEO_CLOUDFRONT_DIST` host name). */
  readonly distributionId: string;
  /** Paths per `CreateInvalidation`; CloudFront takes up to 3 000 file paths in flight. */
  readonly maxPathsPerInvalidation?: number;
  /** Wildcard paths per `CreateInvalidation`; CloudFront takes up to 15 wildcards in flight. */
  readonly maxWildcardsPerInvalidation?: number;
  /** A unique reference per batch; random UUIDs when left out (tests pass their own). */
  readonly callerReference?: () => string;
}

const DEFAULT_MAX_PATHS = 3_000;
const DEFAULT_MAX_WILDCARDS = 15;

/**
 * A key or `prefix/*` as CloudFront wants it: with a leading slash, characters outside URLs'
 * safe set percent-encoded (the `*` of a wildcard kept).
 */
export const invalidationPathOf = (path: string): string => `/${encodeURI(path)}`;

/** Splits paths into batches within both limits, keeping their order. */
export const invalidationBatches = (
  paths: ReadonlyArray<string>,
  limits: { readonly maxPaths: number; readonly maxWildcards: number },
): ReadonlyArray<ReadonlyArray<string>> => {
  const batches: Array<Array<string>> = [];
  let current: Array<string> = [];
  let wildcards = 0;
  for (const path of paths) {
    const wildcard = path.endsWith("*");
    if (current.length >= limits.maxPaths || (wildcard && wildcards >= limits.maxWildcards)) {
      batches.push(current);
      current = [];
      wildcards = 0;
    }
    current.push(path);
    if (wildcard) wildcards += 1;
  }
  if (current.length > 0) batches.push(current);
  return batches;
};

/**
 * The `CdnInvalidator` port on CloudFront `CreateInvalidation` (upstream
 * `_invalidate_cloudfront_paths`, but failures reported instead of swallowed). Paths are sent
 * in batches within CloudFront's limits, one after another; the first batch that fails stops
 * the rest and is reported with every path not yet invalidated. Each batch has a fresh caller
 * reference, as a reused one would make CloudFront answer with an earlier invalidation of the
 * same paths instead of invalidating again. `TooManyInvalidationsInProgress` is transient: the
 * quota frees up as earlier invalidations finish.
 */
export class CloudFrontInvalidator implements CdnInvalidator {
  private readonly maxPaths: number;
  private readonly maxWildcards: number;
  private readonly callerReference: () => string;

  constructor(
    private readonly client: CloudFrontClient,
    private readonly settings: CloudFrontInvalidatorSettings,
  ) {
    this.maxPaths = settings.maxPathsPerInvalidation ?? DEFAULT_MAX_PATHS;
    this.maxWildcards = settings.maxWildcardsPerInvalidation ?? DEFAULT_MAX_WILDCARDS;
    this.callerReference = settings.callerReference ?? randomUUID;
    if (!(this.maxPaths >= 1 && this.maxWildcards >= 1)) {
      throw new RangeError("invalidation batches must allow at least one path and one wildcard");
    }
  }

  invalidate(
    paths: ReadonlyArray<string>,
  ): Effect.Effect<{ readonly invalidationIds: ReadonlyArray<string> }, CdnInvalidationFailure> {
    return Effect.gen(this, function* () {
      // CloudFront refuses an empty batch; asking to forget nothing is simply done.
      if (paths.length === 0) return { invalidationIds: [] };
      const badPath = paths.find((path) => path.length === 0 || path.startsWith("/"));
      if (badPath !== undefined) {
        return yield* Effect.fail(
          new CdnInvalidationFailure({
            paths,
            transient: false,
            reason: `path '${badPath}' must be a key or prefix without a leading slash`,
          }),
        );
      }
      const batches = invalidationBatches([...new Set(paths)], {
        maxPaths: this.maxPaths,
        maxWildcards: this.maxWildcards,
      });
      const invalidationIds: Array<string> = [];
      for (const [index, batch] of batches.entries()) {
        const notYetInvalidated = batches.slice(index).flat();
        const invalidationId = yield* Effect.tryPromise({
          try: (abortSignal) =>
            this.client.send(
              new CreateInvalidationCommand({
                DistributionId: this.settings.distributionId,
                InvalidationBatch: {
                  CallerReference: this.callerReference(),
                  Paths: { Quantity: batch.length, Items: batch.map(invalidationPathOf) },
                },
              }),
              { abortSignal },
            ),
          catch: (error) =>
            new CdnInvalidationFailure({ paths: notYetInvalidated, ...classifyAwsError(error) }),
        }).pipe(
          Effect.flatMap(({ Invalidation }) =>
            Invalidation?.Id === undefined
              ? Effect.fail(
                  new CdnInvalidationFailure({
                    paths: notYetInvalidated,
                    transient: false,
                    reason: "CreateInvalidation answered without an invalidation id",
                  }),
                )
              : Effect.succeed(Invalidation.Id),
          ),
        );
        invalidationIds.push(invalidationId);
      }
      return { invalidationIds };
    });
  }
}
