import Router from "@koa/router";
import type { Context } from "koa";
import { Redacted } from "effect";
import { readMediaConvertEvent } from "@ovs/adapters-aws";
import type { MediaConvertEventSettings, SnsMessageVerifier } from "@ovs/adapters-aws";
import { promised } from "../composition/promised.js";
import type { UseCases } from "../composition/use-cases.js";
import { readUtf8Body } from "../http/json-body.js";
import { sameSecret } from "../http/same-secret.js";

export const TRANSCODE_WEBHOOK_PATH = "/api/transcode-jobs/";

/** The header a raw EventBridge delivery (an API destination's API-key connection) carries the secret in. */
export const TRANSCODE_WEBHOOK_SECRET_HEADER = "x-ovs-webhook-secret";

/** SNS messages are at most 256 KiB; their envelope escapes the event's JSON once more. */
const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

/** What the webhook trusts: SNS messages of one topic, or raw events with the shared secret. */
export interface TranscodeWebhook {
  /** Checks signatures, certificates and the topic; confirms subscriptions. */
  readonly sns: Pick<SnsMessageVerifier, "verify" | "confirmSubscription">;
  /** The account, queue filter and buckets this deployment's MediaConvert events have. */
  readonly events: MediaConvertEventSettings;
  /** `OVS_TRANSCODE_WEBHOOK_SECRET`, required on raw EventBridge bodies. */
  readonly sharedSecret: Redacted.Redacted<string>;
}

const isSnsDelivery = (ctx: Context, body: unknown): boolean =>
  ctx.get("x-amz-sns-message-type") !== "" ||
  (typeof body === "object" && body !== null && "Signature" in body && "Type" in body);

const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

/**
 * `POST /api/transcode-jobs/`: MediaConvert's job state changes, through EventBridge → SNS (the
 * envelope verified, subscriptions confirmed) or straight from EventBridge with the shared
 * secret. A finished job is acknowledged as soon as its `transcode.outcome` job is queued, keyed
 * by the MediaConvert job id; nothing touches storage inside the request. Anything not genuine
 * is refused with a 4xx and queues nothing; a passing fault answers 5xx so SNS delivers again.
 */
export const transcodeWebhookRoutes = (input: {
  readonly useCases: Pick<UseCases, "reportTranscodeOutcome">;
  readonly webhook: TranscodeWebhook;
}) => {
  const { useCases, webhook } = input;
  const router = new Router();

  const acceptEvent = async (ctx: Context, event: unknown) => {
    const reading = await promised(readMediaConvertEvent(event, webhook.events));
    if (reading._tag === "EventIgnored") {
      ctx.status = 200;
      ctx.body = { detail: `ignored: ${reading.reason}`, job_id: reading.jobId };
      return;
    }
    const reported = await promised(useCases.reportTranscodeOutcome.run(reading.outcome));
    ctx.status = 202;
    ctx.body = { detail: reported, job_id: reading.outcome.jobId };
  };

  router.post(TRANSCODE_WEBHOOK_PATH, async (ctx) => {
    const text = await readUtf8Body(ctx, WEBHOOK_BODY_LIMIT_BYTES);
    const body = parsed(text);
    if (!isSnsDelivery(ctx, body)) {
      const secret = ctx.get(TRANSCODE_WEBHOOK_SECRET_HEADER);
      if (secret === "" || !sameSecret(secret, Redacted.value(webhook.sharedSecret))) {
        ctx.status = 403;
        ctx.body = {
          detail: `A raw event needs the ${TRANSCODE_WEBHOOK_SECRET_HEADER} header with the shared secret.`,
        };
        return;
      }
      return acceptEvent(ctx, body);
    }
    const message = await promised(webhook.sns.verify(body));
    switch (message._tag) {
      case "SubscriptionConfirmation":
        await promised(webhook.sns.confirmSubscription(message));
        ctx.status = 200;
        ctx.body = { detail: "subscription confirmed" };
        return;
      case "UnsubscribeConfirmation":
        ctx.status = 200;
        ctx.body = { detail: "unsubscribed; nothing to do" };
        return;
      case "Notification":
        return acceptEvent(ctx, message.message);
    }
  });

  return router;
};
