import { Effect } from "effect";
import type { Principal } from "../../model/user.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import type { Forbidden } from "../errors.js";
import { checkCanManageEdxEndpoints, endpointById } from "./edx-endpoint-access.js";
import { EdxEndpointNotFound } from "./edx-endpoint-not-found.js";

export type DeleteEdxEndpointError = Forbidden | EdxEndpointNotFound | PersistenceFailure;

/**
 * Staff and superusers delete an endpoint. Its links to collections go with it (upstream's
 * many-to-many rows did too), so those collections stop posting there, and so do the records of
 * its posts; the videos already on edX stay there.
 */
export class DeleteEdxEndpoint {
  constructor(private readonly ports: Pick<DomainPorts, "edxEndpoints">) {}

  run(principal: Principal, id: string): Effect.Effect<void, DeleteEdxEndpointError> {
    const ports = this.ports;
    return Effect.gen(function* () {
      yield* checkCanManageEdxEndpoints(principal, "delete an edX endpoint");
      const endpoint = yield* endpointById(ports, id);
      yield* (
        ports.edxEndpoints
          .delete(endpoint.id)
          // Deleted by someone else since it was read: not found, as it would be a moment later.
          .pipe(Effect.catchTag("RecordNotFound", () => Effect.fail(new EdxEndpointNotFound({ id }))))
      );
    }).pipe(Effect.withSpan("DeleteEdxEndpoint.run"));
  }
}
