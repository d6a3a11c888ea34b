import type { Effect } from "effect";
import type { Page, PageRequest } from "../ports/pagination.js";
import { after } from "../ports/pagination.js";
import { run } from "../testing/effect-outcomes.js";
import { withFreshSubject } from "../testing/fresh-subject.js";
import type { MakeRepositories } from "./repository-contract-subject.js";

/** Helpers the repository contract suites share; nothing here knows about any one adapter. */

/** Runs one test on fresh repositories and disposes of them afterwards. */
export const withRepositories = (make: MakeRepositories) => withFreshSubject(make);

/** Follows `nextCursor` from a page (the first by default) to the last; returns every item in order. */
export const walkWithCursors = async <T, E>(
  list: (request: PageRequest) => Effect.Effect<Page<T>, E>,
  size: number,
  from: string | null = null,
): Promise<ReadonlyArray<T>> => {
  const items: Array<T> = [];
  let cursor = from;
  for (let pages = 0; pages < 1000; pages += 1) {
    const page: Page<T> = await run(list(after(cursor, size)));
    items.push(...page.items);
    if (page.nextCursor === null) return items;
    cursor = page.nextCursor;
  }
  throw new Error("the cursor walk did not reach a last page");
};

export const keysOf = (rows: ReadonlyArray<{ readonly key: string }>): ReadonlyArray<string> =>
  rows.map((row) => row.key);

/** Keys in the given order, for comparing a listing with the expected sort. */
export const sortedKeys = (
  rows: ReadonlyArray<{ readonly key: string }>,
  compare: (a: { readonly key: string }, b: { readonly key: string }) => number,
): ReadonlyArray<string> => [...rows].sort(compare).map((row) => row.key);

export const byKeyAscending = (a: { readonly key: string }, b: { readonly key: string }): number =>
  a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

export const byKeyDescending = (a: { readonly key: string }, b: { readonly key: string }): number =>
  byKeyAscending(b, a);
