import { Effect } from "effect";
import type { Principal } from "../../model/user.js";
import type { EdxEndpointView } from "../../policy/projections/edx-endpoint-payload.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import type { Forbidden, InvalidInput } from "../errors.js";
import { invalidField } from "../errors.js";
import { validateInput } from "../validate-input.js";
import { checkCanManageEdxEndpoints } from "./edx-endpoint-access.js";
import { CreateEdxEndpointBody, NAME_FIELD, NAME_TAKEN } from "./edx-endpoint-input.js";

export type CreateEdxEndpointError = Forbidden | InvalidInput | PersistenceFailure;

/**
 * Staff and superusers add an Open edX instance to post videos to (upstream did it in the Django
 * admin). The client id and secret key are required and kept from then on: no answer shows them
 * again, and the repository may seal them at rest. A name another endpoint has is a field error
 * on `name`, found by the store's unique index so two concurrent creations cannot both win.
 */
export class CreateEdxEndpoint {
  constructor(private readonly ports: Pick<DomainPorts, "edxEndpoints" | "clock">) {}

  run(principal: Principal, body: unknown): Effect.Effect<EdxEndpointView, CreateEdxEndpointError> {
    const { edxEndpoints, clock } = this.ports;
    return Effect.gen(function* () {
      yield* checkCanManageEdxEndpoints(principal, "add an edX endpoint");
      const input = yield* validateInput(CreateEdxEndpointBody, body, { unknownFields: "refuse" });
      const endpoint = yield* edxEndpoints
        .insert(
          {
            name: input.name,
            baseUrl: input.baseUrl,
            edxVideoApiPath: input.edxVideoApiPath,
            clientId: input.clientId,
            secretKey: input.secretKey,
            accessToken: null,
            accessTokenExpiresAt: null,
            isGlobalDefault: false,
          },
          clock.now(),
        )
        .pipe(Effect.catchTag("UniqueViolation", () => Effect.fail(invalidField(NAME_FIELD, NAME_TAKEN))));
      return { endpoint, collectionCount: 0 };
    }).pipe(Effect.withSpan("CreateEdxEndpoint.run"));
  }
}
