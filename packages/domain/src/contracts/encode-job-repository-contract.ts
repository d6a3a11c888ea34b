import { Effect, Option } from "effect";
import { describe, expect, it } from "vitest";
import type { EncodeJobState } from "../model/encode-job.js";
import { RecordNotFound, UniqueViolation } from "../ports/persistence-errors.js";
import { aVideo, anEncodeJob } from "../testing/builders.js";
import { failureOf, found, run } from "../testing/effect-outcomes.js";
import { instant, storeIn } from "../testing/stored-test-data.js";
import { withRepositories } from "./repository-contract-support.js";
import type { MakeRepositories, RepositoryContractSubject } from "./repository-contract-subject.js";

const storedVideo = async (subject: RepositoryContractSubject) => {
  const store = storeIn(subject);
  return store.video(await store.collection());
};

/**
 * What every EncodeJobRepository must do. Run it with a factory that returns fresh, empty
 * repositories: `describeEncodeJobRepositoryContract("postgres", makeRepositories)`.
 */
export const describeEncodeJobRepositoryContract = (name: string, make: MakeRepositories): void => {
  describe(`EncodeJobRepository contract: ${name}`, () => {
    const withSubject = withRepositories(make);

    it("stores a job with every field, its JSON message included, and finds it by id", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const job = anEncodeJob()
          .forVideo(video)
          .retranscode()
          .with({
            state: "Progressing",
            errorCode: 1010,
            errorMessage: "Input file not found",
            message: {
              Job: { Id: "1700000000000-abc", Settings: { OutputGroups: [{ Name: "HLS" }] }, Queue: null },
            },
            createdAt: instant(0),
            lastModified: instant(15),
          })
          .build();

        expect(await run(subject.encodeJobs.insert(job))).toEqual(job);
        expect(await found(subject.encodeJobs.findById(job.id))).toEqual(job);
      }));

    it("keeps null error fields as null", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const job = await run(subject.encodeJobs.insert(anEncodeJob().forVideo(video).build()));

        expect(await found(subject.encodeJobs.findById(job.id))).toMatchObject({
          errorCode: null,
          errorMessage: null,
        });
      }));

    it("answers None for an id nobody stored", () =>
      withSubject(async (subject) => {
        expect(await run(subject.encodeJobs.findById("no-such-job"))).toEqual(Option.none());
      }));

    it("refuses a second job with the same id", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const job = await run(subject.encodeJobs.insert(anEncodeJob().forVideo(video).build()));

        const error = await failureOf(
          subject.encodeJobs.insert(anEncodeJob().forVideo(video).with({ id: job.id }).build()),
        );

        expect(error).toBeInstanceOf(UniqueViolation);
        expect(error).toMatchObject({ entity: "EncodeJob", field: "id", value: job.id });
      }));

    it("refuses a job for a video that does not exist", () =>
      withSubject(async (subject) => {
        const job = anEncodeJob().forVideo(aVideo().build()).build();

        const error = await failureOf(subject.encodeJobs.insert(job));

        expect(error).toBeInstanceOf(RecordNotFound);
        expect(error).toMatchObject({ entity: "Video", id: job.videoKey });
        expect(await run(subject.encodeJobs.findById(job.id))).toEqual(Option.none());
      }));

    describe("compare-and-set of the state", () => {
      it("moves a job in an expected state and records the outcome and lastModified", () =>
        withSubject(async (subject) => {
          const video = await storedVideo(subject);
          const job = await run(subject.encodeJobs.insert(anEncodeJob().forVideo(video).build()));

          const moved = await run(
            subject.encodeJobs.compareAndSetState(
              job.id,
              ["Submitted", "Progressing"],
              {
                state: "Error",
                errorCode: 1030,
                errorMessage: "Unsupported codec",
                message: { detail: { status: "ERROR" } },
              },
              instant(120),
            ),
          );

          const expected = {
            ...job,
            state: "Error" as const,
            errorCode: 1030,
            errorMessage: "Unsupported codec",
            message: { detail: { status: "ERROR" } },
            lastModified: instant(120),
          };
          expect(moved).toEqual(Option.some(expected));
          expect(await found(subject.encodeJobs.findById(job.id))).toEqual(expected);
        }));

      it("keeps the error fields and message that an update does not mention", () =>
        withSubject(async (subject) => {
          const video = await storedVideo(subject);
          const job = await run(
            subject.encodeJobs.insert(
              anEncodeJob()
                .forVideo(video)
                .with({ errorCode: 7, errorMessage: "earlier", message: { kept: true } })
                .build(),
            ),
          );

          await run(
            subject.encodeJobs.compareAndSetState(
              job.id,
              ["Submitted"],
              { state: "Progressing" },
              instant(5),
            ),
          );

          expect(await found(subject.encodeJobs.findById(job.id))).toEqual({
            ...job,
            state: "Progressing",
            lastModified: instant(5),
          });
        }));

      it("answers None and changes nothing when the job is no longer in an expected state", () =>
        withSubject(async (subject) => {
          const video = await storedVideo(subject);
          const job = await run(
            subject.encodeJobs.insert(anEncodeJob().forVideo(video).with({ state: "Complete" }).build()),
          );

          const outcome = await run(
            subject.encodeJobs.compareAndSetState(
              job.id,
              ["Submitted", "Progressing"],
              { state: "Error" },
              instant(9),
            ),
          );

          expect(outcome).toEqual(Option.none());
          expect(await found(subject.encodeJobs.findById(job.id))).toEqual(job);
        }));

      it("fails with RecordNotFound for a job nobody stored", () =>
        withSubject(async (subject) => {
          const error = await failureOf(
            subject.encodeJobs.compareAndSetState(
              "no-such-job",
              ["Submitted"],
              { state: "Complete" },
              instant(),
            ),
          );

          expect(error).toMatchObject({ _tag: "RecordNotFound", entity: "EncodeJob", id: "no-such-job" });
        }));

      it("lets exactly one of two racing outcomes through", () =>
        withSubject(async (subject) => {
          const video = await storedVideo(subject);
          const job = await run(subject.encodeJobs.insert(anEncodeJob().forVideo(video).build()));
          const apply = (state: EncodeJobState) =>
            subject.encodeJobs.compareAndSetState(
              job.id,
              ["Submitted", "Progressing"],
              { state },
              instant(1),
            );

          const outcomes = await run(Effect.all([apply("Complete"), apply("Error")], { concurrency: 2 }));

          const applied = outcomes.filter(Option.isSome).map((outcome) => outcome.value.state);
          expect(applied).toHaveLength(1);
          expect((await found(subject.encodeJobs.findById(job.id))).state).toBe(applied[0]);
        }));
    });

    it("finds a video's newest job by creation time", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const other = await storedVideo(subject);
        await run(subject.encodeJobs.insert(anEncodeJob().forVideo(video).createdAt(instant(0)).build()));
        const newest = await run(
          subject.encodeJobs.insert(anEncodeJob().forVideo(video).createdAt(instant(20)).build()),
        );
        await run(subject.encodeJobs.insert(anEncodeJob().forVideo(video).createdAt(instant(10)).build()));
        await run(subject.encodeJobs.insert(anEncodeJob().forVideo(other).createdAt(instant(30)).build()));

        expect(await found(subject.encodeJobs.latestForVideo(video.key))).toEqual(newest);
        expect(await run(subject.encodeJobs.latestForVideo((await storedVideo(subject)).key))).toEqual(
          Option.none(),
        );
      }));

    it("lists Submitted and Progressing jobs created before a time, oldest first, up to the limit", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const job = (state: EncodeJobState, seconds: number) =>
          run(
            subject.encodeJobs.insert(
              anEncodeJob().forVideo(video).with({ state }).createdAt(instant(seconds)).build(),
            ),
          );
        const progressing = await job("Progressing", -300);
        const oldest = await job("Submitted", -600);
        const submitted = await job("Submitted", -120);
        await job("Submitted", 0);
        await job("Complete", -900);
        await job("Error", -900);
        await job("Warning", -900);

        const all = await run(subject.encodeJobs.listInFlightSince(instant(0), 10));
        const two = await run(subject.encodeJobs.listInFlightSince(instant(0), 2));

        expect(all.map((found) => found.id)).toEqual([oldest.id, progressing.id, submitted.id]);
        expect(two.map((found) => found.id)).toEqual([oldest.id, progressing.id]);
      }));
  });
};
