import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import type { GroupMember, GroupDirectory } from "../ports/group-directory.js";
import type { Disposable } from "../testing/fresh-subject.js";
import { uniqueSuffix, withFreshSubject } from "../testing/fresh-subject.js";

export interface GroupDirectoryContractSubject extends Disposable {
  readonly directory: GroupDirectory;
  /** Creates a group with these members (users created as needed) and mail-list flag. */
  readonly arrangeGroup: (
    name: string,
    group: { readonly members: ReadonlyArray<GroupMember>; readonly isMailList: boolean },
  ) => Promise<void>;
}

/** A group name no other test uses, so subjects may share one directory server. */
const aGroupName = (): string => `ovs-contract-${uniqueSuffix()}`;

const byUsername = (members: ReadonlyArray<GroupMember>): ReadonlyArray<GroupMember> =>
  [...members]
    .map((member) => ({ username: member.username, email: member.email }))
    .sort((left, right) => (left.username < right.username ? -1 : left.username > right.username ? 1 : 0));

/**
 * What every GroupDirectory must do (Keycloak's admin API, the embedded provider, memory):
 * `describeGroupDirectoryContract("keycloak", async () => ({ directory, arrangeGroup }))`.
 */
export const describeGroupDirectoryContract = (
  name: string,
  make: () => Promise<GroupDirectoryContractSubject>,
): void => {
  describe(`GroupDirectory contract: ${name}`, () => {
    const withSubject = withFreshSubject(make);
    const run = Effect.runPromise;

    it("finds an arranged mail-list group with its members", () =>
      withSubject(async ({ directory, arrangeGroup }) => {
        const group = aGroupName();
        const suffix = uniqueSuffix();
        const members = [
          { username: `ada-${suffix}`, email: `ada-${suffix}@example.edu` },
          { username: `grace-${suffix}`, email: `grace-${suffix}@example.edu` },
        ];
        await arrangeGroup(group, { members, isMailList: true });
        expect(await run(directory.groupExists(group))).toBe(true);
        const membership = await run(directory.membersOf(group));
        expect(membership.isMailList).toBe(true);
        expect(byUsername(membership.members)).toEqual(byUsername(members));
      }));

    it("reports a group that is not a mail list as such", () =>
      withSubject(async ({ directory, arrangeGroup }) => {
        const group = aGroupName();
        const suffix = uniqueSuffix();
        await arrangeGroup(group, {
          members: [{ username: `alan-${suffix}`, email: `alan-${suffix}@example.edu` }],
          isMailList: false,
        });
        const membership = await run(directory.membersOf(group));
        expect(membership.isMailList).toBe(false);
        expect(membership.members.map((member) => member.username)).toEqual([`alan-${suffix}`]);
      }));

    it("finds an arranged group that has no members", () =>
      withSubject(async ({ directory, arrangeGroup }) => {
        const group = aGroupName();
        await arrangeGroup(group, { members: [], isMailList: false });
        expect(await run(directory.groupExists(group))).toBe(true);
        expect((await run(directory.membersOf(group))).members).toEqual([]);
      }));

    it("says an unknown group does not exist and has no members", () =>
      withSubject(async ({ directory }) => {
        const group = aGroupName();
        expect(await run(directory.groupExists(group))).toBe(false);
        expect(await run(directory.membersOf(group))).toEqual({ members: [], isMailList: false });
      }));

    it("lists the groups a member belongs to, and no others", () =>
      withSubject(async ({ directory, arrangeGroup }) => {
        const suffix = uniqueSuffix();
        const ada = { username: `ada-${suffix}`, email: `ada-${suffix}@example.edu` };
        const grace = { username: `grace-${suffix}`, email: `grace-${suffix}@example.edu` };
        const [first, second, other] = [aGroupName(), aGroupName(), aGroupName()];
        await arrangeGroup(first, { members: [ada, grace], isMailList: true });
        await arrangeGroup(second, { members: [ada], isMailList: false });
        await arrangeGroup(other, { members: [grace], isMailList: false });
        expect([...(await run(directory.groupsOf(ada.username)))].sort()).toEqual([first, second].sort());
        expect([...(await run(directory.groupsOf(grace.username)))].sort()).toEqual([first, other].sort());
      }));

    it("says an unknown user is in no group", () =>
      withSubject(async ({ directory }) => {
        expect(await run(directory.groupsOf(`nobody-${uniqueSuffix()}`))).toEqual([]);
      }));

    it("agrees with membersOf: the user is a member of every group it lists", () =>
      withSubject(async ({ directory, arrangeGroup }) => {
        const suffix = uniqueSuffix();
        const alan = { username: `alan-${suffix}`, email: `alan-${suffix}@example.edu` };
        await arrangeGroup(aGroupName(), { members: [alan], isMailList: false });
        await arrangeGroup(aGroupName(), { members: [alan], isMailList: true });
        const groups = await run(directory.groupsOf(alan.username));
        expect(groups).toHaveLength(2);
        for (const group of groups) {
          const membership = await run(directory.membersOf(group));
          expect(membership.members.map((member) => member.username)).toContain(alan.username);
        }
      }));
  });
};
