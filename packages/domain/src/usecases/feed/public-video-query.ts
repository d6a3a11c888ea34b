import { Either } from "effect";
import type { CollectionKey } from "../../model/keys.js";
import { VIDEO_STATUSES } from "../../model/video.js";
import type { VideoStatus } from "../../model/video.js";
import type { QueryParameters } from "../../policy/projections/pagination-envelope.js";
import { MAX_PAGE_SIZE } from "../../ports/pagination.js";
import type { VideoListQuery, VideoOrdering } from "../../ports/video-repository.js";
import { invalidField } from "../errors.js";
import type { InvalidInput } from "../errors.js";

/** `PAGE_SIZE_VIDEOS`: what a crawler that sends no `page_size` gets. */
export const DEFAULT_FEED_PAGE_SIZE = 1000;

/** The filters of the feed; the visibility (public videos only) is the use case's to add. */
export type PublicVideoFilters = Omit<VideoListQuery, "visibility" | "ordering">;

/** Which page: a page number (or `last`) as upstream, or a cursor from one of our `next` links. */
export type RequestedPosition =
  | { readonly _tag: "PageNumber"; readonly page: number | "last" }
  | { readonly _tag: "InvalidPageNumber" }
  | { readonly _tag: "Cursor"; readonly cursor: string };

export interface PublicVideoRequest {
  /** None when a filter can match nothing (a status that does not exist). */
  readonly filters: PublicVideoFilters | null;
  readonly ordering: VideoOrdering;
  readonly pageSize: number;
  readonly position: RequestedPosition;
  /** Every parameter as sent, for building the `next` and `previous` links. */
  readonly parameters: URLSearchParams;
}

const pairsOf = (query: QueryParameters): URLSearchParams => {
  if (typeof query === "string") return new URLSearchParams(query.replace(/^\?/, ""));
  if (query instanceof URLSearchParams) return new URLSearchParams(query);
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of typeof value === "string" ? [value] : value) parameters.append(name, item);
  }
  return parameters;
};

/** Django's `QueryDict.get`: the last value of a repeated parameter wins. */
const lastValue = (parameters: URLSearchParams, name: string): string | undefined =>
  parameters.getAll(name).at(-1);

/** A django-filter `CharFilter`: the form field strips the value, and an empty value filters nothing. */
const text = (parameters: URLSearchParams, name: string): string | undefined => {
  const value = lastValue(parameters, name)?.trim();
  return value === undefined || value === "" ? undefined : value;
};

/**
 * A django-filter `BooleanFilter` reads its value through Django's `NullBooleanSelect`: these
 * spellings count, and anything else (`1`, `yes`, `TRUE`) switches the filter off instead of
 * failing the request.
 */
const NULL_BOOLEAN_SPELLINGS: ReadonlyMap<string, boolean> = new Map([
  ["True", true],
  ["true", true],
  ["2", true],
  ["False", false],
  ["false", false],
  ["3", false],
]);

const nullBoolean = (parameters: URLSearchParams, name: string): boolean | undefined => {
  const value = lastValue(parameters, name);
  return value === undefined ? undefined : NULL_BOOLEAN_SPELLINGS.get(value);
};

/**
 * Python's `uuid.UUID(text)` as Django's `UUIDField` calls it: `urn:` and `uuid:` are removed,
 * braces stripped from the ends, hyphens dropped wherever they are, and 32 hex digits must remain.
 */
const pythonUuid = (value: string): CollectionKey | undefined => {
  const hex = value
    .replaceAll("urn:", "")
    .replaceAll("uuid:", "")
    .replace(/^[{}]+|[{}]+$/g, "")
    .replaceAll("-", "")
    .toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` as CollectionKey;
};

/** Python's `int()` of a decimal string: surrounding spaces, a sign and digit-group underscores are fine. */
const pythonInt = (value: string): number | undefined => {
  const trimmed = value.trim();
  if (!/^[+-]?\d+(_\d+)*$/.test(trimmed)) return undefined;
  return Number(trimmed.replaceAll("_", ""));
};

/** DRF `get_page_size`: a positive integer capped at the maximum; anything else is the default. */
const pageSizeOf = (parameters: URLSearchParams): number => {
  const value = lastValue(parameters, "page_size");
  const size = value === undefined ? undefined : pythonInt(value);
  if (size === undefined || size <= 0 || !Number.isSafeInteger(size)) return DEFAULT_FEED_PAGE_SIZE;
  return Math.min(size, MAX_PAGE_SIZE);
};

const ORDERINGS: ReadonlyArray<VideoOrdering> = ["created_at", "-created_at", "title", "-title"];

/**
 * DRF's `OrderingFilter`: a comma-separated list whose unknown fields are dropped, the default
 * when none is left. Lists are sorted by one field plus the key, so the first valid field is
 * the one used.
 */
const orderingOf = (parameters: URLSearchParams): VideoOrdering => {
  const terms = (lastValue(parameters, "ordering") ?? "").split(",").map((term) => term.trim());
  return (
    terms.find((term): term is VideoOrdering => ORDERINGS.includes(term as VideoOrdering)) ?? "-created_at"
  );
};

const positionOf = (parameters: URLSearchParams): RequestedPosition => {
  const cursor = lastValue(parameters, "cursor");
  if (cursor !== undefined) return { _tag: "Cursor", cursor };
  const page = lastValue(parameters, "page");
  if (page === undefined) return { _tag: "PageNumber", page: 1 };
  if (page === "last") return { _tag: "PageNumber", page: "last" };
  const number = pythonInt(page);
  return number === undefined || number < 1 || !Number.isSafeInteger(number)
    ? { _tag: "InvalidPageNumber" }
    : { _tag: "PageNumber", page: number };
};

/** A filter that is off is left out rather than set to undefined (`exactOptionalPropertyTypes`). */
const withoutAbsentFields = <T extends object>(record: T): { [K in keyof T]?: Exclude<T[K], undefined> } =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };

const isVideoStatus = (value: string): value is VideoStatus =>
  (VIDEO_STATUSES as ReadonlyArray<string>).includes(value);

/**
 * Reads the query of `GET /api/v0/public/videos/` exactly as upstream's `PublicVideoFilter`,
 * `OrderingFilter` and `VideoSetPagination` do (docs/upstream.md §10), plus
 * our `cursor`. Only a malformed `collection` is an error, as upstream's 400.
 */
export const readPublicVideoQuery = (
  query: QueryParameters,
): Either.Either<PublicVideoRequest, InvalidInput> => {
  const parameters = pairsOf(query);
  const collection = text(parameters, "collection");
  const collectionKey = collection === undefined ? undefined : pythonUuid(collection);
  if (collection !== undefined && collectionKey === undefined) {
    return Either.left(invalidField("collection", "Enter a valid UUID."));
  }
  const status = text(parameters, "status");
  const excluded = (text(parameters, "exclude_source") ?? "")
    .split(",")
    .map((source) => source.trim())
    .filter((source) => source !== "");
  const matchesNothing = status !== undefined && !isVideoStatus(status);
  const filters = withoutAbsentFields({
    collectionKey,
    status: status !== undefined && isVideoStatus(status) ? status : undefined,
    includeInLearn: nullBoolean(parameters, "include_in_learn"),
    forShorts: nullBoolean(parameters, "for_shorts"),
    collectionTitleContains: text(parameters, "collection_title"),
    streamSource: text(parameters, "stream_source"),
    excludeStreamSources: excluded.length === 0 ? undefined : excluded,
    titleContains: text(parameters, "title"),
    descriptionContains: text(parameters, "description"),
    search: text(parameters, "search"),
  });
  return Either.right({
    filters: matchesNothing ? null : filters,
    ordering: orderingOf(parameters),
    pageSize: pageSizeOf(parameters),
    position: positionOf(parameters),
    parameters,
  });
};
