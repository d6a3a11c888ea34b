import type { VideoKey } from "../../model/keys.js";

/**
 * The lease one ingest holds on its video while bytes flow. The stuck-upload janitor takes the
 * same lease to learn whether anyone is still working on an upload, so both name it here.
 */
export const ingestLeaseName = (videoKey: VideoKey): string => `video-ingest:${videoKey}`;
