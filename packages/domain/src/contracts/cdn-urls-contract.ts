import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { hexKey } from "../model/keys.js";
import { hlsPlaylistKey, subtitleKey, thumbnailKey } from "../model/storage-keys.js";
import type { CdnUrls } from "../ports/cdn-urls.js";
import { aVideoKey } from "../testing/builders.js";
import type { Disposable } from "../testing/fresh-subject.js";
import { withFreshSubject } from "../testing/fresh-subject.js";

export interface CdnUrlsContractSubject extends Disposable {
  readonly urls: CdnUrls;
  /** The CDN host the subject was configured with. */
  readonly host: string;
  /** The time as the subject's clock tells it. */
  readonly now: () => Date;
}

/**
 * What every CdnUrls must do (CloudFront, the local CDN, memory):
 * `describeCdnUrlsContract("cloudfront", async () => ({ urls, host, now: () => new Date() }))`.
 */
export const describeCdnUrlsContract = (name: string, make: () => Promise<CdnUrlsContractSubject>): void => {
  describe(`CdnUrls contract: ${name}`, () => {
    const withSubject = withFreshSubject(make);
    const run = Effect.runPromise;

    it("makes plain URLs on the CDN host, the key unchanged", () =>
      withSubject(async ({ urls, host }) => {
        const hex = hexKey(aVideoKey());
        const keys = [
          hlsPlaylistKey(hex, "public"),
          thumbnailKey(hex, "restricted"),
          subtitleKey(hex, new Date("2026-01-15T12:00:00Z"), "en", "public"),
        ];
        for (const key of keys) expect(urls.plainUrl(key)).toBe(`https://${host}/${key}`);
      }));

    it("grants signed access that expires in the future, with CloudFront's parameter names", () =>
      withSubject(async ({ urls, now }) => {
        const access = await run(urls.signedAccess(hexKey(aVideoKey())));
        expect(access.expiresAt.getTime()).toBeGreaterThan(now().getTime());
        for (const parameter of ["Policy", "Signature", "Key-Pair-Id"]) {
          expect(access.queryParameters[parameter]?.length ?? 0).toBeGreaterThan(0);
        }
      }));

    it("hands out the same grant for a video again within its window", () =>
      withSubject(async ({ urls }) => {
        const hex = hexKey(aVideoKey());
        const first = await run(urls.signedAccess(hex));
        const second = await run(urls.signedAccess(hex));
        expect(second).toEqual(first);
      }));

    it("gives different videos different grants", () =>
      withSubject(async ({ urls }) => {
        const first = await run(urls.signedAccess(hexKey(aVideoKey())));
        const second = await run(urls.signedAccess(hexKey(aVideoKey())));
        expect(second.queryParameters["Signature"]).not.toBe(first.queryParameters["Signature"]);
      }));

    it("offers the same grant as CloudFront signed cookies: the parameters' values under the cookies' names", () =>
      withSubject(async ({ urls }) => {
        const access = await run(urls.signedAccess(hexKey(aVideoKey())));
        expect(access.cookies).toEqual(
          Object.fromEntries(
            Object.entries(access.queryParameters).map(([name, value]) => [`CloudFront-${name}`, value]),
          ),
        );
      }));
  });
};
