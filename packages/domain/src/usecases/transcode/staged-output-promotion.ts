import { Chunk, Effect, Option, Stream } from "effect";
import type { VideoKey } from "../../model/keys.js";
import { hexKey } from "../../model/keys.js";
import type { KeySpace } from "../../model/storage-keys.js";
import { liveKeyForStagedKey, retranscodeStagingPrefix } from "../../model/storage-keys.js";
import type { ObjectStore, StorageFailure } from "../../ports/object-store.js";
import { objectsUnder } from "../../ports/object-store.js";
import type { LiveOutputs, TranscodeSucceeded } from "./transcode-outputs.js";

/**
 * What became of a retranscode's staged outputs: copied over the live prefix, or left where
 * they are because some output the transcoder reported is not in staging.
 */
export type StagedOutputPromotion =
  | { readonly _tag: "Promoted" }
  | { readonly _tag: "StagedOutputsMissing"; readonly missing: ReadonlyArray<string> };

const promoted: StagedOutputPromotion = { _tag: "Promoted" };
const stagedOutputsMissing = (missing: ReadonlyArray<string>): StagedOutputPromotion => ({
  _tag: "StagedOutputsMissing",
  missing,
});

/** Segments before playlists, so a playlist never goes live ahead of the segments it names. */
const playlistsLast = (keys: ReadonlyArray<string>): ReadonlyArray<string> => [
  ...keys.filter((key) => !key.endsWith(".m3u8")),
  ...keys.filter((key) => key.endsWith(".m3u8")),
];

/** Outputs the outcome names that are not in staging (checked before anything is copied). */
const missingStagedOutputs = (
  objectStore: ObjectStore,
  stagedKeys: ReadonlyArray<string>,
  outcome: TranscodeSucceeded,
  outputs: LiveOutputs,
): Effect.Effect<ReadonlyArray<string>, StorageFailure> => {
  const staged = new Set(stagedKeys);
  return Effect.gen(function* () {
    const missing: Array<string> = [];
    for (const location of [outcome.hlsPlaylist, ...(outcome.mp4 === null ? [] : [outcome.mp4])]) {
      if (!staged.has(location.key)) missing.push(`${location.bucket}/${location.key}`);
    }
    for (const thumbnail of outputs.thumbnails) {
      if (thumbnail.staged === null) continue;
      if (Option.isNone(yield* objectStore.head(thumbnail.staged))) {
        missing.push(`${thumbnail.staged.bucket}/${thumbnail.staged.key}`);
      }
    }
    return missing;
  });
};

/**
 * Copies every staged object of a retranscode over its live key in `space`, segments before
 * playlists, and the staged frames over the live thumbnails. Copies overwrite, so a crash half
 * way and a redelivery simply copy again. Nothing is copied unless every output the outcome
 * reports is in staging.
 */
export const promoteStagedOutputs = Effect.fn("promoteStagedOutputs")(function* (
  objectStore: ObjectStore,
  input: {
    readonly transcodeBucket: string;
    readonly videoKey: VideoKey;
    readonly space: KeySpace;
    readonly outcome: TranscodeSucceeded;
    readonly outputs: LiveOutputs;
  },
) {
  const { transcodeBucket: bucket, space, outcome, outputs } = input;
  const hex = hexKey(input.videoKey);
  const listed = yield* Stream.runCollect(
    objectsUnder(objectStore, bucket, `${retranscodeStagingPrefix(hex)}/`),
  );
  const staged = Chunk.toReadonlyArray(Chunk.map(listed, (object) => object.key));
  const missing = yield* missingStagedOutputs(objectStore, staged, outcome, outputs);
  if (missing.length > 0) return stagedOutputsMissing(missing);
  for (const key of playlistsLast(staged)) {
    const live = liveKeyForStagedKey(key, hex, space);
    if (live !== undefined) yield* objectStore.copy({ bucket, key }, { bucket, key: live });
  }
  for (const thumbnail of outputs.thumbnails) {
    if (thumbnail.staged !== null) yield* objectStore.copy(thumbnail.staged, thumbnail.live);
  }
  return promoted;
});
