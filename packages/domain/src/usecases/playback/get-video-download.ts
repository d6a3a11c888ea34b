import { Effect, Either } from "effect";
import { parseVideoKey } from "../../model/keys.js";
import { Encoding, downloadFileOf } from "../../model/video-file.js";
import type { CdnSigningFailure } from "../../ports/cdn-urls.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import { VideoNotFound, orFail } from "../errors.js";
import { mediaAccessFor } from "./media-access.js";

/**
 * Upstream's download link, `/videos/<key>/download/` (its `VideoDownload`): public videos only,
 * anyone may follow it, and it leads to the unsigned CDN URL of the video's download file, the
 * best MP4 by upstream's ladder. Unlike upstream, never the original upload, which the CDN does
 * not serve: a video with no transcoded MP4 has nothing to download. Everything else is not found.
 */
export class GetVideoDownload {
  constructor(private readonly ports: Pick<DomainPorts, "videos" | "cdnUrls">) {}

  run(videoKey: string): Effect.Effect<string, VideoNotFound | CdnSigningFailure | PersistenceFailure> {
    const { videos, cdnUrls } = this.ports;
    return Effect.gen(function* () {
      const parsed = parseVideoKey(videoKey);
      if (Either.isLeft(parsed)) return yield* new VideoNotFound({ key: videoKey });
      const details = yield* videos
        .findDetailsByKey(parsed.right)
        .pipe(orFail(() => new VideoNotFound({ key: parsed.right })));
      if (!details.video.isPublic) return yield* new VideoNotFound({ key: parsed.right });
      const file = downloadFileOf(
        details.files.filter((candidate) => candidate.encoding !== Encoding.original),
      );
      const access = yield* mediaAccessFor(cdnUrls, details, details.collection);
      const url = file === undefined ? "" : access.url(file.s3ObjectKey);
      if (url === "") return yield* new VideoNotFound({ key: parsed.right });
      return url;
    }).pipe(Effect.withSpan("GetVideoDownload.run", { attributes: { videoKey } }));
  }
}
