import { Option } from "effect";
import { describe, expect, it } from "vitest";
import type { VideoKey } from "../model/keys.js";
import { RecordNotFound, UniqueViolation } from "../ports/persistence-errors.js";
import type { SubtitleUpload } from "../ports/video-subtitle-repository.js";
import { aVideo } from "../testing/builders.js";
import { failureOf, found, run } from "../testing/effect-outcomes.js";
import { instant, storeIn } from "../testing/stored-test-data.js";
import { withRepositories } from "./repository-contract-support.js";
import type { MakeRepositories, RepositoryContractSubject } from "./repository-contract-subject.js";

const anUpload = (videoKey: VideoKey, language: string, s3ObjectKey: string): SubtitleUpload => ({
  videoKey,
  language,
  filename: `lecture-${language}.srt`,
  s3ObjectKey,
  bucketName: "ovs-subtitles",
});

const storedVideo = async (subject: RepositoryContractSubject) => {
  const store = storeIn(subject);
  return store.video(await store.collection());
};

/**
 * What every VideoSubtitleRepository must do. Run it with a factory that returns fresh, empty
 * repositories: `describeVideoSubtitleRepositoryContract("postgres", makeRepositories)`.
 */
export const describeVideoSubtitleRepositoryContract = (name: string, make: MakeRepositories): void => {
  describe(`VideoSubtitleRepository contract: ${name}`, () => {
    const withSubject = withRepositories(make);

    it("creates a subtitle for a new language, replacing no object", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);

        const result = await run(
          subject.videoSubtitles.upsertForLanguage(
            anUpload(video.key, "en", "subtitles/k/en-1.vtt"),
            instant(),
          ),
        );

        expect(result.replacedObject).toBeNull();
        expect(result.subtitle).toEqual({
          id: result.subtitle.id,
          videoKey: video.key,
          s3ObjectKey: "subtitles/k/en-1.vtt",
          bucketName: "ovs-subtitles",
          presetId: null,
          filename: "lecture-en.srt",
          language: "en",
          createdAt: instant(),
          updatedAt: instant(),
        });
        expect(await found(subject.videoSubtitles.findById(result.subtitle.id))).toEqual(result.subtitle);
      }));

    it("replaces the subtitle of a language in place and returns the object it pointed at", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const first = await run(
          subject.videoSubtitles.upsertForLanguage(
            anUpload(video.key, "en", "subtitles/k/en-1.vtt"),
            instant(0),
          ),
        );

        const second = await run(
          subject.videoSubtitles.upsertForLanguage(
            { ...anUpload(video.key, "en", "subtitles/k/en-2.vtt"), filename: "corrected.vtt" },
            instant(60),
          ),
        );

        expect(second.replacedObject).toEqual({
          s3ObjectKey: "subtitles/k/en-1.vtt",
          bucketName: "ovs-subtitles",
        });
        expect(second.subtitle).toEqual({
          ...first.subtitle,
          s3ObjectKey: "subtitles/k/en-2.vtt",
          filename: "corrected.vtt",
          updatedAt: instant(60),
        });
        expect(await run(subject.videoSubtitles.listForVideo(video.key))).toEqual([second.subtitle]);
      }));

    it("reports no replaced object when the upload lands on the object the subtitle already points at", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        await run(
          subject.videoSubtitles.upsertForLanguage(
            anUpload(video.key, "en", "subtitles/k/en.vtt"),
            instant(0),
          ),
        );

        const again = await run(
          subject.videoSubtitles.upsertForLanguage(
            anUpload(video.key, "en", "subtitles/k/en.vtt"),
            instant(0.5),
          ),
        );

        expect(again.replacedObject).toBeNull();
        expect(again.subtitle.s3ObjectKey).toBe("subtitles/k/en.vtt");
      }));

    it("keeps one subtitle per language and lists them in insertion order", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const other = await storedVideo(subject);
        const french = await run(
          subject.videoSubtitles.upsertForLanguage(anUpload(video.key, "fr", "fr.vtt"), instant(0)),
        );
        const english = await run(
          subject.videoSubtitles.upsertForLanguage(anUpload(video.key, "en", "en.vtt"), instant(1)),
        );
        await run(
          subject.videoSubtitles.upsertForLanguage(anUpload(other.key, "en", "other-en.vtt"), instant(2)),
        );
        const frenchAgain = await run(
          subject.videoSubtitles.upsertForLanguage(anUpload(video.key, "fr", "fr-2.vtt"), instant(3)),
        );

        expect(frenchAgain.subtitle.id).toBe(french.subtitle.id);
        expect(await run(subject.videoSubtitles.listForVideo(video.key))).toEqual([
          frenchAgain.subtitle,
          english.subtitle,
        ]);
      }));

    it("refuses an object key another subtitle uses", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const other = await storedVideo(subject);
        const theirs = await run(
          subject.videoSubtitles.upsertForLanguage(anUpload(other.key, "en", "shared.vtt"), instant()),
        );

        const error = await failureOf(
          subject.videoSubtitles.upsertForLanguage(anUpload(video.key, "en", "shared.vtt"), instant()),
        );

        expect(error).toBeInstanceOf(UniqueViolation);
        expect(error).toMatchObject({ entity: "VideoSubtitle", field: "s3ObjectKey", value: "shared.vtt" });
        expect(await run(subject.videoSubtitles.listForVideo(other.key))).toEqual([theirs.subtitle]);
        expect(await run(subject.videoSubtitles.listForVideo(video.key))).toEqual([]);
      }));

    it("refuses a subtitle for a video that does not exist", () =>
      withSubject(async (subject) => {
        const missing = aVideo().build().key;

        const error = await failureOf(
          subject.videoSubtitles.upsertForLanguage(anUpload(missing, "en", "x.vtt"), instant()),
        );

        expect(error).toBeInstanceOf(RecordNotFound);
        expect(error).toMatchObject({ entity: "Video", id: missing });
      }));

    it("answers None for an id nobody stored", () =>
      withSubject(async (subject) => {
        expect(await run(subject.videoSubtitles.findById(987_654))).toEqual(Option.none());
      }));

    it("repoints a subtitle to another object, keeping its id, language and filename", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const { subtitle } = await run(
          subject.videoSubtitles.upsertForLanguage(
            anUpload(video.key, "en", "subtitles/k/en.vtt"),
            instant(0),
          ),
        );

        const moved = await run(
          subject.videoSubtitles.repoint(
            subtitle.id,
            { s3ObjectKey: "restricted/subtitles/k/en.vtt", bucketName: "ovs-subtitles" },
            instant(9),
          ),
        );

        const expected = { ...subtitle, s3ObjectKey: "restricted/subtitles/k/en.vtt", updatedAt: instant(9) };
        expect(moved).toEqual(expected);
        expect(await found(subject.videoSubtitles.findById(subtitle.id))).toEqual(expected);
      }));

    it("refuses to repoint onto a key in use or a subtitle that does not exist", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const { subtitle } = await run(
          subject.videoSubtitles.upsertForLanguage(anUpload(video.key, "en", "en.vtt"), instant()),
        );
        await run(subject.videoSubtitles.upsertForLanguage(anUpload(video.key, "fr", "fr.vtt"), instant()));

        expect(
          await failureOf(
            subject.videoSubtitles.repoint(
              subtitle.id,
              { s3ObjectKey: "fr.vtt", bucketName: "x" },
              instant(),
            ),
          ),
        ).toMatchObject({ _tag: "UniqueViolation", entity: "VideoSubtitle", field: "s3ObjectKey" });
        expect(
          await failureOf(
            subject.videoSubtitles.repoint(
              subtitle.id + 1000,
              { s3ObjectKey: "de.vtt", bucketName: "x" },
              instant(),
            ),
          ),
        ).toMatchObject({ _tag: "RecordNotFound", entity: "VideoSubtitle", id: String(subtitle.id + 1000) });
      }));

    it("deletes a subtitle, after which its language can be uploaded afresh", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const { subtitle } = await run(
          subject.videoSubtitles.upsertForLanguage(anUpload(video.key, "en", "en.vtt"), instant()),
        );

        await run(subject.videoSubtitles.delete(subtitle.id));
        const afresh = await run(
          subject.videoSubtitles.upsertForLanguage(anUpload(video.key, "en", "en-2.vtt"), instant(1)),
        );

        expect(await run(subject.videoSubtitles.findById(subtitle.id))).toEqual(Option.none());
        expect(afresh.replacedObject).toBeNull();
        expect(afresh.subtitle.id).not.toBe(subtitle.id);
        expect(await failureOf(subject.videoSubtitles.delete(subtitle.id))).toMatchObject({
          _tag: "RecordNotFound",
          entity: "VideoSubtitle",
          id: String(subtitle.id),
        });
      }));
  });
};
