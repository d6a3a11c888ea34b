import { describe, expect, it } from "vitest";
import { instant } from "../testing/stored-test-data.js";
import { run } from "../testing/effect-outcomes.js";
import { withRepositories } from "./repository-contract-support.js";
import type { MakeRepositories } from "./repository-contract-subject.js";

const namesOf = (groups: ReadonlyArray<{ readonly name: string }>): ReadonlyArray<string> =>
  groups.map((group) => group.name);

const sorted = (names: ReadonlyArray<string>): ReadonlyArray<string> => [...names].sort();

/**
 * What every AccessGroupRepository must do. Run it with a factory that returns fresh, empty
 * repositories: `describeAccessGroupRepositoryContract("postgres", makeRepositories)`.
 */
export const describeAccessGroupRepositoryContract = (name: string, make: MakeRepositories): void => {
  describe(`AccessGroupRepository contract: ${name}`, () => {
    const withSubject = withRepositories(make);

    it("creates the groups that do not exist and returns all of them in the order given", () =>
      withSubject(async (subject) => {
        const [existing] = await run(subject.accessGroups.ensure(["physics-admins"], instant(0)));

        const ensured = await run(
          subject.accessGroups.ensure(["zoology", "physics-admins", "art"], instant(60)),
        );

        expect(namesOf(ensured)).toEqual(["zoology", "physics-admins", "art"]);
        expect(ensured[1]).toEqual(existing);
        expect(ensured[0]).toEqual({ name: "zoology", createdAt: instant(60), updatedAt: instant(60) });
        expect(sorted(namesOf(await run(subject.accessGroups.list())))).toEqual([
          "art",
          "physics-admins",
          "zoology",
        ]);
      }));

    it("stores a name given twice once", () =>
      withSubject(async (subject) => {
        const ensured = await run(subject.accessGroups.ensure(["twice", "twice"], instant()));

        expect(namesOf(ensured)).toEqual(["twice"]);
        expect(namesOf(await run(subject.accessGroups.list()))).toEqual(["twice"]);
      }));

    it("treats names that differ only in case as different groups", () =>
      withSubject(async (subject) => {
        await run(subject.accessGroups.ensure(["Physics", "physics"], instant()));

        expect(sorted(namesOf(await run(subject.accessGroups.list())))).toEqual(["Physics", "physics"]);
        expect(namesOf(await run(subject.accessGroups.findByNames(["PHYSICS"])))).toEqual([]);
      }));

    it("finds the named groups that exist and skips the others", () =>
      withSubject(async (subject) => {
        await run(subject.accessGroups.ensure(["a-group", "b-group", "c-group"], instant()));

        const groups = await run(subject.accessGroups.findByNames(["c-group", "missing", "a-group"]));

        expect(sorted(namesOf(groups))).toEqual(["a-group", "c-group"]);
      }));

    it("answers empty for no names, and lists nothing in an empty store", () =>
      withSubject(async (subject) => {
        expect(await run(subject.accessGroups.ensure([], instant()))).toEqual([]);
        expect(await run(subject.accessGroups.findByNames([]))).toEqual([]);
        expect(await run(subject.accessGroups.list())).toEqual([]);
      }));
  });
};
