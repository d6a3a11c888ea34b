import { Chunk, Effect, Option, Stream } from "effect";
import type { Collection } from "../../model/collection.js";
import type { CollectionKey, VideoKey } from "../../model/keys.js";
import type { Principal } from "../../model/user.js";
import type { Video } from "../../model/video.js";
import { videosVisibleTo } from "../../policy/projections/collection-payload.js";
import type { CollectionOwner } from "../../policy/projections/collection-payload.js";
import type { MediaUrl } from "../../policy/projections/stored-object-payloads.js";
import type { VideoMedia } from "../../policy/projections/video-payload.js";
import { MAX_PAGE_SIZE, after } from "../../ports/pagination.js";
import type { VideoDetails, VideoListQuery, VideoRepository } from "../../ports/video-repository.js";
import type { DomainPorts } from "../domain-ports.js";
import { mediaAccessFor } from "../playback/media-access.js";
import { ownerOf } from "./collection-owner.js";

/**
 * A collection as one principal sees it: exactly the input of `collectionPayload`. `videos` are
 * all of the collection's videos in display order (the projection shows only those the
 * principal may view and counts them all); only the viewable ones get media URLs.
 */
export interface CollectionView {
  readonly collection: Collection;
  readonly owner: CollectionOwner;
  readonly videos: ReadonlyArray<VideoMedia>;
  readonly principal: Principal;
  readonly mediaUrlFor: (video: Video) => MediaUrl;
}

/** One item of a collection list: exactly the input of `collectionListPayload`. */
export interface CollectionListEntry {
  readonly collection: Collection;
  readonly owner: CollectionOwner;
  readonly videoCount: number;
}

/**
 * Every video of a collection with its files, thumbnails and subtitles, in display order
 * (custom order first, then newest). The details come a page at a time, so a large collection
 * costs a few queries, never one per video.
 */
export const videosOfCollection = Effect.fn("videosOfCollection")(function* (
  videos: VideoRepository,
  key: CollectionKey,
) {
  const query: VideoListQuery = { visibility: { _tag: "Everything" }, collectionKey: key };
  const pages = Stream.paginateChunkEffect(null as string | null, (cursor) =>
    Effect.map(videos.listDetails(query, after(cursor, MAX_PAGE_SIZE)), (page) => [
      Chunk.fromIterable(page.items),
      Option.fromNullable(page.nextCursor),
    ]),
  );
  // The cursor came from the repository a moment ago; refusing it is a bug, not an input error.
  const loaded = yield* Stream.runCollect(pages).pipe(Effect.catchTag("InvalidCursor", Effect.die));
  const displayOrder = yield* videos.listInCollection(key);
  const position = new Map<VideoKey, number>(displayOrder.map((video, index) => [video.key, index]));
  const rank = (details: VideoDetails): number => position.get(details.video.key) ?? displayOrder.length;
  return Chunk.toArray(loaded).sort((a, b) => rank(a) - rank(b));
});

const unreachable: MediaUrl = () => "";

/** Signs media access for the videos `principal` may view, and only for those. */
export const collectionViewFor = Effect.fn("collectionViewFor")(function* (
  ports: Pick<DomainPorts, "videos" | "users" | "cdnUrls">,
  principal: Principal,
  collection: Collection,
) {
  const owner = yield* ownerOf(ports.users, collection);
  const videos = yield* videosOfCollection(ports.videos, collection.key);
  const visible = videosVisibleTo(principal, collection, videos);
  const accesses = yield* Effect.forEach(visible, (media) =>
    Effect.map(
      mediaAccessFor(ports.cdnUrls, media, collection),
      (access) => [media.video.key, access.url] as const,
    ),
  );
  const mediaUrls = new Map<VideoKey, MediaUrl>(accesses);
  const view: CollectionView = {
    collection,
    owner,
    videos,
    principal,
    mediaUrlFor: (video: Video) => mediaUrls.get(video.key) ?? unreachable,
  };
  return view;
});
