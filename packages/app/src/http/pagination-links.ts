import { pageLinks, pageUrl } from "@ovs/domain";

/** What the links are built from: the request's path (with any mount prefix) and its raw query. */
export interface ListRequest {
  readonly path: string;
  readonly querystring: string;
}

export interface Links {
  readonly nextUrl: string | null;
  readonly previousUrl: string | null;
}

export interface PaginationLinks {
  /** The absolute URL of the list the request read, without its query. */
  listUrl(request: ListRequest): string;
  /** `next` and `previous` of page `page` (1-based) of a list of `count` items in pages of `pageSize`. */
  pageNumberLinks(
    request: ListRequest,
    position: { readonly page: number; readonly count: number; readonly pageSize: number },
  ): Links;
  /**
   * `next` of a list read by keyset cursor: the request's parameters with the cursor replaced
   * and `page` dropped; null when `nextCursor` is. `previous` is the page-number link of the
   * page before `page`, when the caller knows which page it read (a cursor only reads forwards).
   */
  cursorLinks(
    request: ListRequest,
    position: { readonly nextCursor: string | null; readonly page?: number },
  ): Links;
}

/** The query parameter that carries a list's keyset cursor. */
export const CURSOR_PARAMETER = "cursor";

const withoutPosition = (querystring: string): URLSearchParams => {
  const parameters = new URLSearchParams(querystring);
  parameters.delete("page");
  parameters.delete(CURSOR_PARAMETER);
  return parameters;
};

/**
 * Links of paginated lists, absolute and built on the configured base URL (`ODL_VIDEO_BASE_URL`)
 * and never on the request's `Host` or `X-Forwarded-*` headers, which any client can forge: a
 * crawler following `next` must stay on this service. Parameters are kept, sorted and encoded as
 * the old API's links were (the domain's `pageUrl`). The base URL is checked once, here.
 */
export const makePaginationLinks = (baseUrl: string): PaginationLinks => {
  const base = new URL(baseUrl);
  if (base.protocol !== "https:" && base.protocol !== "http:") {
    throw new Error(`the base URL must be http or https, not ${base.protocol}`);
  }
  if (base.search !== "" || base.hash !== "" || base.username !== "" || base.password !== "") {
    throw new Error("the base URL must have no query, fragment or credentials");
  }
  const origin = `${base.origin}${base.pathname.replace(/\/+$/, "")}`;

  const listUrl = (request: ListRequest): string => {
    // Only a path is appended, so the result is on the base URL's host whatever the request says.
    const path = request.path.startsWith("/") ? request.path : `/${request.path}`;
    return `${origin}${path}`;
  };

  return {
    listUrl,
    pageNumberLinks: (request, position) =>
      pageLinks({ baseUrl: listUrl(request), query: withoutPosition(request.querystring), ...position }),
    cursorLinks: (request, { nextCursor, page }) => {
      const kept = withoutPosition(request.querystring);
      let nextUrl: string | null = null;
      if (nextCursor !== null) {
        const withCursor = new URLSearchParams(kept);
        withCursor.set(CURSOR_PARAMETER, nextCursor);
        nextUrl = pageUrl(listUrl(request), withCursor, 1);
      }
      const previousUrl = page !== undefined && page > 1 ? pageUrl(listUrl(request), kept, page - 1) : null;
      return { nextUrl, previousUrl };
    },
  };
};
