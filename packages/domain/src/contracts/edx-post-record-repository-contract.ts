import { Effect, Option } from "effect";
import { describe, expect, it } from "vitest";
import type { EdxEndpointId } from "../model/edx-endpoint.js";
import type { VideoKey } from "../model/keys.js";
import type { EdxPostOutcome, EdxPostRecord } from "../ports/edx-post-record-repository.js";
import { aVideoKey } from "../testing/builders.js";
import { aNewEdxEndpoint, instant, storeIn } from "../testing/stored-test-data.js";
import { failureOf, found, run } from "../testing/effect-outcomes.js";
import { withRepositories } from "./repository-contract-support.js";
import type { MakeRepositories, RepositoryContractSubject } from "./repository-contract-subject.js";

const aRecord = (
  videoKey: VideoKey,
  edxEndpointId: EdxEndpointId,
  overrides: Partial<EdxPostRecord> = {},
): EdxPostRecord => ({
  videoKey,
  edxEndpointId,
  outcome: { _tag: "Created", status: 201 },
  attempt: 1,
  postedAt: instant(),
  ...overrides,
});

const endpoint = (subject: RepositoryContractSubject, name: string) =>
  run(subject.edxEndpoints.insert(aNewEdxEndpoint(name), instant()));

/** What every EdxPostRecordRepository must do; `make` returns fresh, empty repositories. */
export const describeEdxPostRecordRepositoryContract = (name: string, make: MakeRepositories): void => {
  describe(`EdxPostRecordRepository contract: ${name}`, () => {
    const withSubject = withRepositories(make);

    it("keeps every kind of outcome as recorded", () =>
      withSubject(async (subject) => {
        const collection = await storeIn(subject).collection();
        const learn = await endpoint(subject, "records-learn");
        const outcomes: ReadonlyArray<EdxPostOutcome> = [
          { _tag: "Created", status: 201 },
          { _tag: "Updated", status: 200 },
          { _tag: "Rejected", status: 403, body: '{"detail":"You do not have permission."}' },
          { _tag: "Failed", reason: "edX answered 503", transient: true },
          { _tag: "NotEligible", reason: "the video is not public" },
        ];
        for (const outcome of outcomes) {
          const video = await storeIn(subject).video(collection);
          const record = aRecord(video.key, learn.id, { outcome, attempt: 3, postedAt: instant(7) });

          expect(await run(subject.edxPostRecords.record(record))).toEqual(record);
          expect(await found(subject.edxPostRecords.find(video.key, learn.id))).toEqual(record);
        }
      }));

    it("keeps only the last outcome per video and endpoint", () =>
      withSubject(async (subject) => {
        const video = await storeIn(subject).video(await storeIn(subject).collection());
        const learn = await endpoint(subject, "last-learn");
        await run(
          subject.edxPostRecords.record(
            aRecord(video.key, learn.id, { outcome: { _tag: "Failed", reason: "timeout", transient: true } }),
          ),
        );

        const latest = aRecord(video.key, learn.id, {
          outcome: { _tag: "Updated", status: 200 },
          attempt: 2,
          postedAt: instant(60),
        });
        await run(subject.edxPostRecords.record(latest));

        expect(await run(subject.edxPostRecords.listForVideo(video.key))).toEqual([latest]);
      }));

    it("lists a video's records by endpoint, and a collection's by video then endpoint", () =>
      withSubject(async (subject) => {
        const collection = await storeIn(subject).collection();
        const [first, second] = [
          ...(await Promise.all([storeIn(subject).video(collection), storeIn(subject).video(collection)])),
        ].sort((a, b) => (a.key < b.key ? -1 : 1));
        const elsewhere = await storeIn(subject).video(await storeIn(subject).collection());
        const learn = await endpoint(subject, "list-learn");
        const xpro = await endpoint(subject, "list-xpro");
        if (first === undefined || second === undefined) throw new Error("two videos expected");
        for (const record of [
          aRecord(second.key, xpro.id),
          aRecord(first.key, xpro.id),
          aRecord(second.key, learn.id),
          aRecord(first.key, learn.id),
          aRecord(elsewhere.key, learn.id),
        ]) {
          await run(subject.edxPostRecords.record(record));
        }
        const pairsOf = (records: ReadonlyArray<EdxPostRecord>) =>
          records.map((record) => [record.videoKey, record.edxEndpointId]);

        expect(pairsOf(await run(subject.edxPostRecords.listForVideo(second.key)))).toEqual([
          [second.key, learn.id],
          [second.key, xpro.id],
        ]);
        expect(pairsOf(await run(subject.edxPostRecords.listForCollection(collection.key)))).toEqual([
          [first.key, learn.id],
          [first.key, xpro.id],
          [second.key, learn.id],
          [second.key, xpro.id],
        ]);
      }));

    it("refuses a record for a video or an endpoint that does not exist", () =>
      withSubject(async (subject) => {
        const video = await storeIn(subject).video(await storeIn(subject).collection());
        const learn = await endpoint(subject, "missing-learn");

        expect(await failureOf(subject.edxPostRecords.record(aRecord(aVideoKey(), learn.id)))).toMatchObject({
          _tag: "RecordNotFound",
          entity: "Video",
        });
        expect(
          await failureOf(subject.edxPostRecords.record(aRecord(video.key, 987_654 as EdxEndpointId))),
        ).toMatchObject({ _tag: "RecordNotFound", entity: "EdxEndpoint" });
        expect(await run(subject.edxPostRecords.listForVideo(video.key))).toEqual([]);
      }));

    it("drops the records with their video, and with their collection", () =>
      withSubject(async (subject) => {
        const collection = await storeIn(subject).collection();
        const deletedVideo = await storeIn(subject).video(collection);
        const keptVideo = await storeIn(subject).video(collection);
        const learn = await endpoint(subject, "cascade-learn");
        await run(subject.edxPostRecords.record(aRecord(deletedVideo.key, learn.id)));
        await run(subject.edxPostRecords.record(aRecord(keptVideo.key, learn.id)));

        await run(subject.videos.delete(deletedVideo.key));
        expect(await run(subject.edxPostRecords.find(deletedVideo.key, learn.id))).toEqual(Option.none());
        expect(await run(subject.edxPostRecords.listForCollection(collection.key))).toHaveLength(1);

        await run(subject.collections.delete(collection.key));
        expect(await run(subject.edxPostRecords.find(keptVideo.key, learn.id))).toEqual(Option.none());
      }));

    it("rolls a record back with the unit of work that wrote it", () =>
      withSubject(async (subject) => {
        const video = await storeIn(subject).video(await storeIn(subject).collection());
        const learn = await endpoint(subject, "rollback-learn");

        await Effect.runPromiseExit(
          subject.unitOfWork.transaction(
            Effect.andThen(subject.edxPostRecords.record(aRecord(video.key, learn.id)), () =>
              Effect.fail("abort"),
            ),
          ),
        );

        expect(await run(subject.edxPostRecords.find(video.key, learn.id))).toEqual(Option.none());
      }));
  });
};
