import { Effect, Option } from "effect";
import type { VideoKey } from "../../model/keys.js";
import type { KeySpace } from "../../model/storage-keys.js";
import { mediaKeySpaceOf } from "../../policy/media-key-space.js";
import type { DomainPorts } from "../domain-ports.js";

/**
 * The key space a stored video's media belongs in now, read from the video and its collection
 * as they are stored (inside a unit of work, as of that unit); none when either is gone. Both
 * are read because either can move the media: the video's flags, or a course linked to the
 * collection.
 */
export const storedMediaKeySpace = Effect.fn("storedMediaKeySpace")(function* (
  ports: Pick<DomainPorts, "videos" | "collections">,
  videoKey: VideoKey,
) {
  const video = yield* ports.videos.findByKey(videoKey);
  if (Option.isNone(video)) return Option.none<KeySpace>();
  const collection = yield* ports.collections.findByKey(video.value.collectionKey);
  if (Option.isNone(collection)) return Option.none<KeySpace>();
  return Option.some(mediaKeySpaceOf(video.value, collection.value));
});
