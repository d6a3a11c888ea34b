import { Effect } from "effect";
import type { GroupName } from "../../model/fields.js";
import type { GroupDirectory } from "../../ports/group-directory.js";
import type { FieldProblem } from "../errors.js";
import { InvalidInput } from "../errors.js";

/** A list of group names as the client sent it, and the input field that carried it. */
export interface GroupListInput {
  readonly field: string;
  readonly names: ReadonlyArray<GroupName>;
}

const distinct = <T>(values: ReadonlyArray<T>): ReadonlyArray<T> => [...new Set(values)];

/**
 * Every named group must exist in the directory before a collection or video may name it.
 * Each list with unknown groups gets one problem naming them, as upstream
 * (`Group does not exist: a,b`); each name is looked up once.
 */
export const checkGroupsExist = Effect.fn("checkGroupsExist")(function* (
  directory: GroupDirectory,
  lists: ReadonlyArray<GroupListInput>,
) {
  const names = distinct(lists.flatMap((list) => list.names));
  const existing = yield* Effect.forEach(
    names,
    (name) => Effect.map(directory.groupExists(name), (exists) => [name, exists] as const),
    { concurrency: 4 },
  );
  const known = new Map(existing);
  const problems: ReadonlyArray<FieldProblem> = lists.flatMap(({ field, names: listed }) => {
    const missing = distinct(listed.filter((name) => known.get(name) !== true));
    return missing.length === 0 ? [] : [{ field, message: `Group does not exist: ${missing.join(",")}` }];
  });
  if (problems.length > 0) return yield* new InvalidInput({ problems });
});
