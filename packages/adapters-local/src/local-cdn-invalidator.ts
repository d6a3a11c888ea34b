import { Effect } from "effect";
import type { CdnInvalidator } from "@ovs/domain";

/**
 * The local CDN reads the store on every request and caches nothing, so there is nothing to
 * forget: an invalidation succeeds at once (with an id, as CloudFront answers one).
 */
export class LocalCdnInvalidator implements CdnInvalidator {
  private issued = 0;

  invalidate(paths: ReadonlyArray<string>) {
    this.issued += 1;
    return Effect.succeed({ invalidationIds: paths.length === 0 ? [] : [`local-${this.issued}`] });
  }
}
