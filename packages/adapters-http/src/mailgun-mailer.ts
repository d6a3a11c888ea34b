import type { Mailer, MailMessage } from "@ovs/domain";
import { MailFailure } from "@ovs/domain";
import { Effect, Redacted } from "effect";
import { request } from "undici";
import {
  basicAuthorization,
  describeTransportFailure,
  isTransientStatus,
  positiveMilliseconds,
  readTextUpTo,
} from "./http-support.js";

/** Settings of the Mailgun mailer; the README lists the environment names the app reads. */
export interface MailgunMailerConfig {
  /** The domain's API base, e.g. `https://api.mailgun.net/v3/mg.example.edu` (`MAILGUN_URL`). */
  readonly apiUrl: string;
  /** The private API key (`MAILGUN_KEY`); sent as Basic `api:<key>`. */
  readonly apiKey: Redacted.Redacted<string>;
  /** Recipients per request (`MAILGUN_BATCH_CHUNK_SIZE`, default 1000, Mailgun's maximum). */
  readonly batchSize?: number;
  /** Sends every message to this address instead (`MAILGUN_RECIPIENT_OVERRIDE`), for staging. */
  readonly recipientOverride?: string;
  /** Whole request, default 30 s (upstream had none). */
  readonly timeoutMs?: number;
}

const MAILGUN_MAX_BATCH = 1000;

const summaryOf = (text: string): string => {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // Not JSON: use the text.
  }
  return text.trim().slice(0, 300);
};

/**
 * Mail through the Mailgun HTTP API (reference pipelines §6.2): a form `POST <apiUrl>/messages`
 * with Basic `api:<key>`, every recipient in `to` with an empty entry in `recipient-variables`
 * so Mailgun addresses each one separately and nobody sees the others, in batches of at most
 * 1000. 408, 429, 5xx and transport failures are transient (the mail job retries); any other
 * answer — a bad key (401/403), a malformed message (400) — is permanent.
 *
 * A message over several batches is not atomic: when a later batch fails, the earlier ones were
 * sent, and a retry sends them again. With upstream's batch size that takes 1000 recipients.
 */
export class MailgunMailer implements Mailer {
  private readonly messagesUrl: string;
  private readonly batchSize: number;
  private readonly timeoutMs: number;

  constructor(private readonly config: MailgunMailerConfig) {
    this.messagesUrl = `${config.apiUrl.replace(/\/+$/, "")}/messages`;
    this.batchSize = config.batchSize ?? MAILGUN_MAX_BATCH;
    if (!Number.isInteger(this.batchSize) || this.batchSize <= 0 || this.batchSize > MAILGUN_MAX_BATCH) {
      throw new RangeError(`batchSize must be between 1 and ${MAILGUN_MAX_BATCH}`);
    }
    this.timeoutMs = positiveMilliseconds(config.timeoutMs, 30_000, "timeoutMs");
  }

  send(message: MailMessage): Effect.Effect<{ readonly messageId: string | null }, MailFailure> {
    return Effect.tryPromise({
      try: () => this.sendAll(message),
      catch: (error) =>
        error instanceof MailFailure
          ? error
          : new MailFailure({ transient: true, reason: describeTransportFailure(error).reason }),
    });
  }

  private async sendAll(message: MailMessage): Promise<{ readonly messageId: string | null }> {
    const recipients =
      this.config.recipientOverride === undefined ? [...message.to] : [this.config.recipientOverride];
    if (recipients.length === 0) {
      throw new MailFailure({ transient: false, reason: "a message needs at least one recipient" });
    }
    let firstId: string | null = null;
    for (let start = 0; start < recipients.length; start += this.batchSize) {
      const id = await this.sendBatch(message, recipients.slice(start, start + this.batchSize));
      firstId ??= id;
    }
    return { messageId: firstId };
  }

  private async sendBatch(message: MailMessage, recipients: ReadonlyArray<string>): Promise<string | null> {
    const form = new URLSearchParams();
    form.append("from", message.from);
    for (const recipient of recipients) form.append("to", recipient);
    form.append("subject", message.subject);
    form.append("text", message.text);
    if (message.html !== undefined) form.append("html", message.html);
    form.append(
      "recipient-variables",
      JSON.stringify(Object.fromEntries(recipients.map((recipient) => [recipient, {}]))),
    );

    let response;
    try {
      response = await request(this.messagesUrl, {
        method: "POST",
        headers: {
          authorization: basicAuthorization("api", Redacted.value(this.config.apiKey)),
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: form.toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const { transient, reason } = describeTransportFailure(error);
      throw new MailFailure({ transient, reason: `reaching Mailgun failed: ${reason}` });
    }
    const text = await readTextUpTo(response.body, 16 * 1024);
    const status = response.statusCode;
    if (status >= 200 && status <= 299) {
      try {
        const parsed = JSON.parse(text) as { id?: unknown };
        return typeof parsed.id === "string" && parsed.id !== "" ? parsed.id : null;
      } catch {
        return null;
      }
    }
    const summary = summaryOf(text);
    const reason =
      status === 401 || status === 403
        ? `Mailgun refused the API key (${status})`
        : `Mailgun answered ${status}${summary === "" ? "" : `: ${summary}`}`;
    throw new MailFailure({ transient: isTransientStatus(status), reason });
  }
}
