import { Cause, Effect, Either, Exit, Option } from "effect";
import { describe, expect, it } from "vitest";
import { StatusConflict } from "../ports/video-repository.js";
import { aCollection, aVideo } from "../testing/builders.js";
import { found, run } from "../testing/effect-outcomes.js";
import { instant, storeIn } from "../testing/stored-test-data.js";
import { withRepositories } from "./repository-contract-support.js";
import type { MakeRepositories } from "./repository-contract-subject.js";

/**
 * What every UnitOfWork must do together with the repositories and the job queue of the same
 * store. Run it with a factory that returns fresh, empty repositories:
 * `describeUnitOfWorkContract("postgres", makeRepositories)`.
 */
export const describeUnitOfWorkContract = (name: string, make: MakeRepositories): void => {
  describe(`UnitOfWork contract: ${name}`, () => {
    const withSubject = withRepositories(make);

    it("commits the writes and the jobs of a transaction that succeeds, and returns its value", () =>
      withSubject(async (subject) => {
        const collection = await storeIn(subject).collection();
        const video = aVideo().inCollection(collection).build();

        const result = await run(
          subject.unitOfWork.transaction(
            Effect.gen(function* () {
              yield* subject.videos.insert(video);
              yield* subject.jobs.enqueue("video.ingest", { videoKey: video.key });
              return "done";
            }),
          ),
        );

        expect(result).toBe("done");
        expect(await found(subject.videos.findByKey(video.key))).toEqual(video);
        expect(await subject.pendingJobs()).toEqual([
          { queue: "video.ingest", payload: { videoKey: video.key } },
        ]);
      }));

    it("rolls back the writes and the jobs of a transaction that fails, and fails with its error", () =>
      withSubject(async (subject) => {
        const collection = await storeIn(subject).collection();
        const video = aVideo().inCollection(collection).build();

        const exit = await Effect.runPromiseExit(
          subject.unitOfWork.transaction(
            Effect.gen(function* () {
              yield* subject.videos.insert(video);
              yield* subject.jobs.enqueue("video.ingest", { videoKey: video.key });
              return yield* Effect.fail("source refused" as const);
            }),
          ),
        );

        expect(exit).toSatisfy(Exit.isFailure);
        expect(Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()).toEqual(
          Option.some("source refused"),
        );
        expect(await run(subject.videos.findByKey(video.key))).toEqual(Option.none());
        expect(await subject.pendingJobs()).toEqual([]);
      }));

    it("rolls back when the work dies with a defect", () =>
      withSubject(async (subject) => {
        const collection = await storeIn(subject).collection();
        const video = aVideo().inCollection(collection).build();

        const exit = await Effect.runPromiseExit(
          subject.unitOfWork.transaction(
            Effect.gen(function* () {
              yield* subject.videos.insert(video);
              yield* subject.jobs.enqueue("video.transcode", { videoKey: video.key });
              return yield* Effect.die(new Error("bug in the handler"));
            }),
          ),
        );

        expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(true);
        expect(await run(subject.videos.findByKey(video.key))).toEqual(Option.none());
        expect(await subject.pendingJobs()).toEqual([]);
      }));

    it("rolls back when the work is interrupted", () =>
      withSubject(async (subject) => {
        const collection = await storeIn(subject).collection();
        const video = aVideo().inCollection(collection).build();

        const exit = await Effect.runPromiseExit(
          subject.unitOfWork.transaction(Effect.andThen(subject.videos.insert(video), Effect.interrupt)),
        );

        expect(Exit.isInterrupted(exit)).toBe(true);
        expect(await run(subject.videos.findByKey(video.key))).toEqual(Option.none());
      }));

    it("undoes updates and cascading deletes of committed rows, not only inserts", () =>
      withSubject(async (subject) => {
        const store = storeIn(subject);
        const collection = await store.collection(aCollection().titled("Before"));
        const video = await store.video(collection, aVideo().withStatus("Complete"));

        await Effect.runPromiseExit(
          subject.unitOfWork.transaction(
            Effect.gen(function* () {
              yield* subject.collections.update({ ...collection, title: "After", updatedAt: instant(60) });
              yield* subject.videos.compareAndSetStatus(
                video.key,
                ["Complete"],
                "Retranscode scheduled",
                instant(60),
              );
              yield* subject.collections.delete(collection.key);
              return yield* Effect.fail("changed my mind");
            }),
          ),
        );

        expect(await found(subject.collections.findByKey(collection.key))).toEqual(collection);
        expect(await found(subject.videos.findByKey(video.key))).toEqual(video);
      }));

    it("lets the work read its own writes before they commit", () =>
      withSubject(async (subject) => {
        const collection = await storeIn(subject).collection();
        const video = aVideo().inCollection(collection).build();

        const seen = await run(
          subject.unitOfWork.transaction(
            Effect.andThen(subject.videos.insert(video), () => subject.videos.findByKey(video.key)),
          ),
        );

        expect(Option.map(seen, (stored) => stored.key)).toEqual(Option.some(video.key));
      }));

    it("rolls a nested transaction back with its outer one", () =>
      withSubject(async (subject) => {
        const collection = await storeIn(subject).collection();
        const outerVideo = aVideo().inCollection(collection).build();
        const innerVideo = aVideo().inCollection(collection).build();

        const exit = await Effect.runPromiseExit(
          subject.unitOfWork.transaction(
            Effect.gen(function* () {
              yield* subject.videos.insert(outerVideo);
              yield* subject.unitOfWork.transaction(
                Effect.gen(function* () {
                  yield* subject.videos.insert(innerVideo);
                  yield* subject.jobs.enqueue("video.ingest", { videoKey: innerVideo.key });
                }),
              );
              return yield* Effect.fail("outer failed after the inner succeeded");
            }),
          ),
        );

        expect(exit).toSatisfy(Exit.isFailure);
        expect(await run(subject.videos.findByKey(outerVideo.key))).toEqual(Option.none());
        expect(await run(subject.videos.findByKey(innerVideo.key))).toEqual(Option.none());
        expect(await subject.pendingJobs()).toEqual([]);
      }));

    it("treats a nested transaction as a savepoint: its failure undoes only its own writes", () =>
      withSubject(async (subject) => {
        const collection = await storeIn(subject).collection();
        const outerVideo = aVideo().inCollection(collection).build();
        const innerVideo = aVideo().inCollection(collection).build();

        const innerOutcome = await run(
          subject.unitOfWork.transaction(
            Effect.gen(function* () {
              yield* subject.videos.insert(outerVideo);
              return yield* Effect.either(
                subject.unitOfWork.transaction(
                  Effect.gen(function* () {
                    yield* subject.videos.insert(innerVideo);
                    yield* subject.jobs.enqueue("video.ingest", { videoKey: innerVideo.key });
                    return yield* Effect.fail("inner failed");
                  }),
                ),
              );
            }),
          ),
        );

        expect(innerOutcome).toEqual(Either.left("inner failed"));
        expect(await found(subject.videos.findByKey(outerVideo.key))).toEqual(outerVideo);
        expect(await run(subject.videos.findByKey(innerVideo.key))).toEqual(Option.none());
        expect(await subject.pendingJobs()).toEqual([]);
      }));

    it("commits a nested transaction's writes with a successful outer one", () =>
      withSubject(async (subject) => {
        const collection = await storeIn(subject).collection();
        const innerVideo = aVideo().inCollection(collection).build();

        await run(
          subject.unitOfWork.transaction(
            subject.unitOfWork.transaction(
              Effect.andThen(subject.videos.insert(innerVideo), () =>
                subject.jobs.enqueue("video.ingest", { videoKey: innerVideo.key }),
              ),
            ),
          ),
        );

        expect(await found(subject.videos.findByKey(innerVideo.key))).toEqual(innerVideo);
        expect(await subject.pendingJobs()).toEqual([
          { queue: "video.ingest", payload: { videoKey: innerVideo.key } },
        ]);
      }));

    it("lets exactly one of two racing transactions move a video out of a status", () =>
      withSubject(async (subject) => {
        const store = storeIn(subject);
        const video = await store.video(await store.collection(), aVideo().withStatus("Upload failed"));
        const retry = (job: "video.ingest" | "video.transcode") =>
          Effect.either(
            subject.unitOfWork.transaction(
              Effect.gen(function* () {
                yield* subject.videos.compareAndSetStatus(
                  video.key,
                  ["Upload failed"],
                  "Created",
                  instant(1),
                );
                yield* subject.jobs.enqueue(job, { videoKey: video.key });
              }),
            ),
          );

        const outcomes = await run(
          Effect.all([retry("video.ingest"), retry("video.transcode")], { concurrency: 2 }),
        );

        expect(outcomes.filter(Either.isRight)).toHaveLength(1);
        expect(outcomes.filter(Either.isLeft).map((outcome) => outcome.left)).toEqual([
          expect.any(StatusConflict),
        ]);
        expect(await subject.pendingJobs()).toHaveLength(1);
      }));
  });
};
