import { describe, expect, it } from "vitest";
import type { VideoKey } from "../model/keys.js";
import { RecordNotFound, UniqueViolation } from "../ports/persistence-errors.js";
import type { ThumbnailLocation } from "../ports/video-thumbnail-repository.js";
import { aVideo } from "../testing/builders.js";
import { failureOf, run } from "../testing/effect-outcomes.js";
import { instant, storeIn } from "../testing/stored-test-data.js";
import { withRepositories } from "./repository-contract-support.js";
import type { MakeRepositories, RepositoryContractSubject } from "./repository-contract-subject.js";

const aThumbnail = (videoKey: VideoKey, s3ObjectKey: string): ThumbnailLocation => ({
  videoKey,
  s3ObjectKey,
  bucketName: "ovs-thumbnails",
  maxWidth: 640,
  maxHeight: 360,
});

const storedVideo = async (subject: RepositoryContractSubject) => {
  const store = storeIn(subject);
  return store.video(await store.collection());
};

/**
 * What every VideoThumbnailRepository must do. Run it with a factory that returns fresh, empty
 * repositories: `describeVideoThumbnailRepositoryContract("postgres", makeRepositories)`.
 */
export const describeVideoThumbnailRepositoryContract = (name: string, make: MakeRepositories): void => {
  describe(`VideoThumbnailRepository contract: ${name}`, () => {
    const withSubject = withRepositories(make);

    it("creates a thumbnail for a new key with every field", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);

        const thumbnail = await run(
          subject.videoThumbnails.upsertByKey(aThumbnail(video.key, "thumbnails/k/t.jpg"), instant()),
        );

        expect(thumbnail).toEqual({
          id: thumbnail.id,
          videoKey: video.key,
          s3ObjectKey: "thumbnails/k/t.jpg",
          bucketName: "ovs-thumbnails",
          presetId: null,
          maxWidth: 640,
          maxHeight: 360,
          createdAt: instant(),
          updatedAt: instant(),
        });
        expect(await run(subject.videoThumbnails.listForVideo(video.key))).toEqual([thumbnail]);
      }));

    it("keeps null dimensions as null", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);

        const thumbnail = await run(
          subject.videoThumbnails.upsertByKey(
            { ...aThumbnail(video.key, "t.jpg"), maxWidth: null, maxHeight: null },
            instant(),
          ),
        );

        expect(await run(subject.videoThumbnails.listForVideo(video.key))).toEqual([thumbnail]);
        expect(thumbnail).toMatchObject({ maxWidth: null, maxHeight: null });
      }));

    it("updates the thumbnail with the same key in place: same id and creation time, new size and bucket", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const first = await run(
          subject.videoThumbnails.upsertByKey(aThumbnail(video.key, "thumbnails/k/t.jpg"), instant(0)),
        );

        const second = await run(
          subject.videoThumbnails.upsertByKey(
            {
              ...aThumbnail(video.key, "thumbnails/k/t.jpg"),
              bucketName: "moved",
              maxWidth: 1280,
              maxHeight: 720,
            },
            instant(60),
          ),
        );

        expect(second).toEqual({
          ...first,
          bucketName: "moved",
          maxWidth: 1280,
          maxHeight: 720,
          updatedAt: instant(60),
        });
        expect(await run(subject.videoThumbnails.listForVideo(video.key))).toEqual([second]);
      }));

    it("lists a video's thumbnails newest first", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const middle = await run(
          subject.videoThumbnails.upsertByKey(aThumbnail(video.key, "b.jpg"), instant(10)),
        );
        const oldest = await run(
          subject.videoThumbnails.upsertByKey(aThumbnail(video.key, "a.jpg"), instant(0)),
        );
        const newest = await run(
          subject.videoThumbnails.upsertByKey(aThumbnail(video.key, "c.jpg"), instant(20)),
        );
        await run(
          subject.videoThumbnails.upsertByKey(
            aThumbnail((await storedVideo(subject)).key, "z.jpg"),
            instant(30),
          ),
        );

        expect(await run(subject.videoThumbnails.listForVideo(video.key))).toEqual([newest, middle, oldest]);
      }));

    it("refuses a key that belongs to another video's thumbnail", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const other = await storedVideo(subject);
        const theirs = await run(
          subject.videoThumbnails.upsertByKey(aThumbnail(other.key, "theirs.jpg"), instant()),
        );

        const error = await failureOf(
          subject.videoThumbnails.upsertByKey(aThumbnail(video.key, "theirs.jpg"), instant(1)),
        );

        expect(error).toBeInstanceOf(UniqueViolation);
        expect(error).toMatchObject({ entity: "VideoThumbnail", field: "s3ObjectKey", value: "theirs.jpg" });
        expect(await run(subject.videoThumbnails.listForVideo(other.key))).toEqual([theirs]);
        expect(await run(subject.videoThumbnails.listForVideo(video.key))).toEqual([]);
      }));

    it("refuses a thumbnail for a video that does not exist", () =>
      withSubject(async (subject) => {
        const missing = aVideo().build().key;

        const error = await failureOf(
          subject.videoThumbnails.upsertByKey(aThumbnail(missing, "t.jpg"), instant()),
        );

        expect(error).toBeInstanceOf(RecordNotFound);
        expect(error).toMatchObject({ entity: "Video", id: missing });
      }));

    it("repoints a thumbnail to another key, keeping its id", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const thumbnail = await run(
          subject.videoThumbnails.upsertByKey(aThumbnail(video.key, "thumbnails/k/t.jpg"), instant(0)),
        );

        const moved = await run(
          subject.videoThumbnails.repoint(
            thumbnail.id,
            { s3ObjectKey: "restricted/thumbnails/k/t.jpg", bucketName: "ovs-thumbnails" },
            instant(5),
          ),
        );

        const expected = {
          ...thumbnail,
          s3ObjectKey: "restricted/thumbnails/k/t.jpg",
          updatedAt: instant(5),
        };
        expect(moved).toEqual(expected);
        expect(await run(subject.videoThumbnails.listForVideo(video.key))).toEqual([expected]);
      }));

    it("refuses to repoint onto a key in use or a thumbnail that does not exist", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const thumbnail = await run(
          subject.videoThumbnails.upsertByKey(aThumbnail(video.key, "a.jpg"), instant()),
        );
        await run(subject.videoThumbnails.upsertByKey(aThumbnail(video.key, "b.jpg"), instant()));

        expect(
          await failureOf(
            subject.videoThumbnails.repoint(
              thumbnail.id,
              { s3ObjectKey: "b.jpg", bucketName: "x" },
              instant(),
            ),
          ),
        ).toMatchObject({ _tag: "UniqueViolation", entity: "VideoThumbnail", field: "s3ObjectKey" });
        expect(
          await failureOf(
            subject.videoThumbnails.repoint(
              thumbnail.id + 1000,
              { s3ObjectKey: "c.jpg", bucketName: "x" },
              instant(),
            ),
          ),
        ).toMatchObject({
          _tag: "RecordNotFound",
          entity: "VideoThumbnail",
          id: String(thumbnail.id + 1000),
        });
      }));

    it("deletes a thumbnail, and fails with RecordNotFound for one that does not exist", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const doomed = await run(
          subject.videoThumbnails.upsertByKey(aThumbnail(video.key, "a.jpg"), instant()),
        );
        const kept = await run(
          subject.videoThumbnails.upsertByKey(aThumbnail(video.key, "b.jpg"), instant()),
        );

        await run(subject.videoThumbnails.delete(doomed.id));

        expect(await run(subject.videoThumbnails.listForVideo(video.key))).toEqual([kept]);
        expect(await failureOf(subject.videoThumbnails.delete(doomed.id))).toMatchObject({
          _tag: "RecordNotFound",
          entity: "VideoThumbnail",
        });
      }));
  });
};
