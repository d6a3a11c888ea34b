import { createHash, randomBytes } from "node:crypto";
import { chmod, link, mkdir, open, readFile, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { hashDevPassword, isDevPasswordHash } from "./dev-password-hash.js";
import { syncFolder, writeFully } from "./storage/durable-writes.js";
import { errnoCodeOf, hasErrnoCode } from "./storage/filesystem-errors.js";

/**
 * The users file of the local profile, `$OVS_DATA_DIR/users.json` (README: "Dev users file"):
 * the accounts of the embedded OIDC issuer and the groups of the dev `GroupDirectory`.
 */
export const DEV_USERS_FILE_NAME = "users.json";
export const DEV_USERS_FILE_VERSION = 1;

/**
 * Role groups: their members come from the `superuser` and `staff` flags, and the sign-in turns
 * the paths `/admin` and `/staff` back into those flags (`roleFlagsFromGroupPaths`). No declared
 * or listed group may take these names, in any case.
 */
export const DEV_ADMIN_GROUP = "admin";
export const DEV_STAFF_GROUP = "staff";

export const DEV_PASSWORD_MIN_LENGTH = 8;
export const DEV_PASSWORD_MAX_LENGTH = 1024;

export interface DevGroup {
  readonly name: string;
  /** Members get status emails only when set (Keycloak's `mail_list` attribute). */
  readonly mailList: boolean;
}

export interface DevUser {
  /** Lower case; the key of the account, and what the sign-in form's `login` takes. */
  readonly email: string;
  /** The directory's username; the email unless the file gives another (lower case). */
  readonly username: string;
  readonly name: string | null;
  readonly passwordHash: string;
  /** Group names (leaves), without the role groups. */
  readonly groups: ReadonlyArray<string>;
  readonly staff: boolean;
  readonly superuser: boolean;
}

export interface DevUsers {
  /** Declared groups; a group a user lists but nobody declared exists too, not as a mail list. */
  readonly groups: ReadonlyArray<DevGroup>;
  readonly users: ReadonlyArray<DevUser>;
}

/** The users file is missing, unreadable or malformed; the message is one line naming the problem. */
export class DevUsersFileError extends Error {
  override readonly name = "DevUsersFileError";
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** `addDevUser` or `setDevGroup` was given a value the file cannot hold; nothing was written. */
export class DevUserInputError extends Error {
  override readonly name = "DevUserInputError";
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Claims shared by the issuer and the directory

/** A fixed namespace for the subjects of dev users (UUIDv5 of the lower-case email in it). */
const SUBJECT_NAMESPACE = Buffer.from("6f1c2b7d9e404d0e9a535b0f3c1e8a47", "hex");

/** The issuer's `sub` for an account: a UUID derived from the email, the same on every start. */
export const devUserSubject = (email: string): string => {
  const digest = createHash("sha1")
    .update(SUBJECT_NAMESPACE)
    .update(email.toLowerCase(), "utf8")
    .digest()
    .subarray(0, 16);
  digest[6] = ((digest[6] ?? 0) & 0x0f) | 0x50;
  digest[8] = ((digest[8] ?? 0) & 0x3f) | 0x80;
  const hex = digest.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/**
 * Every group a user is in, by leaf name: `admin` when superuser, `staff` when staff, then the
 * listed groups. This is what the sign-in's group names and the directory's `groupsOf` give.
 */
export const devUserGroupNames = (user: DevUser): ReadonlyArray<string> => [
  ...(user.superuser ? [DEV_ADMIN_GROUP] : []),
  ...(user.staff ? [DEV_STAFF_GROUP] : []),
  ...user.groups,
];

/** The groups claim, as Keycloak's group-membership mapper writes it: top-level paths `/<name>`. */
export const devUserGroupPaths = (user: DevUser): ReadonlyArray<string> =>
  devUserGroupNames(user).map((name) => `/${name}`);

// ---------------------------------------------------------------------------------------------
// Validation

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
const EMAIL =
  /^[^\s@"(),:;<>[\]\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const MAXIMUM_FILE_BYTES = 16 * 1024 * 1024;

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

const isReservedGroup = (name: string): boolean =>
  [DEV_ADMIN_GROUP, DEV_STAFF_GROUP].includes(name.toLowerCase());

const emailProblem = (email: string): string | undefined =>
  email.length > 254 || CONTROL_CHARACTERS.test(email) || !EMAIL.test(email)
    ? `${show(email)} is not an email address`
    : undefined;

const usernameProblem = (username: string): string | undefined =>
  username.length === 0 || username.length > 150 || /\s/.test(username) || CONTROL_CHARACTERS.test(username)
    ? `${show(username)} must be 1 to 150 characters without spaces`
    : undefined;

const nameProblem = (name: string): string | undefined =>
  name.length > 200 || CONTROL_CHARACTERS.test(name)
    ? `${show(name)} must be at most 200 characters on one line`
    : undefined;

const groupNameProblem = (name: string): string | undefined => {
  if (name.length === 0 || name.length > 250 || name.trim() !== name || CONTROL_CHARACTERS.test(name))
    return `${show(name)} must be 1 to 250 characters, without surrounding spaces`;
  if (name.includes("/")) return `${show(name)} must not contain "/" (groups are named by their leaf)`;
  if (isReservedGroup(name))
    return `${show(name)} is reserved: use "superuser": true for the admin group, "staff": true for the staff group`;
  return undefined;
};

const passwordProblem = (password: string): string | undefined =>
  password.length < DEV_PASSWORD_MIN_LENGTH || password.length > DEV_PASSWORD_MAX_LENGTH
    ? `must be ${DEV_PASSWORD_MIN_LENGTH} to ${DEV_PASSWORD_MAX_LENGTH} characters`
    : undefined;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Checks the parsed JSON and gives the model; throws a `DevUsersFileError` at the first problem. */
const decodeDevUsers = (file: string, json: unknown): DevUsers => {
  const fail = (where: string, problem: string): never => {
    throw new DevUsersFileError(file, where === "" ? problem : `${where}: ${problem}`);
  };
  const onlyKeys = (value: Record<string, unknown>, where: string, keys: ReadonlyArray<string>): void => {
    const unknown = Object.keys(value).find((key) => !keys.includes(key));
    if (unknown !== undefined) fail(where, `unknown field ${show(unknown)} (known: ${keys.join(", ")})`);
  };
  const text = (value: unknown, where: string): string =>
    typeof value === "string" ? value : fail(where, `must be a string, not ${show(value)}`);
  const flag = (value: unknown, where: string): boolean =>
    value === undefined ? false : typeof value === "boolean" ? value : fail(where, "must be true or false");
  const check = (problem: string | undefined, where: string): void => {
    if (problem !== undefined) fail(where, problem);
  };

  if (!isRecord(json))
    return fail("", 'must be a JSON object { "version": 1, "groups": [...], "users": [...] }');
  onlyKeys(json, "", ["version", "groups", "users"]);
  if (json["version"] !== undefined && json["version"] !== DEV_USERS_FILE_VERSION)
    fail("version", `must be ${DEV_USERS_FILE_VERSION}, not ${show(json["version"])}`);

  const rawGroups = json["groups"] ?? [];
  if (!Array.isArray(rawGroups)) return fail("groups", "must be an array");
  const groups: Array<DevGroup> = [];
  rawGroups.forEach((raw: unknown, index) => {
    const where = `groups[${index}]`;
    if (!isRecord(raw)) return fail(where, 'must be an object { "name": ..., "mailList": ... }');
    onlyKeys(raw, where, ["name", "mailList"]);
    const name = text(raw["name"], `${where}.name`);
    check(groupNameProblem(name), `${where}.name`);
    if (groups.some((group) => group.name === name)) fail(`${where}.name`, `${show(name)} is declared twice`);
    groups.push({ name, mailList: flag(raw["mailList"], `${where}.mailList`) });
  });

  const rawUsers = json["users"];
  if (!Array.isArray(rawUsers)) return fail("users", "must be an array");
  const users: Array<DevUser> = [];
  rawUsers.forEach((raw: unknown, index) => {
    const where = `users[${index}]`;
    if (!isRecord(raw)) return fail(where, "must be an object");
    onlyKeys(raw, where, ["email", "username", "name", "passwordHash", "groups", "staff", "superuser"]);
    const email = text(raw["email"], `${where}.email`).trim().toLowerCase();
    check(emailProblem(email), `${where}.email`);
    const username =
      raw["username"] === undefined ? email : text(raw["username"], `${where}.username`).toLowerCase();
    check(usernameProblem(username), `${where}.username`);
    const name = raw["name"] === undefined || raw["name"] === null ? "" : text(raw["name"], `${where}.name`);
    check(nameProblem(name), `${where}.name`);
    const passwordHash = text(raw["passwordHash"], `${where}.passwordHash`);
    if (!isDevPasswordHash(passwordHash))
      fail(
        `${where}.passwordHash`,
        'must be a scrypt hash "$scrypt$ln=..,r=..,p=..$<salt>$<key>" (see README)',
      );
    const rawMemberships = raw["groups"] ?? [];
    if (!Array.isArray(rawMemberships)) return fail(`${where}.groups`, "must be an array of group names");
    const memberships = rawMemberships.map((group: unknown, position) => {
      const groupName = text(group, `${where}.groups[${position}]`);
      check(groupNameProblem(groupName), `${where}.groups[${position}]`);
      return groupName;
    });
    if (users.some((user) => user.email === email)) fail(`${where}.email`, `${show(email)} appears twice`);
    if (users.some((user) => user.username === username))
      fail(`${where}.username`, `${show(username)} is another account's username`);
    users.push({
      email,
      username,
      name: name.trim() === "" ? null : name.trim(),
      passwordHash,
      groups: [...new Set(memberships)],
      staff: flag(raw["staff"], `${where}.staff`),
      superuser: flag(raw["superuser"], `${where}.superuser`),
    });
  });
  return { groups, users };
};

const encodeDevUsers = (users: DevUsers): string =>
  `${JSON.stringify(
    {
      version: DEV_USERS_FILE_VERSION,
      groups: users.groups.map(({ name, mailList }) => ({ name, mailList })),
      users: users.users.map((user) => ({
        email: user.email,
        ...(user.username === user.email ? {} : { username: user.username }),
        ...(user.name === null ? {} : { name: user.name }),
        passwordHash: user.passwordHash,
        groups: [...user.groups],
        staff: user.staff,
        superuser: user.superuser,
      })),
    },
    null,
    2,
  )}\n`;

// ---------------------------------------------------------------------------------------------
// Reading

/** Bumped by every write of this process, so a cached reader never misses one (see `cachedDevUsersReader`). */
const generations = new Map<string, number>();

/** Reads and checks the users file; a missing, unreadable or malformed file is a `DevUsersFileError`. */
export const readDevUsers = async (file: string): Promise<DevUsers> => {
  let bytes: Buffer;
  try {
    const { size } = await stat(file);
    if (size > MAXIMUM_FILE_BYTES)
      throw new DevUsersFileError(file, `is larger than ${MAXIMUM_FILE_BYTES} bytes`);
    bytes = await readFile(file);
  } catch (error) {
    if (error instanceof DevUsersFileError) throw error;
    throw new DevUsersFileError(
      file,
      hasErrnoCode(error, "ENOENT")
        ? "does not exist (the local profile creates it on first start; `ovs user add` creates it too)"
        : `cannot be read (${errnoCodeOf(error) ?? String(error)})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DevUsersFileError(file, `is not valid JSON (${reason.replace(/\s+/g, " ")})`);
  }
  return decodeDevUsers(file, json);
};

/**
 * A reader that parses the file again only when it changed: by this process (every write bumps
 * a generation) or by another one (the file's inode, size, mtime and ctime, to the nanosecond).
 * The issuer and the directory read through one, so edits apply without a restart.
 */
export const cachedDevUsersReader = (file: string): (() => Promise<DevUsers>) => {
  const resolved = path.resolve(file);
  let cached: { readonly key: string; readonly users: DevUsers } | undefined;
  return async () => {
    const generation = generations.get(resolved) ?? 0;
    let key: string;
    try {
      const stats = await stat(resolved, { bigint: true });
      key = `${generation}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
    } catch {
      return readDevUsers(resolved); // fails with the reason
    }
    if (cached?.key === key) return cached.users;
    const users = await readDevUsers(resolved);
    cached = { key, users };
    return users;
  };
};

// ---------------------------------------------------------------------------------------------
// Writing

/** Read-modify-write of one file runs one at a time in this process. */
const locks = new Map<string, Promise<unknown>>();

const withLock = <A>(file: string, work: () => Promise<A>): Promise<A> => {
  const previous = locks.get(file) ?? Promise.resolve();
  const result = previous.then(work, work);
  const settled = result.then(
    () => undefined,
    () => undefined,
  );
  locks.set(file, settled);
  void settled.then(() => {
    if (locks.get(file) === settled) locks.delete(file);
  });
  return result;
};

/** Writes the file's next contents to a 0600 temp file beside it, flushed; returns its path. */
const writeTemp = async (file: string, users: DevUsers): Promise<string> => {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`,
  );
  const handle = await open(temp, "wx", 0o600);
  try {
    await writeFully(handle, Buffer.from(encodeDevUsers(users), "utf8"));
    await handle.chmod(0o600);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return temp;
};

const bumpGeneration = (file: string): void => {
  generations.set(file, (generations.get(file) ?? 0) + 1);
};

/** Replaces the file atomically (temp file, flush, rename): a reader sees the old or the new file whole. */
const replaceDevUsers = async (file: string, users: DevUsers): Promise<void> => {
  const temp = await writeTemp(file, users);
  try {
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  bumpGeneration(file);
  await syncFolder(path.dirname(file));
};

/** Creates the file only if there is none (a hard link fails on an existing name); `false` if there was one. */
const createDevUsersExclusively = async (file: string, users: DevUsers): Promise<boolean> => {
  const temp = await writeTemp(file, users);
  try {
    await link(temp, file);
  } catch (error) {
    if (hasErrnoCode(error, "EEXIST")) return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  bumpGeneration(file);
  await syncFolder(path.dirname(file));
  return true;
};

const readOrEmpty = async (file: string): Promise<DevUsers> => {
  try {
    return await readDevUsers(file);
  } catch (error) {
    if (error instanceof DevUsersFileError) {
      const missing = await stat(file).then(
        () => false,
        (cause: unknown) => hasErrnoCode(cause, "ENOENT"),
      );
      if (missing) return { groups: [], users: [] };
    }
    throw error;
  }
};

// ---------------------------------------------------------------------------------------------
// First start

export type DevAccountRole = "superuser" | "staff" | "viewer";

export interface CreatedDevAccount {
  readonly role: DevAccountRole;
  readonly email: string;
  /** Shown once, in the start banner; the file keeps only its hash. */
  readonly password: string;
}

export type EnsuredDevUsersFile =
  | { readonly created: true; readonly file: string; readonly accounts: ReadonlyArray<CreatedDevAccount> }
  | { readonly created: false; readonly file: string };

const DEFAULT_ACCOUNTS: ReadonlyArray<{
  readonly role: DevAccountRole;
  readonly email: string;
  readonly name: string;
  readonly groups: ReadonlyArray<string>;
}> = [
  { role: "superuser", email: "admin@ovs.local", name: "Ada Admin", groups: [] },
  { role: "staff", email: "staff@ovs.local", name: "Sam Staff", groups: ["faculty"] },
  { role: "viewer", email: "viewer@ovs.local", name: "Val Viewer", groups: ["students"] },
];

const DEFAULT_GROUPS: ReadonlyArray<DevGroup> = [
  { name: "faculty", mailList: true },
  { name: "students", mailList: false },
];

/** 16 characters of base64url: 96 random bits. */
const generatedPassword = (): string => randomBytes(12).toString("base64url");

/**
 * Called on every start of the local profile. Without a users file, creates one (mode 0600) with
 * an admin (superuser and staff), a staff member (group `faculty`, a mail list) and a viewer
 * (group `students`), each with a random password, and returns those passwords for the start
 * banner: this is the only time they exist in plain text. With a file, checks it (a malformed one
 * is a `DevUsersFileError`) and makes it private (0600) when it was readable by others.
 * Two processes starting at once create it once: the file appears by an exclusive link.
 */
export const ensureDevUsersFile = async (file: string): Promise<EnsuredDevUsersFile> => {
  const resolved = path.resolve(file);
  const existing = await stat(resolved).catch((error: unknown) => {
    if (hasErrnoCode(error, "ENOENT")) return undefined;
    throw new DevUsersFileError(resolved, `cannot be read (${errnoCodeOf(error) ?? String(error)})`);
  });
  if (existing === undefined) {
    const accounts = DEFAULT_ACCOUNTS.map((account) => ({ ...account, password: generatedPassword() }));
    const users = await Promise.all(
      accounts.map(async (account): Promise<DevUser> => ({
        email: account.email,
        username: account.email,
        name: account.name,
        passwordHash: await hashDevPassword(account.password),
        groups: account.groups,
        staff: account.role !== "viewer",
        superuser: account.role === "superuser",
      })),
    );
    const created = await withLock(resolved, () =>
      createDevUsersExclusively(resolved, { groups: DEFAULT_GROUPS, users }),
    );
    if (created)
      return {
        created: true,
        file: resolved,
        accounts: accounts.map(({ role, email, password }) => ({ role, email, password })),
      };
  }
  await readDevUsers(resolved);
  const { mode } = await stat(resolved);
  if ((mode & 0o077) !== 0) await chmod(resolved, 0o600);
  return { created: false, file: resolved };
};

// ---------------------------------------------------------------------------------------------
// Edits (`ovs user add`, tests)

export interface DevUserInput {
  /** The account's key: an existing account with this email (any case) is updated. */
  readonly email: string;
  /** Required for a new account; an existing account keeps its password when left out. */
  readonly password?: string | undefined;
  /** `null` removes the name. */
  readonly name?: string | null | undefined;
  /** The directory's username; the email by default (the app's usernames are emails). */
  readonly username?: string | undefined;
  /** Replaces the account's groups (leaf names; not `admin` or `staff`: use the flags). */
  readonly groups?: ReadonlyArray<string> | undefined;
  readonly staff?: boolean | undefined;
  /** A superuser signs in as staff too (the `/admin` group path gives both flags). */
  readonly superuser?: boolean | undefined;
}

export interface SavedDevUser {
  readonly created: boolean;
  readonly user: DevUser;
}

/**
 * Adds an account or updates the one with this email: what the input gives replaces, what it
 * leaves out stays (a new account starts with no name, no groups and both flags false). Checks
 * every value first (`DevUserInputError`, nothing written); creates the file when there is none;
 * refuses to touch a malformed file (`DevUsersFileError`). The write is atomic and the file stays
 * 0600. Edits of one process run one at a time; two processes editing at once may lose one edit.
 */
export const addDevUser = async (file: string, input: DevUserInput): Promise<SavedDevUser> => {
  const resolved = path.resolve(file);
  const invalid = (field: string, problem: string | undefined): void => {
    if (problem !== undefined) throw new DevUserInputError(field, problem);
  };
  const email = input.email.trim().toLowerCase();
  invalid("email", emailProblem(email));
  if (input.password !== undefined) invalid("password", passwordProblem(input.password));
  const username = input.username?.trim().toLowerCase();
  if (username !== undefined) invalid("username", usernameProblem(username));
  const name = input.name === undefined || input.name === null ? input.name : input.name.trim();
  if (typeof name === "string") invalid("name", nameProblem(name));
  const groups =
    input.groups === undefined ? undefined : [...new Set(input.groups.map((group) => group.trim()))];
  for (const group of groups ?? []) invalid("group", groupNameProblem(group));
  const passwordHash = input.password === undefined ? undefined : await hashDevPassword(input.password);

  return withLock(resolved, async () => {
    const current = await readOrEmpty(resolved);
    const existing = current.users.find((user) => user.email === email);
    if (existing === undefined && passwordHash === undefined)
      throw new DevUserInputError("password", "a new account needs a password");
    const user: DevUser = {
      email,
      username: username ?? existing?.username ?? email,
      name: name === undefined ? (existing?.name ?? null) : name === "" ? null : name,
      passwordHash: passwordHash ?? existing?.passwordHash ?? "",
      groups: groups ?? existing?.groups ?? [],
      staff: input.staff ?? existing?.staff ?? false,
      superuser: input.superuser ?? existing?.superuser ?? false,
    };
    const clash = current.users.find((other) => other.email !== email && other.username === user.username);
    if (clash !== undefined)
      throw new DevUserInputError("username", `${show(user.username)} is the username of ${clash.email}`);
    const users =
      existing === undefined
        ? [...current.users, user]
        : current.users.map((other) => (other.email === email ? user : other));
    await replaceDevUsers(resolved, { groups: current.groups, users });
    return { created: existing === undefined, user };
  });
};

/**
 * Declares a group, or changes whether it is a mail list. A declared group exists even without
 * members. Same checks and atomic write as `addDevUser`.
 */
export const setDevGroup = async (file: string, group: DevGroup): Promise<void> => {
  const resolved = path.resolve(file);
  const name = group.name.trim();
  const problem = groupNameProblem(name);
  if (problem !== undefined) throw new DevUserInputError("group", problem);
  await withLock(resolved, async () => {
    const current = await readOrEmpty(resolved);
    const declared = { name, mailList: group.mailList };
    const groups = current.groups.some((existing) => existing.name === name)
      ? current.groups.map((existing) => (existing.name === name ? declared : existing))
      : [...current.groups, declared];
    await replaceDevUsers(resolved, { groups, users: current.users });
  });
};
