import { Effect, Schema } from "effect";
import type { EdxEndpointId } from "../../model/edx-endpoint.js";
import type { Principal } from "../../model/user.js";
import { collectionListScope } from "../../policy/access.js";
import type { CollectionListQuery } from "../../ports/collection-repository.js";
import type { InvalidCursor, Page, PageRequest } from "../../ports/pagination.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import { RecordNotFound } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import type { InvalidInput } from "../errors.js";
import { invalidField, orFail } from "../errors.js";
import { validateInput } from "../validate-input.js";
import { orderingFromQuery } from "../videos/list-ordering.js";
import type { CollectionListEntry } from "./collection-view.js";

/** Upstream's default page size for collections (`PAGE_SIZE_COLLECTIONS`). */
export const COLLECTION_PAGE_SIZE = 50;

const optionalText = Schema.optionalWith(Schema.String, { exact: true });

/** The list's query parameters, by their upstream names (`ui/filters.py: CollectionFilter`). */
const CollectionListParameters = Schema.Struct({
  title: optionalText,
  slug: optionalText,
  description: optionalText,
  edx_course_id: optionalText,
  edx_endpoint: Schema.optionalWith(Schema.Union(Schema.String, Schema.Number), { exact: true }),
  search: optionalText,
  ordering: optionalText,
});

// django-filter's ModelChoiceFilter message, for ids that are malformed and for ids of nothing.
const NOT_A_CHOICE = "Select a valid choice. That choice is not one of the available choices.";

/** django-filter skips a filter whose value is empty. */
const given = (value: string | undefined): string | undefined =>
  value === undefined || value.length === 0 ? undefined : value;

const endpointIdOf = (value: string | number | undefined): number | null | undefined => {
  if (value === undefined || value === "") return undefined;
  const id = typeof value === "number" ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : null;
};

/** `{ [name]: value }` when the value is defined, `{}` otherwise (optional properties stay absent). */
const withDefined = <K extends string, V>(name: K, value: V | undefined): { readonly [P in K]?: V } =>
  (value === undefined ? {} : { [name]: value }) as { readonly [P in K]?: V };

export type ListCollectionsError = InvalidInput | InvalidCursor | RecordNotFound | PersistenceFailure;

/**
 * A principal's collections (upstream `GET /api/v0/collections/`): the ones they own,
 * administer or are on a view list of; all of them for superusers; none for anonymous visitors.
 * Public and logged-in-only collections can still be opened by those the detail admits, but are
 * not listed to everyone (`inCollectionListScope`). With upstream's
 * filters (`title`, `slug`, `description`, `edx_course_id` contain the text, case-insensitively;
 * `edx_endpoint` is an endpoint id; `search` looks through the collection's text and its videos'
 * titles and descriptions) and ordering. Pages by number or by cursor over one stable order.
 */
export class ListCollections {
  constructor(private readonly ports: Pick<DomainPorts, "collections" | "users" | "edxEndpoints">) {}

  run(
    principal: Principal,
    parameters: unknown,
    page: PageRequest,
  ): Effect.Effect<Page<CollectionListEntry>, ListCollectionsError> {
    const { collections, users, edxEndpoints } = this.ports;
    return Effect.gen(function* () {
      const input = yield* validateInput(CollectionListParameters, parameters);
      const endpointId = endpointIdOf(input.edx_endpoint);
      if (endpointId === null) return yield* invalidField("edx_endpoint", NOT_A_CHOICE);
      if (endpointId !== undefined) {
        yield* edxEndpoints
          .findById(endpointId as EdxEndpointId)
          .pipe(orFail(() => invalidField("edx_endpoint", NOT_A_CHOICE)));
      }
      const query: CollectionListQuery = {
        visibility: collectionListScope(principal),
        ...withDefined("titleContains", given(input.title)),
        ...withDefined("slugContains", given(input.slug)),
        ...withDefined("descriptionContains", given(input.description)),
        ...withDefined("edxCourseIdContains", given(input.edx_course_id)),
        ...withDefined("edxEndpointId", endpointId as EdxEndpointId | undefined),
        ...withDefined("search", given(input.search)),
        ...withDefined("ordering", orderingFromQuery(given(input.ordering))),
      };
      const found = yield* collections.list(query, page);
      const ownerIds = [...new Set(found.items.map((item) => item.collection.ownerId))];
      const ownerRows = new Map((yield* users.findByIds(ownerIds)).map((user) => [user.id, user]));
      const items = yield* Effect.forEach(found.items, (item) => {
        const owner = ownerRows.get(item.collection.ownerId);
        return owner === undefined
          ? Effect.fail(new RecordNotFound({ entity: "User", id: String(item.collection.ownerId) }))
          : Effect.succeed({ collection: item.collection, owner, videoCount: item.videoCount });
      });
      return { ...found, items };
    }).pipe(Effect.withSpan("ListCollections.run"));
  }
}
