import { Data } from "effect";
import type { Effect } from "effect";
import type { GroupName } from "../model/fields.js";

export interface GroupMember {
  readonly username: string;
  readonly email: string;
}

export interface GroupMembership {
  readonly members: ReadonlyArray<GroupMember>;
  /** The group's `mail_list` attribute: members get status emails only when it is set. */
  readonly isMailList: boolean;
}

export class DirectoryFailure extends Data.TaggedError("DirectoryFailure")<{
  readonly operation: string;
  readonly transient: boolean;
  readonly reason: string;
}> {
  override get message(): string {
    return `group directory ${this.operation} failed: ${this.reason}`;
  }
}

/** The identity provider's groups (Keycloak, or the embedded provider in the local profile). */
export interface GroupDirectory {
  groupExists(name: GroupName): Effect.Effect<boolean, DirectoryFailure>;
  /** Members of a group; an unknown group has none. */
  membersOf(name: GroupName): Effect.Effect<GroupMembership, DirectoryFailure>;
  /**
   * Names (leaf names, as the sign-in gives them) of the groups `username` is a member of;
   * an unknown user is in none.
   */
  groupsOf(username: string): Effect.Effect<ReadonlyArray<GroupName>, DirectoryFailure>;
}
export const GroupDirectory = Symbol.for("ovs/GroupDirectory");
