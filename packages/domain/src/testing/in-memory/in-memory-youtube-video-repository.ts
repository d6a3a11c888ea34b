import { Effect, Option } from "effect";
import type { VideoKey } from "../../model/keys.js";
import type { YouTubeVideo } from "../../model/youtube-video.js";
import { RecordNotFound } from "../../ports/persistence-errors.js";
import type { YouTubeVideoRepository } from "../../ports/youtube-video-repository.js";
import type { InMemoryDatabase } from "./in-memory-database.js";
import { copyRow } from "./in-memory-rows.js";

/** The YouTube copy of a video, at most one per video, in the shared in-memory tables. */
export class InMemoryYouTubeVideoRepository implements YouTubeVideoRepository {
  constructor(private readonly database: InMemoryDatabase) {}

  findByVideo(key: VideoKey): Effect.Effect<Option.Option<YouTubeVideo>> {
    return Effect.sync(() =>
      Option.map(Option.fromNullable(this.database.tables.youtubeVideos.get(key)), copyRow),
    );
  }

  upsert(youtube: YouTubeVideo): Effect.Effect<YouTubeVideo, RecordNotFound> {
    return Effect.suspend(() => {
      const tables = this.database.tables;
      if (!tables.videos.has(youtube.videoKey)) {
        return Effect.fail(new RecordNotFound({ entity: "Video", id: youtube.videoKey }));
      }
      const existing = tables.youtubeVideos.get(youtube.videoKey);
      const stored = copyRow({ ...youtube, createdAt: existing?.createdAt ?? youtube.createdAt });
      tables.youtubeVideos.set(youtube.videoKey, stored);
      return Effect.succeed(copyRow(stored));
    });
  }

  delete(key: VideoKey): Effect.Effect<void> {
    return Effect.sync(() => {
      this.database.tables.youtubeVideos.delete(key);
    });
  }
}
