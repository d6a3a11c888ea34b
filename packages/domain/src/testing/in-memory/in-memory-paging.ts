import { Either } from "effect";
import type { InvalidCursor, ListOrdering, Page, PageRequest, SortPosition } from "../../ports/pagination.js";
import { MAX_PAGE_SIZE, decodeSortPosition, encodeSortPosition } from "../../ports/pagination.js";

export interface Sortable {
  readonly key: string;
  readonly title: string;
  readonly createdAt: Date;
}

interface SortKey {
  readonly value: number | string;
  readonly key: string;
}

const descending = (ordering: ListOrdering): boolean => ordering.startsWith("-");
const byCreation = (ordering: ListOrdering): boolean => ordering.endsWith("created_at");

const sortKeyOf = (ordering: ListOrdering, row: Sortable): SortKey => ({
  value: byCreation(ordering) ? row.createdAt.getTime() : row.title,
  key: row.key,
});

// Plain code-unit comparison: the in-memory store sorts text like a database using the C collation.
const compareValues = (a: number | string, b: number | string): number => (a < b ? -1 : a > b ? 1 : 0);

const compareSortKeys = (ordering: ListOrdering, a: SortKey, b: SortKey): number => {
  const ascending = compareValues(a.value, b.value) || compareValues(a.key, b.key);
  return descending(ordering) ? -ascending : ascending;
};

/** The decoded cursor as a sort key: times compare as milliseconds, like `sortKeyOf`'s. */
const sortKeyAt = (position: SortPosition): SortKey => ({
  value: position.value instanceof Date ? position.value.getTime() : position.value,
  key: position.key,
});

const clampSize = (size: number): number =>
  Math.min(MAX_PAGE_SIZE, Math.max(1, Number.isFinite(size) ? Math.floor(size) : 1));

/**
 * Sorts the matching rows by the ordering and cuts one page out of them, by page number or
 * after a cursor (keyset: the first row strictly after the cursor's position). The total
 * counts every matching row; the next cursor points after the last row of the page and is
 * null when nothing follows.
 */
export const paginate = <T extends Sortable>(
  rows: ReadonlyArray<T>,
  ordering: ListOrdering,
  request: PageRequest,
): Either.Either<Page<T>, InvalidCursor> => {
  // Each row's sort key is computed once, not once per comparison.
  const keyed = rows
    .map((row) => ({ row, sortKey: sortKeyOf(ordering, row) }))
    .sort((a, b) => compareSortKeys(ordering, a.sortKey, b.sortKey));
  const size = clampSize(request.size);
  const start: Either.Either<number, InvalidCursor> =
    request._tag === "PageNumber"
      ? Either.right((Math.max(1, Math.floor(request.page) || 1) - 1) * size)
      : request.cursor === null
        ? Either.right(0)
        : Either.map(decodeSortPosition(ordering, request.cursor), (position) => {
            const after = sortKeyAt(position);
            const index = keyed.findIndex(({ sortKey }) => compareSortKeys(ordering, sortKey, after) > 0);
            return index === -1 ? keyed.length : index;
          });
  return Either.map(start, (first) => {
    const items = keyed.slice(first, first + size).map(({ row }) => row);
    const last = items.at(-1);
    const more = first + size < keyed.length;
    return {
      items,
      total: keyed.length,
      nextCursor: more && last !== undefined ? encodeSortPosition(ordering, last) : null,
    };
  });
};
