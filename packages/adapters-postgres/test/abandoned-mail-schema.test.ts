import { Effect, Option } from "effect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { NewOutboxEntry, VideoKey } from "@ovs/domain";
import { MAX_MAIL_ATTEMPTS } from "@ovs/domain";
import { storeIn } from "@ovs/domain/testing";
import { QUEUE_POLICIES } from "../src/pg-boss-job-queue.js";
import { migrationSource } from "../src/schema/migrations.js";
import type { TestBackend } from "./support/test-backends.js";
import { backendsToRun, openTestBackend } from "./support/test-backends.js";

const at = (seconds: number): Date => new Date(Date.parse("2026-03-02T09:15:30.250Z") + seconds * 1000);

const anEntry = (videoKey: VideoKey, id: string, seconds: number): NewOutboxEntry => ({
  id,
  dedupeKey: `notification|${videoKey}|Transcoding->Complete|job:${id}`,
  videoKey,
  template: "success",
  fromStatus: "Transcoding",
  toStatus: "Complete",
  createdAt: at(seconds),
});

describe("the mail.send queue and the mail job", () => {
  it("agree: one job's runs stay below the attempts after which the mail job gives an email up", () => {
    // So a job that runs out of retries in an outage leaves its email to the sweep (see MAX_MAIL_ATTEMPTS).
    expect(QUEUE_POLICIES["mail.send"].retryLimit + 1).toBeLessThan(MAX_MAIL_ATTEMPTS);
  });
});

for (const backendName of backendsToRun()) {
  describe(`abandoned status emails in mail_outbox on ${backendName}`, () => {
    let backend: TestBackend | undefined;
    beforeAll(async () => {
      backend = await openTestBackend(backendName);
    }, 60_000);
    afterAll(async () => {
      await backend?.close();
    });
    beforeEach(async () => {
      await current().reset();
    });

    const current = (): TestBackend => {
      if (backend === undefined) throw new Error(`the ${backendName} backend did not open`);
      return backend;
    };

    const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect);

    it("comes with the fourth migration, which indexes the unsent and the abandoned entries", async () => {
      const knex = current().database.knex;
      const migrations: ReadonlyArray<{ readonly name: string }> = await knex("knex_migrations")
        .orderBy("id")
        .select("name");
      const indexes: {
        readonly rows: ReadonlyArray<{ readonly indexname: string; readonly indexdef: string }>;
      } = await knex.raw(
        `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'mail_outbox' ORDER BY indexname`,
      );

      expect(migrations.map((row) => row.name)[3]).toBe("0004_abandoned_mail");
      expect(indexes.rows.map((row) => row.indexname)).toEqual([
        "mail_outbox_abandoned_index",
        "mail_outbox_dedupe_key_unique",
        "mail_outbox_pkey",
        "mail_outbox_unsent_index",
        "mail_outbox_video_key_index",
      ]);
      expect(indexes.rows.find((row) => row.indexname === "mail_outbox_unsent_index")?.indexdef).toMatch(
        /WHERE \(\(sent_at IS NULL\) AND \(abandoned_at IS NULL\)\)/,
      );
    });

    it("refuses an entry both sent and abandoned", async () => {
      const { adapters, database } = current();
      const video = await storeIn(adapters).video(await storeIn(adapters).collection());
      await run(adapters.mailOutbox.add(anEntry(video.key, "both", 0)));
      await run(adapters.mailOutbox.markSent("both", at(1)));

      await expect(
        database
          .knex("mail_outbox")
          .where("id", "both")
          .update({ abandoned_at: at(2) }),
      ).rejects.toThrow(/mail_outbox_sent_or_abandoned_check/);
    });

    it("turns the entries given up on the old way (a prefix on the last error) into abandoned ones, and back", async () => {
      const { adapters, database } = current();
      const knex = database.knex;
      const video = await storeIn(adapters).video(await storeIn(adapters).collection());
      for (const [id, seconds] of [
        ["refused", 1],
        ["failing", 2],
        ["sent", 3],
        ["abandoned", 4],
      ] as const) {
        await run(adapters.mailOutbox.add(anEntry(video.key, id, seconds)));
      }
      await run(adapters.mailOutbox.recordFailure("failing", "Mailgun answered 502", at(5)));
      await run(adapters.mailOutbox.markSent("sent", at(5)));
      await run(adapters.mailOutbox.markAbandoned("abandoned", "no recipient", at(6)));

      await knex.migrate.down({ migrationSource });
      const before: ReadonlyArray<{ readonly id: string; readonly last_error: string | null }> = await knex(
        "mail_outbox",
      )
        .orderBy("id")
        .select("id", "last_error");
      expect(before).toEqual([
        { id: "abandoned", last_error: "permanent failure: no recipient" },
        { id: "failing", last_error: "Mailgun answered 502" },
        { id: "refused", last_error: null },
        { id: "sent", last_error: null },
      ]);
      // What the old mail job wrote on a permanent failure.
      await knex("mail_outbox")
        .where("id", "refused")
        .update({ attempts: 1, last_error: "permanent failure: sending mail failed: domain not verified" });

      await knex.migrate.latest({ migrationSource });

      const abandoned = await run(adapters.mailOutbox.listAbandoned(10));
      expect(abandoned.map((entry) => [entry.id, entry.abandonedAt, entry.lastError])).toEqual([
        ["abandoned", at(4), "no recipient"],
        ["refused", at(1), "sending mail failed: domain not verified"],
      ]);
      expect((await run(adapters.mailOutbox.listUnsent(10))).map((entry) => entry.id)).toEqual(["failing"]);
      expect(Option.getOrThrow(await run(adapters.mailOutbox.findById("sent")))).toMatchObject({
        sentAt: at(5),
        abandonedAt: null,
        lastError: null,
      });
    });
  });
}
