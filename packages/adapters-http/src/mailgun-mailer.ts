import type { Mailer, MailMessage } from "@ovs/domain";
import { MailFailure } from "@ovs/domain";
import { Duration, Effect, Redacted, Schema } from "effect";
import { request } from "undici";
import {
  AbsoluteUrl,
  basicAuthorization,
  describeTransportFailure,
  isTransientStatus,
  readTextUpTo,
  Secret,
  timeoutOr,
} from "./http-support.js";

const MAILGUN_MAX_BATCH = 1000;

/** Settings of the Mailgun mailer; the root README lists the environment names the app reads. */
export const MailgunMailerSettings = Schema.Struct({
  /** The domain's API base, e.g. `https://api.mailgun.net/v3/mg.example.edu` (`MAILGUN_URL`). */
  apiUrl: AbsoluteUrl,
  /** The private API key (`MAILGUN_KEY`); sent as Basic `api:<key>`. */
  apiKey: Secret,
  /** Recipients per request (`MAILGUN_BATCH_CHUNK_SIZE`); 1000 by default, Mailgun's maximum. */
  batchSize: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, MAILGUN_MAX_BATCH)), {
    exact: true,
    default: () => MAILGUN_MAX_BATCH,
  }),
  /** Sends every message to this address instead (`MAILGUN_RECIPIENT_OVERRIDE`), for staging. */
  recipientOverride: Schema.optionalWith(Schema.String, { exact: true }),
  /** The whole request; 30 s by default (upstream had none). */
  timeout: timeoutOr(Duration.seconds(30)),
}).annotations({ identifier: "MailgunMailerSettings" });

export type MailgunMailerSettings = typeof MailgunMailerSettings.Type;
/** The settings as the app gives them, defaults left out. */
export type MailgunMailerSettingsInput = typeof MailgunMailerSettings.Encoded;

/** Checks the settings and fills in the defaults; throws a `ParseError` naming every field that is wrong. */
export const makeMailgunMailerSettings: (input: MailgunMailerSettingsInput) => MailgunMailerSettings =
  Schema.decodeSync(MailgunMailerSettings, { errors: "all" });

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
 * Mail through the Mailgun HTTP API (docs/upstream.md §7): a form `POST <apiUrl>/messages`
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

  constructor(private readonly settings: MailgunMailerSettings) {
    this.messagesUrl = `${settings.apiUrl.replace(/\/+$/, "")}/messages`;
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
      this.settings.recipientOverride === undefined ? [...message.to] : [this.settings.recipientOverride];
    if (recipients.length === 0) {
      throw new MailFailure({ transient: false, reason: "a message needs at least one recipient" });
    }
    let firstId: string | null = null;
    for (let start = 0; start < recipients.length; start += this.settings.batchSize) {
      const id = await this.sendBatch(message, recipients.slice(start, start + this.settings.batchSize));
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
          authorization: basicAuthorization("api", Redacted.value(this.settings.apiKey)),
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: form.toString(),
        signal: AbortSignal.timeout(Duration.toMillis(this.settings.timeout)),
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
