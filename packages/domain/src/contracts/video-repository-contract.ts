import { Effect, Either, Option } from "effect";
import { describe, expect, it } from "vitest";
import type { Principal } from "../model/user.js";
import { anonymous, userPrincipal } from "../model/user.js";
import type { Video } from "../model/video.js";
import { videoVisibilityFilter } from "../policy/access.js";
import type { PageRequest } from "../ports/pagination.js";
import { InvalidCursor, after, firstPage, pageNumber } from "../ports/pagination.js";
import { RecordNotFound, UniqueViolation } from "../ports/persistence-errors.js";
import type { VideoListQuery, VideoOrdering } from "../ports/video-repository.js";
import { StatusConflict } from "../ports/video-repository.js";
import { aCollection, aUser, aVideo, anEncodeJob } from "../testing/builders.js";
import { EVERYTHING, instant, storeIn } from "../testing/stored-test-data.js";
import {
  byKeyAscending,
  byKeyDescending,
  keysOf,
  sortedKeys,
  walkWithCursors,
  withRepositories,
} from "./repository-contract-support.js";
import { failureOf, found, run } from "../testing/effect-outcomes.js";
import type { MakeRepositories, RepositoryContractSubject } from "./repository-contract-subject.js";

const sorted = (keys: ReadonlyArray<string>): ReadonlyArray<string> => [...keys].sort();

/**
 * What every VideoRepository must do. Run it with a factory that returns fresh, empty
 * repositories: `describeVideoRepositoryContract("postgres", makeRepositories)`.
 */
export const describeVideoRepositoryContract = (name: string, make: MakeRepositories): void => {
  describe(`VideoRepository contract: ${name}`, () => {
    const withSubject = withRepositories(make);

    const listKeys = async (
      subject: RepositoryContractSubject,
      query: Omit<VideoListQuery, "visibility"> & Partial<Pick<VideoListQuery, "visibility">>,
      request: PageRequest = pageNumber(1, 100),
    ): Promise<ReadonlyArray<string>> =>
      keysOf((await run(subject.videos.list({ visibility: EVERYTHING, ...query }, request))).items);

    const listAll =
      (subject: RepositoryContractSubject, ordering?: VideoOrdering) => (request: PageRequest) =>
        subject.videos.list(
          ordering === undefined ? { visibility: EVERYTHING } : { visibility: EVERYTHING, ordering },
          request,
        );

    describe("storing and finding", () => {
      it("keeps every field of a video, dates, lists and nullable fields included", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          await store.groups("viewers-b", "viewers-a");
          const video = aVideo()
            .inCollection(collection)
            .with({
              title: "Lecture 1: Kinematics",
              description: "Position, velocity and acceleration.",
              sourceUrl: "https://www.dropbox.com/s/xyz/lecture-1.mov?dl=0",
              status: "Retranscode failed error",
              multiangle: true,
              viewLists: ["viewers-b", "viewers-a"],
              isPublic: true,
              isPrivate: true,
              isLoggedInOnly: true,
              customOrder: 7,
              scheduleRetranscode: true,
              duration: 3723.456,
              ctaLink: "https://learn.example.edu/course/8.01",
              createdAt: instant(),
              updatedAt: instant(45),
            })
            .build();

          expect(await run(subject.videos.insert(video))).toEqual(video);
          expect(await found(subject.videos.findByKey(video.key))).toEqual(video);
        }));

      it("keeps default and null fields as they were written", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const video = await store.video(await store.collection());

          const stored = await found(subject.videos.findByKey(video.key));

          expect(stored).toEqual(video);
          expect(stored).toMatchObject({
            customOrder: null,
            ctaLink: null,
            description: "",
            duration: 0,
            viewLists: [],
          });
        }));

      it("answers None for a key nobody stored", () =>
        withSubject(async (subject) => {
          expect(await run(subject.videos.findByKey(aVideo().build().key))).toEqual(Option.none());
          expect(await run(subject.videos.findDetailsByKey(aVideo().build().key))).toEqual(Option.none());
        }));

      it("refuses a second video with the same key", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          const first = await store.video(collection);

          const error = await failureOf(
            subject.videos.insert(aVideo().inCollection(collection).with({ key: first.key }).build()),
          );

          expect(error).toBeInstanceOf(UniqueViolation);
          expect(error).toMatchObject({ entity: "Video", field: "key", value: first.key });
        }));

      it("refuses a video whose collection does not exist", () =>
        withSubject(async (subject) => {
          const video = aVideo().build();

          const error = await failureOf(subject.videos.insert(video));

          expect(error).toBeInstanceOf(RecordNotFound);
          expect(error).toMatchObject({ entity: "Collection", id: video.collectionKey });
          expect(await run(subject.videos.findByKey(video.key))).toEqual(Option.none());
        }));

      it("refuses view lists naming an access group nobody created", () =>
        withSubject(async (subject) => {
          const collection = await storeIn(subject).collection();
          const video = aVideo().inCollection(collection).withViewLists("ghosts").build();

          const error = await failureOf(subject.videos.insert(video));

          expect(error).toBeInstanceOf(RecordNotFound);
          expect(error).toMatchObject({ entity: "AccessGroup", id: "ghosts" });
          expect(await run(subject.videos.findByKey(video.key))).toEqual(Option.none());
        }));
    });

    describe("updating", () => {
      it("replaces the editable fields, keeps key, collection, status and createdAt, and sets updatedAt", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          const elsewhere = await store.collection();
          const video = await store.video(
            collection,
            aVideo().withStatus("Transcoding").createdAt(instant()),
          );
          await store.groups("new-viewers");
          const changes: Video = {
            ...video,
            collectionKey: elsewhere.key,
            status: "Complete",
            title: "Renamed",
            description: "Described",
            sourceUrl: "https://example.edu/replacement.mp4",
            multiangle: true,
            viewLists: ["new-viewers"],
            isPublic: true,
            isPrivate: true,
            isLoggedInOnly: true,
            customOrder: 3,
            scheduleRetranscode: true,
            duration: 12.5,
            ctaLink: "https://example.edu/enroll",
            createdAt: instant(5000),
            updatedAt: instant(120),
          };

          const updated = await run(subject.videos.update(changes));

          const expected: Video = {
            ...changes,
            collectionKey: collection.key,
            status: "Transcoding",
            createdAt: video.createdAt,
          };
          expect(updated).toEqual(expected);
          expect(await found(subject.videos.findByKey(video.key))).toEqual(expected);
        }));

      it("fails with RecordNotFound for a video nobody stored", () =>
        withSubject(async (subject) => {
          const video = aVideo().build();

          const error = await failureOf(subject.videos.update(video));

          expect(error).toBeInstanceOf(RecordNotFound);
          expect(error).toMatchObject({ entity: "Video", id: video.key });
        }));

      it("refuses view lists naming an unknown access group and keeps the stored video", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const video = await store.video(await store.collection());

          const error = await failureOf(
            subject.videos.update({ ...video, title: "Changed", viewLists: ["ghosts"] }),
          );

          expect(error).toMatchObject({ _tag: "RecordNotFound", entity: "AccessGroup", id: "ghosts" });
          expect(await found(subject.videos.findByKey(video.key))).toEqual(video);
        }));
    });

    describe("changing status with compare-and-set", () => {
      it("moves a video in an expected status, writes the given fields and sets updatedAt", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const video = await store.video(
            await store.collection(),
            aVideo().withStatus("Transcoding").with({ scheduleRetranscode: true }),
          );

          const moved = await run(
            subject.videos.compareAndSetStatus(
              video.key,
              ["Uploading", "Transcoding"],
              "Complete",
              instant(600),
              {
                duration: 61.5,
                scheduleRetranscode: false,
                sourceUrl: "https://example.edu/new-source.mp4",
              },
            ),
          );

          const expected: Video = {
            ...video,
            status: "Complete",
            duration: 61.5,
            scheduleRetranscode: false,
            sourceUrl: "https://example.edu/new-source.mp4",
            updatedAt: instant(600),
          };
          expect(moved).toEqual(expected);
          expect(await found(subject.videos.findByKey(video.key))).toEqual(expected);
        }));

      it("leaves fields that were not given alone", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const video = await store.video(
            await store.collection(),
            aVideo().withDuration(42).withStatus("Created"),
          );

          const moved = await run(
            subject.videos.compareAndSetStatus(video.key, ["Created"], "Uploading", instant(1)),
          );

          expect(moved).toEqual({ ...video, status: "Uploading", updatedAt: instant(1) });
        }));

      it("refuses with StatusConflict naming the actual status when the stored status is not expected", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const video = await store.video(await store.collection(), aVideo().withStatus("Complete"));

          const error = await failureOf(
            subject.videos.compareAndSetStatus(
              video.key,
              ["Transcoding", "Retranscoding"],
              "Complete",
              instant(1),
            ),
          );

          expect(error).toBeInstanceOf(StatusConflict);
          expect(error).toMatchObject({
            videoKey: video.key,
            expected: ["Transcoding", "Retranscoding"],
            actual: "Complete",
          });
          expect(await found(subject.videos.findByKey(video.key))).toEqual(video);
        }));

      it("fails with RecordNotFound for a video nobody stored", () =>
        withSubject(async (subject) => {
          const video = aVideo().build();

          const error = await failureOf(
            subject.videos.compareAndSetStatus(video.key, ["Created"], "Uploading", instant()),
          );

          expect(error).toMatchObject({ _tag: "RecordNotFound", entity: "Video", id: video.key });
        }));

      it("lets exactly one of two racing writers win", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const video = await store.video(await store.collection(), aVideo().withStatus("Transcoding"));
          const attempt = (next: "Complete" | "Transcode failed video error") =>
            Effect.either(subject.videos.compareAndSetStatus(video.key, ["Transcoding"], next, instant(10)));

          const outcomes = await run(
            Effect.all([attempt("Complete"), attempt("Transcode failed video error")], { concurrency: 2 }),
          );

          const winners = outcomes.filter(Either.isRight).map((outcome) => outcome.right.status);
          const losers = outcomes.filter(Either.isLeft).map((outcome) => outcome.left);
          expect(winners).toHaveLength(1);
          expect(losers).toHaveLength(1);
          expect(losers[0]).toBeInstanceOf(StatusConflict);
          expect(losers[0]).toMatchObject({ actual: winners[0] });
          expect((await found(subject.videos.findByKey(video.key))).status).toBe(winners[0]);
        }));
    });

    describe("touching and deleting", () => {
      it("touch sets updatedAt and nothing else", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const video = await store.video(await store.collection(), aVideo().withStatus("Uploading"));

          await run(subject.videos.touch(video.key, instant(3600)));

          expect(await found(subject.videos.findByKey(video.key))).toEqual({
            ...video,
            updatedAt: instant(3600),
          });
        }));

      it("touch fails with RecordNotFound for a video nobody stored", () =>
        withSubject(async (subject) => {
          const video = aVideo().build();

          expect(await failureOf(subject.videos.touch(video.key, instant()))).toMatchObject({
            _tag: "RecordNotFound",
            entity: "Video",
            id: video.key,
          });
        }));

      it("delete removes the video with its files, thumbnails, subtitles, jobs and YouTube row, and nothing of others", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          const doomed = await store.video(collection);
          const neighbour = await store.video(collection);
          const at = instant();
          for (const video of [doomed, neighbour]) {
            const hex = video.key.replaceAll("-", "");
            await run(
              subject.videoFiles.insert(
                {
                  videoKey: video.key,
                  s3ObjectKey: `${hex}/video.mp4`,
                  bucketName: "uploads",
                  encoding: "original",
                },
                at,
              ),
            );
            await run(
              subject.videoThumbnails.upsertByKey(
                {
                  videoKey: video.key,
                  s3ObjectKey: `thumbnails/${hex}/t.jpg`,
                  bucketName: "t",
                  maxWidth: null,
                  maxHeight: null,
                },
                at,
              ),
            );
            await run(
              subject.videoSubtitles.upsertForLanguage(
                {
                  videoKey: video.key,
                  language: "en",
                  filename: "a.srt",
                  s3ObjectKey: `subtitles/${hex}/en.vtt`,
                  bucketName: "s",
                },
                at,
              ),
            );
            await run(
              subject.youtubeVideos.upsert({
                videoKey: video.key,
                youtubeId: null,
                status: "uploading",
                createdAt: at,
                updatedAt: at,
              }),
            );
          }
          const job = await run(subject.encodeJobs.insert(anEncodeJob().forVideo(doomed).build()));

          await run(subject.videos.delete(doomed.key));

          expect(await run(subject.videos.findByKey(doomed.key))).toEqual(Option.none());
          expect(await run(subject.videoFiles.listForVideo(doomed.key))).toEqual([]);
          expect(await run(subject.videoThumbnails.listForVideo(doomed.key))).toEqual([]);
          expect(await run(subject.videoSubtitles.listForVideo(doomed.key))).toEqual([]);
          expect(await run(subject.encodeJobs.findById(job.id))).toEqual(Option.none());
          expect(await run(subject.youtubeVideos.findByVideo(doomed.key))).toEqual(Option.none());
          expect(await run(subject.videoFiles.listForVideo(neighbour.key))).toHaveLength(1);
          expect(await run(subject.videoThumbnails.listForVideo(neighbour.key))).toHaveLength(1);
          expect(await run(subject.videoSubtitles.listForVideo(neighbour.key))).toHaveLength(1);
          expect(await run(subject.youtubeVideos.findByVideo(neighbour.key))).toSatisfy(Option.isSome);
          expect(await found(subject.collections.findByKey(collection.key))).toEqual(collection);
        }));

      it("delete fails with RecordNotFound for a video nobody stored", () =>
        withSubject(async (subject) => {
          const video = aVideo().build();

          expect(await failureOf(subject.videos.delete(video.key))).toMatchObject({
            _tag: "RecordNotFound",
            entity: "Video",
            id: video.key,
          });
        }));
    });

    describe("details", () => {
      it("loads a video with its collection, files in insertion order, thumbnails newest first, subtitles in insertion order and YouTube row", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          const video = await store.video(collection);
          const hex = video.key.replaceAll("-", "");
          const original = await run(
            subject.videoFiles.insert(
              {
                videoKey: video.key,
                s3ObjectKey: `${hex}/video.mp4`,
                bucketName: "uploads",
                encoding: "original",
              },
              instant(0),
            ),
          );
          const hls = await run(
            subject.videoFiles.insert(
              {
                videoKey: video.key,
                s3ObjectKey: `transcoded/${hex}/video__index.m3u8`,
                bucketName: "transcoded",
                encoding: "HLS",
                presetId: "",
              },
              instant(1),
            ),
          );
          const mp4 = await run(
            subject.videoFiles.insert(
              {
                videoKey: video.key,
                s3ObjectKey: `transcoded/${hex}/video_custom.mp4`,
                bucketName: "transcoded",
                encoding: "desktop_mp4",
                presetId: "",
              },
              instant(2),
            ),
          );
          const older = await run(
            subject.videoThumbnails.upsertByKey(
              {
                videoKey: video.key,
                s3ObjectKey: `thumbnails/${hex}/a.jpg`,
                bucketName: "thumbs",
                maxWidth: 640,
                maxHeight: 360,
              },
              instant(0),
            ),
          );
          const newer = await run(
            subject.videoThumbnails.upsertByKey(
              {
                videoKey: video.key,
                s3ObjectKey: `thumbnails/${hex}/b.jpg`,
                bucketName: "thumbs",
                maxWidth: 320,
                maxHeight: 180,
              },
              instant(30),
            ),
          );
          const french = await run(
            subject.videoSubtitles.upsertForLanguage(
              {
                videoKey: video.key,
                language: "fr",
                filename: "fr.srt",
                s3ObjectKey: `subtitles/${hex}/fr.vtt`,
                bucketName: "subs",
              },
              instant(0),
            ),
          );
          const english = await run(
            subject.videoSubtitles.upsertForLanguage(
              {
                videoKey: video.key,
                language: "en",
                filename: "en.vtt",
                s3ObjectKey: `subtitles/${hex}/en.vtt`,
                bucketName: "subs",
              },
              instant(1),
            ),
          );
          const youtube = await run(
            subject.youtubeVideos.upsert({
              videoKey: video.key,
              youtubeId: "abcdefghijk",
              status: "processed",
              createdAt: instant(),
              updatedAt: instant(),
            }),
          );

          const details = await found(subject.videos.findDetailsByKey(video.key));

          expect(details).toEqual({
            video,
            collection,
            files: [original, hls, mp4],
            thumbnails: [newer, older],
            subtitles: [french.subtitle, english.subtitle],
            youtube,
          });
        }));

      it("gives empty lists and a null YouTube row for a video without any", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          const video = await store.video(collection);

          expect(await found(subject.videos.findDetailsByKey(video.key))).toEqual({
            video,
            collection,
            files: [],
            thumbnails: [],
            subtitles: [],
            youtube: null,
          });
        }));

      it("lists details with the same filters, order and paging as the plain list", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          await store.video(collection);
          const earliest = await store.video(collection, aVideo().public().createdAt(instant(0)));
          const shown = [
            earliest,
            await store.video(collection, aVideo().public().createdAt(instant(1))),
            await store.video(collection, aVideo().public().createdAt(instant(2))),
          ];
          await run(
            subject.videoFiles.insert(
              {
                videoKey: earliest.key,
                s3ObjectKey: "first/video.mp4",
                bucketName: "uploads",
                encoding: "original",
              },
              instant(),
            ),
          );
          const query: VideoListQuery = {
            visibility: videoVisibilityFilter(anonymous),
            ordering: "created_at",
          };

          const page = await run(subject.videos.listDetails(query, pageNumber(1, 2)));
          const plain = await run(subject.videos.list(query, pageNumber(1, 2)));

          expect(page.items.map((details) => details.video)).toEqual(plain.items);
          expect(keysOf(plain.items)).toEqual(keysOf(shown.slice(0, 2)));
          expect(page.total).toBe(3);
          expect(page.items.map((details) => details.files.length)).toEqual([1, 0]);
          expect(page.items.every((details) => details.collection.key === collection.key)).toBe(true);
          const rest = await run(subject.videos.listDetails(query, after(page.nextCursor, 2)));
          expect(rest.items.map((details) => details.video.key)).toEqual(keysOf(shown.slice(2)));
          expect(rest.nextCursor).toBeNull();
        }));
    });

    describe("list filters", () => {
      it("filters by collection and by exact status", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const first = await store.collection();
          const second = await store.collection();
          const complete = await store.video(first, aVideo().withStatus("Complete"));
          const transcoding = await store.video(first, aVideo().withStatus("Transcoding"));
          const elsewhere = await store.video(second, aVideo().withStatus("Complete"));

          expect(sorted(await listKeys(subject, { collectionKey: first.key }))).toEqual(
            sorted([complete.key, transcoding.key]),
          );
          expect(sorted(await listKeys(subject, { status: "Complete" }))).toEqual(
            sorted([complete.key, elsewhere.key]),
          );
          expect(await listKeys(subject, { collectionKey: first.key, status: "Complete" })).toEqual([
            complete.key,
          ]);
        }));

      it("filters by the collection's include-in-Learn and for-shorts flags, both ways", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const learn = await store.video(await store.collection(aCollection().inLearn()));
          const shorts = await store.video(await store.collection(aCollection().forShorts()));
          const plain = await store.video(await store.collection());

          expect(await listKeys(subject, { includeInLearn: true })).toEqual([learn.key]);
          expect(sorted(await listKeys(subject, { includeInLearn: false }))).toEqual(
            sorted([shorts.key, plain.key]),
          );
          expect(await listKeys(subject, { forShorts: true })).toEqual([shorts.key]);
          expect(sorted(await listKeys(subject, { forShorts: false }))).toEqual(
            sorted([learn.key, plain.key]),
          );
        }));

      it("matches the collection title, video title and description case-insensitively anywhere in the text", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const physics = await store.collection(aCollection().titled("Physics I: Classical Mechanics"));
          const history = await store.collection(aCollection().titled("World History"));
          const lecture = await store.video(
            physics,
            aVideo().titled("Lecture ONE").describedAs("Vectors and Kinematics"),
          );
          const recitation = await store.video(
            history,
            aVideo().titled("Recitation").describedAs("The lecture hall"),
          );

          expect(await listKeys(subject, { collectionTitleContains: "classical" })).toEqual([lecture.key]);
          expect(await listKeys(subject, { titleContains: "lecture one" })).toEqual([lecture.key]);
          expect(await listKeys(subject, { titleContains: "CITAT" })).toEqual([recitation.key]);
          expect(await listKeys(subject, { descriptionContains: "LECTURE" })).toEqual([recitation.key]);
          expect(await listKeys(subject, { descriptionContains: "kinematics" })).toEqual([lecture.key]);
          expect(await listKeys(subject, { titleContains: "chemistry" })).toEqual([]);
        }));

      it("treats % and _ in a text filter as plain characters", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          const percent = await store.video(collection, aVideo().titled("Grading: 100% of the grade"));
          const underscore = await store.video(collection, aVideo().titled("snake_case names"));
          await store.video(collection, aVideo().titled("1000 grades"));
          await store.video(collection, aVideo().titled("snakeXcase names"));

          expect(await listKeys(subject, { titleContains: "100%" })).toEqual([percent.key]);
          expect(await listKeys(subject, { titleContains: "e_c" })).toEqual([underscore.key]);
        }));

      it("search matches video title or description or collection title or description", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const byCollectionTitle = await store.collection(aCollection().titled("Quantum Fields"));
          const byCollectionDescription = await store.collection(
            aCollection().with({ description: "An introduction to QUANTUM computing" }),
          );
          const plainCollection = await store.collection(aCollection().titled("Poetry"));
          const inTitledCollection = await store.video(byCollectionTitle);
          const inDescribedCollection = await store.video(byCollectionDescription);
          const byTitle = await store.video(plainCollection, aVideo().titled("Quantum leaps"));
          const byDescription = await store.video(plainCollection, aVideo().describedAs("not so quantum"));
          await store.video(plainCollection, aVideo().titled("Sonnets").describedAs("Shakespeare"));

          expect(sorted(await listKeys(subject, { search: "quantum" }))).toEqual(
            sorted([inTitledCollection.key, inDescribedCollection.key, byTitle.key, byDescription.key]),
          );
        }));

      it("matches the collection's stream source case-insensitively and never a collection without one", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const youtube = await store.video(
            await store.collection(aCollection().with({ streamSource: "Youtube" })),
          );
          const cloudfront = await store.video(
            await store.collection(aCollection().with({ streamSource: "Cloudfront" })),
          );
          await store.video(await store.collection());

          expect(await listKeys(subject, { streamSource: "youtube" })).toEqual([youtube.key]);
          expect(await listKeys(subject, { streamSource: "CLOUDFRONT" })).toEqual([cloudfront.key]);
        }));

      it("excludes stream sources case-insensitively and keeps collections without a stream source", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          await store.video(await store.collection(aCollection().with({ streamSource: "Youtube" })));
          const cloudfront = await store.video(
            await store.collection(aCollection().with({ streamSource: "Cloudfront" })),
          );
          const none = await store.video(await store.collection());

          expect(sorted(await listKeys(subject, { excludeStreamSources: ["youtube"] }))).toEqual(
            sorted([cloudfront.key, none.key]),
          );
          expect(await listKeys(subject, { excludeStreamSources: ["YOUTUBE", "cloudfront"] })).toEqual([
            none.key,
          ]);
          expect(await listKeys(subject, { excludeStreamSources: [] })).toHaveLength(3);
        }));

      it("combines filters: a video must pass all of them", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const learn = await store.collection(aCollection().inLearn());
          const match = await store.video(learn, aVideo().public().titled("Match").withStatus("Complete"));
          await store.video(learn, aVideo().public().titled("Match").withStatus("Transcoding"));
          await store.video(learn, aVideo().titled("Match").withStatus("Complete"));
          await store.video(
            await store.collection(),
            aVideo().public().titled("Match").withStatus("Complete"),
          );

          expect(
            await listKeys(subject, {
              visibility: videoVisibilityFilter(anonymous),
              includeInLearn: true,
              status: "Complete",
              titleContains: "match",
            }),
          ).toEqual([match.key]);
        }));
    });

    describe("access", () => {
      /**
       * One collection with view list "viewers" and admin list "admins", holding one video of
       * each visibility, and a second collection nobody here may see.
       */
      const accessScenario = async (subject: RepositoryContractSubject) => {
        const store = storeIn(subject);
        const owner = await store.user();
        const course = await store.collection(
          aCollection().withViewLists("viewers").withAdminLists("admins"),
          owner,
        );
        const other = await store.collection();
        const videos = {
          public: await store.video(course, aVideo().public()),
          inherited: await store.video(course),
          private: await store.video(course, aVideo().private()),
          loggedIn: await store.video(course, aVideo().loggedInOnly()),
          ownLists: await store.video(course, aVideo().withViewLists("special")),
          publicAndPrivate: await store.video(course, aVideo().public().private()),
          elsewhere: await store.video(other),
        };
        const visibleTo = async (principal: Principal) =>
          sorted(await listKeys(subject, { visibility: videoVisibilityFilter(principal) }));
        const signedIn = async (...groups: ReadonlyArray<string>) =>
          userPrincipal(await store.user(), groups);
        const keys = (...names: ReadonlyArray<keyof typeof videos>) =>
          sorted(names.map((name) => videos[name].key));
        return { owner, store, visibleTo, signedIn, keys };
      };

      it("shows anonymous visitors public videos only, private flag or not", () =>
        withSubject(async (subject) => {
          const { visibleTo, keys } = await accessScenario(subject);

          expect(await visibleTo(anonymous)).toEqual(keys("public", "publicAndPrivate"));
        }));

      it("shows a signed-in stranger public and logged-in-only videos", () =>
        withSubject(async (subject) => {
          const { visibleTo, signedIn, keys } = await accessScenario(subject);

          expect(await visibleTo(await signedIn("unrelated"))).toEqual(
            keys("public", "publicAndPrivate", "loggedIn"),
          );
        }));

      it("shows a member of the collection's view list the videos that inherit it, but not private videos or videos with their own lists", () =>
        withSubject(async (subject) => {
          const { visibleTo, signedIn, keys } = await accessScenario(subject);

          expect(await visibleTo(await signedIn("viewers"))).toEqual(
            keys("public", "publicAndPrivate", "loggedIn", "inherited"),
          );
          expect(await visibleTo(await signedIn("special"))).toEqual(
            keys("public", "publicAndPrivate", "loggedIn", "ownLists"),
          );
        }));

      it("shows admin-list members and the owner every video of the collection, and superusers everything", () =>
        withSubject(async (subject) => {
          const { visibleTo, signedIn, keys, owner, store } = await accessScenario(subject);
          const wholeCourse = keys(
            "public",
            "inherited",
            "private",
            "loggedIn",
            "ownLists",
            "publicAndPrivate",
          );
          const superuser = await store.user(aUser().superuser());

          expect(await visibleTo(await signedIn("admins"))).toEqual(wholeCourse);
          expect(await visibleTo(userPrincipal(owner))).toEqual(wholeCourse);
          expect(await visibleTo(userPrincipal(superuser))).toEqual(
            sorted([...wholeCourse, ...keys("elsewhere")]),
          );
        }));

      it("shows nothing through a Nothing filter, whatever the other filters say", () =>
        withSubject(async (subject) => {
          await accessScenario(subject);

          const page = await run(subject.videos.list({ visibility: { _tag: "Nothing" } }, pageNumber(1, 10)));

          expect(page).toEqual({ items: [], total: 0, nextCursor: null });
        }));
    });

    describe("ordering and paging", () => {
      it("orders newest first by default, and by created_at, title or -title on request", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          const bravo = await store.video(collection, aVideo().titled("bravo").createdAt(instant(0)));
          const charlie = await store.video(collection, aVideo().titled("charlie").createdAt(instant(10)));
          const alpha = await store.video(collection, aVideo().titled("alpha").createdAt(instant(20)));

          expect(await listKeys(subject, {})).toEqual(keysOf([alpha, charlie, bravo]));
          expect(await listKeys(subject, { ordering: "-created_at" })).toEqual(
            keysOf([alpha, charlie, bravo]),
          );
          expect(await listKeys(subject, { ordering: "created_at" })).toEqual(
            keysOf([bravo, charlie, alpha]),
          );
          expect(await listKeys(subject, { ordering: "title" })).toEqual(keysOf([alpha, bravo, charlie]));
          expect(await listKeys(subject, { ordering: "-title" })).toEqual(keysOf([charlie, bravo, alpha]));
        }));

      it("breaks ties on the sort value by key, in the direction of the ordering", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          const twins: Array<Video> = [];
          for (let index = 0; index < 5; index += 1) {
            twins.push(await store.video(collection, aVideo().titled("same").createdAt(instant())));
          }

          expect(await listKeys(subject, { ordering: "-created_at" })).toEqual(
            sortedKeys(twins, byKeyDescending),
          );
          expect(await listKeys(subject, { ordering: "created_at" })).toEqual(
            sortedKeys(twins, byKeyAscending),
          );
          expect(await listKeys(subject, { ordering: "title" })).toEqual(sortedKeys(twins, byKeyAscending));
          expect(await listKeys(subject, { ordering: "-title" })).toEqual(sortedKeys(twins, byKeyDescending));
        }));

      it("pages by number, counting every match, with no next cursor on the last page", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          const stored: Array<Video> = [];
          for (let second = 0; second < 5; second += 1) {
            stored.push(await store.video(collection, aVideo().createdAt(instant(second))));
          }
          const newestFirst = keysOf([...stored].reverse());

          const first = await run(listAll(subject)(pageNumber(1, 2)));
          const second = await run(listAll(subject)(pageNumber(2, 2)));
          const last = await run(listAll(subject)(pageNumber(3, 2)));
          const beyond = await run(listAll(subject)(pageNumber(4, 2)));

          expect(keysOf(first.items)).toEqual(newestFirst.slice(0, 2));
          expect(keysOf(second.items)).toEqual(newestFirst.slice(2, 4));
          expect(keysOf(last.items)).toEqual(newestFirst.slice(4));
          expect([first.total, second.total, last.total, beyond.total]).toEqual([5, 5, 5, 5]);
          expect(first.nextCursor).not.toBeNull();
          expect(last.nextCursor).toBeNull();
          expect(beyond.items).toEqual([]);
        }));

      it("gives no next cursor when the last page is exactly full", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          await store.video(collection);
          await store.video(collection);

          const page = await run(listAll(subject)(firstPage(2)));

          expect(page.items).toHaveLength(2);
          expect(page.nextCursor).toBeNull();
        }));

      it("continues a page-number listing with its next cursor", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          for (let second = 0; second < 5; second += 1) {
            await store.video(collection, aVideo().createdAt(instant(second % 2)));
          }
          const everything = keysOf((await run(listAll(subject)(pageNumber(1, 100)))).items);

          const second = await run(listAll(subject)(pageNumber(2, 2)));
          const next = await run(listAll(subject)(after(second.nextCursor, 2)));

          expect(keysOf(next.items)).toEqual(everything.slice(4));
        }));

      it("visits every video exactly once when following cursors, whatever the ordering, also when creation times are shared", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          const titles = ["delta", "alpha", "echo", "alpha", "charlie", "bravo", "alpha", "echo"];
          for (const [index, title] of titles.entries()) {
            await store.video(
              collection,
              aVideo()
                .titled(title)
                .createdAt(instant(index < 5 ? 0 : index)),
            );
          }

          for (const ordering of ["-created_at", "created_at", "title", "-title"] as const) {
            const everything = keysOf((await run(listAll(subject, ordering)(pageNumber(1, 100)))).items);
            for (const size of [1, 3]) {
              expect(keysOf(await walkWithCursors(listAll(subject, ordering), size))).toEqual(everything);
            }
          }
        }));

      it("neither repeats nor skips a video when videos are added or removed between pages", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          const createdAfter = (seconds: number) =>
            store.video(collection, aVideo().createdAt(instant(seconds)));
          const oldest = await createdAfter(0);
          const older = await createdAfter(1);
          const middle = await createdAfter(2);
          const newer = await createdAfter(3);
          const lastOnFirstPage = await createdAfter(4);
          const newest = await createdAfter(5);
          const first = await run(listAll(subject)(firstPage(2)));
          await createdAfter(100);
          await run(subject.videos.delete(lastOnFirstPage.key));

          const rest = await walkWithCursors(listAll(subject), 2, first.nextCursor);

          expect(keysOf(first.items)).toEqual(keysOf([newest, lastOnFirstPage]));
          expect(keysOf(rest)).toEqual(keysOf([newer, middle, older, oldest]));
        }));

      it("refuses a cursor it did not make, or one made for another ordering", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          await store.video(collection);
          await store.video(collection);
          const cursor = (await run(listAll(subject)(firstPage(1)))).nextCursor;

          expect(cursor).not.toBeNull();
          expect(await failureOf(listAll(subject)(after("bm90IGEgY3Vyc29y", 1)))).toBeInstanceOf(
            InvalidCursor,
          );
          expect(await failureOf(listAll(subject)(after("%%%", 1)))).toBeInstanceOf(InvalidCursor);
          expect(await failureOf(listAll(subject, "title")(after(cursor, 1)))).toBeInstanceOf(InvalidCursor);
          expect(
            await failureOf(
              subject.videos.listDetails({ visibility: EVERYTHING, ordering: "-title" }, after(cursor, 1)),
            ),
          ).toBeInstanceOf(InvalidCursor);
        }));
    });

    describe("collection display order", () => {
      it("lists a collection's videos by custom order ascending, then the unordered ones newest first", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          const unorderedOld = await store.video(collection, aVideo().createdAt(instant(0)));
          const second = await store.video(
            collection,
            aVideo().with({ customOrder: 2 }).createdAt(instant(1)),
          );
          const unorderedNew = await store.video(collection, aVideo().createdAt(instant(50)));
          const first = await store.video(
            collection,
            aVideo().with({ customOrder: -1 }).createdAt(instant(2)),
          );
          const third = await store.video(
            collection,
            aVideo().with({ customOrder: 10 }).createdAt(instant(3)),
          );
          await store.video(await store.collection());

          expect(keysOf(await run(subject.videos.listInCollection(collection.key)))).toEqual(
            keysOf([first, second, third, unorderedNew, unorderedOld]),
          );
        }));
    });

    describe("maintenance queries", () => {
      it("lists videos in the given statuses last updated before a time, oldest first, up to the limit", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          const stuckLongest = await store.video(
            collection,
            aVideo().withStatus("Uploading").createdAt(instant(-7200)),
          );
          const stuck = await store.video(
            collection,
            aVideo().withStatus("Uploading").createdAt(instant(-3600)),
          );
          const transcoding = await store.video(
            collection,
            aVideo().withStatus("Transcoding").createdAt(instant(-5000)),
          );
          await store.video(collection, aVideo().withStatus("Uploading").createdAt(instant(0)));
          await store.video(collection, aVideo().withStatus("Complete").createdAt(instant(-9000)));
          const heartbeat = await store.video(
            collection,
            aVideo().withStatus("Uploading").createdAt(instant(-9000)),
          );
          await run(subject.videos.touch(heartbeat.key, instant(10)));

          const uploading = await run(subject.videos.listInStatusSince(["Uploading"], instant(0), 10));
          const both = await run(
            subject.videos.listInStatusSince(["Uploading", "Transcoding"], instant(0), 2),
          );

          expect(keysOf(uploading)).toEqual(keysOf([stuckLongest, stuck]));
          expect(keysOf(both)).toEqual(keysOf([stuckLongest, transcoding]));
        }));

      it("lists videos flagged for retranscoding, up to the limit", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          const flagged = [
            await store.video(collection, aVideo().with({ scheduleRetranscode: true })),
            await store.video(collection, aVideo().with({ scheduleRetranscode: true })),
            await store.video(collection, aVideo().with({ scheduleRetranscode: true })),
          ];
          await store.video(collection);

          const all = await run(subject.videos.listScheduledForRetranscode(10));
          const some = await run(subject.videos.listScheduledForRetranscode(2));

          expect(sorted(keysOf(all))).toEqual(sorted(keysOf(flagged)));
          expect(some).toHaveLength(2);
          expect(some.every((video) => video.scheduleRetranscode)).toBe(true);
        }));

      it("copies a retranscode flag onto the videos of one collection, counting and bumping the rows it changed", () =>
        withSubject(async (subject) => {
          const store = storeIn(subject);
          const collection = await store.collection();
          const other = await store.collection();
          const unflagged = await store.video(collection);
          const alsoUnflagged = await store.video(collection);
          const alreadyFlagged = await store.video(collection, aVideo().with({ scheduleRetranscode: true }));
          const outside = await store.video(other);

          const changed = await run(
            subject.videos.setScheduleRetranscodeForCollection(collection.key, true, instant(900)),
          );

          expect(changed).toBe(2);
          for (const video of [unflagged, alsoUnflagged]) {
            expect(await found(subject.videos.findByKey(video.key))).toEqual({
              ...video,
              scheduleRetranscode: true,
              updatedAt: instant(900),
            });
          }
          expect(await found(subject.videos.findByKey(alreadyFlagged.key))).toEqual(alreadyFlagged);
          expect(await found(subject.videos.findByKey(outside.key))).toEqual(outside);
          expect(
            await run(
              subject.videos.setScheduleRetranscodeForCollection(collection.key, false, instant(901)),
            ),
          ).toBe(3);
          expect(await run(subject.videos.listScheduledForRetranscode(10))).toEqual([]);
        }));
    });
  });
};
