import type { GroupDirectory, GroupMembership, GroupName } from "@ovs/domain";
import { DirectoryFailure } from "@ovs/domain";
import { Effect } from "effect";
import type { DevUsers } from "./dev-users.js";
import { cachedDevUsersReader, devUserGroupNames, DevUsersFileError } from "./dev-users.js";

/**
 * The `GroupDirectory` of the local profile, from the users file the embedded issuer signs in
 * with (docs/architecture.md §4): a group exists when it is declared or has a member; its members
 * are the accounts listing it (`admin`: the superusers, `staff`: the staff), with the account's
 * username and email; a declared group's `mailList` flag is its `isMailList`. Group names compare
 * case-sensitively, usernames not (as Keycloak's). The file is read again when it changes. A
 * missing or malformed file is a permanent `DirectoryFailure` naming the problem.
 */
export class DevUsersGroupDirectory implements GroupDirectory {
  private readonly read: () => Promise<DevUsers>;

  constructor(usersFile: string) {
    this.read = cachedDevUsersReader(usersFile);
  }

  groupExists(name: GroupName): Effect.Effect<boolean, DirectoryFailure> {
    return this.withUsers(
      "groupExists",
      ({ groups, users }) =>
        groups.some((group) => group.name === name) ||
        users.some((user) => devUserGroupNames(user).includes(name)),
    );
  }

  membersOf(name: GroupName): Effect.Effect<GroupMembership, DirectoryFailure> {
    return this.withUsers("membersOf", ({ groups, users }) => ({
      members: users
        .filter((user) => devUserGroupNames(user).includes(name))
        .map((user) => ({ username: user.username, email: user.email })),
      isMailList: groups.find((group) => group.name === name)?.mailList ?? false,
    }));
  }

  groupsOf(username: string): Effect.Effect<ReadonlyArray<GroupName>, DirectoryFailure> {
    const wanted = username.toLowerCase();
    return this.withUsers("groupsOf", ({ users }) => {
      const user = users.find((candidate) => candidate.username === wanted);
      return user === undefined ? [] : (devUserGroupNames(user) as ReadonlyArray<GroupName>);
    });
  }

  private withUsers<A>(
    operation: string,
    answer: (users: DevUsers) => A,
  ): Effect.Effect<A, DirectoryFailure> {
    return Effect.tryPromise({
      try: async () => answer(await this.read()),
      catch: (error) =>
        new DirectoryFailure({
          operation,
          transient: !(error instanceof DevUsersFileError),
          reason: error instanceof Error ? error.message : String(error),
        }),
    });
  }
}
