import type { KeyObject } from "node:crypto";
import { createPublicKey, verify } from "node:crypto";
import { isIPv4 } from "node:net";
import type { Clock } from "@ovs/domain";
import { Either, Schema } from "effect";
import type { QueryPair } from "./cdn-request-target.js";
import { wildcardMatches } from "./cloudfront-wildcard.js";

/** A trusted public key: PEM (SPKI, PKCS#1, or a private key, whose public half is used) or a `KeyObject`. */
export type TrustedPublicKey = string | Buffer | KeyObject;

/** What a signature is checked against: the request as CloudFront sees it. */
export interface SignedRequest {
  /** The host the viewer asked for (or the configured public host); a policy's resource names it. */
  readonly host: string;
  /** The served key as a URL path (`CdnRequestTarget.canonicalPath`). */
  readonly path: string;
  readonly query: ReadonlyArray<QueryPair>;
  readonly cookies: ReadonlyMap<string, string>;
  /** The client's address, for a policy's `IpAddress` condition. */
  readonly sourceAddress: string | undefined;
}

export type SignatureVerdict =
  { readonly granted: true; readonly expiresAt: Date } | { readonly granted: false; readonly reason: string };

/** The signing parameters; signed cookies carry the same values under `CloudFront-<name>`. */
const SIGNING_NAMES = ["Policy", "Expires", "Signature", "Key-Pair-Id", "Hash-Algorithm"] as const;
type SigningName = (typeof SIGNING_NAMES)[number];
type Credentials = Partial<Record<SigningName, string>>;

const isSigningName = (name: string): name is SigningName =>
  (SIGNING_NAMES as ReadonlyArray<string>).includes(name);

/**
 * The viewer's URL schemes a resource may name. The local CDN speaks plain http, but the URLs it
 * checks may have been signed as `https://` (CloudFront's scheme, `CloudFrontUrls`' default) or
 * reached through a TLS proxy, so a resource of either scheme is matched against the same request.
 */
const SCHEMES = ["https", "http"] as const;

const EpochTime = Schema.Struct({ "AWS:EpochTime": Schema.Int.pipe(Schema.nonNegative()) });

/** CloudFront's custom policy: one statement, `DateLessThan` required, nothing it does not know. */
const CustomPolicy = Schema.Struct({
  Statement: Schema.Tuple(
    Schema.Struct({
      Resource: Schema.optional(Schema.String),
      Condition: Schema.Struct({
        DateLessThan: EpochTime,
        DateGreaterThan: Schema.optional(EpochTime),
        IpAddress: Schema.optional(Schema.Struct({ "AWS:SourceIp": Schema.String })),
      }),
    }),
  ),
});
type CustomPolicy = typeof CustomPolicy.Type;
const decodeCustomPolicy = Schema.decodeUnknownEither(Schema.parseJson(CustomPolicy), {
  onExcessProperty: "error",
});

const denied = (reason: string): SignatureVerdict => ({ granted: false, reason });

/** CloudFront's URL-safe base64 (`-` `_` `~` for `+` `=` `/`), strictly: any other character refuses. */
const fromCloudFrontBase64 = (text: string): Buffer | undefined => {
  if (!/^[A-Za-z0-9\-_~]+$/.test(text)) return undefined;
  return Buffer.from(text.replaceAll("-", "+").replaceAll("_", "=").replaceAll("~", "/"), "base64");
};

const ipv4Number = (address: string): number =>
  address.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);

/** Whether an IPv4 client address lies in a `a.b.c.d/n` (or bare `a.b.c.d`) range. */
const inIpv4Range = (range: string, address: string): boolean | undefined => {
  const [network = "", bits = "32", ...rest] = range.split("/");
  const prefix = Number(bits);
  if (rest.length > 0 || !isIPv4(network) || !/^\d{1,2}$/.test(bits) || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  return Math.floor(ipv4Number(network) / size) === Math.floor(ipv4Number(address) / size);
};

/** `::ffff:127.0.0.1` is IPv4's `127.0.0.1` on a dual-stack socket. */
const ipv4Of = (address: string | undefined): string | undefined => {
  const bare = address?.startsWith("::ffff:") === true ? address.slice("::ffff:".length) : address;
  return bare !== undefined && isIPv4(bare) ? bare : undefined;
};

/**
 * Checks CloudFront signed URLs and signed cookies as CloudFront does for a behaviour that
 * restricts viewer access:
 *
 * - **Where.** The query's `Policy` / `Expires`, `Signature`, `Key-Pair-Id` (and
 *   `Hash-Algorithm`) when the query holds any of them; otherwise the cookies
 *   `CloudFront-Policy` / `CloudFront-Expires`, `CloudFront-Signature`,
 *   `CloudFront-Key-Pair-Id` (and `CloudFront-Hash-Algorithm`). A parameter given twice refuses.
 * - **Signature.** RSA PKCS#1 v1.5 with SHA-1, or SHA-256 when `Hash-Algorithm=SHA256`, with the
 *   trusted key of that key-pair id, over the policy exactly as sent (custom policy), or over the
 *   canned policy CloudFront builds from the URL and `Expires` (canned policy).
 * - **Resource.** Matched, with `*` and `?` wildcards (`wildcardMatches`), against the URL
 *   `<scheme>://<host><path>[?<query>]`, where the path is the served key, encoded per segment,
 *   and the query is the request's own, in its order and spelling, minus the signing parameters;
 *   the scheme is `https` or `http` (`SCHEMES`). A custom policy without `Resource` covers every
 *   URL, as on CloudFront. A canned policy's resource is that URL exactly.
 * - **Conditions.** `DateLessThan` (required: now must be before it), `DateGreaterThan` (now must
 *   be at or after it), `IpAddress` (`AWS:SourceIp`, an IPv4 CIDR the client's address must lie
 *   in). Any other condition or property, or a second statement, refuses.
 *
 * Every refusal says why in a short sentence; none depends on whether any object exists.
 */
export class CloudFrontSignatureCheck {
  private readonly keys: ReadonlyMap<string, KeyObject>;

  constructor(
    trustedKeys: Readonly<Record<string, TrustedPublicKey>>,
    private readonly clock: Clock,
  ) {
    const keys = new Map<string, KeyObject>();
    for (const [keyPairId, key] of Object.entries(trustedKeys)) {
      if (keyPairId.length === 0) throw new RangeError("a trusted key's key-pair id must not be empty");
      const publicKey = createPublicKey(key);
      if (publicKey.asymmetricKeyType !== "rsa") {
        throw new TypeError(`the trusted key '${keyPairId}' must be an RSA key`);
      }
      keys.set(keyPairId, publicKey);
    }
    this.keys = keys;
  }

  check(request: SignedRequest): SignatureVerdict {
    const credentials = this.credentialsOf(request);
    if (typeof credentials === "string") return denied(credentials);
    const keyPairId = credentials["Key-Pair-Id"];
    if (keyPairId === undefined) return denied("Missing Key-Pair-Id query parameter or cookie value");
    const key = this.keys.get(keyPairId);
    if (key === undefined) return denied("Unknown Key");
    if (credentials.Signature === undefined)
      return denied("Missing Signature query parameter or cookie value");
    const signature = fromCloudFrontBase64(credentials.Signature);
    if (signature === undefined) return denied("Malformed Signature");
    const hashAlgorithm = credentials["Hash-Algorithm"] ?? "SHA1";
    if (hashAlgorithm !== "SHA1" && hashAlgorithm !== "SHA256") return denied("Unsupported Hash-Algorithm");
    const verifies = (policy: Buffer): boolean => {
      try {
        return verify(hashAlgorithm === "SHA256" ? "sha256" : "sha1", policy, key, signature);
      } catch {
        return false;
      }
    };
    const urls = this.requestUrls(request);
    if (credentials.Policy !== undefined) {
      if (credentials.Expires !== undefined) return denied("Give either Policy or Expires, not both");
      const policy = fromCloudFrontBase64(credentials.Policy);
      if (policy === undefined) return denied("Malformed Policy");
      if (!verifies(policy)) return denied("Access denied: the signature does not match the policy");
      const decoded = decodeCustomPolicy(policy.toString("utf8"));
      if (Either.isLeft(decoded)) return denied("Malformed Policy");
      return this.evaluate(decoded.right, urls, request.sourceAddress);
    }
    const expires = credentials.Expires;
    if (expires === undefined) return denied("Missing Policy or Expires query parameter or cookie value");
    if (!/^\d{1,12}$/.test(expires)) return denied("Malformed Expires");
    // A canned policy names exactly one URL; whichever scheme it was signed with, the signature
    // verifies over that URL's policy, built as CloudFront (and its signer) builds it.
    const signedUrl = urls.find((url) =>
      verifies(
        Buffer.from(
          JSON.stringify({
            Statement: [{ Resource: url, Condition: { DateLessThan: { "AWS:EpochTime": Number(expires) } } }],
          }),
          "utf8",
        ),
      ),
    );
    if (signedUrl === undefined) return denied("Access denied: the signature does not match this URL");
    return this.expiry(Number(expires));
  }

  private evaluate(
    policy: CustomPolicy,
    urls: ReadonlyArray<string>,
    sourceAddress: string | undefined,
  ): SignatureVerdict {
    const [statement] = policy.Statement;
    const resource = statement.Resource;
    if (resource !== undefined && !urls.some((url) => wildcardMatches(resource, url))) {
      return denied("Access denied: the policy does not cover this URL");
    }
    const { DateGreaterThan, IpAddress } = statement.Condition;
    if (
      DateGreaterThan !== undefined &&
      this.clock.now().getTime() < DateGreaterThan["AWS:EpochTime"] * 1000
    ) {
      return denied("Access denied: the policy is not valid yet");
    }
    if (IpAddress !== undefined) {
      const client = ipv4Of(sourceAddress);
      const inside = client === undefined ? false : inIpv4Range(IpAddress["AWS:SourceIp"], client);
      if (inside === undefined) return denied("Malformed Policy: AWS:SourceIp must be an IPv4 CIDR");
      if (!inside) return denied("Access denied: the policy does not cover this client's address");
    }
    return this.expiry(statement.Condition.DateLessThan["AWS:EpochTime"]);
  }

  private expiry(epochSeconds: number): SignatureVerdict {
    const expiresAt = new Date(epochSeconds * 1000);
    if (this.clock.now().getTime() >= expiresAt.getTime())
      return denied("Access denied: the signature has expired");
    return { granted: true, expiresAt };
  }

  /** The URL a resource is matched against, once per accepted scheme. */
  private requestUrls(request: SignedRequest): ReadonlyArray<string> {
    const query = request.query
      .filter((pair) => !isSigningName(pair.name))
      .map((pair) => pair.raw)
      .join("&");
    const pathAndQuery = query === "" ? request.path : `${request.path}?${query}`;
    return SCHEMES.map((scheme) => `${scheme}://${request.host}${pathAndQuery}`);
  }

  /** The signing values from the query, or else from the cookies; a string says what is wrong. */
  private credentialsOf(request: SignedRequest): Credentials | string {
    const fromQuery = request.query.filter((pair) => isSigningName(pair.name));
    if (fromQuery.length > 0) {
      const credentials: Credentials = {};
      for (const pair of fromQuery) {
        const name = pair.name as SigningName;
        if (credentials[name] !== undefined) return `Duplicate ${name} query parameter`;
        credentials[name] = pair.value;
      }
      return credentials;
    }
    const credentials: Credentials = {};
    for (const name of SIGNING_NAMES) {
      const value = request.cookies.get(`CloudFront-${name}`);
      if (value !== undefined) credentials[name] = value;
    }
    return credentials;
  }
}
