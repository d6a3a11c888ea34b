import { Effect, Option } from "effect";
import { describe, expect, it } from "vitest";
import type { WatchBucketSource } from "../ports/watch-bucket-claim-repository.js";
import { aVideoKey, testUuid } from "../testing/builders.js";
import { failureOf, found, run } from "../testing/effect-outcomes.js";
import { instant, storeIn } from "../testing/stored-test-data.js";
import { withRepositories } from "./repository-contract-support.js";
import type { MakeRepositories } from "./repository-contract-subject.js";

const aSource = (overrides: Partial<WatchBucketSource> = {}): WatchBucketSource => ({
  sourceKey: `Physics-lec-mit-0000-2017apr06-0404-L01-${testUuid()}.mp4`,
  etag: `"${testUuid().replaceAll("-", "")}"`,
  ...overrides,
});

/** What every WatchBucketClaimRepository must do; `make` returns fresh, empty repositories. */
export const describeWatchBucketClaimRepositoryContract = (name: string, make: MakeRepositories): void => {
  describe(`WatchBucketClaimRepository contract: ${name}`, () => {
    const withSubject = withRepositories(make);

    it("claims a file once and answers AlreadyClaimed with the stored claim after that", () =>
      withSubject(async (subject) => {
        const source = aSource();

        const first = await run(subject.watchBucketClaims.claim(source, instant()));
        const second = await run(subject.watchBucketClaims.claim(source, instant(5)));

        const claim = {
          ...source,
          state: "InProgress",
          videoKey: null,
          failureReason: null,
          attempts: 1,
          claimedAt: instant(),
          updatedAt: instant(),
        };
        expect(first).toEqual({ _tag: "Claimed", claim });
        expect(second).toEqual({ _tag: "AlreadyClaimed", existing: claim });
        expect(await found(subject.watchBucketClaims.find(source))).toEqual(claim);
      }));

    it("lets exactly one of two simultaneous claims of the same file win", () =>
      withSubject(async (subject) => {
        const source = aSource();
        const results = await run(
          Effect.all(
            [
              subject.watchBucketClaims.claim(source, instant()),
              subject.watchBucketClaims.claim(source, instant()),
            ],
            { concurrency: "unbounded" },
          ),
        );
        expect(results.map((result) => result._tag).sort()).toEqual(["AlreadyClaimed", "Claimed"]);
      }));

    it("tells apart the same key with another ETag, and another key with the same ETag", () =>
      withSubject(async (subject) => {
        const source = aSource();
        await run(subject.watchBucketClaims.claim(source, instant()));

        const reuploaded = await run(
          subject.watchBucketClaims.claim({ ...source, etag: '"another-etag"' }, instant()),
        );
        const renamed = await run(
          subject.watchBucketClaims.claim(
            { ...source, sourceKey: `${source.sourceKey}.copy.mp4` },
            instant(),
          ),
        );

        expect([reuploaded._tag, renamed._tag]).toEqual(["Claimed", "Claimed"]);
      }));

    it("records the video an attempt made, and an ingested claim is never taken again", () =>
      withSubject(async (subject) => {
        const video = await storeIn(subject).video(await storeIn(subject).collection());
        const source = aSource();
        await run(subject.watchBucketClaims.claim(source, instant()));

        const ingested = await run(subject.watchBucketClaims.markIngested(source, 1, video.key, instant(3)));

        expect(ingested).toMatchObject({
          state: "Ingested",
          videoKey: video.key,
          failureReason: null,
          attempts: 1,
          claimedAt: instant(),
          updatedAt: instant(3),
        });
        expect(await run(subject.watchBucketClaims.reclaim(source, instant(9), instant(3600)))).toEqual(
          Option.none(),
        );
        const again = await run(subject.watchBucketClaims.claim(source, instant(9)));
        expect(again._tag === "AlreadyClaimed" && again.existing.state).toBe("Ingested");
      }));

    it("records why an attempt failed and takes the claim again for the next attempt", () =>
      withSubject(async (subject) => {
        const source = aSource();
        await run(subject.watchBucketClaims.claim(source, instant()));

        const failed = await run(
          subject.watchBucketClaims.markFailed(source, 1, "no user lecture-capture@example.edu", instant(2)),
        );
        const retried = await found(subject.watchBucketClaims.reclaim(source, instant(900), instant(0)));

        expect(failed).toMatchObject({
          state: "Failed",
          failureReason: "no user lecture-capture@example.edu",
          attempts: 1,
          updatedAt: instant(2),
        });
        expect(retried).toMatchObject({
          state: "InProgress",
          failureReason: null,
          attempts: 2,
          claimedAt: instant(900),
          updatedAt: instant(900),
        });
        // Taken again, it is held: a second reclaim gets nothing.
        expect(await run(subject.watchBucketClaims.reclaim(source, instant(901), instant(0)))).toEqual(
          Option.none(),
        );
      }));

    it("takes back a claim in progress only when it was last touched before the given time", () =>
      withSubject(async (subject) => {
        const source = aSource();
        await run(subject.watchBucketClaims.claim(source, instant(10)));

        const live = await run(subject.watchBucketClaims.reclaim(source, instant(20), instant(10)));
        const abandoned = await run(subject.watchBucketClaims.reclaim(source, instant(30), instant(11)));

        expect(live).toEqual(Option.none());
        expect(Option.map(abandoned, (claim) => claim.attempts)).toEqual(Option.some(2));
      }));

    it("lets only the latest attempt record an outcome", () =>
      withSubject(async (subject) => {
        const video = await storeIn(subject).video(await storeIn(subject).collection());
        const source = aSource();
        await run(subject.watchBucketClaims.claim(source, instant()));
        await run(subject.watchBucketClaims.reclaim(source, instant(60), instant(1)));

        const staleSuccess = await failureOf(
          subject.watchBucketClaims.markIngested(source, 1, video.key, instant(61)),
        );
        const staleFailure = await failureOf(
          subject.watchBucketClaims.markFailed(source, 1, "late", instant(61)),
        );
        const unclaimed = await failureOf(
          subject.watchBucketClaims.markFailed(aSource(), 1, "never", instant()),
        );

        expect(staleSuccess).toMatchObject({ _tag: "ClaimLost", sourceKey: source.sourceKey, attempt: 1 });
        expect(staleFailure._tag).toBe("ClaimLost");
        expect(unclaimed._tag).toBe("ClaimLost");
        expect(await found(subject.watchBucketClaims.find(source))).toMatchObject({
          state: "InProgress",
          attempts: 2,
        });
        // An outcome, once recorded, ends the attempt: it cannot be recorded a second time.
        await run(subject.watchBucketClaims.markIngested(source, 2, video.key, instant(62)));
        expect(
          (await failureOf(subject.watchBucketClaims.markFailed(source, 2, "late", instant(63))))._tag,
        ).toBe("ClaimLost");
      }));

    it("refuses to record a video that does not exist and leaves the claim in progress", () =>
      withSubject(async (subject) => {
        const source = aSource();
        await run(subject.watchBucketClaims.claim(source, instant()));

        const error = await failureOf(
          subject.watchBucketClaims.markIngested(source, 1, aVideoKey(), instant(1)),
        );

        expect(error).toMatchObject({ _tag: "RecordNotFound", entity: "Video" });
        expect((await found(subject.watchBucketClaims.find(source))).state).toBe("InProgress");
      }));

    it("keeps an ingested claim when its video is deleted, so the file is not ingested again", () =>
      withSubject(async (subject) => {
        const video = await storeIn(subject).video(await storeIn(subject).collection());
        const source = aSource();
        await run(subject.watchBucketClaims.claim(source, instant()));
        await run(subject.watchBucketClaims.markIngested(source, 1, video.key, instant(1)));

        await run(subject.videos.delete(video.key));

        expect(await found(subject.watchBucketClaims.find(source))).toMatchObject({
          state: "Ingested",
          videoKey: null,
        });
        expect((await run(subject.watchBucketClaims.claim(source, instant(2))))._tag).toBe("AlreadyClaimed");
      }));

    it("rolls a claim and its outcome back with the unit of work", () =>
      withSubject(async (subject) => {
        const video = await storeIn(subject).video(await storeIn(subject).collection());
        const rolledBack = aSource();
        const kept = aSource();
        await run(subject.watchBucketClaims.claim(kept, instant()));

        await Effect.runPromiseExit(
          subject.unitOfWork.transaction(
            Effect.gen(function* () {
              yield* subject.watchBucketClaims.claim(rolledBack, instant());
              yield* subject.watchBucketClaims.markIngested(kept, 1, video.key, instant(1));
              return yield* Effect.fail("abort");
            }),
          ),
        );

        expect(await run(subject.watchBucketClaims.find(rolledBack))).toEqual(Option.none());
        expect((await found(subject.watchBucketClaims.find(kept))).state).toBe("InProgress");
      }));

    it("answers None for a file never claimed", () =>
      withSubject(async (subject) => {
        expect(await run(subject.watchBucketClaims.find(aSource()))).toEqual(Option.none());
        expect(await run(subject.watchBucketClaims.reclaim(aSource(), instant(), instant(60)))).toEqual(
          Option.none(),
        );
      }));
  });
};
