import { Effect, Either } from "effect";
import { anonymous } from "../../model/user.js";
import { videoVisibilityFilter } from "../../policy/access.js";
import type { PaginationEnvelope, QueryParameters } from "../../policy/projections/pagination-envelope.js";
import {
  isPageInRange,
  numberOfPages,
  pageUrl,
  paginationEnvelope,
} from "../../policy/projections/pagination-envelope.js";
import type { PublicVideoFeedItem } from "../../policy/projections/public-video-feed-item.js";
import { publicVideoFeedItem } from "../../policy/projections/public-video-feed-item.js";
import type { Page, PageRequest } from "../../ports/pagination.js";
import { after, pageNumber } from "../../ports/pagination.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { VideoDetails, VideoListQuery } from "../../ports/video-repository.js";
import type { DomainPorts } from "../domain-ports.js";
import type { InvalidInput } from "../errors.js";
import type { DomainSettings } from "../settings.js";
import { decodeFeedCursor, encodeFeedCursor } from "./feed-cursor.js";
import { InvalidPage } from "./invalid-page.js";
import type { PublicVideoRequest } from "./public-video-query.js";
import { readPublicVideoQuery } from "./public-video-query.js";

/** Where the feed lives, under `ODL_VIDEO_BASE_URL`; MIT Learn and a data pipeline crawl it. */
export const PUBLIC_VIDEOS_PATH = "/api/v0/public/videos/";

export type PublicVideoPage = PaginationEnvelope<PublicVideoFeedItem>;

const EMPTY_PAGE: Page<VideoDetails> = { items: [], total: 0, nextCursor: null };

/**
 * `GET /api/v0/public/videos/`: public videos with upstream's filters, projection and envelope
 * (docs/upstream.md §10), in a total order with the key as tie-breaker.
 *
 * Paging: `?page=N` (and `last`) works as upstream, but every `next` link carries a keyset
 * `cursor` (the other parameters kept), so a crawler that follows `next` never sees an item
 * twice or misses one that existed when it started, however videos are added or removed
 * meanwhile. On a page reached by cursor:
 * - `count` is the number of matching videos now, as on any page;
 * - `start_index` / `end_index` are the positions of the page in the crawl (page number from
 *   the cursor times the page size), which can drift from the live ranking as data changes;
 *   both are 0 for an empty page;
 * - `num_pages` is the live page count, but never less than the page being read;
 * - `previous` is the page-number link of the page before (a cursor only reads forwards).
 */
export class ListPublicVideos {
  constructor(
    private readonly ports: Pick<DomainPorts, "videos" | "cdnUrls">,
    private readonly settings: Pick<DomainSettings, "baseUrl">,
  ) {}

  list(
    query: QueryParameters,
  ): Effect.Effect<PublicVideoPage, InvalidInput | InvalidPage | PersistenceFailure> {
    return Effect.gen(this, function* () {
      const request = yield* readPublicVideoQuery(query);
      const position = request.position;
      switch (position._tag) {
        case "InvalidPageNumber":
          return yield* new InvalidPage({ detail: "Invalid page." });
        case "Cursor": {
          const cursor = yield* Either.mapLeft(
            decodeFeedCursor(position.cursor),
            () => new InvalidPage({ detail: "Invalid cursor." }),
          );
          const page = yield* this.fetch(request, after(cursor.after, request.pageSize));
          return this.cursorEnvelope(request, cursor.page, page);
        }
        case "PageNumber": {
          const number =
            position.page === "last"
              ? numberOfPages((yield* this.fetch(request, pageNumber(1, 1))).total, request.pageSize)
              : position.page;
          const page = yield* this.fetch(request, pageNumber(number, request.pageSize));
          if (!isPageInRange(number, page.total, request.pageSize)) {
            return yield* new InvalidPage({ detail: "Invalid page." });
          }
          return this.pageNumberEnvelope(request, number, page);
        }
      }
    }).pipe(Effect.withSpan("ListPublicVideos.list"));
  }

  private fetch(
    request: PublicVideoRequest,
    page: PageRequest,
  ): Effect.Effect<Page<VideoDetails>, InvalidPage | PersistenceFailure> {
    if (request.filters === null) return Effect.succeed(EMPTY_PAGE);
    const query: VideoListQuery = {
      ...request.filters,
      visibility: videoVisibilityFilter(anonymous),
      ordering: request.ordering,
    };
    return Effect.catchTag(this.ports.videos.listDetails(query, page), "InvalidCursor", () =>
      Effect.fail(new InvalidPage({ detail: "Invalid cursor." })),
    );
  }

  private get listUrl(): string {
    return `${this.settings.baseUrl.replace(/\/+$/, "")}${PUBLIC_VIDEOS_PATH}`;
  }

  /** The same list from the page after `page`: the request's parameters with a fresh cursor. */
  private nextUrl(request: PublicVideoRequest, nextCursor: string | null, page: number): string | null {
    if (nextCursor === null) return null;
    const parameters = withoutPosition(request.parameters);
    parameters.set("cursor", encodeFeedCursor({ after: nextCursor, page: page + 1 }));
    return pageUrl(this.listUrl, parameters, 1);
  }

  private previousUrl(request: PublicVideoRequest, page: number): string | null {
    return page > 1 ? pageUrl(this.listUrl, withoutPosition(request.parameters), page - 1) : null;
  }

  private items(page: Page<VideoDetails>): ReadonlyArray<PublicVideoFeedItem> {
    // The feed holds public videos only, whose media are served unsigned (docs/architecture.md §5.6).
    const plainUrl = (key: string) => this.ports.cdnUrls.plainUrl(key);
    return page.items.map((details) => publicVideoFeedItem(details, plainUrl));
  }

  private pageNumberEnvelope(
    request: PublicVideoRequest,
    number: number,
    page: Page<VideoDetails>,
  ): PublicVideoPage {
    const lastPage = numberOfPages(page.total, request.pageSize);
    // A store that gives no cursor for a numbered page still gets a working `next`.
    const nextUrl =
      this.nextUrl(request, page.nextCursor, number) ??
      (number < lastPage ? pageUrl(this.listUrl, withoutPosition(request.parameters), number + 1) : null);
    return paginationEnvelope({
      count: page.total,
      page: number,
      pageSize: request.pageSize,
      results: this.items(page),
      nextUrl,
      previousUrl: this.previousUrl(request, number),
    });
  }

  private cursorEnvelope(
    request: PublicVideoRequest,
    number: number,
    page: Page<VideoDetails>,
  ): PublicVideoPage {
    const results = this.items(page);
    const startIndex = results.length === 0 ? 0 : (number - 1) * request.pageSize + 1;
    return {
      count: page.total,
      next: this.nextUrl(request, page.nextCursor, number),
      previous: this.previousUrl(request, number),
      results,
      start_index: startIndex,
      end_index: results.length === 0 ? 0 : startIndex + results.length - 1,
      num_pages: Math.max(numberOfPages(page.total, request.pageSize), results.length === 0 ? 1 : number),
    };
  }
}

const withoutPosition = (parameters: URLSearchParams): URLSearchParams => {
  const kept = new URLSearchParams(parameters);
  kept.delete("cursor");
  kept.delete("page");
  return kept;
};
