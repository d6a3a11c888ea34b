import { Option } from "effect";
import { describe, expect, it } from "vitest";
import type { YouTubeVideo } from "../model/youtube-video.js";
import { RecordNotFound } from "../ports/persistence-errors.js";
import { aVideo } from "../testing/builders.js";
import { failureOf, found, run } from "../testing/effect-outcomes.js";
import { instant, storeIn } from "../testing/stored-test-data.js";
import { withRepositories } from "./repository-contract-support.js";
import type { MakeRepositories, RepositoryContractSubject } from "./repository-contract-subject.js";

const storedVideo = async (subject: RepositoryContractSubject) => {
  const store = storeIn(subject);
  return store.video(await store.collection());
};

/**
 * What every YouTubeVideoRepository must do. Run it with a factory that returns fresh, empty
 * repositories: `describeYouTubeVideoRepositoryContract("postgres", makeRepositories)`.
 */
export const describeYouTubeVideoRepositoryContract = (name: string, make: MakeRepositories): void => {
  describe(`YouTubeVideoRepository contract: ${name}`, () => {
    const withSubject = withRepositories(make);

    it("stores a video's YouTube row, a null YouTube id included, and finds it", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const youtube: YouTubeVideo = {
          videoKey: video.key,
          youtubeId: null,
          status: "uploading",
          createdAt: instant(0),
          updatedAt: instant(0),
        };

        expect(await run(subject.youtubeVideos.upsert(youtube))).toEqual(youtube);
        expect(await found(subject.youtubeVideos.findByVideo(video.key))).toEqual(youtube);
      }));

    it("updates the row of a video in place, keeping its creation time", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        await run(
          subject.youtubeVideos.upsert({
            videoKey: video.key,
            youtubeId: null,
            status: "uploading",
            createdAt: instant(0),
            updatedAt: instant(0),
          }),
        );

        const updated = await run(
          subject.youtubeVideos.upsert({
            videoKey: video.key,
            youtubeId: "dQw4w9WgXcQ",
            status: "processed",
            createdAt: instant(500),
            updatedAt: instant(60),
          }),
        );

        const expected: YouTubeVideo = {
          videoKey: video.key,
          youtubeId: "dQw4w9WgXcQ",
          status: "processed",
          createdAt: instant(0),
          updatedAt: instant(60),
        };
        expect(updated).toEqual(expected);
        expect(await found(subject.youtubeVideos.findByVideo(video.key))).toEqual(expected);
      }));

    it("refuses a row for a video that does not exist", () =>
      withSubject(async (subject) => {
        const missing = aVideo().build().key;

        const error = await failureOf(
          subject.youtubeVideos.upsert({
            videoKey: missing,
            youtubeId: null,
            status: "uploading",
            createdAt: instant(),
            updatedAt: instant(),
          }),
        );

        expect(error).toBeInstanceOf(RecordNotFound);
        expect(error).toMatchObject({ entity: "Video", id: missing });
      }));

    it("deletes a video's row, and deleting a row that does not exist is harmless", () =>
      withSubject(async (subject) => {
        const video = await storedVideo(subject);
        const other = await storedVideo(subject);
        for (const key of [video.key, other.key]) {
          await run(
            subject.youtubeVideos.upsert({
              videoKey: key,
              youtubeId: null,
              status: "failed",
              createdAt: instant(),
              updatedAt: instant(),
            }),
          );
        }

        await run(subject.youtubeVideos.delete(video.key));
        await run(subject.youtubeVideos.delete(video.key));

        expect(await run(subject.youtubeVideos.findByVideo(video.key))).toEqual(Option.none());
        expect(await run(subject.youtubeVideos.findByVideo(other.key))).toSatisfy(Option.isSome);
      }));
  });
};
