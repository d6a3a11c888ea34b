import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import type { Mailer } from "../ports/mailer.js";
import type { Disposable } from "../testing/fresh-subject.js";
import { withFreshSubject } from "../testing/fresh-subject.js";

export interface MailerContractSubject extends Disposable {
  readonly mailer: Mailer;
  /**
   * Optional: what reached the mail service, one entry per recipient, so the contract can check
   * that every recipient got the message. Leave it out when the service cannot be observed.
   */
  readonly deliveries?: () => Promise<
    ReadonlyArray<{ readonly recipient: string; readonly subject: string }>
  >;
}

/**
 * What every Mailer must do (Mailgun, the outbox table, memory):
 * `describeMailerContract("mailgun", async () => ({ mailer, deliveries }))`.
 */
export const describeMailerContract = (name: string, make: () => Promise<MailerContractSubject>): void => {
  describe(`Mailer contract: ${name}`, () => {
    const withSubject = withFreshSubject(make);

    it("accepts a message to several recipients", () =>
      withSubject(async ({ mailer, deliveries }) => {
        const recipients = ["ada@example.edu", "grace@example.edu", "alan@example.edu"];
        const subject = "Your video is ready";
        const result = await Effect.runPromise(
          mailer.send({
            from: "ODL Video <ovs@example.edu>",
            to: recipients,
            subject,
            text: "Lecture 1 finished processing.",
            html: "<p>Lecture 1 finished processing.</p>",
          }),
        );
        expect(result.messageId === null || result.messageId.length > 0).toBe(true);
        if (deliveries !== undefined) {
          const delivered = (await deliveries()).filter((delivery) => delivery.subject === subject);
          expect(delivered.map((delivery) => delivery.recipient).sort()).toEqual([...recipients].sort());
        }
      }));
  });
};
