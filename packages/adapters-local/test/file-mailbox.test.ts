import { mkdtempSync, rmSync, statSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { describeMailerContract } from "@ovs/domain/contracts";
import { FileMailbox } from "../src/file-mailbox.js";

const freshMailbox = () => {
  const dir = mkdtempSync(join(tmpdir(), "ovs-mailbox-"));
  const path = join(dir, "mail", "delivered.jsonl");
  return { dir, path, mailbox: new FileMailbox(path) };
};

describeMailerContract("file mailbox", async () => {
  const { dir, mailbox } = freshMailbox();
  return {
    mailer: mailbox,
    deliveries: async () =>
      (await mailbox.delivered()).map((mail) => ({ recipient: mail.to, subject: mail.subject })),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe("the file mailbox", () => {
  it("keeps every message, newest first, in a file only its owner reads, and survives a torn last line", async () => {
    const { dir, path, mailbox } = freshMailbox();
    try {
      expect(await mailbox.delivered()).toEqual([]);
      for (const subject of ["first", "second"]) {
        await Effect.runPromise(
          mailbox.send({
            from: "ovs@example.edu",
            to: ["ada@example.edu"],
            subject,
            text: `${subject} <b>`,
            html: "<p>x</p>",
          }),
        );
      }
      appendFileSync(path, '{"messageId":"cut');

      const delivered = await mailbox.delivered();

      expect(delivered.map((mail) => mail.subject)).toEqual(["second", "first"]);
      expect(delivered[0]).toMatchObject({ to: "ada@example.edu", text: "second <b>", html: "<p>x</p>" });
      expect(statSync(path).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
