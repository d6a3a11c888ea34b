import { Effect } from "effect";
import type { Principal } from "../../model/user.js";
import { canSetOperatorFlags } from "../../policy/access.js";
import { Forbidden } from "../errors.js";
import type { CreateCollectionBody } from "./collection-input.js";

type OperatorFlags = Pick<CreateCollectionBody, "isPublic" | "includeInLearn" | "forShorts" | "streamSource">;

const OPERATOR_FLAG_NAMES: ReadonlySet<string> = new Set([
  "is_public",
  "include_in_learn",
  "for_shorts",
  "stream_source",
]);

/**
 * Whether a raw request body sets operator flags and nothing else: such a change needs no
 * collection admin, only staff (`CollectionNeed` "operate").
 */
export const setsOnlyOperatorFlags = (body: unknown): boolean => {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
  const fields = Object.keys(body);
  return fields.length > 0 && fields.every((field) => OPERATOR_FLAG_NAMES.has(field));
};

/** The operator flags a body sets, by the names the client sent. */
export const operatorFlagsIn = (input: OperatorFlags): ReadonlyArray<string> =>
  [
    input.isPublic === undefined ? [] : ["is_public"],
    input.includeInLearn === undefined ? [] : ["include_in_learn"],
    input.forShorts === undefined ? [] : ["for_shorts"],
    input.streamSource === undefined ? [] : ["stream_source"],
  ].flat();

/**
 * Refuses a body that sets operator flags unless the principal may set them, naming the flags,
 * so a collection admin learns which part of their change needs an operator.
 */
export const checkOperatorFlags = (
  principal: Principal,
  input: OperatorFlags,
): Effect.Effect<void, Forbidden> => {
  const sent = operatorFlagsIn(input);
  if (sent.length === 0 || canSetOperatorFlags(principal)) return Effect.void;
  return Effect.fail(
    new Forbidden({
      reason: `only staff and superusers may set ${sent.join(", ")}`,
      signInRequired: principal._tag === "Anonymous",
    }),
  );
};
