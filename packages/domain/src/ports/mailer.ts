import { Data } from "effect";
import type { Effect } from "effect";

export interface MailMessage {
  readonly from: string;
  /** Each recipient gets a message of their own; nobody sees the others. */
  readonly to: ReadonlyArray<string>;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

export class MailFailure extends Data.TaggedError("MailFailure")<{
  readonly transient: boolean;
  readonly reason: string;
}> {
  override get message(): string {
    return `sending mail failed: ${this.reason}`;
  }
}

export interface Mailer {
  send(message: MailMessage): Effect.Effect<{ readonly messageId: string | null }, MailFailure>;
}
export const Mailer = Symbol.for("ovs/Mailer");
