import { Effect } from "effect";
import type { Principal } from "../../model/user.js";
import type { CdnSigningFailure } from "../../ports/cdn-urls.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import type { Forbidden, VideoNotFound } from "../errors.js";
import { findVideoFor } from "./video-access.js";
import type { VideoView } from "./video-view.js";
import { videoViewFor } from "./video-view.js";

export type GetVideoError = VideoNotFound | Forbidden | PersistenceFailure | CdnSigningFailure;

/**
 * One video for a principal who may view it (upstream `GET /api/v0/videos/<key>/`), with its
 * media URLs. A video the principal may not view is `VideoNotFound` for signed-in users and
 * `Forbidden` with `signInRequired` for anonymous visitors.
 */
export class GetVideo {
  constructor(private readonly ports: Pick<DomainPorts, "videos" | "cdnUrls">) {}

  run(principal: Principal, key: string): Effect.Effect<VideoView, GetVideoError> {
    return Effect.flatMap(findVideoFor(this.ports.videos, principal, key, "view"), (details) =>
      videoViewFor(this.ports.cdnUrls, principal, details),
    ).pipe(Effect.withSpan("GetVideo.run", { attributes: { videoKey: key } }));
  }
}
