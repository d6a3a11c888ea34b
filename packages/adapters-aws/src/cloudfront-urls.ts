import { createPrivateKey } from "node:crypto";
import { getSignedCookies } from "@aws-sdk/cloudfront-signer";
import type { CdnUrls, Clock, HexKey, SignedAccess } from "@ovs/domain";
import { CdnSigningFailure, protectedResourcePattern } from "@ovs/domain";
import { Duration, Effect, Redacted } from "effect";

export interface CloudFrontUrlsSettings {
  /**
   * The CDN host media URLs are built on: `<VIDEO_CLOUDFRONT_DIST>.cloudfront.net`, or the host
   * of `VIDEO_CLOUDFRONT_BASE_URL` when that names a custom domain.
   */
  readonly host: string;
  /**
   * `http` only for a CDN on loopback that speaks plain HTTP (the `local` profile's, which checks
   * the same signatures); `https` when left out, as CloudFront is.
   */
  readonly scheme?: "https" | "http";
  /** `CLOUDFRONT_KEY_ID`: the public key's id in the distribution's trusted key group. */
  readonly keyPairId: string;
  /** `CLOUDFRONT_PRIVATE_KEY`: the RSA private key, PEM; redacted, so it never shows in errors or logs. */
  readonly privateKey: Redacted.Redacted<string>;
  /** `OVS_PLAYBACK_GRANT_SECONDS`: how long a grant lasts at least, from the end of its window; 6 hours when left out. */
  readonly ttl?: Duration.DurationInput;
  /**
   * `OVS_CDN_SIGNATURE_WINDOW`: grants asked for within one window share their expiry, hence
   * their signature; 1 hour when left out.
   */
  readonly window?: Duration.DurationInput;
  /** `SHA256` for FIPS deployments (CloudFront then needs `Hash-Algorithm=SHA256`); SHA-1 when left out. */
  readonly algorithm?: "SHA1" | "SHA256";
  /** Grants kept per window; the oldest go first past this. 10 000 when left out. */
  readonly maxCachedGrants?: number;
  readonly clock: Clock;
}

export interface CloudFrontUrlsStatistics {
  /** RSA signatures made since start. */
  readonly signaturesMade: number;
  /** Grants handed out again from the cache. */
  readonly cacheHits: number;
}

interface CustomPolicy {
  readonly Statement: ReadonlyArray<{
    readonly Resource: string;
    readonly Condition: { readonly DateLessThan: { readonly "AWS:EpochTime": number } };
  }>;
}

/**
 * The `CdnUrls` port on CloudFront. Public objects get plain `https://<host>/<key>` URLs. A
 * protected video gets one grant: a custom policy whose resource is the wildcard over its
 * protected prefix (`https://<host>/restricted/*\/<hex>/*`), signed with
 * `@aws-sdk/cloudfront-signer`, whose `Policy`, `Signature` and `Key-Pair-Id` the player
 * appends to every request. Time is cut into windows: every grant asked for in one window
 * expires one ttl after the window ends, so it is the same grant on every request and every
 * replica, and it is signed once per video and window, then served from a cache that forgets
 * earlier windows.
 */
export class CloudFrontUrls implements CdnUrls {
  private readonly ttlMillis: number;
  private readonly windowMillis: number;
  private readonly maxCachedGrants: number;
  private readonly grants = new Map<string, SignedAccess>();
  private cachedWindow = Number.NaN;
  private signatures = 0;
  private hits = 0;

  constructor(private readonly settings: CloudFrontUrlsSettings) {
    this.ttlMillis = Duration.toMillis(Duration.decode(settings.ttl ?? "6 hours"));
    this.windowMillis = Duration.toMillis(Duration.decode(settings.window ?? "1 hour"));
    this.maxCachedGrants = settings.maxCachedGrants ?? 10_000;
    if (!(this.windowMillis > 0) || !(this.ttlMillis > 0)) {
      throw new RangeError("a CloudFront signing window and ttl must be longer than zero");
    }
    // A port only for a CDN on loopback (the local profile's); CloudFront's hosts have none.
    if (!/^[^/:?#\s]+(:\d{1,5})?$/.test(settings.host)) {
      throw new RangeError(`'${settings.host}' is not a bare CDN host name (with an optional port)`);
    }
    // A key that cannot sign is a configuration error: say so at start, not at the first viewer.
    const key = createPrivateKey(Redacted.value(settings.privateKey));
    if (key.asymmetricKeyType !== "rsa") throw new TypeError("the CloudFront private key must be an RSA key");
  }

  get statistics(): CloudFrontUrlsStatistics {
    return { signaturesMade: this.signatures, cacheHits: this.hits };
  }

  plainUrl(key: string): string {
    return `${this.settings.scheme ?? "https"}://${this.settings.host}/${key}`;
  }

  signedAccess(hex: HexKey): Effect.Effect<SignedAccess, CdnSigningFailure> {
    return Effect.suspend(() => {
      const windowIndex = Math.floor(this.settings.clock.now().getTime() / this.windowMillis);
      if (windowIndex !== this.cachedWindow) {
        // Grants of earlier windows are never handed out again.
        this.grants.clear();
        this.cachedWindow = windowIndex;
      }
      const cached = this.grants.get(hex);
      if (cached !== undefined) {
        this.hits += 1;
        return Effect.succeed(cached);
      }
      const expiresAt = new Date((windowIndex + 1) * this.windowMillis + this.ttlMillis);
      return Effect.try({
        try: () => this.sign(hex, expiresAt),
        catch: (error) =>
          new CdnSigningFailure({ reason: error instanceof Error ? error.message : String(error) }),
      }).pipe(
        Effect.tap((grant) =>
          Effect.sync(() => {
            if (this.grants.size >= this.maxCachedGrants) {
              const oldest = this.grants.keys().next();
              if (oldest.done !== true) this.grants.delete(oldest.value);
            }
            this.grants.set(hex, grant);
          }),
        ),
      );
    });
  }

  private sign(hex: HexKey, expiresAt: Date): SignedAccess {
    const policy: CustomPolicy = {
      Statement: [
        {
          Resource: this.plainUrl(protectedResourcePattern(hex)),
          Condition: { DateLessThan: { "AWS:EpochTime": Math.floor(expiresAt.getTime() / 1000) } },
        },
      ],
    };
    const algorithm = this.settings.algorithm ?? "SHA1";
    const signed = getSignedCookies({
      keyPairId: this.settings.keyPairId,
      privateKey: Redacted.value(this.settings.privateKey),
      policy: JSON.stringify(policy),
      algorithm,
    });
    this.signatures += 1;
    const policyValue = signed["CloudFront-Policy"];
    if (policyValue === undefined) throw new Error("the signer returned no policy");
    return {
      // The cookie values are the query parameters' values: same encoding, other names.
      queryParameters: {
        Policy: policyValue,
        Signature: signed["CloudFront-Signature"],
        "Key-Pair-Id": signed["CloudFront-Key-Pair-Id"],
        ...(algorithm === "SHA256" ? { "Hash-Algorithm": "SHA256" } : {}),
      },
      // As the signer names them (with `CloudFront-Hash-Algorithm` under SHA-256).
      cookies: Object.fromEntries(
        Object.entries(signed).filter((entry): entry is [string, string] => entry[1] !== undefined),
      ),
      expiresAt,
    };
  }
}
