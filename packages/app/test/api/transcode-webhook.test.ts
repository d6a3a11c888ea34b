import { sign } from "node:crypto";
import { Either, Redacted } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SnsMessageVerifier, stringToSign } from "@ovs/adapters-aws";
import type { SnsEnvelope } from "@ovs/adapters-aws";
import { SubmitTranscode, hexKey, makeJobHandlers, originalKey } from "@ovs/domain";
import type { TranscodeSucceeded, Video } from "@ovs/domain";
import { aCollection, aVideo, run, storeIn } from "@ovs/domain/testing";
import type { IssuedCertificate } from "../../../adapters-aws/test/support/certificates.js";
import { signingCertificate } from "../../../adapters-aws/test/support/certificates.js";
import { TRANSCODE_WEBHOOK_SECRET_HEADER } from "../../src/api/transcode-webhook-routes.js";
import { readConfig } from "../../src/config/index.js";
import { startTestService } from "./support/test-service.js";
import type { TestService } from "./support/test-service.js";

/**
 * The transcode webhook as MediaConvert reaches it: EventBridge events inside SNS envelopes signed
 * in the test (the certificate "fetched" from the SNS host the verifier allows), and raw events
 * carrying the shared secret. Each accepted event becomes one `transcode.outcome` job; anything
 * else is refused and queues nothing.
 */
const REGION = "us-east-1";
const SNS_HOST = `sns.${REGION}.amazonaws.com`;
const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:ovs-test-mediaconvert-topic";
const ACCOUNT = "123456789012";
const QUEUE_FILTER = "ovs-test-mediaconvert-queue";
const CERTIFICATE_URL = `https://${SNS_HOST}/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem`;
const OTHER_KEY_URL = `https://${SNS_HOST}/SimpleNotificationService-fedcba9876543210fedcba9876543210.pem`;
const SECRET = "a-shared-secret-of-at-least-thirty-two-characters";

let service: TestService;
let current: IssuedCertificate;
let otherKey: IssuedCertificate;
const visited: Array<string> = [];

type Unsigned = Omit<SnsEnvelope, "Signature" | "SignatureVersion" | "SigningCertURL">;

const signed = (
  envelope: Unsigned,
  options: { readonly key?: IssuedCertificate; readonly certificateUrl?: string } = {},
): SnsEnvelope => {
  const withCertificate = {
    ...envelope,
    SignatureVersion: "2",
    SigningCertURL: options.certificateUrl ?? CERTIFICATE_URL,
    Signature: "",
  } as SnsEnvelope;
  const signature = sign(
    "sha256",
    Buffer.from(stringToSign(withCertificate), "utf8"),
    (options.key ?? current).privateKeyPem,
  );
  return { ...withCertificate, Signature: signature.toString("base64") };
};

const notification = (message: string, overrides: Partial<Unsigned> = {}): Unsigned =>
  ({
    Type: "Notification",
    MessageId: crypto.randomUUID(),
    TopicArn: TOPIC_ARN,
    Message: message,
    Timestamp: new Date().toISOString(),
    UnsubscribeURL: `https://${SNS_HOST}/?Action=Unsubscribe&SubscriptionArn=${TOPIC_ARN}:c9135db0`,
    ...overrides,
  }) as Unsigned;

/** The EventBridge event MediaConvert sends when the job of `outcome` completes. */
const completeEvent = (outcome: TranscodeSucceeded): string => {
  const s3 = (location: { readonly bucket: string; readonly key: string }) =>
    `s3://${location.bucket}/${location.key}`;
  const hlsBase = s3(outcome.hlsPlaylist).replace(/__index\.m3u8$/, "");
  return JSON.stringify({
    version: "0",
    id: crypto.randomUUID(),
    "detail-type": "MediaConvert Job State Change",
    source: "aws.mediaconvert",
    account: ACCOUNT,
    time: new Date().toISOString(),
    region: REGION,
    resources: [],
    detail: {
      timestamp: Date.now(),
      accountId: ACCOUNT,
      jobId: outcome.jobId,
      status: "COMPLETE",
      userMetadata: { filter: QUEUE_FILTER, videoKey: outcome.videoKey },
      outputGroupDetails: [
        {
          type: "HLS_GROUP",
          outputDetails: [{ durationInMs: 42_500, outputFilePaths: [`${hlsBase}_HLS2M.m3u8`] }],
          playlistFilePaths: [`${hlsBase}.m3u8`, `${hlsBase}__index.m3u8`],
        },
        ...(outcome.mp4 === null
          ? []
          : [
              {
                type: "FILE_GROUP",
                outputDetails: [{ durationInMs: 42_500, outputFilePaths: [s3(outcome.mp4)] }],
              },
            ]),
        {
          type: "FILE_GROUP",
          outputDetails: outcome.thumbnails.map((thumbnail) => ({
            durationInMs: 1000,
            videoDetails: { widthInPx: thumbnail.width, heightInPx: thumbnail.height },
            outputFilePaths: [s3(thumbnail)],
          })),
        },
      ],
    },
  });
};

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${service.base}/api/transcode-jobs/`, {
    method: "POST",
    headers: { "Content-Type": "text/plain; charset=UTF-8", ...headers },
    body,
  });
const snsPost = (envelope: SnsEnvelope) =>
  post(JSON.stringify(envelope), { "x-amz-sns-message-type": envelope.Type });

const queuedOutcomes = () => service.harness.jobs.pending("transcode.outcome");
const drain = () => run(service.harness.jobs.drain(makeJobHandlers(service.ports, service.config.domain)));

/** A video whose transcode was submitted: its outcome, ready to be reported. */
const videoInTranscode = async (): Promise<{ video: Video; outcome: TranscodeSucceeded }> => {
  const { harness, ports, config } = service;
  const store = storeIn(ports);
  const video = await store.video(await store.collection(aCollection()), aVideo().withStatus("Uploading"));
  const original = {
    bucket: config.domain.buckets.upload,
    key: originalKey(hexKey(video.key), video.sourceUrl),
  };
  await run(
    ports.videoFiles.insert(
      { videoKey: video.key, s3ObjectKey: original.key, bucketName: original.bucket, encoding: "original" },
      ports.clock.now(),
    ),
  );
  harness.objectStore.putBytes(original, "original bytes", "video/mp4");
  const submitted = await run(new SubmitTranscode(ports, config.domain).run({ videoKey: video.key }));
  if (submitted._tag !== "Submitted") throw new Error(`expected a submission, got ${submitted._tag}`);
  return { video, outcome: harness.transcoder.complete(submitted.jobId) };
};

beforeAll(async () => {
  current = signingCertificate();
  otherKey = signingCertificate();
  const certificates: Readonly<Record<string, string>> = {
    [CERTIFICATE_URL]: current.certificatePem,
    [OTHER_KEY_URL]: otherKey.certificatePem,
  };
  // The buckets the events name are the ones the test profile transcodes into.
  const { buckets } = Either.getOrThrow(readConfig({ OVS_PROFILE: "test" })).domain;
  service = await startTestService({
    transcodeWebhook: {
      sns: new SnsMessageVerifier({
        region: REGION,
        topicArn: TOPIC_ARN,
        fetchCertificate: async (url) => {
          const pem = certificates[url.href];
          if (pem === undefined) throw new Error(`no certificate at ${url.href}`);
          return pem;
        },
        visitUrl: async (url) => {
          visited.push(url.href);
          return 200;
        },
      }),
      events: {
        accountId: ACCOUNT,
        queueFilter: QUEUE_FILTER,
        buckets: { transcode: buckets.transcode, thumbnail: buckets.thumbnail },
      },
      sharedSecret: Redacted.make(SECRET),
    },
  });
});

afterAll(async () => {
  await service.stop();
});

describe("the transcode webhook", () => {
  it("queues one outcome for an event delivered five times at once, and applies it once: one set of files, one email", async () => {
    const { video, outcome } = await videoInTranscode();
    const event = completeEvent(outcome);

    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => snsPost(signed(notification(event)))));

    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202, 202]);
    expect(queuedOutcomes().map((job) => job.payload.jobId)).toEqual([outcome.jobId]);
    await drain();
    const stored = await run(service.ports.videos.findByKey(video.key));
    expect(stored).toMatchObject({ _tag: "Some", value: { status: "Complete" } });
    const files = await run(service.ports.videoFiles.listForVideo(video.key));
    expect(files.map((file) => file.encoding).sort()).toEqual(["HLS", "desktop_mp4", "original"]);
    const mails = service.harness.mailer.outbox.length;
    expect(mails).toBe(1);

    const again = await snsPost(signed(notification(event)));
    expect(again.status).toBe(202);
    await drain();
    expect((await run(service.ports.videoFiles.listForVideo(video.key))).length).toBe(3);
    expect(service.harness.mailer.outbox.length).toBe(1);
  });

  it("takes a raw EventBridge event with the shared secret", async () => {
    const { outcome } = await videoInTranscode();

    const answer = await post(completeEvent(outcome), { [TRANSCODE_WEBHOOK_SECRET_HEADER]: SECRET });

    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({ detail: "queued", job_id: outcome.jobId });
    expect(queuedOutcomes().map((job) => job.payload.jobId)).toContain(outcome.jobId);
    await drain();
  });

  it("confirms a subscription by visiting its signed SubscribeURL", async () => {
    const subscribeUrl = `https://${SNS_HOST}/?Action=ConfirmSubscription&TopicArn=${TOPIC_ARN}&Token=2336412f37fb`;
    const answer = await snsPost(
      signed({
        Type: "SubscriptionConfirmation",
        MessageId: crypto.randomUUID(),
        Token: "2336412f37fb",
        TopicArn: TOPIC_ARN,
        Message: "You have chosen to subscribe to the topic.",
        SubscribeURL: subscribeUrl,
        Timestamp: new Date().toISOString(),
      } as Unsigned),
    );

    expect(answer.status).toBe(200);
    expect(visited).toContain(subscribeUrl);
  });

  it("refuses what is not genuine with a 4xx and queues nothing", async () => {
    const { outcome } = await videoInTranscode();
    const event = completeEvent(outcome);
    const genuine = signed(notification(event));
    const refusals: ReadonlyArray<readonly [string, () => Promise<Response>]> = [
      ["a forged message", () => snsPost({ ...genuine, Message: event.replace("COMPLETE", "ERROR") })],
      ["a message signed with another key", () => snsPost(signed(notification(event), { key: otherKey }))],
      [
        "a message whose certificate claims the other key's URL but is signed by neither",
        () => snsPost(signed(notification(event), { key: current, certificateUrl: OTHER_KEY_URL })),
      ],
      [
        "a certificate on a foreign host",
        () => snsPost(signed(notification(event), { certificateUrl: "https://sns.evil.example/cert.pem" })),
      ],
      ["another topic", () => snsPost(signed(notification(event, { TopicArn: `${TOPIC_ARN}-other` })))],
      ["a raw event without the secret", () => post(event)],
      [
        "a raw event with a wrong secret",
        () => post(event, { [TRANSCODE_WEBHOOK_SECRET_HEADER]: `${SECRET}x` }),
      ],
      ["garbage", () => post("garbage", { "x-amz-sns-message-type": "Notification" })],
      ["garbage without SNS's header", () => post("{not json")],
      ["an empty body", () => post("")],
      [
        "a genuine envelope around an event of another account",
        () => snsPost(signed(notification(event.replaceAll(`"${ACCOUNT}"`, '"999999999999"')))),
      ],
    ];

    for (const [name, attempt] of refusals) {
      const answer = await attempt();
      expect(answer.status, name).toBeGreaterThanOrEqual(400);
      expect(answer.status, name).toBeLessThan(500);
      expect(
        queuedOutcomes().map((job) => job.payload.jobId),
        name,
      ).not.toContain(outcome.jobId);
    }
  });
});
