import { Effect, Option } from "effect";
import type { EdxEndpoint, EdxEndpointId } from "../../model/edx-endpoint.js";
import type { Principal } from "../../model/user.js";
import { canManageEdxEndpoints } from "../../policy/access.js";
import type { EdxEndpointView } from "../../policy/projections/edx-endpoint-payload.js";
import type { PersistenceFailure } from "../../ports/persistence-errors.js";
import type { DomainPorts } from "../domain-ports.js";
import { Forbidden } from "../errors.js";
import { EdxEndpointNotFound } from "./edx-endpoint-not-found.js";

/** Endpoint ids are Postgres `integer`s: anything longer would fail in the database, not as "not found". */
const MAX_ENDPOINT_ID = 2_147_483_647;

/** Anonymous callers are asked to sign in; signed-in ones who are not staff are refused. */
export const checkCanManageEdxEndpoints = (
  principal: Principal,
  doing: string,
): Effect.Effect<void, Forbidden> => {
  if (principal._tag === "Anonymous") {
    return Effect.fail(new Forbidden({ reason: `sign in to ${doing}`, signInRequired: true }));
  }
  return canManageEdxEndpoints(principal)
    ? Effect.void
    : Effect.fail(
        new Forbidden({
          reason: "only staff and superusers may manage edX endpoints",
          signInRequired: false,
        }),
      );
};

/** The id in a URL: a positive integer in decimal, without sign, leading zeros or spaces. */
const parsedEndpointId = (id: string): Option.Option<EdxEndpointId> =>
  /^[1-9][0-9]{0,9}$/.test(id) && Number(id) <= MAX_ENDPOINT_ID
    ? Option.some(Number(id) as EdxEndpointId)
    : Option.none();

/** The endpoint an id names; a malformed id finds nothing, like an unknown one. */
export const endpointById = (
  ports: Pick<DomainPorts, "edxEndpoints">,
  id: string,
): Effect.Effect<EdxEndpoint, EdxEndpointNotFound | PersistenceFailure> =>
  Option.match(parsedEndpointId(id), {
    onNone: () => Effect.fail(new EdxEndpointNotFound({ id })),
    onSome: (parsed) =>
      Effect.flatMap(
        ports.edxEndpoints.findById(parsed),
        Option.match({
          onNone: () => Effect.fail(new EdxEndpointNotFound({ id })),
          onSome: (endpoint) => Effect.succeed(endpoint),
        }),
      ),
  });

/** The endpoint with the number of collections linked to it. */
export const viewOf = (
  ports: Pick<DomainPorts, "edxEndpoints">,
  endpoint: EdxEndpoint,
): Effect.Effect<EdxEndpointView, PersistenceFailure> =>
  Effect.map(ports.edxEndpoints.linkedCollectionCounts(), (counts) => ({
    endpoint,
    collectionCount: counts.get(endpoint.id) ?? 0,
  }));
