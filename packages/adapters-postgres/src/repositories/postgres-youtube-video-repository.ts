import type { Effect } from "effect";
import { Option } from "effect";
import type {
  PersistenceFailure,
  RecordNotFound,
  VideoKey,
  YouTubeVideo,
  YouTubeVideoRepository,
} from "@ovs/domain";
import type { YouTubeVideoRow } from "../rows.js";
import { youtubeVideoOf } from "../rows.js";
import type { SqlContext } from "../sql-context.js";
import { withoutUniqueViolation } from "../sql-context.js";

export class PostgresYouTubeVideoRepository implements YouTubeVideoRepository {
  constructor(private readonly sql: SqlContext) {}

  findByVideo(key: VideoKey): Effect.Effect<Option.Option<YouTubeVideo>, PersistenceFailure> {
    return this.sql.statement("find YouTube video", async (db) =>
      Option.map(
        Option.fromNullable<YouTubeVideoRow>(await db("youtube_videos").where("video_key", key).first()),
        youtubeVideoOf,
      ),
    );
  }

  upsert(youtube: YouTubeVideo): Effect.Effect<YouTubeVideo, RecordNotFound | PersistenceFailure> {
    return withoutUniqueViolation(
      this.sql.constrainedStatement("upsert YouTube video", async (db) => {
        const [row]: ReadonlyArray<YouTubeVideoRow> = await db("youtube_videos")
          .insert({
            video_key: youtube.videoKey,
            youtube_id: youtube.youtubeId,
            status: youtube.status,
            created_at: youtube.createdAt,
            updated_at: youtube.updatedAt,
          })
          .onConflict("video_key")
          .merge(["youtube_id", "status", "updated_at"])
          .returning("*");
        if (row === undefined) throw new Error("upsert returned no row");
        return youtubeVideoOf(row);
      }),
    );
  }

  delete(key: VideoKey): Effect.Effect<void, PersistenceFailure> {
    return this.sql.statement("delete YouTube video", async (db) => {
      await db("youtube_videos").where("video_key", key).delete();
    });
  }
}
