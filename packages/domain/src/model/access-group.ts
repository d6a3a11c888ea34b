import { Schema } from "effect";
import { GroupName } from "./fields.js";

/**
 * A Keycloak group referenced by collections and videos (upstream `KeycloakGroup`, formerly
 * `MoiraList`). Only the name is mirrored; membership is always resolved against Keycloak.
 */
export const AccessGroup = Schema.Struct({
  name: GroupName,
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf,
});
export type AccessGroup = typeof AccessGroup.Type;
