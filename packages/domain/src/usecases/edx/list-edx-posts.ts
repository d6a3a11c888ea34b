import { Effect } from "effect";
import { hexKey } from "../../model/keys.js";
import type { Principal } from "../../model/user.js";
import { apiTimestamp } from "../../policy/projections/api-timestamp.js";
import type { EdxPostOutcome } from "../../ports/edx-post-record-repository.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import { findCollectionFor } from "../collections/collection-access.js";
import { videosOfCollection } from "../collections/collection-view.js";
import type { DomainPorts } from "../domain-ports.js";
import type { CollectionNotFound, Forbidden } from "../errors.js";

/** The last post of one video to one edX endpoint, as admins read it. */
export interface EdxPostPayload {
  readonly video_key: string;
  readonly video_title: string;
  readonly endpoint_id: number;
  readonly endpoint_name: string;
  /** `Created`, `Updated`, `Rejected`, `Failed` or `NotEligible`. */
  readonly outcome: EdxPostOutcome["_tag"];
  /** edxval's HTTP status, when it answered. */
  readonly status: number | null;
  /** Why it failed or was not sent; edxval's body for a rejection. */
  readonly detail: string | null;
  /** Whether a retry is coming (a transient failure). */
  readonly retrying: boolean;
  readonly attempt: number;
  readonly posted_at: string;
}

const outcomeFields = (outcome: EdxPostOutcome): Pick<EdxPostPayload, "status" | "detail" | "retrying"> => {
  switch (outcome._tag) {
    case "Created":
    case "Updated":
      return { status: outcome.status, detail: null, retrying: false };
    case "Rejected":
      return { status: outcome.status, detail: outcome.body, retrying: false };
    case "Failed":
      return { status: null, detail: outcome.reason, retrying: outcome.transient };
    case "NotEligible":
      return { status: null, detail: outcome.reason, retrying: false };
  }
};

/**
 * `GET /api/v0/collections/<key>/edx_posts/`: what became of each video's last post to each edX
 * endpoint of the collection (docs/architecture.md §6.10), for the admins of the collection, in
 * the collection's video order, then by endpoint name. Endpoints since unlinked and videos since
 * deleted are left out (their records go with them).
 */
export class ListEdxPosts {
  constructor(
    private readonly ports: Pick<DomainPorts, "collections" | "videos" | "edxEndpoints" | "edxPostRecords">,
  ) {}

  run(
    principal: Principal,
    collectionKey: string,
  ): Effect.Effect<
    { readonly results: ReadonlyArray<EdxPostPayload> },
    CollectionNotFound | Forbidden | PersistenceFailure
  > {
    const { collections, videos, edxEndpoints, edxPostRecords } = this.ports;
    return Effect.gen(function* () {
      const collection = yield* findCollectionFor(collections, principal, collectionKey, "admin");
      const [records, endpoints, details] = yield* Effect.all([
        edxPostRecords.listForCollection(collection.key),
        edxEndpoints.listForCollection(collection.key),
        videosOfCollection(videos, collection.key),
      ]);
      const endpointNames = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint.name]));
      const order = new Map(details.map((detail, index) => [detail.video.key, index]));
      const titles = new Map(details.map((detail) => [detail.video.key, detail.video.title]));
      const results = records
        .flatMap((record) => {
          const endpointName = endpointNames.get(record.edxEndpointId);
          const title = titles.get(record.videoKey);
          if (endpointName === undefined || title === undefined) return [];
          return [{ record, endpointName, title }];
        })
        .sort(
          (a, b) =>
            (order.get(a.record.videoKey) ?? 0) - (order.get(b.record.videoKey) ?? 0) ||
            a.endpointName.localeCompare(b.endpointName),
        )
        .map(({ record, endpointName, title }): EdxPostPayload => ({
          video_key: hexKey(record.videoKey),
          video_title: title,
          endpoint_id: record.edxEndpointId,
          endpoint_name: endpointName,
          outcome: record.outcome._tag,
          ...outcomeFields(record.outcome),
          attempt: record.attempt,
          posted_at: apiTimestamp(record.postedAt),
        }));
      return { results };
    }).pipe(Effect.withSpan("ListEdxPosts.run", { attributes: { collectionKey } }));
  }
}
