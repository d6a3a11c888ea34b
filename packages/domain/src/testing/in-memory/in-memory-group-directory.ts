import { Effect } from "effect";
import type { GroupName } from "../../model/fields.js";
import type { GroupDirectory, GroupMember, GroupMembership } from "../../ports/group-directory.js";
import { DirectoryFailure } from "../../ports/group-directory.js";

interface ScriptedFailure {
  readonly transient: boolean;
  readonly reason: string;
  remaining: number;
}

/**
 * Groups a test arranges. An unknown group does not exist and has no members. Test hooks:
 * `addGroup`, `addMember`, `removeGroup`, `failNext`, and `lookups` (how many calls were made,
 * to check that callers cache or batch as they claim).
 */
export class InMemoryGroupDirectory implements GroupDirectory {
  private readonly groups = new Map<string, { members: Array<GroupMember>; isMailList: boolean }>();
  private readonly scriptedFailures: Array<ScriptedFailure> = [];
  private calls = 0;

  get lookups(): number {
    return this.calls;
  }

  /** Creates or replaces a group. */
  addGroup(
    name: string,
    group: { readonly members?: ReadonlyArray<GroupMember>; readonly isMailList?: boolean } = {},
  ): this {
    this.groups.set(name, { members: [...(group.members ?? [])], isMailList: group.isMailList ?? false });
    return this;
  }

  /** Adds a member, creating the group (not a mail list) when it does not exist. */
  addMember(name: string, member: GroupMember): this {
    const group = this.groups.get(name) ?? { members: [], isMailList: false };
    group.members = [...group.members.filter((existing) => existing.username !== member.username), member];
    this.groups.set(name, group);
    return this;
  }

  removeGroup(name: string): this {
    this.groups.delete(name);
    return this;
  }

  /** Makes the next `times` lookups (of any kind) fail. */
  failNext(failure: {
    readonly transient: boolean;
    readonly reason?: string;
    readonly times?: number;
  }): void {
    this.scriptedFailures.push({
      transient: failure.transient,
      reason: failure.reason ?? "scripted directory failure",
      remaining: failure.times ?? 1,
    });
  }

  groupExists(name: GroupName): Effect.Effect<boolean, DirectoryFailure> {
    return Effect.suspend(() => {
      const failure = this.takeScripted("groupExists");
      return failure === undefined ? Effect.succeed(this.groups.has(name)) : Effect.fail(failure);
    });
  }

  membersOf(name: GroupName): Effect.Effect<GroupMembership, DirectoryFailure> {
    return Effect.suspend(() => {
      const failure = this.takeScripted("membersOf");
      if (failure !== undefined) return Effect.fail(failure);
      const group = this.groups.get(name);
      return Effect.succeed({ members: [...(group?.members ?? [])], isMailList: group?.isMailList ?? false });
    });
  }

  groupsOf(username: string): Effect.Effect<ReadonlyArray<GroupName>, DirectoryFailure> {
    return Effect.suspend(() => {
      const failure = this.takeScripted("groupsOf");
      if (failure !== undefined) return Effect.fail(failure);
      const names = [...this.groups]
        .filter(([, group]) => group.members.some((member) => member.username === username))
        .map(([name]) => name as GroupName);
      return Effect.succeed(names);
    });
  }

  private takeScripted(operation: string): DirectoryFailure | undefined {
    this.calls += 1;
    const scripted = this.scriptedFailures[0];
    if (scripted === undefined) return undefined;
    scripted.remaining -= 1;
    if (scripted.remaining <= 0) this.scriptedFailures.shift();
    return new DirectoryFailure({ operation, transient: scripted.transient, reason: scripted.reason });
  }
}
