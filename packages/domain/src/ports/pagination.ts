import { Data, Either, Encoding, Schema } from "effect";
import { canonicalUuid } from "../model/keys.js";

/**
 * Two ways to page a list, both over one stable total order whose last component is unique
 * (`created_at DESC, key DESC` by default), so a crawler never sees an item twice or misses
 * one: page numbers for people and compatibility, opaque keyset cursors for crawlers (constant
 * cost however deep).
 */
export type PageRequest =
  | { readonly _tag: "PageNumber"; readonly page: number; readonly size: number }
  | { readonly _tag: "After"; readonly cursor: string | null; readonly size: number };

export const pageNumber = (page: number, size: number): PageRequest => ({ _tag: "PageNumber", page, size });
export const firstPage = (size: number): PageRequest => ({ _tag: "After", cursor: null, size });
export const after = (cursor: string | null, size: number): PageRequest => ({ _tag: "After", cursor, size });

export interface Page<T> {
  readonly items: ReadonlyArray<T>;
  /** Total matching items; always computed for page-number requests. */
  readonly total: number;
  /** Cursor of the page after this one, null on the last page. */
  readonly nextCursor: string | null;
}

export class InvalidCursor extends Data.TaggedError("InvalidCursor")<{ readonly cursor: string }> {
  override get message(): string {
    return `'${this.cursor}' is not a valid page cursor`;
  }
}

/** The sort key values of the last item of a page, in the order of the sort. */
export type CursorPosition = ReadonlyArray<string | number | null>;

const Position = Schema.parseJson(
  Schema.Struct({
    o: Schema.String,
    p: Schema.Array(Schema.NullOr(Schema.Union(Schema.String, Schema.Number))),
  }),
);
const encodePosition = Schema.encodeSync(Position);
const decodePosition = Schema.decodeUnknownEither(Position);

/** Opaque cursor: the ordering name and the last item's sort values, base64url JSON. */
export const encodeCursor = (ordering: string, position: CursorPosition): string =>
  Encoding.encodeBase64Url(encodePosition({ o: ordering, p: position }));

export const decodeCursor = (
  ordering: string,
  cursor: string,
): Either.Either<CursorPosition, InvalidCursor> => {
  const text = Encoding.decodeBase64UrlString(cursor);
  if (Either.isLeft(text)) return Either.left(new InvalidCursor({ cursor }));
  const decoded = decodePosition(text.right);
  if (Either.isLeft(decoded) || decoded.right.o !== ordering)
    return Either.left(new InvalidCursor({ cursor }));
  return Either.right(decoded.right.p);
};

/** The orderings every list accepts: by creation time or by title, either way round. */
export type ListOrdering = "-created_at" | "created_at" | "title" | "-title";

/**
 * Where a list cursor points: after the item with this sort value (its creation time for the
 * `created_at` orderings, its title for the `title` ones) and this key, which breaks ties.
 */
export interface SortPosition {
  readonly value: Date | string;
  readonly key: string;
}

const sortsByCreation = (ordering: ListOrdering): boolean => ordering.endsWith("created_at");

/** The cursor of the page that follows `last`. */
export const encodeSortPosition = (
  ordering: ListOrdering,
  last: { readonly createdAt: Date; readonly title: string; readonly key: string },
): string =>
  encodeCursor(ordering, [sortsByCreation(ordering) ? last.createdAt.toISOString() : last.title, last.key]);

/**
 * Reads a list cursor back, refusing anything `encodeSortPosition` could not have made for this
 * ordering: another ordering, another shape, a key that is not a canonical UUID, or a time not
 * written the way the encoder writes it. Every store pages with this, so a cursor one of them
 * accepts the others accept too.
 */
export const decodeSortPosition = (
  ordering: ListOrdering,
  cursor: string,
): Either.Either<SortPosition, InvalidCursor> =>
  Either.flatMap(decodeCursor(ordering, cursor), (position): Either.Either<SortPosition, InvalidCursor> => {
    const [value, key] = position;
    const invalid = Either.left(new InvalidCursor({ cursor }));
    if (position.length !== 2 || typeof value !== "string" || typeof key !== "string") return invalid;
    if (canonicalUuid(key) !== key) return invalid;
    if (!sortsByCreation(ordering)) return Either.right({ value, key });
    const at = new Date(value);
    return Number.isNaN(at.getTime()) || at.toISOString() !== value
      ? invalid
      : Either.right({ value: at, key });
  });

/** Bounds used by every list: at least one item, at most 1000. */
export const MAX_PAGE_SIZE = 1000;
