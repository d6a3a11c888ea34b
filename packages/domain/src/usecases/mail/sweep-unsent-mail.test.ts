import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import type { VideoKey } from "../../model/keys.js";
import { aVideo } from "../../testing/builders.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { testSettings } from "../../testing/test-settings.js";
import { MAX_MAIL_ATTEMPTS, SendStatusEmail } from "./send-status-email.js";
import { SweepUnsentMail } from "./sweep-unsent-mail.js";

const setUp = async () => {
  const harness = makeInMemoryHarness();
  const video = await storeIn(harness).video(
    await storeIn(harness).collection(),
    aVideo().withStatus("Complete"),
  );
  let next = 0;
  /** An outbox entry whose `mail.send` job was lost (it exhausted its retries during an outage). */
  const unsentEntry = async (videoKey: VideoKey = video.key) => {
    next += 1;
    const added = await Effect.runPromise(
      harness.mailOutbox.add({
        id: `entry-${next}`,
        dedupeKey: `notification|${videoKey}|Transcoding->Complete|job:${next}`,
        videoKey,
        template: "success",
        fromStatus: "Transcoding",
        toStatus: "Complete",
        createdAt: harness.clock.advance("1 second"),
      }),
    );
    if (added._tag !== "Added") throw new Error("the entry exists already");
    return added.entry.id;
  };
  const sweep = (limit?: number) => Effect.runPromise(new SweepUnsentMail(harness.ports).run(limit));
  return { harness, unsentEntry, sweep };
};

describe("sweeping unsent status emails", () => {
  it("queues every unsent email again after an outage, and the mail job then sends each once", async () => {
    const { harness, unsentEntry, sweep } = await setUp();
    const first = await unsentEntry();
    const second = await unsentEntry();

    const result = await sweep();
    await Effect.runPromise(
      harness.jobs.drain({
        "mail.send": (payload) => new SendStatusEmail(harness.ports, testSettings()).run(payload),
      }),
    );

    expect(result).toEqual({ enqueued: [first, second], alreadyQueued: [], givenUp: [] });
    expect(harness.mailer.outbox).toHaveLength(2);
    expect(await sweep()).toEqual({ enqueued: [], alreadyQueued: [], givenUp: [] });
  });

  it("does not queue an email whose job is still waiting", async () => {
    const { harness, unsentEntry, sweep } = await setUp();
    const entry = await unsentEntry();
    await sweep();

    expect(await sweep()).toEqual({ enqueued: [], alreadyQueued: [entry], givenUp: [] });
    expect(harness.jobs.pending("mail.send")).toHaveLength(1);
  });

  it("leaves abandoned emails alone, and abandons those that failed the most times allowed", async () => {
    const { harness, unsentEntry, sweep } = await setUp();
    const refused = await unsentEntry();
    const exhausted = await unsentEntry();
    const retryable = await unsentEntry();
    await Effect.runPromise(
      harness.mailOutbox.markAbandoned(
        refused,
        "sending mail failed: domain not verified",
        harness.clock.now(),
      ),
    );
    for (let attempt = 0; attempt < MAX_MAIL_ATTEMPTS; attempt += 1) {
      await Effect.runPromise(
        harness.mailOutbox.recordFailure(exhausted, "Mailgun answered 502", harness.clock.now()),
      );
    }
    await Effect.runPromise(
      harness.mailOutbox.recordFailure(retryable, "Mailgun answered 502", harness.clock.now()),
    );

    expect(await sweep()).toEqual({ enqueued: [retryable], alreadyQueued: [], givenUp: [exhausted] });
    expect(harness.jobs.pending("mail.send").map((job) => job.payload.outboxId)).toEqual([retryable]);
    const abandoned = await Effect.runPromise(harness.mailOutbox.listAbandoned(10));
    expect(abandoned.map((entry) => [entry.id, entry.lastError])).toEqual([
      [exhausted, "Mailgun answered 502"],
      [refused, "sending mail failed: domain not verified"],
    ]);
    expect(await sweep()).toEqual({ enqueued: [], alreadyQueued: [retryable], givenUp: [] });
  });

  it("does not let abandoned emails take the places of newer ones", async () => {
    const { harness, unsentEntry, sweep } = await setUp();
    const abandoned = await unsentEntry();
    const newer = await unsentEntry();
    await Effect.runPromise(harness.mailOutbox.markAbandoned(abandoned, "refused", harness.clock.now()));

    expect((await sweep(1)).enqueued).toEqual([newer]);
  });

  it("looks at the oldest entries first, up to the limit", async () => {
    const { unsentEntry, sweep } = await setUp();
    const oldest = await unsentEntry();
    await unsentEntry();

    expect((await sweep(1)).enqueued).toEqual([oldest]);
  });
});
