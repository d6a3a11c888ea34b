import { MAX_PAGE_SIZE, pageLinks, pageNumber, paginationEnvelope } from "@ovs/domain";
import type { Page, PageRequest, PaginationEnvelope } from "@ovs/domain";
import { InvalidPage } from "@ovs/domain";

/** A list request's page as DRF's `PageNumberPagination` reads it: `page` (1-based or `last`), `page_size`. */
export interface RequestedPage {
  readonly page: number | "last";
  readonly size: number;
}

const lastValue = (query: URLSearchParams, name: string): string | undefined => query.getAll(name).at(-1);

/**
 * `page_size`: a positive integer capped at 1000; anything else is the list's default, as upstream.
 * `page`: a positive integer or `last`; anything else is upstream's 404 "Invalid page.".
 */
export const requestedPage = (query: URLSearchParams, defaultSize: number): RequestedPage | InvalidPage => {
  const sizeText = lastValue(query, "page_size");
  const size =
    sizeText !== undefined && /^\d+$/.test(sizeText) && Number(sizeText) > 0
      ? Math.min(Number(sizeText), MAX_PAGE_SIZE)
      : defaultSize;
  const pageText = lastValue(query, "page") ?? "1";
  if (pageText === "last") return { page: "last", size };
  if (!/^\d+$/.test(pageText) || Number(pageText) < 1) return new InvalidPage({ detail: "Invalid page." });
  return { page: Number(pageText), size };
};

export const pageRequestOf = (requested: { readonly page: number; readonly size: number }): PageRequest =>
  pageNumber(requested.page, requested.size);

/**
 * Loads the requested page (resolving `last` from the total), and wraps it in upstream's envelope
 * with absolute links under `listUrl`, which comes from the configured base URL, never a header.
 */
export const loadEnvelope = async <T, R>(input: {
  readonly requested: RequestedPage;
  readonly load: (request: PageRequest) => Promise<Page<T>>;
  readonly project: (item: T) => R;
  readonly listUrl: string;
  readonly query: URLSearchParams;
}): Promise<PaginationEnvelope<R>> => {
  const { requested } = input;
  let page = requested.page === "last" ? 1 : requested.page;
  let loaded = await input.load(pageRequestOf({ page, size: requested.size }));
  const pages = Math.max(1, Math.ceil(loaded.total / requested.size));
  if (requested.page === "last" && pages !== 1) {
    page = pages;
    loaded = await input.load(pageRequestOf({ page, size: requested.size }));
  }
  if (page > pages) throw new InvalidPage({ detail: "Invalid page." });
  const links = pageLinks({
    baseUrl: input.listUrl,
    query: input.query,
    page,
    count: loaded.total,
    pageSize: requested.size,
  });
  return paginationEnvelope({
    count: loaded.total,
    page,
    pageSize: requested.size,
    results: loaded.items.map(input.project),
    ...links,
  });
};
