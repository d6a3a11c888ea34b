/**
 * The page envelope of every list (upstream `ui/pagination.py`: DRF `PageNumberPagination` with
 * `OVSPaginationMixin`), keys in upstream order. Indices follow Django's `Page.start_index()` /
 * `end_index()`: 1-based and inclusive, both 0 for an empty list, which still has one page.
 */
export interface PaginationEnvelope<T> {
  readonly count: number;
  readonly next: string | null;
  readonly previous: string | null;
  readonly results: ReadonlyArray<T>;
  readonly start_index: number;
  readonly end_index: number;
  readonly num_pages: number;
}

/** Django `Paginator.num_pages` without orphans: an empty list still has page 1. */
export const numberOfPages = (count: number, pageSize: number): number =>
  count === 0 ? 1 : Math.ceil(count / pageSize);

/** Whether `page` exists; anything else is upstream's 404 "Invalid page.". */
export const isPageInRange = (page: number, count: number, pageSize: number): boolean =>
  Number.isInteger(page) && page >= 1 && page <= numberOfPages(count, pageSize);

export const paginationEnvelope = <T>(input: {
  readonly count: number;
  readonly page: number;
  readonly pageSize: number;
  readonly results: ReadonlyArray<T>;
  readonly nextUrl: string | null;
  readonly previousUrl: string | null;
}): PaginationEnvelope<T> => {
  const { count, page, pageSize } = input;
  const pages = numberOfPages(count, pageSize);
  return {
    count,
    next: input.nextUrl,
    previous: input.previousUrl,
    results: input.results,
    start_index: count === 0 ? 0 : (page - 1) * pageSize + 1,
    end_index: count === 0 ? 0 : page === pages ? count : page * pageSize,
    num_pages: pages,
  };
};

/** A request's query as the HTTP edge has it: the raw string, parsed parameters, or a record. */
export type QueryParameters =
  string | URLSearchParams | Readonly<Record<string, string | ReadonlyArray<string> | undefined>>;

const pairsOf = (query: QueryParameters): ReadonlyArray<readonly [string, string]> => {
  if (typeof query === "string") return [...new URLSearchParams(query.replace(/^\?/, ""))];
  if (query instanceof URLSearchParams) return [...query];
  return Object.entries(query).flatMap(([name, value]) =>
    value === undefined
      ? []
      : typeof value === "string"
        ? [[name, value] as const]
        : value.map((item) => [name, item] as const),
  );
};

/**
 * Python's `quote_plus`, which `urlencode` uses: unreserved characters stay, spaces become `+`,
 * everything else is percent-encoded as UTF-8. `encodeURIComponent` also leaves `!'()*`, so
 * those are encoded on top.
 */
const quotePlus = (text: string): string =>
  encodeURIComponent(text)
    .replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");

/**
 * The URL of another page of the same list, as DRF's `replace_query_param` /
 * `remove_query_param` build it: every query parameter is kept, `page` is set (removed for page
 * 1, which is how `previous` points at the first page), and parameters are sorted by name, each
 * keeping its values in order. `baseUrl` is the absolute URL of the list; a query already on it
 * is merged with `query`.
 */
export const pageUrl = (baseUrl: string, query: QueryParameters, page: number): string => {
  const fragmentAt = baseUrl.indexOf("#");
  const withoutFragment = fragmentAt === -1 ? baseUrl : baseUrl.slice(0, fragmentAt);
  const queryAt = withoutFragment.indexOf("?");
  const path = queryAt === -1 ? withoutFragment : withoutFragment.slice(0, queryAt);
  const ownQuery = queryAt === -1 ? "" : withoutFragment.slice(queryAt + 1);

  const valuesByName = new Map<string, Array<string>>();
  for (const [name, value] of [...pairsOf(ownQuery), ...pairsOf(query)]) {
    if (name === "page") continue;
    const values = valuesByName.get(name);
    if (values === undefined) valuesByName.set(name, [value]);
    else values.push(value);
  }
  if (page !== 1) valuesByName.set("page", [String(page)]);

  const encoded = [...valuesByName.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([name, values]) => values.map((value) => `${quotePlus(name)}=${quotePlus(value)}`))
    .join("&");
  return encoded.length === 0 ? path : `${path}?${encoded}`;
};

/** `next` and `previous` of a page: absolute URLs, or null at either end. */
export const pageLinks = (input: {
  readonly baseUrl: string;
  readonly query: QueryParameters;
  readonly page: number;
  readonly count: number;
  readonly pageSize: number;
}): { readonly nextUrl: string | null; readonly previousUrl: string | null } => {
  const pages = numberOfPages(input.count, input.pageSize);
  return {
    nextUrl: input.page < pages ? pageUrl(input.baseUrl, input.query, input.page + 1) : null,
    previousUrl: input.page > 1 ? pageUrl(input.baseUrl, input.query, input.page - 1) : null,
  };
};
