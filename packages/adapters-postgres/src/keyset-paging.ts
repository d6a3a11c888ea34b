import { Either } from "effect";
import type { Effect } from "effect";
import type { Knex } from "knex";
import type { InvalidCursor, ListOrdering, Page, PageRequest } from "@ovs/domain";
import { MAX_PAGE_SIZE, decodeSortPosition, encodeSortPosition } from "@ovs/domain";

const descending = (ordering: ListOrdering): boolean => ordering.startsWith("-");
const byCreation = (ordering: ListOrdering): boolean => ordering.endsWith("created_at");

export const clampPageSize = (size: number): number =>
  Math.min(MAX_PAGE_SIZE, Math.max(1, Number.isFinite(size) ? Math.floor(size) : 1));

export interface SortColumns {
  /** The created-at and title columns and the unique key column, qualified (`v.created_at`). */
  readonly createdAt: string;
  readonly title: string;
  readonly key: string;
}

/** What the repository needs to run one page: the order, the keyset condition, the window. */
export interface PagePlan {
  readonly ordering: ListOrdering;
  readonly size: number;
  readonly offset: number;
  readonly orderBy: string;
  readonly after: { readonly sql: string; readonly bindings: ReadonlyArray<Date | string> } | null;
}

/**
 * Plans a page over a total order. Titles sort with the "C" collation so PGlite (which only has
 * C) and a Postgres server with another default collation agree with each other and with the
 * in-memory store. Cursors become a row comparison `(sort, key) < (…)` that the
 * `(created_at DESC, key DESC)` index answers directly, at the same cost on every page.
 */
export const planPage = (
  columns: SortColumns,
  ordering: ListOrdering,
  request: PageRequest,
): Either.Either<PagePlan, InvalidCursor> => {
  const size = clampPageSize(request.size);
  const sortColumn = byCreation(ordering) ? columns.createdAt : `${columns.title} COLLATE "C"`;
  const direction = descending(ordering) ? "DESC" : "ASC";
  const orderBy = `${sortColumn} ${direction}, ${columns.key} ${direction}`;
  const base = { ordering, size, orderBy };
  if (request._tag === "PageNumber") {
    return Either.right({
      ...base,
      offset: (Math.max(1, Math.floor(request.page) || 1) - 1) * size,
      after: null,
    });
  }
  if (request.cursor === null) return Either.right({ ...base, offset: 0, after: null });
  return Either.map(decodeSortPosition(ordering, request.cursor), (position) => ({
    ...base,
    offset: 0,
    after: {
      sql: `(${sortColumn}, ${columns.key}) ${descending(ordering) ? "<" : ">"} (${
        byCreation(ordering) ? "?::timestamptz" : `?::text COLLATE "C"`
      }, ?::uuid)`,
      bindings: [position.value, position.key],
    },
  }));
};

/** Applies the plan to a filtered query, fetching one row more than the page to know if more follow. */
export const applyPlan = <Q extends Knex.QueryBuilder>(query: Q, plan: PagePlan): Q => {
  let paged = query
    .orderByRaw(plan.orderBy)
    .limit(plan.size + 1)
    .offset(plan.offset);
  if (plan.after !== null) paged = paged.whereRaw(plan.after.sql, [...plan.after.bindings]);
  return paged as Q;
};

/** Cuts the extra row off and makes the next cursor from the last row of the page. */
export const pageOf = <Row, Item>(
  rows: ReadonlyArray<Row>,
  plan: PagePlan,
  total: number,
  sortValues: (row: Row) => { readonly createdAt: Date; readonly title: string; readonly key: string },
  item: (row: Row) => Item,
): Page<Item> => {
  const pageRows = rows.slice(0, plan.size);
  const last = pageRows.at(-1);
  const more = rows.length > plan.size;
  const nextCursor = more && last !== undefined ? encodeSortPosition(plan.ordering, sortValues(last)) : null;
  return { items: pageRows.map(item), total, nextCursor };
};

export const planOrFail = (
  columns: SortColumns,
  ordering: ListOrdering,
  request: PageRequest,
): Effect.Effect<PagePlan, InvalidCursor> => planPage(columns, ordering, request);
