import type { Effect, Option } from "effect";
import type { VideoKey } from "../model/keys.js";
import type { YouTubeVideo } from "../model/youtube-video.js";
import type { PersistenceFailure, RecordNotFound } from "./persistence-errors.js";

export interface YouTubeVideoRepository {
  findByVideo(key: VideoKey): Effect.Effect<Option.Option<YouTubeVideo>, PersistenceFailure>;
  upsert(youtube: YouTubeVideo): Effect.Effect<YouTubeVideo, RecordNotFound | PersistenceFailure>;
  delete(key: VideoKey): Effect.Effect<void, PersistenceFailure>;
}
export const YouTubeVideoRepository = Symbol.for("ovs/YouTubeVideoRepository");
