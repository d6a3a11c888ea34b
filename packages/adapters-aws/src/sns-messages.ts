import { verify as verifySignature, X509Certificate } from "node:crypto";
import { get as httpsGet } from "node:https";
import type { Agent } from "node:https";
import type { Clock } from "@ovs/domain";
import { Data, Duration, Effect, Either, ParseResult, Schema } from "effect";

/**
 * Verification of the SNS messages that reach the transcode webhook (docs/architecture.md §6.1):
 * the signature (SignatureVersion 1, RSA-SHA1, and 2, RSA-SHA256) against the certificate at
 * `SigningCertURL`, which must be https on `sns.<region>.amazonaws.com` and valid at the time;
 * the exact topic ARN; and the three message types. A subscription is confirmed by GETting the
 * signed `SubscribeURL`, after the same host check.
 *
 * Hand-written on node:crypto rather than AWS's `sns-validator` 0.3.5, which fetches
 * certificates with a hard-wired `https.get` into a module-wide cache that never expires (so
 * tests could not serve their own certificate without patching Node's https module), never
 * checks a certificate's validity dates, and signs UnsubscribeConfirmation messages with the
 * Notification fields (no `Token`, `SubscribeURL`), so genuine ones fail. The string to sign
 * follows AWS's "Verifying the signatures of Amazon SNS messages".
 */

export type SnsMessageType = "Notification" | "SubscriptionConfirmation" | "UnsubscribeConfirmation";

const signedFields = {
  MessageId: Schema.NonEmptyString,
  TopicArn: Schema.NonEmptyString,
  Message: Schema.String,
  Timestamp: Schema.NonEmptyString,
  SignatureVersion: Schema.Literal("1", "2"),
  Signature: Schema.NonEmptyString,
  SigningCertURL: Schema.NonEmptyString,
};

export const SnsNotificationEnvelope = Schema.Struct({
  Type: Schema.Literal("Notification"),
  ...signedFields,
  Subject: Schema.optional(Schema.NullOr(Schema.String)),
  UnsubscribeURL: Schema.optional(Schema.String),
});

export const SnsConfirmationEnvelope = Schema.Struct({
  Type: Schema.Literal("SubscriptionConfirmation", "UnsubscribeConfirmation"),
  ...signedFields,
  Token: Schema.NonEmptyString,
  SubscribeURL: Schema.NonEmptyString,
});

/** An SNS HTTP(S) message as posted to a subscribed endpoint. */
export const SnsEnvelope = Schema.Union(SnsNotificationEnvelope, SnsConfirmationEnvelope);
export type SnsEnvelope = typeof SnsEnvelope.Type;

interface VerifiedCommon {
  readonly messageId: string;
  readonly topicArn: string;
  readonly timestamp: string;
  readonly message: string;
}

export interface VerifiedNotification extends VerifiedCommon {
  readonly _tag: "Notification";
  readonly subject: string | null;
}

export interface VerifiedConfirmation<
  Tag extends "SubscriptionConfirmation" | "UnsubscribeConfirmation",
> extends VerifiedCommon {
  readonly _tag: Tag;
  readonly token: string;
  /** https on the topic's SNS host, checked. */
  readonly subscribeUrl: string;
}

/** A message whose signature, certificate and topic checked out. */
export type VerifiedSnsMessage =
  | VerifiedNotification
  | VerifiedConfirmation<"SubscriptionConfirmation">
  | VerifiedConfirmation<"UnsubscribeConfirmation">;

/** Not a genuine message for this endpoint: the webhook answers 403 and changes nothing. */
export class SnsMessageRejected extends Data.TaggedError("SnsMessageRejected")<{ readonly reason: string }> {
  override get message(): string {
    return `SNS message rejected: ${this.reason}`;
  }
}

/** The signing certificate could not be fetched; SNS will deliver again, so the webhook answers 5xx. */
export class SnsCertificateUnavailable extends Data.TaggedError("SnsCertificateUnavailable")<{
  readonly url: string;
  readonly reason: string;
}> {
  override get message(): string {
    return `the SNS signing certificate ${this.url} could not be fetched: ${this.reason}`;
  }
}

export class SnsSubscriptionNotConfirmed extends Data.TaggedError("SnsSubscriptionNotConfirmed")<{
  readonly transient: boolean;
  readonly reason: string;
}> {
  override get message(): string {
    return `the SNS subscription was not confirmed: ${this.reason}`;
  }
}

/** Fetches a certificate (PEM) from an https URL that already passed the host check. */
export type CertificateFetcher = (url: URL) => Promise<string>;
/** GETs a URL that already passed the host check and answers the HTTP status. */
export type UrlVisitor = (url: URL) => Promise<number>;

export interface HttpsGetOptions {
  /** An agent of one's own: proxies, or a test's trust store. */
  readonly agent?: Agent;
  readonly timeoutMillis?: number;
  readonly maxBytes?: number;
}

/** A small https GET: no redirects followed, a time limit, a size limit. */
export const httpsGetText = (
  url: URL,
  options: HttpsGetOptions = {},
): Promise<{ readonly status: number; readonly body: string }> =>
  new Promise((resolve, reject) => {
    const maxBytes = options.maxBytes ?? 64 * 1024;
    const request = httpsGet(
      url,
      {
        ...(options.agent === undefined ? {} : { agent: options.agent }),
        timeout: options.timeoutMillis ?? 10_000,
      },
      (response) => {
        const chunks: Array<Buffer> = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) request.destroy(new Error(`the response is larger than ${maxBytes} bytes`));
          else chunks.push(chunk);
        });
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error("the request timed out")));
    request.on("error", reject);
  });

export const httpsCertificateFetcher =
  (options: HttpsGetOptions = {}): CertificateFetcher =>
  async (url) => {
    const { status, body } = await httpsGetText(url, options);
    if (status !== 200) throw new Error(`HTTP ${status}`);
    return body;
  };

export const httpsUrlVisitor =
  (options: HttpsGetOptions = {}): UrlVisitor =>
  async (url) =>
    (await httpsGetText(url, options)).status;

export interface SnsMessageVerifierSettings {
  /** `AWS_REGION`: certificates and subscribe URLs must be on `sns.<region>.amazonaws.com`. */
  readonly region: string;
  /** `OVS_TRANSCODE_SNS_TOPIC_ARN`: the only topic accepted, compared exactly. */
  readonly topicArn: string;
  /** Tells the time for certificate validity; the wall clock when left out. */
  readonly clock?: Clock;
  /** How certificates are fetched; `httpsCertificateFetcher()` when left out. */
  readonly fetchCertificate?: CertificateFetcher;
  /** How a subscribe URL is visited; `httpsUrlVisitor()` when left out. */
  readonly visitUrl?: UrlVisitor;
  /** How long a fetched certificate is reused; 24 hours when left out. */
  readonly certificateCacheTtl?: Duration.DurationInput;
  /** Certificates kept at most (SNS rotates them rarely); 16 when left out. */
  readonly maxCachedCertificates?: number;
}

const wallClock: Clock = { now: () => new Date() };

/** SNS's host for a region; China regions live under `amazonaws.com.cn`. */
export const snsHostOf = (region: string): string =>
  region.startsWith("cn-") ? `sns.${region}.amazonaws.com.cn` : `sns.${region}.amazonaws.com`;

/** The string SNS signed: `name\nvalue\n` for each signed field present, in AWS's order. */
export const stringToSign = (envelope: SnsEnvelope): string => {
  const fields: ReadonlyArray<readonly [string, string | null | undefined]> =
    envelope.Type === "Notification"
      ? [
          ["Message", envelope.Message],
          ["MessageId", envelope.MessageId],
          ["Subject", envelope.Subject],
          ["Timestamp", envelope.Timestamp],
          ["TopicArn", envelope.TopicArn],
          ["Type", envelope.Type],
        ]
      : [
          ["Message", envelope.Message],
          ["MessageId", envelope.MessageId],
          ["SubscribeURL", envelope.SubscribeURL],
          ["Timestamp", envelope.Timestamp],
          ["Token", envelope.Token],
          ["TopicArn", envelope.TopicArn],
          ["Type", envelope.Type],
        ];
  return fields
    .filter((field): field is readonly [string, string] => typeof field[1] === "string")
    .map(([name, value]) => `${name}\n${value}\n`)
    .join("");
};

const decodeEnvelope = Schema.decodeUnknownEither(SnsEnvelope, { errors: "all" });

interface CachedCertificate {
  readonly certificate: Promise<X509Certificate>;
  readonly fetchedAt: number;
}

/**
 * Verifies SNS messages for one topic. Certificates are cached by URL (a fetch in flight is
 * shared), for `certificateCacheTtl`, at most `maxCachedCertificates` of them; a failed fetch is
 * not cached. Test hook: `certificateFetches` counts fetches.
 */
export class SnsMessageVerifier {
  private readonly expectedHost: string;
  private readonly clock: Clock;
  private readonly fetchCertificate: CertificateFetcher;
  private readonly visitUrl: UrlVisitor;
  private readonly cacheTtlMillis: number;
  private readonly maxCachedCertificates: number;
  private readonly certificates = new Map<string, CachedCertificate>();
  private fetches = 0;

  constructor(private readonly settings: SnsMessageVerifierSettings) {
    this.expectedHost = snsHostOf(settings.region);
    this.clock = settings.clock ?? wallClock;
    this.fetchCertificate = settings.fetchCertificate ?? httpsCertificateFetcher();
    this.visitUrl = settings.visitUrl ?? httpsUrlVisitor();
    this.cacheTtlMillis = Duration.toMillis(Duration.decode(settings.certificateCacheTtl ?? "24 hours"));
    this.maxCachedCertificates = settings.maxCachedCertificates ?? 16;
  }

  get certificateFetches(): number {
    return this.fetches;
  }

  /** Verifies a message (the parsed body or its JSON text). */
  verify(body: unknown): Effect.Effect<VerifiedSnsMessage, SnsMessageRejected | SnsCertificateUnavailable> {
    return Effect.gen(this, function* () {
      const envelope = yield* this.checkedEnvelope(body);
      const certificateUrl = yield* this.snsUrl(envelope.SigningCertURL, "SigningCertURL", true);
      const certificate = yield* this.certificateAt(certificateUrl);
      const now = this.clock.now().getTime();
      const validFrom = Date.parse(certificate.validFrom);
      const validTo = Date.parse(certificate.validTo);
      // Dates that do not parse fail the check rather than skip it.
      if (!(now >= validFrom && now <= validTo)) {
        return yield* this.reject(
          `the signing certificate is valid from ${certificate.validFrom} to ${certificate.validTo}, not now`,
        );
      }
      const signed = Buffer.from(stringToSign(envelope), "utf8");
      const signature = Buffer.from(envelope.Signature, "base64");
      const algorithm = envelope.SignatureVersion === "1" ? "sha1" : "sha256";
      const valid = Either.getOrElse(
        Either.try(() => verifySignature(algorithm, signed, certificate.publicKey, signature)),
        () => false,
      );
      if (!valid) return yield* this.reject("the signature does not match the message");
      const common = {
        messageId: envelope.MessageId,
        topicArn: envelope.TopicArn,
        timestamp: envelope.Timestamp,
        message: envelope.Message,
      };
      if (envelope.Type === "Notification") {
        return { _tag: "Notification" as const, ...common, subject: envelope.Subject ?? null };
      }
      return {
        _tag: envelope.Type,
        ...common,
        token: envelope.Token,
        subscribeUrl: envelope.SubscribeURL,
      };
    });
  }

  /** Confirms a verified subscription by visiting its `SubscribeURL`. */
  confirmSubscription(
    confirmation: VerifiedConfirmation<"SubscriptionConfirmation">,
  ): Effect.Effect<void, SnsSubscriptionNotConfirmed> {
    return Effect.gen(this, function* () {
      const url = yield* this.snsUrl(confirmation.subscribeUrl, "SubscribeURL", false).pipe(
        Effect.mapError(
          (rejected) => new SnsSubscriptionNotConfirmed({ transient: false, reason: rejected.reason }),
        ),
      );
      const status = yield* Effect.tryPromise({
        try: () => this.visitUrl(url),
        catch: (error) =>
          new SnsSubscriptionNotConfirmed({
            transient: true,
            reason: error instanceof Error ? error.message : String(error),
          }),
      });
      if (status !== 200) {
        return yield* Effect.fail(
          new SnsSubscriptionNotConfirmed({
            transient: status >= 500 || status === 429,
            reason: `ConfirmSubscription answered HTTP ${status}`,
          }),
        );
      }
    });
  }

  /** Structure, topic, and (for confirmations) the subscribe URL: all checked before any fetch. */
  private checkedEnvelope(body: unknown): Effect.Effect<SnsEnvelope, SnsMessageRejected> {
    return Effect.gen(this, function* () {
      const parsed =
        typeof body === "string"
          ? yield* Effect.try({
              try: (): unknown => JSON.parse(body),
              catch: () => this.rejection("the body is not JSON"),
            })
          : body;
      const envelope = yield* Either.mapLeft(decodeEnvelope(parsed), (error) =>
        this.rejection(`not an SNS message: ${ParseResult.TreeFormatter.formatErrorSync(error)}`),
      );
      if (envelope.TopicArn !== this.settings.topicArn) {
        return yield* this.reject(`the topic ${envelope.TopicArn} is not ${this.settings.topicArn}`);
      }
      if (envelope.Type !== "Notification") yield* this.snsUrl(envelope.SubscribeURL, "SubscribeURL", false);
      return envelope;
    });
  }

  /** An https URL on this region's SNS host, nothing else: no port, no credentials. */
  private snsUrl(raw: string, field: string, certificate: boolean): Effect.Effect<URL, SnsMessageRejected> {
    const url = Either.getOrUndefined(Either.try(() => new URL(raw)));
    if (url === undefined) return this.reject(`${field} '${raw}' is not a URL`);
    if (url.protocol !== "https:") return this.reject(`${field} '${raw}' is not https`);
    if (url.hostname !== this.expectedHost || url.port !== "" || url.username !== "" || url.password !== "") {
      return this.reject(`${field} '${raw}' is not on ${this.expectedHost}`);
    }
    if (certificate && (!url.pathname.endsWith(".pem") || url.search !== "" || url.hash !== "")) {
      return this.reject(`${field} '${raw}' does not name a certificate`);
    }
    return Effect.succeed(url);
  }

  private certificateAt(
    url: URL,
  ): Effect.Effect<X509Certificate, SnsMessageRejected | SnsCertificateUnavailable> {
    const key = url.href;
    const now = this.clock.now().getTime();
    const cached = this.certificates.get(key);
    const entry =
      cached !== undefined && now - cached.fetchedAt < this.cacheTtlMillis
        ? cached
        : this.startFetch(key, url, now);
    return Effect.tryPromise({
      try: () => entry.certificate,
      catch: (error) =>
        error instanceof SnsMessageRejected || error instanceof SnsCertificateUnavailable
          ? error
          : new SnsCertificateUnavailable({ url: key, reason: String(error) }),
    });
  }

  private startFetch(key: string, url: URL, now: number): CachedCertificate {
    this.fetches += 1;
    const certificate = this.fetchCertificate(url).then(
      (pem) => {
        try {
          return new X509Certificate(pem);
        } catch {
          throw this.rejection(`${key} does not hold an X.509 certificate`);
        }
      },
      (error: unknown) => {
        throw new SnsCertificateUnavailable({
          url: key,
          reason: error instanceof Error ? error.message : String(error),
        });
      },
    );
    const entry: CachedCertificate = { certificate, fetchedAt: now };
    // Only certificates that arrive stay cached.
    certificate.catch(() => {
      if (this.certificates.get(key) === entry) this.certificates.delete(key);
    });
    this.certificates.delete(key);
    if (this.certificates.size >= this.maxCachedCertificates) {
      const oldest = this.certificates.keys().next();
      if (oldest.done !== true) this.certificates.delete(oldest.value);
    }
    this.certificates.set(key, entry);
    return entry;
  }

  private rejection(reason: string): SnsMessageRejected {
    return new SnsMessageRejected({ reason });
  }

  private reject(reason: string): Effect.Effect<never, SnsMessageRejected> {
    return Effect.fail(this.rejection(reason));
  }
}
