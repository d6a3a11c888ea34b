import { Effect } from "effect";
import type { Clock } from "../../ports/clock.js";
import type { Mailer, MailMessage } from "../../ports/mailer.js";
import { MailFailure } from "../../ports/mailer.js";

export interface SentMail {
  readonly messageId: string;
  readonly message: MailMessage;
  readonly sentAt: Date;
}

interface ScriptedFailure {
  readonly transient: boolean;
  readonly reason: string;
  remaining: number;
}

const wallClock: Clock = { now: () => new Date() };

/**
 * An outbox instead of a mail server. Test hooks: `outbox` (every accepted send, in order),
 * `sentTo(address)` (the messages one recipient got), `failNext` (the next N sends fail and are
 * not recorded), `clear`.
 */
export class InMemoryMailer implements Mailer {
  private readonly sent: Array<SentMail> = [];
  private readonly scriptedFailures: Array<ScriptedFailure> = [];
  private sequence = 0;

  constructor(private readonly clock: Clock = wallClock) {}

  get outbox(): ReadonlyArray<SentMail> {
    return [...this.sent];
  }

  sentTo(address: string): ReadonlyArray<MailMessage> {
    const wanted = address.toLowerCase();
    return this.sent
      .filter(({ message }) => message.to.some((recipient) => recipient.toLowerCase() === wanted))
      .map(({ message }) => message);
  }

  clear(): void {
    this.sent.length = 0;
  }

  failNext(times: number, failure: { readonly transient: boolean; readonly reason?: string }): void {
    if (times <= 0) return;
    this.scriptedFailures.push({
      transient: failure.transient,
      reason: failure.reason ?? (failure.transient ? "scripted outage" : "scripted refusal"),
      remaining: times,
    });
  }

  send(message: MailMessage): Effect.Effect<{ readonly messageId: string | null }, MailFailure> {
    return Effect.suspend(() => {
      const scripted = this.scriptedFailures[0];
      if (scripted !== undefined) {
        scripted.remaining -= 1;
        if (scripted.remaining <= 0) this.scriptedFailures.shift();
        return Effect.fail(new MailFailure({ transient: scripted.transient, reason: scripted.reason }));
      }
      if (message.to.length === 0) {
        return Effect.fail(
          new MailFailure({ transient: false, reason: "a message needs at least one recipient" }),
        );
      }
      this.sequence += 1;
      const messageId = `<${this.sequence}.in-memory@ovs.test>`;
      this.sent.push({ messageId, message: { ...message, to: [...message.to] }, sentAt: this.clock.now() });
      return Effect.succeed({ messageId });
    });
  }
}
