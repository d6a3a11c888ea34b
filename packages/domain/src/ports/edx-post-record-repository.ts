import type { Effect, Option } from "effect";
import type { EdxEndpointId } from "../model/edx-endpoint.js";
import type { CollectionKey, VideoKey } from "../model/keys.js";
import type { PersistenceFailure, RecordNotFound } from "./persistence-errors.js";

/**
 * What became of one post of a video to one edX endpoint (docs/architecture.md §6.10):
 * - `Created` / `Updated`: edxval took it (201 / 200);
 * - `Rejected`: edxval answered with an error that retrying will not fix, with its status and body;
 * - `Failed`: the post did not get through (timeouts, 5xx, token trouble); `transient` failures
 *   are retried with backoff;
 * - `NotEligible`: OVS did not post, and says why (no course id, not Complete, not public, …).
 */
export type EdxPostOutcome =
  | { readonly _tag: "Created"; readonly status: number }
  | { readonly _tag: "Updated"; readonly status: number }
  | { readonly _tag: "Rejected"; readonly status: number; readonly body: string }
  | { readonly _tag: "Failed"; readonly reason: string; readonly transient: boolean }
  | { readonly _tag: "NotEligible"; readonly reason: string };

/** The last post of a video to an endpoint, which admins see next to the video. */
export interface EdxPostRecord {
  readonly videoKey: VideoKey;
  readonly edxEndpointId: EdxEndpointId;
  readonly outcome: EdxPostOutcome;
  /** 1 for a fresh post; each retry after a transient failure counts one more. */
  readonly attempt: number;
  readonly postedAt: Date;
}

/**
 * The outcome of the last post per (video, endpoint). A record goes with its video and with its
 * endpoint (both foreign keys cascade).
 */
export interface EdxPostRecordRepository {
  /** Creates the record of the pair or replaces it. The video and the endpoint must exist. */
  record(record: EdxPostRecord): Effect.Effect<EdxPostRecord, RecordNotFound | PersistenceFailure>;
  find(
    videoKey: VideoKey,
    edxEndpointId: EdxEndpointId,
  ): Effect.Effect<Option.Option<EdxPostRecord>, PersistenceFailure>;
  /** The records of one video, by endpoint id. */
  listForVideo(videoKey: VideoKey): Effect.Effect<ReadonlyArray<EdxPostRecord>, PersistenceFailure>;
  /** The records of every video of a collection, by video key then endpoint id. */
  listForCollection(
    collectionKey: CollectionKey,
  ): Effect.Effect<ReadonlyArray<EdxPostRecord>, PersistenceFailure>;
}
export const EdxPostRecordRepository = Symbol.for("ovs/EdxPostRecordRepository");
