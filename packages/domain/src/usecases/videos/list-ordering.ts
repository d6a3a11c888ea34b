import type { CollectionOrdering } from "../../ports/collection-repository.js";
import type { VideoOrdering } from "../../ports/video-repository.js";

const ORDERINGS: ReadonlyArray<CollectionOrdering & VideoOrdering> = [
  "created_at",
  "-created_at",
  "title",
  "-title",
];

/**
 * The `ordering` query parameter as upstream's DRF `OrderingFilter` reads it: a comma-separated
 * list in which unknown fields are ignored. Lists sort on one field (the key breaks ties, so the
 * order is total), so the first known field decides; none gives the default (undefined).
 */
export const orderingFromQuery = (
  value: string | undefined,
): (CollectionOrdering & VideoOrdering) | undefined =>
  value
    ?.split(",")
    .map((field) => field.trim())
    .find((field): field is CollectionOrdering & VideoOrdering =>
      ORDERINGS.includes(field as CollectionOrdering & VideoOrdering),
    );
