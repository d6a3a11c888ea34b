import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { GroupName } from "@ovs/domain";
import { describeGroupDirectoryContract } from "@ovs/domain/contracts";
import { Effect, Either } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DevUsersGroupDirectory } from "../src/dev-group-directory.js";
import { addDevUser, ensureDevUsersFile, readDevUsers, setDevGroup } from "../src/dev-users.js";

const run = Effect.runPromise;
const group = (name: string): GroupName => name as GroupName;

describeGroupDirectoryContract("the dev users file", async () => {
  const folder = await mkdtemp(path.join(tmpdir(), "ovs-dev-directory-"));
  const file = path.join(folder, "users.json");
  // As after the first start, but with nobody in it.
  await writeFile(file, JSON.stringify({ version: 1, groups: [], users: [] }), { mode: 0o600 });
  return {
    directory: new DevUsersGroupDirectory(file),
    // The file is the only way in: declare the group, then add each member to it (creating the
    // account, with the member's username, when it is new).
    arrangeGroup: async (name, { members, isMailList }) => {
      await setDevGroup(file, { name, mailList: isMailList });
      for (const member of members) {
        const { users } = await readDevUsers(file);
        const existing = users.find((user) => user.email === member.email.toLowerCase());
        await addDevUser(file, {
          email: member.email,
          username: member.username,
          groups: [...(existing?.groups ?? []), name],
          ...(existing === undefined ? { password: "contract password" } : {}),
        });
      }
    },
    dispose: () => rm(folder, { recursive: true, force: true }),
  };
});

describe("DevUsersGroupDirectory", () => {
  let folder: string;
  let file: string;
  let directory: DevUsersGroupDirectory;

  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), "ovs-dev-directory-"));
    file = path.join(folder, "users.json");
    await ensureDevUsersFile(file);
    directory = new DevUsersGroupDirectory(file);
  });

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("has the groups of the first start, the role groups included, as the sign-in names them", async () => {
    expect(await run(directory.groupsOf("admin@ovs.local"))).toEqual(["admin", "staff"]);
    expect(await run(directory.groupsOf("STAFF@ovs.local"))).toEqual(["staff", "faculty"]);
    expect(await run(directory.groupsOf("viewer@ovs.local"))).toEqual(["students"]);
    expect(await run(directory.membersOf(group("faculty")))).toEqual({
      members: [{ username: "staff@ovs.local", email: "staff@ovs.local" }],
      isMailList: true,
    });
    expect(await run(directory.membersOf(group("admin")))).toEqual({
      members: [{ username: "admin@ovs.local", email: "admin@ovs.local" }],
      isMailList: false,
    });
    expect((await run(directory.membersOf(group("staff")))).members.map((member) => member.email)).toEqual([
      "admin@ovs.local",
      "staff@ovs.local",
    ]);
    expect(await run(directory.groupExists(group("students")))).toBe(true);
    // Group names compare case-sensitively, as in Keycloak.
    expect(await run(directory.groupExists(group("Students")))).toBe(false);
  });

  it("answers from the file as it is now, without a restart", async () => {
    expect(await run(directory.groupExists(group("physics")))).toBe(false);
    await addDevUser(file, { email: "viewer@ovs.local", groups: ["students", "physics"] });
    expect(await run(directory.groupExists(group("physics")))).toBe(true);
    expect(await run(directory.groupsOf("viewer@ovs.local"))).toEqual(["students", "physics"]);

    // A hand edit from another program, too.
    await writeFile(file, JSON.stringify({ users: [] }));
    expect(await run(directory.groupExists(group("physics")))).toBe(false);
    expect(await run(directory.groupsOf("viewer@ovs.local"))).toEqual([]);
  });

  it("fails for good, naming the problem, when the file is malformed", async () => {
    await writeFile(file, '{ "users": "nobody" }');
    const result = await run(Effect.either(directory.membersOf(group("faculty"))));
    expect(Either.isLeft(result)).toBe(true);
    if (Either.isRight(result)) return;
    expect(result.left).toMatchObject({ _tag: "DirectoryFailure", operation: "membersOf", transient: false });
    expect(result.left.reason).toBe(`${file}: users: must be an array`);
  });
});
