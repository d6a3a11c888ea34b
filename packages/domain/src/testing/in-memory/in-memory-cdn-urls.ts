import { Duration, Effect } from "effect";
import type { HexKey } from "../../model/keys.js";
import { protectedResourcePattern } from "../../model/storage-keys.js";
import type { CdnUrls, SignedAccess } from "../../ports/cdn-urls.js";
import { CdnSigningFailure } from "../../ports/cdn-urls.js";
import type { Clock } from "../../ports/clock.js";
import { bytesOfText, fnv1a64Hex } from "./byte-streams.js";

export interface InMemoryCdnUrlsOptions {
  readonly clock: Clock;
  readonly host?: string;
  /** How long a grant stays valid at least, counted from the end of its window. */
  readonly ttl?: Duration.DurationInput;
  /** Grants made within one window share their expiry, hence their signature. */
  readonly window?: Duration.DurationInput;
  readonly keyPairId?: string;
}

export const DEFAULT_CDN_HOST = "cdn.ovs.test";

/** CloudFront's URL-safe base64: `+` `=` `/` become `-` `_` `~`. */
const cloudFrontBase64 = (text: string): string =>
  btoa(text).replaceAll("+", "-").replaceAll("=", "_").replaceAll("/", "~");

/**
 * CDN URLs with fake signatures: plain URLs on a fixed host, and grants whose query parameters
 * have CloudFront's names and a real custom-policy document, signed with a hash instead of RSA.
 * A grant's expiry is the end of the current window plus the ttl, so every grant asked for in
 * one window is identical (cacheable by players and the CDN, and the same on every replica),
 * and it is signed once. Test hooks: `signaturesMade` counts signatures, `failNext` scripts a
 * signing failure.
 */
export class InMemoryCdnUrls implements CdnUrls {
  readonly host: string;
  private readonly clock: Clock;
  private readonly ttlMillis: number;
  private readonly windowMillis: number;
  private readonly keyPairId: string;
  private readonly grants = new Map<string, SignedAccess>();
  private signatures = 0;
  private failures = 0;

  constructor(options: InMemoryCdnUrlsOptions) {
    this.clock = options.clock;
    this.host = options.host ?? DEFAULT_CDN_HOST;
    this.ttlMillis = Duration.toMillis(Duration.decode(options.ttl ?? "6 hours"));
    this.windowMillis = Duration.toMillis(Duration.decode(options.window ?? "1 hour"));
    this.keyPairId = options.keyPairId ?? "K2IN0MEMORY0PAIR";
    if (this.windowMillis <= 0) throw new RangeError("a signing window must be longer than zero");
  }

  get signaturesMade(): number {
    return this.signatures;
  }

  /** Makes the next `times` signing attempts fail. */
  failNext(times = 1): void {
    this.failures += times;
  }

  plainUrl(key: string): string {
    return `https://${this.host}/${key}`;
  }

  signedAccess(hex: HexKey): Effect.Effect<SignedAccess, CdnSigningFailure> {
    return Effect.suspend(() => {
      const now = this.clock.now().getTime();
      const windowIndex = Math.floor(now / this.windowMillis);
      const cacheKey = `${hex}|${windowIndex}`;
      const cached = this.grants.get(cacheKey);
      if (cached !== undefined) return Effect.succeed(cached);
      if (this.failures > 0) {
        this.failures -= 1;
        return Effect.fail(new CdnSigningFailure({ reason: "scripted signing failure" }));
      }
      const expiresAt = new Date((windowIndex + 1) * this.windowMillis + this.ttlMillis);
      const policy = JSON.stringify({
        Statement: [
          {
            Resource: this.plainUrl(protectedResourcePattern(hex)),
            Condition: { DateLessThan: { "AWS:EpochTime": Math.floor(expiresAt.getTime() / 1000) } },
          },
        ],
      });
      this.signatures += 1;
      const queryParameters = {
        Policy: cloudFrontBase64(policy),
        Signature: cloudFrontBase64(fnv1a64Hex(bytesOfText(`${this.keyPairId}\n${policy}`))),
        "Key-Pair-Id": this.keyPairId,
      };
      const grant: SignedAccess = {
        queryParameters,
        cookies: Object.fromEntries(
          Object.entries(queryParameters).map(([name, value]) => [`CloudFront-${name}`, value]),
        ),
        expiresAt,
      };
      // Older windows are never asked for again: keep the cache from growing without bound.
      for (const key of this.grants.keys()) {
        if (!key.endsWith(`|${windowIndex}`)) this.grants.delete(key);
      }
      this.grants.set(cacheKey, grant);
      return Effect.succeed(grant);
    });
  }
}
