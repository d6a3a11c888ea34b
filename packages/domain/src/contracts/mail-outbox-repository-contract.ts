import { Effect, Option } from "effect";
import { describe, expect, it } from "vitest";
import type { VideoKey } from "../model/keys.js";
import type { NewOutboxEntry } from "../ports/mail-outbox-repository.js";
import { RecordNotFound } from "../ports/persistence-errors.js";
import { testUuid } from "../testing/builders.js";
import { failureOf, found, run } from "../testing/effect-outcomes.js";
import { instant, storeIn } from "../testing/stored-test-data.js";
import { withRepositories } from "./repository-contract-support.js";
import type { MakeRepositories } from "./repository-contract-subject.js";

const anEntry = (videoKey: VideoKey, overrides: Partial<NewOutboxEntry> = {}): NewOutboxEntry => ({
  id: testUuid(),
  dedupeKey: `notification|${videoKey}|Transcoding->Complete|job:${testUuid()}`,
  videoKey,
  template: "success",
  fromStatus: "Transcoding",
  toStatus: "Complete",
  createdAt: instant(),
  ...overrides,
});

/** What every MailOutboxRepository must do; `make` returns fresh, empty repositories. */
export const describeMailOutboxRepositoryContract = (name: string, make: MakeRepositories): void => {
  describe(`MailOutboxRepository contract: ${name}`, () => {
    const withSubject = withRepositories(make);

    it("adds an entry once per dedupe key and answers Duplicate with the stored one after that", () =>
      withSubject(async (subject) => {
        const video = await storeIn(subject).video(await storeIn(subject).collection());
        const entry = anEntry(video.key);

        const first = await run(subject.mailOutbox.add(entry));
        const second = await run(subject.mailOutbox.add({ ...entry, id: testUuid(), createdAt: instant(5) }));

        expect(first).toEqual({
          _tag: "Added",
          entry: { ...entry, sentAt: null, abandonedAt: null, attempts: 0, lastError: null },
        });
        expect(second._tag).toBe("Duplicate");
        expect(second._tag === "Duplicate" && second.existing.id).toBe(entry.id);
        expect(await run(subject.mailOutbox.listUnsent(10))).toHaveLength(1);
      }));

    it("keeps a null previous status", () =>
      withSubject(async (subject) => {
        const video = await storeIn(subject).video(await storeIn(subject).collection());
        const entry = anEntry(video.key, { fromStatus: null });
        await run(subject.mailOutbox.add(entry));
        expect((await found(subject.mailOutbox.findById(entry.id))).fromStatus).toBeNull();
      }));

    it("counts attempts, remembers the last error and leaves sent entries out of the unsent list", () =>
      withSubject(async (subject) => {
        const video = await storeIn(subject).video(await storeIn(subject).collection());
        const failing = anEntry(video.key, { createdAt: instant(1) });
        const sent = anEntry(video.key, { createdAt: instant(2) });
        await run(subject.mailOutbox.add(failing));
        await run(subject.mailOutbox.add(sent));

        const afterFailure = await run(
          subject.mailOutbox.recordFailure(failing.id, "mail server said 503", instant(3)),
        );
        const afterSending = await run(subject.mailOutbox.markSent(sent.id, instant(4)));

        expect(afterFailure).toMatchObject({ attempts: 1, lastError: "mail server said 503", sentAt: null });
        expect(afterSending).toMatchObject({ attempts: 1, lastError: null, sentAt: instant(4) });
        expect((await run(subject.mailOutbox.listUnsent(10))).map((entry) => entry.id)).toEqual([failing.id]);
      }));

    it("lists unsent entries oldest first, up to the limit", () =>
      withSubject(async (subject) => {
        const video = await storeIn(subject).video(await storeIn(subject).collection());
        const entries = [3, 1, 2].map((second) => anEntry(video.key, { createdAt: instant(second) }));
        for (const entry of entries) await run(subject.mailOutbox.add(entry));

        const unsent = await run(subject.mailOutbox.listUnsent(2));

        expect(unsent.map((entry) => entry.createdAt)).toEqual([instant(1), instant(2)]);
      }));

    it("abandons a pending entry once, with its reason, and leaves it out of the unsent list", () =>
      withSubject(async (subject) => {
        const video = await storeIn(subject).video(await storeIn(subject).collection());
        const entry = anEntry(video.key, { createdAt: instant(1) });
        const other = anEntry(video.key, { createdAt: instant(2) });
        await run(subject.mailOutbox.add(entry));
        await run(subject.mailOutbox.add(other));
        await run(subject.mailOutbox.recordFailure(entry.id, "mail server said 550", instant(3)));

        const first = await run(
          subject.mailOutbox.markAbandoned(entry.id, "domain not verified", instant(4)),
        );
        const second = await run(subject.mailOutbox.markAbandoned(entry.id, "another reason", instant(5)));

        const abandoned = {
          ...entry,
          sentAt: null,
          abandonedAt: instant(4),
          attempts: 1,
          lastError: "domain not verified",
        };
        expect(first).toEqual(Option.some(abandoned));
        expect(second).toEqual(Option.none());
        expect(await found(subject.mailOutbox.findById(entry.id))).toEqual(abandoned);
        expect((await run(subject.mailOutbox.listUnsent(10))).map((unsent) => unsent.id)).toEqual([other.id]);
      }));

    it("does not abandon a sent entry, and a send that lands after all wins over the abandonment", () =>
      withSubject(async (subject) => {
        const video = await storeIn(subject).video(await storeIn(subject).collection());
        const sent = anEntry(video.key);
        const late = anEntry(video.key);
        await run(subject.mailOutbox.add(sent));
        await run(subject.mailOutbox.add(late));
        await run(subject.mailOutbox.markSent(sent.id, instant(1)));
        await run(subject.mailOutbox.markAbandoned(late.id, "timed out", instant(1)));

        expect(await run(subject.mailOutbox.markAbandoned(sent.id, "refused", instant(2)))).toEqual(
          Option.none(),
        );
        const afterSending = await run(subject.mailOutbox.markSent(late.id, instant(3)));

        expect(await found(subject.mailOutbox.findById(sent.id))).toMatchObject({
          sentAt: instant(1),
          abandonedAt: null,
          lastError: null,
        });
        expect(afterSending).toMatchObject({ sentAt: instant(3), abandonedAt: null, lastError: null });
        expect(await run(subject.mailOutbox.listAbandoned(10))).toEqual([]);
      }));

    it("lists abandoned entries newest first, the later added first at the same instant, up to the limit", () =>
      withSubject(async (subject) => {
        const video = await storeIn(subject).video(await storeIn(subject).collection());
        const added = (second: number) => anEntry(video.key, { createdAt: instant(second) });
        const pending = added(0);
        const early = added(1);
        const sameInstantFirst = added(2);
        const sameInstantSecond = added(3);
        const latest = added(4);
        for (const entry of [pending, early, sameInstantFirst, sameInstantSecond, latest]) {
          await run(subject.mailOutbox.add(entry));
        }
        for (const [entry, second] of [
          [latest, 10],
          [early, 5],
          [sameInstantFirst, 7],
          [sameInstantSecond, 7],
        ] as const) {
          await run(subject.mailOutbox.markAbandoned(entry.id, `reason of ${entry.id}`, instant(second)));
        }

        const all = await run(subject.mailOutbox.listAbandoned(10));
        const two = await run(subject.mailOutbox.listAbandoned(2));

        expect(all.map((entry) => entry.id)).toEqual([
          latest.id,
          sameInstantSecond.id,
          sameInstantFirst.id,
          early.id,
        ]);
        expect(all.map((entry) => entry.id)).not.toContain(pending.id);
        expect(all[0]).toMatchObject({ abandonedAt: instant(10), lastError: `reason of ${latest.id}` });
        expect(two.map((entry) => entry.id)).toEqual([latest.id, sameInstantSecond.id]);
      }));

    it("answers RecordNotFound for an unknown entry and None when looking it up", () =>
      withSubject(async (subject) => {
        expect(await failureOf(subject.mailOutbox.markSent("no-such-entry", instant()))).toBeInstanceOf(
          RecordNotFound,
        );
        expect(
          await failureOf(subject.mailOutbox.markAbandoned("no-such-entry", "refused", instant())),
        ).toBeInstanceOf(RecordNotFound);
        expect(await run(subject.mailOutbox.findById("no-such-entry"))).toEqual(Option.none());
      }));

    it("refuses an entry for a video that does not exist, and drops entries with their video", () =>
      withSubject(async (subject) => {
        const video = await storeIn(subject).video(await storeIn(subject).collection());
        const orphan = anEntry(testUuid() as VideoKey);
        expect(await failureOf(subject.mailOutbox.add(orphan))).toMatchObject({
          _tag: "RecordNotFound",
          entity: "Video",
        });

        const entry = anEntry(video.key);
        await run(subject.mailOutbox.add(entry));
        await run(subject.videos.delete(video.key));
        expect(await run(subject.mailOutbox.findById(entry.id))).toEqual(Option.none());
      }));

    it("rolls an entry back with the unit of work that added it", () =>
      withSubject(async (subject) => {
        const video = await storeIn(subject).video(await storeIn(subject).collection());
        const entry = anEntry(video.key);
        await Effect.runPromiseExit(
          subject.unitOfWork.transaction(
            Effect.andThen(subject.mailOutbox.add(entry), () => Effect.fail("abort")),
          ),
        );
        expect(await run(subject.mailOutbox.findById(entry.id))).toEqual(Option.none());
      }));
  });
};
