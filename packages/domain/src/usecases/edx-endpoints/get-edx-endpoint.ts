import { Effect } from "effect";
import type { Principal } from "../../model/user.js";
import type { EdxEndpointView } from "../../policy/projections/edx-endpoint-payload.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import type { Forbidden } from "../errors.js";
import { checkCanManageEdxEndpoints, endpointById, viewOf } from "./edx-endpoint-access.js";
import type { EdxEndpointNotFound } from "./edx-endpoint-not-found.js";

export type GetEdxEndpointError = Forbidden | EdxEndpointNotFound | PersistenceFailure;

/** One edX endpoint, for staff and superusers; `id` is the path segment as sent. */
export class GetEdxEndpoint {
  constructor(private readonly ports: Pick<DomainPorts, "edxEndpoints">) {}

  run(principal: Principal, id: string): Effect.Effect<EdxEndpointView, GetEdxEndpointError> {
    const ports = this.ports;
    return Effect.gen(function* () {
      yield* checkCanManageEdxEndpoints(principal, "see the edX endpoints");
      return yield* viewOf(ports, yield* endpointById(ports, id));
    }).pipe(Effect.withSpan("GetEdxEndpoint.run"));
  }
}
