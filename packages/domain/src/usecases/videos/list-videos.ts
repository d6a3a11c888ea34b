import { Effect, Either, Schema } from "effect";
import { parseCollectionKey } from "../../model/keys.js";
import type { Principal } from "../../model/user.js";
import { videoVisibilityFilter } from "../../policy/access.js";
import type { CdnSigningFailure } from "../../ports/cdn-urls.js";
import type { InvalidCursor, Page, PageRequest } from "../../ports/pagination.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { VideoListQuery } from "../../ports/video-repository.js";
import type { DomainPorts } from "../domain-ports.js";
import type { InvalidInput } from "../errors.js";
import { invalidField } from "../errors.js";
import { validateInput } from "../validate-input.js";
import { orderingFromQuery } from "./list-ordering.js";
import type { VideoView } from "./video-view.js";
import { videoViewFor } from "./video-view.js";

/** Upstream's default page size for videos (`PAGE_SIZE_VIDEOS`). */
export const VIDEO_PAGE_SIZE = 1000;

/** The list's query parameters, by their upstream names. */
const VideoListParameters = Schema.Struct({
  collection: Schema.optionalWith(Schema.String, { exact: true }),
  ordering: Schema.optionalWith(Schema.String, { exact: true }),
});

export type ListVideosError = InvalidInput | InvalidCursor | PersistenceFailure | CdnSigningFailure;

/**
 * The videos a principal may view (upstream `GET /api/v0/videos/`), optionally of one collection
 * (`?collection=<key>`, hex or dashed; upstream answered a malformed key with a 500), ordered by
 * `created_at`, `-created_at` (the default), `title` or `-title`. Pages by number or by cursor.
 */
export class ListVideos {
  constructor(private readonly ports: Pick<DomainPorts, "videos" | "cdnUrls">) {}

  run(
    principal: Principal,
    parameters: unknown,
    page: PageRequest,
  ): Effect.Effect<Page<VideoView>, ListVideosError> {
    const { videos, cdnUrls } = this.ports;
    return Effect.gen(function* () {
      const input = yield* validateInput(VideoListParameters, parameters);
      const collection =
        input.collection === undefined || input.collection === "" ? undefined : input.collection;
      const collectionKey = collection === undefined ? undefined : parseCollectionKey(collection);
      if (collectionKey !== undefined && Either.isLeft(collectionKey)) {
        return yield* invalidField("collection", collectionKey.left.message);
      }
      const ordering = orderingFromQuery(input.ordering);
      const query: VideoListQuery = {
        visibility: videoVisibilityFilter(principal),
        ...(collectionKey === undefined ? {} : { collectionKey: collectionKey.right }),
        ...(ordering === undefined ? {} : { ordering }),
      };
      const found = yield* videos.listDetails(query, page);
      const items = yield* Effect.forEach(found.items, (details) =>
        videoViewFor(cdnUrls, principal, details),
      );
      return { ...found, items };
    }).pipe(Effect.withSpan("ListVideos.run"));
  }
}
