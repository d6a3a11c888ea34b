import { Effect } from "effect";
import type { Principal } from "../../model/user.js";
import type { EdxEndpointView } from "../../policy/projections/edx-endpoint-payload.js";
import type { EdxEndpointChanges } from "../../ports/edx-endpoint-repository.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import type { Forbidden, InvalidInput } from "../errors.js";
import { invalidField } from "../errors.js";
import { validateInput } from "../validate-input.js";
import { checkCanManageEdxEndpoints, endpointById, viewOf } from "./edx-endpoint-access.js";
import { NAME_FIELD, NAME_TAKEN, UpdateEdxEndpointBody } from "./edx-endpoint-input.js";
import { EdxEndpointNotFound } from "./edx-endpoint-not-found.js";

export type UpdateEdxEndpointError = Forbidden | InvalidInput | EdxEndpointNotFound | PersistenceFailure;

/** The body field of each credential, for the problem that names the one missing. */
const CREDENTIAL_FIELDS = { clientId: "client_id", secretKey: "secret_key" } as const;

/**
 * Staff and superusers change an endpoint; only the fields sent change (PATCH). Credentials sent
 * replace the stored ones and drop the cached token, which the store does. When the stored
 * credentials cannot be read (sealed with another secret key), both must be sent together: one
 * alone would leave the other unreadable and the endpoint still unusable. A body with no field
 * changes nothing.
 */
export class UpdateEdxEndpoint {
  constructor(private readonly ports: Pick<DomainPorts, "edxEndpoints" | "clock">) {}

  run(
    principal: Principal,
    id: string,
    body: unknown,
  ): Effect.Effect<EdxEndpointView, UpdateEdxEndpointError> {
    const ports = this.ports;
    return Effect.gen(function* () {
      yield* checkCanManageEdxEndpoints(principal, "change an edX endpoint");
      const current = yield* endpointById(ports, id);
      const changes: EdxEndpointChanges = yield* validateInput(UpdateEdxEndpointBody, body, {
        unknownFields: "refuse",
      });
      if (!current.credentialsReadable) {
        const [missing, ...alsoMissing] = (["clientId", "secretKey"] as const).filter(
          (field) => changes[field] === undefined,
        );
        if (missing !== undefined && alsoMissing.length === 0) {
          return yield* invalidField(
            CREDENTIAL_FIELDS[missing],
            "the stored credentials cannot be read: send client_id and secret_key together",
          );
        }
      }
      if (Object.keys(changes).length === 0) return yield* viewOf(ports, current);
      const updated = yield* ports.edxEndpoints.update(current.id, changes, ports.clock.now()).pipe(
        Effect.catchTags({
          UniqueViolation: () => Effect.fail(invalidField(NAME_FIELD, NAME_TAKEN)),
          // Deleted since it was read.
          RecordNotFound: () => Effect.fail(new EdxEndpointNotFound({ id })),
        }),
      );
      return yield* viewOf(ports, updated);
    }).pipe(Effect.withSpan("UpdateEdxEndpoint.run"));
  }
}
