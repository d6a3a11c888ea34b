import { Effect } from "effect";
import type { Principal } from "../../model/user.js";
import type { MediaUrl } from "../../policy/projections/stored-object-payloads.js";
import type { CdnSigningFailure, CdnUrls } from "../../ports/cdn-urls.js";
import type { VideoDetails } from "../../ports/video-repository.js";
import { mediaAccessFor } from "../playback/media-access.js";

/**
 * A video as one principal sees it: everything `videoPayload(details, principal, mediaUrl)`
 * needs, with media URLs already bound (plain for media served openly, signed for the others).
 */
export interface VideoView {
  readonly details: VideoDetails;
  readonly principal: Principal;
  readonly mediaUrl: MediaUrl;
  /** When the signed media URLs stop working; null for plain URLs. */
  readonly mediaExpiresAt: Date | null;
}

/** Binds the media URLs of a video the caller has already decided `principal` may view. */
export const videoViewFor = (
  cdnUrls: CdnUrls,
  principal: Principal,
  details: VideoDetails,
): Effect.Effect<VideoView, CdnSigningFailure> =>
  Effect.map(mediaAccessFor(cdnUrls, details, details.collection), (access) => ({
    details,
    principal,
    mediaUrl: access.url,
    mediaExpiresAt: access.expiresAt,
  }));
