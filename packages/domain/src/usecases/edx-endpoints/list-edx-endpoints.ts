import { Effect } from "effect";
import type { Principal } from "../../model/user.js";
import type { EdxEndpointView } from "../../policy/projections/edx-endpoint-payload.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import type { Forbidden } from "../errors.js";
import { checkCanManageEdxEndpoints } from "./edx-endpoint-access.js";

export type ListEdxEndpointsError = Forbidden | PersistenceFailure;

/**
 * Every edX endpoint, oldest first, for staff and superusers (upstream's Django admin list). An
 * institution has a handful, so the list is not paged. Endpoints whose credentials cannot be
 * read are listed too: that is where staff see them and re-enter the credentials.
 */
export class ListEdxEndpoints {
  constructor(private readonly ports: Pick<DomainPorts, "edxEndpoints">) {}

  run(principal: Principal): Effect.Effect<ReadonlyArray<EdxEndpointView>, ListEdxEndpointsError> {
    const { edxEndpoints } = this.ports;
    return Effect.gen(function* () {
      yield* checkCanManageEdxEndpoints(principal, "see the edX endpoints");
      const endpoints = yield* edxEndpoints.list();
      const counts = yield* edxEndpoints.linkedCollectionCounts();
      return endpoints.map((endpoint) => ({ endpoint, collectionCount: counts.get(endpoint.id) ?? 0 }));
    }).pipe(Effect.withSpan("ListEdxEndpoints.run"));
  }
}
