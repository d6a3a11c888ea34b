import { sign } from "node:crypto";
import { Agent, createServer } from "node:https";
import type { Server } from "node:https";
import type { AddressInfo } from "node:net";
import { InMemoryClock } from "@ovs/domain/testing";
import { Effect, Either } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SnsEnvelope, SnsMessageVerifierSettings, VerifiedSnsMessage } from "../src/sns-messages.js";
import { httpsCertificateFetcher, SnsMessageVerifier, stringToSign } from "../src/sns-messages.js";
import type { IssuedCertificate } from "./support/certificates.js";
import { signingCertificate, tlsIdentityFor } from "./support/certificates.js";

const REGION = "us-east-1";
const SNS_HOST = "sns.us-east-1.amazonaws.com";
const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:ovs-production-mediaconvert-topic";
const CERTIFICATE_PATH = "/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem";
const EXPIRED_PATH = "/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem";
const OTHER_KEY_PATH = "/SimpleNotificationService-fedcba9876543210fedcba9876543210.pem";
const FUTURE_PATH = "/SimpleNotificationService-11111111111111111111111111111111.pem";
const MISSING_PATH = "/SimpleNotificationService-00000000000000000000000000000000.pem";

/**
 * A local https server posing as `sns.us-east-1.amazonaws.com` with a certificate from a test CA:
 * the verifier's real fetcher reaches it through an agent that connects to the loopback port
 * and trusts that CA, so the certificate travels over TLS exactly as it would from AWS.
 */
let server: Server;
let agent: Agent;
let current: IssuedCertificate;
let expired: IssuedCertificate;
let otherKey: IssuedCertificate;
let future: IssuedCertificate;
const requests: Array<string> = [];

beforeAll(async () => {
  const tls = tlsIdentityFor(SNS_HOST);
  current = signingCertificate();
  expired = signingCertificate({
    notBefore: new Date("2020-01-01T00:00:00Z"),
    notAfter: new Date("2021-01-01T00:00:00Z"),
  });
  future = signingCertificate({
    notBefore: new Date(Date.now() + 86_400_000),
    notAfter: new Date(Date.now() + 2 * 86_400_000),
  });
  otherKey = signingCertificate();
  const served: Readonly<Record<string, string>> = {
    [CERTIFICATE_PATH]: current.certificatePem,
    [EXPIRED_PATH]: expired.certificatePem,
    [OTHER_KEY_PATH]: otherKey.certificatePem,
    [FUTURE_PATH]: future.certificatePem,
  };
  server = createServer(
    { key: tls.server.privateKeyPem, cert: tls.server.certificatePem },
    (request, response) => {
      requests.push(request.url ?? "");
      const body = served[request.url ?? ""];
      response.writeHead(body === undefined ? 404 : 200, { "content-type": "application/x-pem-file" });
      response.end(body ?? "not found");
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  // The agent's options win over the request's: connect to the loopback port, check the name.
  agent = new Agent({ ca: tls.caPem, host: "127.0.0.1", port, servername: SNS_HOST });
});

afterAll(async () => {
  agent.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const verifierWith = (overrides: Partial<SnsMessageVerifierSettings> = {}) =>
  new SnsMessageVerifier({
    region: REGION,
    topicArn: TOPIC_ARN,
    fetchCertificate: httpsCertificateFetcher({ agent }),
    ...overrides,
  });

type Unsigned<Envelope> = Envelope extends unknown
  ? Omit<Envelope, "Signature" | "SignatureVersion" | "SigningCertURL">
  : never;

/** Signs an envelope as SNS does: RSA over the string to sign, SHA-1 for version 1, SHA-256 for 2. */
const signed = (
  envelope: Unsigned<SnsEnvelope>,
  options: {
    readonly version?: "1" | "2";
    readonly key?: IssuedCertificate;
    readonly certificateUrl?: string;
  } = {},
): SnsEnvelope => {
  const version = options.version ?? "2";
  const withCertificate = {
    ...envelope,
    SignatureVersion: version,
    SigningCertURL: options.certificateUrl ?? `https://${SNS_HOST}${CERTIFICATE_PATH}`,
    Signature: "",
  } as SnsEnvelope;
  const signature = sign(
    version === "1" ? "sha1" : "sha256",
    Buffer.from(stringToSign(withCertificate), "utf8"),
    (options.key ?? current).privateKeyPem,
  ).toString("base64");
  return { ...withCertificate, Signature: signature };
};

const eventBridgeEvent = JSON.stringify({
  version: "0",
  id: "c8b4d1f2-3c55-6d8e-9a0b-1c2d3e4f5a6b",
  "detail-type": "MediaConvert Job State Change",
  source: "aws.mediaconvert",
  account: "123456789012",
  detail: { jobId: "1744859690632-5mqqzu", status: "COMPLETE" },
});

const notification = (overrides: Partial<Unsigned<SnsEnvelope>> = {}): Unsigned<SnsEnvelope> =>
  ({
    Type: "Notification",
    MessageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
    TopicArn: TOPIC_ARN,
    Message: eventBridgeEvent,
    Timestamp: "2026-04-17T03:14:51.123Z",
    UnsubscribeURL: `https://${SNS_HOST}/?Action=Unsubscribe&SubscriptionArn=${TOPIC_ARN}:c9135db0`,
    ...overrides,
  }) as Unsigned<SnsEnvelope>;

const confirmation = (
  type: "SubscriptionConfirmation" | "UnsubscribeConfirmation",
  overrides: Partial<Unsigned<SnsEnvelope>> = {},
): Unsigned<SnsEnvelope> =>
  ({
    Type: type,
    MessageId: "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
    Token:
      "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
    TopicArn: TOPIC_ARN,
    Message: `You have chosen to subscribe to the topic ${TOPIC_ARN}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
    SubscribeURL: `https://${SNS_HOST}/?Action=ConfirmSubscription&TopicArn=${TOPIC_ARN}&Token=2336412f37fb`,
    Timestamp: "2026-04-17T03:00:00.000Z",
    ...overrides,
  }) as Unsigned<SnsEnvelope>;

const verify = (verifier: SnsMessageVerifier, body: unknown) =>
  Effect.runPromise(Effect.either(verifier.verify(body)));

const rejectionOf = async (verifier: SnsMessageVerifier, body: unknown): Promise<string> => {
  const result = await verify(verifier, body);
  if (Either.isRight(result)) throw new Error("expected the message to be rejected");
  expect(result.left._tag).toBe("SnsMessageRejected");
  return result.left._tag === "SnsMessageRejected" ? result.left.reason : "";
};

describe("SNS message verification", () => {
  it("accepts a Notification signed with SignatureVersion 1 (RSA-SHA1), its certificate fetched over TLS", async () => {
    const verifier = verifierWith();
    const result = await verify(
      verifier,
      signed(notification({ Subject: "MediaConvert" }), { version: "1" }),
    );
    expect(result).toEqual(
      Either.right<VerifiedSnsMessage>({
        _tag: "Notification",
        messageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        topicArn: TOPIC_ARN,
        timestamp: "2026-04-17T03:14:51.123Z",
        message: eventBridgeEvent,
        subject: "MediaConvert",
      }),
    );
  });

  it("accepts a SubscriptionConfirmation signed with SignatureVersion 2 (RSA-SHA256), from its JSON text", async () => {
    const verifier = verifierWith();
    const result = await verify(verifier, JSON.stringify(signed(confirmation("SubscriptionConfirmation"))));
    expect(Either.isRight(result) && result.right).toMatchObject({
      _tag: "SubscriptionConfirmation",
      token: expect.stringMatching(/^2336412f/),
      subscribeUrl: `https://${SNS_HOST}/?Action=ConfirmSubscription&TopicArn=${TOPIC_ARN}&Token=2336412f37fb`,
    });
  });

  it("accepts an UnsubscribeConfirmation, whose signature covers the token and subscribe URL", async () => {
    const result = await verify(
      verifierWith(),
      signed(confirmation("UnsubscribeConfirmation"), { version: "1" }),
    );
    expect(Either.isRight(result) && result.right._tag).toBe("UnsubscribeConfirmation");
  });

  it("accepts a Notification without a Subject, and one whose Subject is null", async () => {
    const verifier = verifierWith();
    const withoutSubject = signed(notification());
    expect(Either.isRight(await verify(verifier, withoutSubject))).toBe(true);
    expect(Either.isRight(await verify(verifier, { ...withoutSubject, Subject: null }))).toBe(true);
  });

  it("rejects a message with a changed byte, in the message or in the signature", async () => {
    const verifier = verifierWith();
    const message = signed(notification());
    const changed = { ...message, Message: message.Message.replace("COMPLETE", "COMPLETF") };
    expect(await rejectionOf(verifier, changed)).toContain("signature");
    const flipped = Buffer.from(message.Signature, "base64");
    flipped[10] = (flipped[10] ?? 0) ^ 0x01;
    expect(await rejectionOf(verifier, { ...message, Signature: flipped.toString("base64") })).toContain(
      "signature",
    );
    // Claiming version 1 for a version-2 signature fails too.
    expect(await rejectionOf(verifier, { ...message, SignatureVersion: "1" })).toContain("signature");
  });

  it("rejects a message signed by another key than the certificate's", async () => {
    const message = signed(notification(), { key: otherKey });
    expect(await rejectionOf(verifierWith(), message)).toContain("signature");
  });

  it("rejects another topic, even one that contains the configured ARN, without fetching a certificate", async () => {
    const verifier = verifierWith();
    for (const topic of [
      "arn:aws:sns:us-east-1:123456789012:MediaConvertJobAlert",
      `${TOPIC_ARN}-evil`,
      "arn:aws:sns:us-east-1:999999999999:ovs-production-mediaconvert-topic",
    ]) {
      expect(await rejectionOf(verifier, signed(notification({ TopicArn: topic })))).toContain("topic");
    }
    expect(verifier.certificateFetches).toBe(0);
  });

  it("rejects certificate URLs that are not https on this region's SNS host, without fetching them", async () => {
    const verifier = verifierWith();
    for (const url of [
      `http://${SNS_HOST}${CERTIFICATE_PATH}`,
      `https://sns.eu-west-1.amazonaws.com${CERTIFICATE_PATH}`,
      `https://${SNS_HOST}.attacker.example${CERTIFICATE_PATH}`,
      `https://attacker.example/${SNS_HOST}${CERTIFICATE_PATH}`,
      `https://${SNS_HOST}:8443${CERTIFICATE_PATH}`,
      `https://user@${SNS_HOST}${CERTIFICATE_PATH}`,
      `https://${SNS_HOST}/certificate.txt`,
      "not a url",
    ]) {
      expect(await rejectionOf(verifier, signed(notification(), { certificateUrl: url }))).toContain(
        "SigningCertURL",
      );
    }
    expect(verifier.certificateFetches).toBe(0);
  });

  it("rejects a confirmation whose SubscribeURL is not on this region's SNS host", async () => {
    const message = signed(
      confirmation("SubscriptionConfirmation", {
        SubscribeURL: "https://attacker.example/?Action=ConfirmSubscription",
      }),
    );
    expect(await rejectionOf(verifierWith(), message)).toContain("SubscribeURL");
  });

  it("rejects a message whose certificate has expired, or is not valid yet", async () => {
    const message = signed(notification(), {
      key: expired,
      certificateUrl: `https://${SNS_HOST}${EXPIRED_PATH}`,
    });
    expect(await rejectionOf(verifierWith(), message)).toContain("valid from");
    const early = signed(notification(), {
      key: future,
      certificateUrl: `https://${SNS_HOST}${FUTURE_PATH}`,
    });
    expect(await rejectionOf(verifierWith(), early)).toContain("valid from");
  });

  it("rejects what is not an SNS message: other types, other signature versions, missing fields, not JSON", async () => {
    const verifier = verifierWith();
    const message = signed(notification());
    expect(await rejectionOf(verifier, { ...message, Type: "Unsubscribe" })).toContain("not an SNS message");
    expect(await rejectionOf(verifier, { ...message, SignatureVersion: "3" })).toContain(
      "not an SNS message",
    );
    expect(await rejectionOf(verifier, { ...message, Signature: undefined })).toContain("Signature");
    expect(
      await rejectionOf(verifier, signed(confirmation("SubscriptionConfirmation", { Token: "" }))),
    ).toContain("Token");
    expect(await rejectionOf(verifier, "{not json")).toContain("not JSON");
  });

  it("fetches a certificate once and serves it from the cache, also to messages verified at the same time", async () => {
    const verifier = verifierWith();
    const before = requests.filter((path) => path === CERTIFICATE_PATH).length;
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        verify(
          verifier,
          signed(notification({ MessageId: `message-${index}` }), { version: index % 2 === 0 ? "1" : "2" }),
        ),
      ),
    );
    expect(results.every(Either.isRight)).toBe(true);
    expect(await verify(verifier, signed(notification()))).toSatisfy(Either.isRight);
    expect(verifier.certificateFetches).toBe(1);
    expect(requests.filter((path) => path === CERTIFICATE_PATH).length - before).toBe(1);
  });

  it("fetches the certificate again once the cache entry is older than its ttl", async () => {
    const clock = new InMemoryClock(new Date());
    const verifier = verifierWith({ clock, certificateCacheTtl: "1 hour" });
    await verify(verifier, signed(notification()));
    clock.advance("59 minutes");
    await verify(verifier, signed(notification()));
    expect(verifier.certificateFetches).toBe(1);
    clock.advance("2 minutes");
    await verify(verifier, signed(notification()));
    expect(verifier.certificateFetches).toBe(2);
  });

  it("reports a certificate that cannot be fetched as unavailable (SNS retries), and does not cache the failure", async () => {
    const verifier = verifierWith();
    const message = signed(notification(), { certificateUrl: `https://${SNS_HOST}${MISSING_PATH}` });
    const first = await verify(verifier, message);
    expect(Either.isLeft(first) && first.left).toMatchObject({
      _tag: "SnsCertificateUnavailable",
      reason: "HTTP 404",
    });
    await verify(verifier, message);
    expect(verifier.certificateFetches).toBe(2);
  });

  it("confirms a verified subscription by visiting its SubscribeURL, and reports a refusal", async () => {
    const visited: Array<string> = [];
    const statuses = [200, 403, 503];
    const verifier = verifierWith({
      visitUrl: async (url) => {
        visited.push(url.href);
        return statuses.shift() ?? 500;
      },
    });
    const result = await verify(verifier, signed(confirmation("SubscriptionConfirmation")));
    if (Either.isLeft(result) || result.right._tag !== "SubscriptionConfirmation")
      throw new Error("not verified");
    await Effect.runPromise(verifier.confirmSubscription(result.right));
    expect(visited).toEqual([
      `https://${SNS_HOST}/?Action=ConfirmSubscription&TopicArn=${TOPIC_ARN}&Token=2336412f37fb`,
    ]);
    const refused = await Effect.runPromise(Effect.either(verifier.confirmSubscription(result.right)));
    expect(Either.isLeft(refused) && refused.left).toMatchObject({
      _tag: "SnsSubscriptionNotConfirmed",
      transient: false,
    });
    const unavailable = await Effect.runPromise(Effect.either(verifier.confirmSubscription(result.right)));
    expect(Either.isLeft(unavailable) && unavailable.left).toMatchObject({ transient: true });
  });
});
