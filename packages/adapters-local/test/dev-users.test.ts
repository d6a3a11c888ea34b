import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashDevPassword, isDevPasswordHash, verifyDevPassword } from "../src/dev-password-hash.js";
import {
  addDevUser,
  cachedDevUsersReader,
  devUserGroupPaths,
  devUserSubject,
  DevUserInputError,
  DevUsersFileError,
  ensureDevUsersFile,
  readDevUsers,
  setDevGroup,
  type DevUser,
} from "../src/dev-users.js";

let folder: string;
let file: string;

beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), "ovs-dev-users-"));
  file = path.join(folder, "users.json");
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const modeOf = async (target: string): Promise<number> => (await stat(target)).mode & 0o777;

const problemOf = async (work: Promise<unknown>): Promise<Error> => {
  try {
    await work;
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error("expected a failure");
};

const aHash = await hashDevPassword("a password for tests");

const writeJson = (value: unknown): Promise<void> => writeFile(file, JSON.stringify(value), { mode: 0o600 });

describe("dev password hashes", () => {
  it("are salted scrypt hashes that verify the password and nothing else", async () => {
    const first = await hashDevPassword("correct horse");
    const second = await hashDevPassword("correct horse");
    expect(first).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(second).not.toBe(first);
    expect(isDevPasswordHash(first)).toBe(true);
    expect(await verifyDevPassword("correct horse", first)).toBe(true);
    expect(await verifyDevPassword("correct horse", second)).toBe(true);
    expect(await verifyDevPassword("Correct horse", first)).toBe(false);
    expect(await verifyDevPassword("correct horse", "correct horse")).toBe(false);
    expect(
      await verifyDevPassword(
        "x",
        "$scrypt$ln=40,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      ),
    ).toBe(false);
  });
});

describe("ensureDevUsersFile", () => {
  it("creates a private file with an admin, a staff member and a viewer, and returns their passwords once", async () => {
    const ensured = await ensureDevUsersFile(file);
    expect(ensured.created).toBe(true);
    if (!ensured.created) return;
    expect(ensured.file).toBe(file);
    expect(ensured.accounts.map(({ role, email }) => ({ role, email }))).toEqual([
      { role: "superuser", email: "admin@ovs.local" },
      { role: "staff", email: "staff@ovs.local" },
      { role: "viewer", email: "viewer@ovs.local" },
    ]);
    expect(await modeOf(file)).toBe(0o600);

    const text = await readFile(file, "utf8");
    const { users, groups } = await readDevUsers(file);
    expect(groups).toEqual([
      { name: "faculty", mailList: true },
      { name: "students", mailList: false },
    ]);
    const byEmail = new Map(users.map((user) => [user.email, user]));
    expect(byEmail.get("admin@ovs.local")).toMatchObject({ superuser: true, staff: true, groups: [] });
    expect(byEmail.get("staff@ovs.local")).toMatchObject({
      superuser: false,
      staff: true,
      groups: ["faculty"],
    });
    expect(byEmail.get("viewer@ovs.local")).toMatchObject({
      superuser: false,
      staff: false,
      groups: ["students"],
    });
    for (const account of ensured.accounts) {
      expect(account.password).toMatch(/^[A-Za-z0-9_-]{16}$/);
      expect(text).not.toContain(account.password);
      const user = byEmail.get(account.email);
      expect(user?.passwordHash).toMatch(/^\$scrypt\$/);
      expect(await verifyDevPassword(account.password, user?.passwordHash ?? "")).toBe(true);
    }
    expect(new Set(ensured.accounts.map((account) => account.password)).size).toBe(3);
    expect(await readdir(folder)).toEqual(["users.json"]);
  });

  it("leaves an existing file as it is on the next start, and returns no passwords", async () => {
    await ensureDevUsersFile(file);
    const before = await readFile(file, "utf8");
    expect(await ensureDevUsersFile(file)).toEqual({ created: false, file });
    expect(await readFile(file, "utf8")).toBe(before);
  });

  it("makes an existing file that others could read private", async () => {
    await addDevUser(file, { email: "ada@example.edu", password: "a long password" });
    await chmod(file, 0o644);
    await ensureDevUsersFile(file);
    expect(await modeOf(file)).toBe(0o600);
  });

  it("creates the file once when two starts race", async () => {
    const results = await Promise.all([ensureDevUsersFile(file), ensureDevUsersFile(file)]);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect((await readDevUsers(file)).users).toHaveLength(3);
    expect(await readdir(folder)).toEqual(["users.json"]);
  });

  it("stops on a malformed file with one line naming the problem", async () => {
    await writeFile(file, "{ not json");
    const error = await problemOf(ensureDevUsersFile(file));
    expect(error).toBeInstanceOf(DevUsersFileError);
    expect(error.message).toContain(file);
    expect(error.message).toContain("is not valid JSON");
    expect(error.message).not.toContain("\n");
  });

  it("creates the data folder when it does not exist yet", async () => {
    const nested = path.join(folder, "data", "users.json");
    expect((await ensureDevUsersFile(nested)).created).toBe(true);
    expect((await readDevUsers(nested)).users).toHaveLength(3);
  });
});

describe("addDevUser", () => {
  it("creates the file with the account when there is none, private and hashed", async () => {
    const saved = await addDevUser(file, {
      email: " Grace@Example.EDU ",
      password: "hopper-1906",
      name: "Grace Hopper",
      groups: ["physics", "faculty"],
      staff: true,
    });
    expect(saved.created).toBe(true);
    expect(saved.user).toMatchObject({
      email: "grace@example.edu",
      username: "grace@example.edu",
      name: "Grace Hopper",
      groups: ["physics", "faculty"],
      staff: true,
      superuser: false,
    });
    expect(await modeOf(file)).toBe(0o600);
    const text = await readFile(file, "utf8");
    expect(text).not.toContain("hopper-1906");
    expect(JSON.parse(text)).toEqual({
      version: 1,
      groups: [],
      users: [
        {
          email: "grace@example.edu",
          name: "Grace Hopper",
          passwordHash: saved.user.passwordHash,
          groups: ["physics", "faculty"],
          staff: true,
          superuser: false,
        },
      ],
    });
    expect(await verifyDevPassword("hopper-1906", saved.user.passwordHash)).toBe(true);
    expect(await readdir(folder)).toEqual(["users.json"]);
  });

  it("updates the account with that email (any case): given fields replace, the others stay", async () => {
    await ensureDevUsersFile(file);
    const before = (await readDevUsers(file)).users.find((user) => user.email === "staff@ovs.local");
    const updated = await addDevUser(file, {
      email: "STAFF@ovs.local",
      groups: ["physics"],
      superuser: true,
    });
    expect(updated.created).toBe(false);
    expect(updated.user).toEqual({ ...before, groups: ["physics"], superuser: true });

    const renamed = await addDevUser(file, {
      email: "staff@ovs.local",
      password: "a new password",
      name: null,
    });
    expect(renamed.user.name).toBeNull();
    expect(await verifyDevPassword("a new password", renamed.user.passwordHash)).toBe(true);
    const { users } = await readDevUsers(file);
    expect(users.map((user) => user.email)).toEqual([
      "admin@ovs.local",
      "staff@ovs.local",
      "viewer@ovs.local",
    ]);
    expect(await modeOf(file)).toBe(0o600);
  });

  it.each<[string, Parameters<typeof addDevUser>[1], string]>([
    ["an invalid email", { email: "not an email", password: "long enough" }, "email"],
    ["an email with a newline", { email: "a@b.c\nx", password: "long enough" }, "email"],
    ["a short password", { email: "a@example.edu", password: "short" }, "password"],
    ["a group path", { email: "a@example.edu", password: "long enough", groups: ["/faculty/x"] }, "group"],
    ["the admin group", { email: "a@example.edu", password: "long enough", groups: ["Admin"] }, "group"],
    ["the staff group", { email: "a@example.edu", password: "long enough", groups: ["staff"] }, "group"],
    ["an empty group", { email: "a@example.edu", password: "long enough", groups: [" "] }, "group"],
    ["a new account without password", { email: "new@example.edu" }, "password"],
    [
      "a username with spaces",
      { email: "a@example.edu", password: "long enough", username: "a b" },
      "username",
    ],
    [
      "another account's username",
      { email: "a@example.edu", password: "long enough", username: "admin@ovs.local" },
      "username",
    ],
  ])("refuses %s and writes nothing", async (_case, input, field) => {
    await ensureDevUsersFile(file);
    const before = await readFile(file, "utf8");
    const error = await problemOf(addDevUser(file, input));
    expect(error).toBeInstanceOf(DevUserInputError);
    expect((error as DevUserInputError).field).toBe(field);
    expect(error.message).not.toContain("\n");
    expect(await readFile(file, "utf8")).toBe(before);
    expect(await readdir(folder)).toEqual(["users.json"]);
  });

  it("refuses to edit a malformed file and leaves it as it is", async () => {
    await writeFile(file, '{ "users": [ { "email": 3 } ] }');
    const error = await problemOf(addDevUser(file, { email: "a@example.edu", password: "long enough" }));
    expect(error).toBeInstanceOf(DevUsersFileError);
    expect(await readFile(file, "utf8")).toBe('{ "users": [ { "email": 3 } ] }');
  });

  it("keeps every edit when several run at once", async () => {
    await Promise.all(
      ["a", "b", "c", "d"].map((name) =>
        addDevUser(file, { email: `${name}@example.edu`, password: "long enough" }),
      ),
    );
    expect((await readDevUsers(file)).users.map((user) => user.email).sort()).toEqual([
      "a@example.edu",
      "b@example.edu",
      "c@example.edu",
      "d@example.edu",
    ]);
  });
});

describe("setDevGroup", () => {
  it("declares a group or changes its mail-list flag", async () => {
    await setDevGroup(file, { name: "physics", mailList: false });
    await setDevGroup(file, { name: "chemistry", mailList: true });
    await setDevGroup(file, { name: "physics", mailList: true });
    expect(await readDevUsers(file)).toEqual({
      groups: [
        { name: "physics", mailList: true },
        { name: "chemistry", mailList: true },
      ],
      users: [],
    });
    await expect(setDevGroup(file, { name: "Staff", mailList: true })).rejects.toBeInstanceOf(
      DevUserInputError,
    );
  });
});

describe("readDevUsers", () => {
  const user = { email: "ada@example.edu", passwordHash: aHash };

  it("fills in the defaults of a minimal hand-written file", async () => {
    await writeJson({ users: [{ ...user, email: "Ada@Example.edu" }] });
    expect(await readDevUsers(file)).toEqual({
      groups: [],
      users: [
        {
          email: "ada@example.edu",
          username: "ada@example.edu",
          name: null,
          passwordHash: aHash,
          groups: [],
          staff: false,
          superuser: false,
        },
      ],
    });
  });

  it.each<[string, unknown, string]>([
    ["not an object", [], "must be a JSON object"],
    ["no users", { groups: [] }, "users: must be an array"],
    ["an unknown top-level field", { users: [], admins: [] }, 'unknown field "admins"'],
    ["another version", { version: 2, users: [] }, "version: must be 1, not 2"],
    ["a user without email", { users: [{ passwordHash: aHash }] }, "users[0].email: must be a string"],
    [
      "an invalid email",
      { users: [{ ...user, email: "ada" }] },
      'users[0].email: "ada" is not an email address',
    ],
    ["a misspelt field", { users: [{ ...user, superUser: true }] }, 'users[0]: unknown field "superUser"'],
    [
      "a plaintext password",
      { users: [{ ...user, passwordHash: "hunter22" }] },
      "users[0].passwordHash: must be a scrypt hash",
    ],
    [
      "a password field",
      { users: [{ ...user, password: "hunter22" }] },
      'users[0]: unknown field "password"',
    ],
    [
      "a flag that is not a boolean",
      { users: [{ ...user, staff: "yes" }] },
      "users[0].staff: must be true or false",
    ],
    [
      "groups that are not a list",
      { users: [{ ...user, groups: "faculty" }] },
      "users[0].groups: must be an array",
    ],
    [
      "a reserved group",
      { users: [{ ...user, groups: ["ADMIN"] }] },
      'users[0].groups[0]: "ADMIN" is reserved',
    ],
    [
      "the same email twice",
      { users: [user, { ...user, email: "ADA@example.edu" }] },
      'users[1].email: "ada@example.edu" appears twice',
    ],
    [
      "a group declared twice",
      { groups: [{ name: "x" }, { name: "x", mailList: true }], users: [] },
      'groups[1].name: "x" is declared twice',
    ],
  ])("names the problem of a file with %s on one line", async (_case, json, problem) => {
    await writeJson(json);
    const error = await problemOf(readDevUsers(file));
    expect(error).toBeInstanceOf(DevUsersFileError);
    expect(error.message).toContain(`${file}: `);
    expect(error.message).toContain(problem);
    expect(error.message).not.toContain("\n");
  });

  it("says the file does not exist", async () => {
    const error = await problemOf(readDevUsers(file));
    expect(error).toBeInstanceOf(DevUsersFileError);
    expect(error.message).toMatch(/users\.json: does not exist/);
  });

  it("is read again by a cached reader once it changed, and only then", async () => {
    await ensureDevUsersFile(file);
    const read = cachedDevUsersReader(file);
    const first = await read();
    expect(await read()).toBe(first);

    // Another process (`ovs user add`, an editor) rewrites the file.
    const json = JSON.parse(await readFile(file, "utf8")) as { users: Array<Record<string, unknown>> };
    json.users.push({ email: "new@example.edu", passwordHash: aHash, groups: ["physics"] });
    await writeFile(file, JSON.stringify(json));
    const second = await read();
    expect(second.users.map((user) => user.email)).toContain("new@example.edu");
    expect(await read()).toBe(second);

    // This process edits it.
    await addDevUser(file, { email: "new@example.edu", groups: ["chemistry"] });
    expect((await read()).users.find((user) => user.email === "new@example.edu")?.groups).toEqual([
      "chemistry",
    ]);

    await writeFile(file, "[]");
    await expect(read()).rejects.toBeInstanceOf(DevUsersFileError);
  });
});

describe("claims of a dev user", () => {
  const user: DevUser = {
    email: "ada@example.edu",
    username: "ada@example.edu",
    name: "Ada Lovelace",
    passwordHash: aHash,
    groups: ["physics"],
    staff: true,
    superuser: true,
  };

  it("are Keycloak-style group paths, with the role groups first", () => {
    expect(devUserGroupPaths(user)).toEqual(["/admin", "/staff", "/physics"]);
    expect(devUserGroupPaths({ ...user, staff: false, superuser: false })).toEqual(["/physics"]);
  });

  it("have a subject that is a UUID of the email, whatever its case", () => {
    const subject = devUserSubject("ada@example.edu");
    expect(subject).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(devUserSubject("ADA@example.edu")).toBe(subject);
    expect(devUserSubject("grace@example.edu")).not.toBe(subject);
  });
});
