import { describe, expect, it } from "vitest";
import {
  isPageInRange,
  numberOfPages,
  pageLinks,
  pageUrl,
  paginationEnvelope,
} from "./pagination-envelope.js";

const BASE = "https://video.example.edu/api/v0/public/videos/";

describe("paginationEnvelope — DRF PageNumberPagination with OVSPaginationMixin", () => {
  it("keeps upstream's key order", () => {
    const envelope = paginationEnvelope({
      count: 1,
      page: 1,
      pageSize: 1000,
      results: ["a"],
      nextUrl: null,
      previousUrl: null,
    });
    expect(Object.keys(envelope)).toEqual([
      "count",
      "next",
      "previous",
      "results",
      "start_index",
      "end_index",
      "num_pages",
    ]);
  });

  it("gives an empty list indices 0 and one page", () => {
    expect(
      paginationEnvelope({ count: 0, page: 1, pageSize: 50, results: [], nextUrl: null, previousUrl: null }),
    ).toEqual({
      count: 0,
      next: null,
      previous: null,
      results: [],
      start_index: 0,
      end_index: 0,
      num_pages: 1,
    });
  });

  it.each([
    [1, 1, 1000],
    [2, 1001, 2000],
    [3, 2001, 2500],
  ])("page %i of 2500 items by 1000 runs from %i to %i", (page, start, end) => {
    const envelope = paginationEnvelope({
      count: 2500,
      page,
      pageSize: 1000,
      results: [],
      nextUrl: null,
      previousUrl: null,
    });
    expect([envelope.start_index, envelope.end_index, envelope.num_pages]).toEqual([start, end, 3]);
  });

  it("passes the links and results through", () => {
    const envelope = paginationEnvelope({
      count: 3,
      page: 2,
      pageSize: 1,
      results: [{ key: "b" }],
      nextUrl: `${BASE}?page=3`,
      previousUrl: BASE,
    });
    expect(envelope).toEqual({
      count: 3,
      next: `${BASE}?page=3`,
      previous: BASE,
      results: [{ key: "b" }],
      start_index: 2,
      end_index: 2,
      num_pages: 3,
    });
  });
});

describe("numberOfPages and isPageInRange", () => {
  it.each([
    [0, 50, 1],
    [1, 50, 1],
    [50, 50, 1],
    [51, 50, 2],
  ])("%i items by %i make %i pages", (count, size, pages) => {
    expect(numberOfPages(count, size)).toBe(pages);
  });

  it("admits pages 1 to the last, including page 1 of an empty list", () => {
    expect(isPageInRange(1, 0, 50)).toBe(true);
    expect(isPageInRange(2, 51, 50)).toBe(true);
    expect(isPageInRange(3, 51, 50)).toBe(false);
    expect(isPageInRange(0, 51, 50)).toBe(false);
    expect(isPageInRange(1.5, 51, 50)).toBe(false);
  });
});

describe("pageUrl — DRF replace_query_param / remove_query_param", () => {
  it("keeps every parameter, sets page and sorts by name", () => {
    expect(pageUrl(BASE, "include_in_learn=true&status=Complete&page=1", 2)).toBe(
      `${BASE}?include_in_learn=true&page=2&status=Complete`,
    );
  });

  it("removes page for page 1", () => {
    expect(pageUrl(BASE, "page=2&include_in_learn=true", 1)).toBe(`${BASE}?include_in_learn=true`);
    expect(pageUrl(BASE, "page=2", 1)).toBe(BASE);
    expect(pageUrl(BASE, "", 1)).toBe(BASE);
  });

  it("keeps repeated parameters in order and blank values", () => {
    expect(pageUrl(BASE, "b=2&a=1&b=1&empty=&page=last", 3)).toBe(`${BASE}?a=1&b=2&b=1&empty=&page=3`);
  });

  it("encodes as Python's urlencode does", () => {
    expect(pageUrl(BASE, "search=linear+algebra&title=a%2Ab~c&x=%C3%A9%26", 2)).toBe(
      `${BASE}?page=2&search=linear+algebra&title=a%2Ab~c&x=%C3%A9%26`,
    );
    expect(pageUrl(BASE, { q: "it's (fun)!" }, 2)).toBe(`${BASE}?page=2&q=it%27s+%28fun%29%21`);
  });

  it("accepts parsed parameters and records with repeated values", () => {
    expect(pageUrl(BASE, new URLSearchParams([["exclude_source", "youtube"]]), 2)).toBe(
      `${BASE}?exclude_source=youtube&page=2`,
    );
    expect(pageUrl(BASE, { tag: ["x", "y"], missing: undefined, page: "4" }, 5)).toBe(
      `${BASE}?page=5&tag=x&tag=y`,
    );
  });

  it("merges a query already on the base URL and drops a fragment", () => {
    expect(pageUrl(`${BASE}?status=Complete#top`, "?include_in_learn=true", 2)).toBe(
      `${BASE}?include_in_learn=true&page=2&status=Complete`,
    );
  });
});

describe("pageLinks", () => {
  const query = "include_in_learn=true";

  it("has no previous on the first page and no next on the last", () => {
    expect(pageLinks({ baseUrl: BASE, query, page: 1, count: 2500, pageSize: 1000 })).toEqual({
      nextUrl: `${BASE}?include_in_learn=true&page=2`,
      previousUrl: null,
    });
    expect(
      pageLinks({ baseUrl: BASE, query: `${query}&page=3`, page: 3, count: 2500, pageSize: 1000 }),
    ).toEqual({
      nextUrl: null,
      previousUrl: `${BASE}?include_in_learn=true&page=2`,
    });
  });

  it("points previous of page 2 at the URL without a page parameter", () => {
    expect(
      pageLinks({ baseUrl: BASE, query: `page=2&${query}`, page: 2, count: 2500, pageSize: 1000 }),
    ).toEqual({
      nextUrl: `${BASE}?include_in_learn=true&page=3`,
      previousUrl: `${BASE}?include_in_learn=true`,
    });
  });

  it("has neither link for a single page", () => {
    expect(pageLinks({ baseUrl: BASE, query: "", page: 1, count: 0, pageSize: 1000 })).toEqual({
      nextUrl: null,
      previousUrl: null,
    });
  });
});
