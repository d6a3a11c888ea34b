import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../model/keys.js";
import { hlsPlaylistKey, thumbnailKey, transcodePrefix } from "../model/storage-keys.js";
import type { CdnInvalidator } from "../ports/cdn-invalidator.js";
import { aVideoKey } from "../testing/builders.js";
import type { Disposable } from "../testing/fresh-subject.js";
import { withFreshSubject } from "../testing/fresh-subject.js";

export interface CdnInvalidatorContractSubject extends Disposable {
  readonly invalidator: CdnInvalidator;
}

/**
 * What every CdnInvalidator must do (CloudFront, the local CDN, memory):
 * `describeCdnInvalidatorContract("cloudfront", async () => ({ invalidator }))`.
 */
export const describeCdnInvalidatorContract = (
  name: string,
  make: () => Promise<CdnInvalidatorContractSubject>,
): void => {
  describe(`CdnInvalidator contract: ${name}`, () => {
    const withSubject = withFreshSubject(make);

    it("answers with at least one invalidation id for keys and wildcards", () =>
      withSubject(async ({ invalidator }) => {
        const hex = hexKey(aVideoKey());
        const { invalidationIds } = await Effect.runPromise(
          invalidator.invalidate([
            hlsPlaylistKey(hex, "public"),
            `${transcodePrefix(hex, "public")}/*`,
            thumbnailKey(hex, "public"),
          ]),
        );
        expect(invalidationIds.length).toBeGreaterThanOrEqual(1);
        for (const invalidationId of invalidationIds) expect(invalidationId.length).toBeGreaterThan(0);
      }));
  });
};
