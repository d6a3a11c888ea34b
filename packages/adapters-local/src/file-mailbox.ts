import { randomUUID } from "node:crypto";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { Effect } from "effect";
import type { MailMessage, Mailer } from "@ovs/domain";
import { MailFailure } from "@ovs/domain";

/** One delivered message as the mailbox keeps it: one entry per recipient, as a mail service delivers. */
export interface DeliveredMail {
  readonly messageId: string;
  readonly sentAt: string;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string | null;
}

/**
 * The `local` profile's mailer: no mail leaves the machine. Every message is appended, one JSON
 * line per recipient, to a file under the data folder, where `/dev/mail` reads it. Appends of a
 * few kilobytes are atomic on local filesystems, so lines from concurrent sends never interleave.
 */
export class FileMailbox implements Mailer {
  constructor(private readonly path: string) {}

  send(message: MailMessage): Effect.Effect<{ readonly messageId: string | null }, MailFailure> {
    const messageId = `<${randomUUID()}@ovs.local>`;
    const sentAt = new Date().toISOString();
    const lines = message.to
      .map((to) =>
        JSON.stringify({
          messageId,
          sentAt,
          from: message.from,
          to,
          subject: message.subject,
          text: message.text,
          html: message.html ?? null,
        } satisfies DeliveredMail),
      )
      .join("\n");
    return Effect.tryPromise({
      try: async () => {
        await mkdir(dirname(this.path), { recursive: true });
        await appendFile(this.path, `${lines}\n`, { encoding: "utf8", mode: 0o600 });
        return { messageId };
      },
      catch: (error) =>
        new MailFailure({
          transient: true,
          reason: `could not write to the local mailbox ${this.path}: ${error instanceof Error ? error.message : String(error)}`,
        }),
    });
  }

  /** Every delivered message, newest first; none when nothing was sent yet. */
  async delivered(): Promise<ReadonlyArray<DeliveredMail>> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    return text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as DeliveredMail];
        } catch {
          // A line cut short by a crash mid-append: the rest of the mailbox still reads.
          return [];
        }
      })
      .reverse();
  }
}
