import { describe, expect, it } from "vitest";
import type { VideoKey } from "../model/keys.js";
import { RecordNotFound, UniqueViolation } from "../ports/persistence-errors.js";
import type { NewVideoFile } from "../ports/video-file-repository.js";
import { aVideo } from "../testing/builders.js";
import { failureOf, run } from "../testing/effect-outcomes.js";
import { instant, storeIn } from "../testing/stored-test-data.js";
import { withRepositories } from "./repository-contract-support.js";
import type { MakeRepositories, RepositoryContractSubject } from "./repository-contract-subject.js";

const aFile = (videoKey: VideoKey, s3ObjectKey: string, encoding = "original"): NewVideoFile => ({
  videoKey,
  s3ObjectKey,
  bucketName: "ovs-uploads",
  encoding,
});

const storedVideo = async (subject: RepositoryContractSubject) => {
  const store = storeIn(subject);
  return store.video(await store.collection());
};

/**
 * What every VideoFileRepository must do. Run it with a factory that returns fresh, empty
 * repositories: `describeVideoFileRepositoryContract("postgres", makeRepositories)`.
 */
export const describeVideoFileRepositoryContract = (name: string, make: MakeRepositories): void => {
  describe(`VideoFileRepository contract: ${name}`, () => {
    const withSubject = withRepositories(make);

    it("stores a file with a fresh id and lists a video's files in insertion order", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const other = await storedVideo(subject);

        const original = await run(subject.videoFiles.insert(aFile(video.key, "k/video.mp4"), instant(0)));
        const hls = await run(
          subject.videoFiles.insert(
            {
              ...aFile(video.key, "transcoded/k/video__index.m3u8", "HLS"),
              bucketName: "ovs-transcoded",
              presetId: "",
            },
            instant(5),
          ),
        );
        const mp4 = await run(
          subject.videoFiles.insert(
            {
              ...aFile(video.key, "transcoded/k/video_custom.mp4", "desktop_mp4"),
              presetId: "1351620000001-000040",
            },
            instant(6),
          ),
        );
        await run(subject.videoFiles.insert(aFile(other.key, "other/video.mp4"), instant(0)));

        expect(original).toEqual({
          id: original.id,
          videoKey: video.key,
          s3ObjectKey: "k/video.mp4",
          bucketName: "ovs-uploads",
          encoding: "original",
          presetId: null,
          createdAt: instant(0),
          updatedAt: instant(0),
        });
        expect(hls).toMatchObject({
          bucketName: "ovs-transcoded",
          encoding: "HLS",
          presetId: "",
          createdAt: instant(5),
        });
        expect(mp4.presetId).toBe("1351620000001-000040");
        expect(new Set([original.id, hls.id, mp4.id]).size).toBe(3);
        expect(await run(subject.videoFiles.listForVideo(video.key))).toEqual([original, hls, mp4]);
      }));

    it("refuses an object key another file already uses, even of another video", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const other = await storedVideo(subject);
        await run(subject.videoFiles.insert(aFile(video.key, "shared/video.mp4"), instant()));

        const error = await failureOf(
          subject.videoFiles.insert(aFile(other.key, "shared/video.mp4", "HLS"), instant()),
        );

        expect(error).toBeInstanceOf(UniqueViolation);
        expect(error).toMatchObject({ entity: "VideoFile", field: "s3ObjectKey", value: "shared/video.mp4" });
        expect(await run(subject.videoFiles.listForVideo(other.key))).toEqual([]);
      }));

    it("allows the same object key in the thumbnail and subtitle tables (keys are unique per table)", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const at = instant();
        await run(
          subject.videoThumbnails.upsertByKey(
            {
              videoKey: video.key,
              s3ObjectKey: "same/key",
              bucketName: "b",
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
              filename: "x.vtt",
              s3ObjectKey: "same/key",
              bucketName: "b",
            },
            at,
          ),
        );

        expect((await run(subject.videoFiles.insert(aFile(video.key, "same/key"), at))).s3ObjectKey).toBe(
          "same/key",
        );
      }));

    it("refuses a file for a video that does not exist", () =>
      withSubject(async (subject) => {
        const missing = aVideo().build().key;

        const error = await failureOf(subject.videoFiles.insert(aFile(missing, "x/video.mp4"), instant()));

        expect(error).toBeInstanceOf(RecordNotFound);
        expect(error).toMatchObject({ entity: "Video", id: missing });
      }));

    describe("replacing the file of an encoding", () => {
      it("creates the file when the video has none of that encoding", () =>
        withSubject(async (subject) => {
          const video = await storedVideo(subject);
          const original = await run(subject.videoFiles.insert(aFile(video.key, "k/video.mp4"), instant(0)));

          const result = await run(
            subject.videoFiles.replaceForEncoding(
              { ...aFile(video.key, "transcoded/k/video__index.m3u8", "HLS"), presetId: "" },
              instant(10),
            ),
          );

          expect(result.removed).toEqual([]);
          expect(result.file).toMatchObject({
            videoKey: video.key,
            s3ObjectKey: "transcoded/k/video__index.m3u8",
            encoding: "HLS",
            presetId: "",
            createdAt: instant(10),
            updatedAt: instant(10),
          });
          expect(await run(subject.videoFiles.listForVideo(video.key))).toEqual([original, result.file]);
        }));

      it("removes every other file of the encoding, returns them, and leaves other encodings and videos alone", () =>
        withSubject(async (subject) => {
          const video = await storedVideo(subject);
          const other = await storedVideo(subject);
          const original = await run(subject.videoFiles.insert(aFile(video.key, "k/video.mp4"), instant(0)));
          const oldHls = await run(
            subject.videoFiles.insert(aFile(video.key, "old/video__index.m3u8", "HLS"), instant(1)),
          );
          const legacyDuplicate = await run(
            subject.videoFiles.insert(aFile(video.key, "older/video__index.m3u8", "HLS"), instant(2)),
          );
          const othersHls = await run(
            subject.videoFiles.insert(aFile(other.key, "o/video__index.m3u8", "HLS"), instant(3)),
          );

          const result = await run(
            subject.videoFiles.replaceForEncoding(
              aFile(video.key, "new/video__index.m3u8", "HLS"),
              instant(20),
            ),
          );

          expect(result.removed).toEqual([oldHls, legacyDuplicate]);
          expect(await run(subject.videoFiles.listForVideo(video.key))).toEqual([original, result.file]);
          expect(await run(subject.videoFiles.listForVideo(other.key))).toEqual([othersHls]);
        }));

      it("updates the file that already has the key, keeping its id and creation time", () =>
        withSubject(async (subject) => {
          const video = await storedVideo(subject);
          const existing = await run(
            subject.videoFiles.insert(
              aFile(video.key, "transcoded/k/video_custom.mp4", "desktop_mp4"),
              instant(0),
            ),
          );

          const result = await run(
            subject.videoFiles.replaceForEncoding(
              {
                ...aFile(video.key, "transcoded/k/video_custom.mp4", "desktop_mp4"),
                bucketName: "moved",
                presetId: "",
              },
              instant(30),
            ),
          );

          expect(result.removed).toEqual([]);
          expect(result.file).toEqual({
            ...existing,
            bucketName: "moved",
            presetId: "",
            updatedAt: instant(30),
          });
          expect(await run(subject.videoFiles.listForVideo(video.key))).toEqual([result.file]);
        }));

      it("refuses a key that belongs to another video's file, and removes nothing", () =>
        withSubject(async (subject) => {
          const video = await storedVideo(subject);
          const other = await storedVideo(subject);
          const mine = await run(
            subject.videoFiles.insert(aFile(video.key, "mine/video__index.m3u8", "HLS"), instant(0)),
          );
          await run(
            subject.videoFiles.insert(aFile(other.key, "theirs/video__index.m3u8", "HLS"), instant(0)),
          );

          const error = await failureOf(
            subject.videoFiles.replaceForEncoding(
              aFile(video.key, "theirs/video__index.m3u8", "HLS"),
              instant(1),
            ),
          );

          expect(error).toMatchObject({ _tag: "UniqueViolation", entity: "VideoFile", field: "s3ObjectKey" });
          expect(await run(subject.videoFiles.listForVideo(video.key))).toEqual([mine]);
        }));

      it("refuses a video that does not exist", () =>
        withSubject(async (subject) => {
          const missing = aVideo().build().key;

          expect(
            await failureOf(subject.videoFiles.replaceForEncoding(aFile(missing, "x/video.mp4"), instant())),
          ).toMatchObject({ _tag: "RecordNotFound", entity: "Video", id: missing });
        }));
    });

    describe("repointing and deleting", () => {
      it("points a file at another object, keeping its id, encoding and creation time", () =>
        withSubject(async (subject) => {
          const video = await storedVideo(subject);
          const file = await run(subject.videoFiles.insert(aFile(video.key, "k/video.mov"), instant(0)));

          const moved = await run(
            subject.videoFiles.repoint(
              file.id,
              { s3ObjectKey: "k/video.mp4", bucketName: "elsewhere" },
              instant(40),
            ),
          );

          const expected = {
            ...file,
            s3ObjectKey: "k/video.mp4",
            bucketName: "elsewhere",
            updatedAt: instant(40),
          };
          expect(moved).toEqual(expected);
          expect(await run(subject.videoFiles.listForVideo(video.key))).toEqual([expected]);
        }));

      it("refuses to repoint onto a key another file uses, or a file that does not exist", () =>
        withSubject(async (subject) => {
          const video = await storedVideo(subject);
          const file = await run(subject.videoFiles.insert(aFile(video.key, "a/video.mp4"), instant()));
          await run(subject.videoFiles.insert(aFile(video.key, "b/video.mp4", "HLS"), instant()));

          const taken = await failureOf(
            subject.videoFiles.repoint(file.id, { s3ObjectKey: "b/video.mp4", bucketName: "x" }, instant()),
          );
          const missing = await failureOf(
            subject.videoFiles.repoint(
              file.id + 1000,
              { s3ObjectKey: "c/video.mp4", bucketName: "x" },
              instant(),
            ),
          );

          expect(taken).toMatchObject({
            _tag: "UniqueViolation",
            entity: "VideoFile",
            field: "s3ObjectKey",
            value: "b/video.mp4",
          });
          expect(missing).toMatchObject({
            _tag: "RecordNotFound",
            entity: "VideoFile",
            id: String(file.id + 1000),
          });
        }));

      it("repointing a file onto its own key is allowed", () =>
        withSubject(async (subject) => {
          const video = await storedVideo(subject);
          const file = await run(subject.videoFiles.insert(aFile(video.key, "a/video.mp4"), instant(0)));

          const same = await run(
            subject.videoFiles.repoint(
              file.id,
              { s3ObjectKey: "a/video.mp4", bucketName: "other" },
              instant(1),
            ),
          );

          expect(same).toEqual({ ...file, bucketName: "other", updatedAt: instant(1) });
        }));

      it("deletes one file, and fails with RecordNotFound for a file that does not exist", () =>
        withSubject(async (subject) => {
          const video = await storedVideo(subject);
          const doomed = await run(subject.videoFiles.insert(aFile(video.key, "a/video.mp4"), instant()));
          const kept = await run(
            subject.videoFiles.insert(aFile(video.key, "b/video.mp4", "HLS"), instant()),
          );

          await run(subject.videoFiles.delete(doomed.id));
          const error = await failureOf(subject.videoFiles.delete(doomed.id));

          expect(await run(subject.videoFiles.listForVideo(video.key))).toEqual([kept]);
          expect(error).toMatchObject({ _tag: "RecordNotFound", entity: "VideoFile", id: String(doomed.id) });
        }));
    });
  });
};
