import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { anonymous } from "../../model/user.js";
import type { Principal } from "../../model/user.js";
import { aUser, aVideo } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { storeIn } from "../../testing/stored-test-data.js";
import { ListAbandonedMail } from "./list-abandoned-mail.js";

const staff = aUser().staff().principal();

const setUp = async () => {
  const harness = makeInMemoryHarness();
  const video = await storeIn(harness).video(
    await storeIn(harness).collection(),
    aVideo().withStatus("Complete"),
  );
  let next = 0;
  /** An entry added now, and abandoned a second later with `reason` unless that is null. */
  const entry = async (reason: string | null) => {
    next += 1;
    const id = `entry-${next}`;
    await Effect.runPromise(
      harness.mailOutbox.add({
        id,
        dedupeKey: `notification|${video.key}|Transcoding->Complete|job:${next}`,
        videoKey: video.key,
        template: "success",
        fromStatus: "Transcoding",
        toStatus: "Complete",
        createdAt: harness.clock.now(),
      }),
    );
    if (reason !== null) {
      await Effect.runPromise(
        harness.mailOutbox.markAbandoned(id, reason, harness.clock.advance("1 second")),
      );
    }
    return id;
  };
  const list = (principal: Principal, query?: { readonly limit?: string | number | null }) =>
    new ListAbandonedMail(harness.ports).run(principal, query);
  return { harness, video, entry, list };
};

describe("listing the status emails given up on", () => {
  it("shows staff the abandoned emails, newest first, with their reason, and not the pending or sent ones", async () => {
    const { harness, video, entry, list } = await setUp();
    const older = await entry("sending mail failed: domain not verified");
    const pending = await entry(null);
    const sent = await entry(null);
    await Effect.runPromise(harness.mailOutbox.markSent(sent, harness.clock.now()));
    const newer = await entry("the status email has no recipient");

    const listed = await Effect.runPromise(list(staff));

    expect(listed.map((item) => item.id)).toEqual([newer, older]);
    expect(listed.map((item) => item.id)).not.toContain(pending);
    expect(listed[1]).toMatchObject({
      videoKey: video.key,
      template: "success",
      fromStatus: "Transcoding",
      toStatus: "Complete",
      sentAt: null,
      lastError: "sending mail failed: domain not verified",
      abandonedAt: expect.any(Date),
    });
  });

  it("answers at most the limit, 50 when none is named, for superusers too", async () => {
    const { entry, list } = await setUp();
    for (let index = 0; index < 52; index += 1) await entry("refused");

    expect(await Effect.runPromise(list(staff))).toHaveLength(50);
    expect(await Effect.runPromise(list(staff, { limit: null }))).toHaveLength(50);
    expect(await Effect.runPromise(list(aUser().superuser().principal(), { limit: "2" }))).toHaveLength(2);
    expect(await Effect.runPromise(list(staff, { limit: 500 }))).toHaveLength(52);
  });

  it("refuses a limit that is not a whole number from 1 to 500, naming it", async () => {
    const { list } = await setUp();
    for (const limit of ["0", "501", "ten", "-1", "1.5", "", " 5", 0, 2.5, 501]) {
      expect(await failureOf(list(staff, { limit })), String(limit)).toMatchObject({
        _tag: "InvalidInput",
        problems: [{ field: "limit", message: "Expected a whole number from 1 to 500." }],
      });
    }
  });

  it("asks anonymous visitors to sign in and refuses users who are not staff", async () => {
    const { entry, list } = await setUp();
    await entry("refused");

    expect(await failureOf(list(anonymous))).toMatchObject({ _tag: "Forbidden", signInRequired: true });
    expect(await failureOf(list(aUser().principal("collection-admins"), { limit: "ten" }))).toMatchObject({
      _tag: "Forbidden",
      signInRequired: false,
    });
  });
});
