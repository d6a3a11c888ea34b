import type { Clock, GroupName } from "@ovs/domain";
import { Duration, Effect, Redacted } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failureOf } from "@ovs/domain/testing";
import { describeGroupDirectoryContract } from "@ovs/domain/contracts";
import {
  KeycloakGroupDirectory,
  makeKeycloakGroupDirectorySettings,
  type KeycloakGroupDirectorySettingsInput,
} from "../src/keycloak-group-directory.js";
import {
  FakeKeycloakAdmin,
  REALM,
  SERVICE_CLIENT_ID,
  SERVICE_CLIENT_SECRET,
} from "./support/fake-keycloak-admin.js";

const wallClock: Clock = { now: () => new Date() };

const directoryFor = (
  keycloak: FakeKeycloakAdmin,
  overrides: Partial<KeycloakGroupDirectorySettingsInput> = {},
  clock: Clock = wallClock,
): KeycloakGroupDirectory =>
  new KeycloakGroupDirectory(
    makeKeycloakGroupDirectorySettings({
      serverUrl: keycloak.serverUrl,
      realm: REALM,
      clientId: SERVICE_CLIENT_ID,
      clientSecret: Redacted.make(SERVICE_CLIENT_SECRET),
      allowInsecureRequests: true,
      ...overrides,
    }),
    clock,
  );

const group = (name: string): GroupName => name as GroupName;

describeGroupDirectoryContract("Keycloak admin API against a local Keycloak", async () => {
  const keycloak = await FakeKeycloakAdmin.start();
  return {
    directory: directoryFor(keycloak),
    arrangeGroup: async (name, { members, isMailList }) => {
      keycloak.addGroup(name, { members, attributes: isMailList ? { mail_list: ["true"] } : {} });
    },
    dispose: () => keycloak.close(),
  };
});

describe("KeycloakGroupDirectory", () => {
  let keycloak: FakeKeycloakAdmin;

  beforeAll(async () => {
    keycloak = await FakeKeycloakAdmin.start();
    keycloak.addGroup("Faculty");
    keycloak.addGroup("physics-admins", {
      parentPath: "/Faculty",
      members: [{ username: "ada@example.edu", email: "ada@example.edu" }],
      attributes: { mail_list: ["True"] },
    });
    keycloak.addGroup("big-course", {
      members: Array.from({ length: 230 }, (_, index) => ({
        username: `student${index}`,
        email: `student${index}@example.edu`,
      })),
    });
  });

  afterAll(async () => {
    await keycloak.close();
  });

  it("finds a nested group by its leaf name, with its mail_list attribute", async () => {
    const directory = directoryFor(keycloak);
    expect(await Effect.runPromise(directory.groupExists(group("physics-admins")))).toBe(true);
    expect(await Effect.runPromise(directory.membersOf(group("physics-admins")))).toEqual({
      members: [{ username: "ada@example.edu", email: "ada@example.edu" }],
      isMailList: true,
    });
    // An exact search: a group whose name only contains the searched name does not count.
    expect(await Effect.runPromise(directory.groupExists(group("physics")))).toBe(false);
  });

  it("reads every page of a large group's members", async () => {
    const membership = await Effect.runPromise(directoryFor(keycloak).membersOf(group("big-course")));
    expect(membership.members).toHaveLength(230);
    expect(membership.isMailList).toBe(false);
  });

  it("uses one service-account token for many calls, asking with client credentials", async () => {
    const fresh = await FakeKeycloakAdmin.start();
    try {
      fresh.addGroup("g1");
      const directory = directoryFor(fresh, { cacheTtl: Duration.zero });
      await Promise.all([1, 2, 3].map(() => Effect.runPromise(directory.groupExists(group("g1")))));
      await Effect.runPromise(directory.membersOf(group("g1")));
      expect(fresh.tokenRequests).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it("renews the token on a 401 and retries once", async () => {
    const directory = directoryFor(keycloak, { cacheTtl: Duration.zero });
    await Effect.runPromise(directory.groupExists(group("Faculty")));
    const tokensBefore = keycloak.tokenRequests;
    keycloak.expireTokens();
    expect(await Effect.runPromise(directory.groupExists(group("Faculty")))).toBe(true);
    expect(keycloak.tokenRequests).toBe(tokensBefore + 1);
  });

  it("gives up after a second 401, permanently", async () => {
    const directory = directoryFor(keycloak, { cacheTtl: Duration.zero });
    keycloak.scriptedStatuses.push(401, 401);
    const failure = await failureOf(directory.groupExists(group("Faculty")));
    expect(failure).toMatchObject({ _tag: "DirectoryFailure", operation: "groupExists", transient: false });
  });

  it("reports 503 as transient and 403 as permanent", async () => {
    const directory = directoryFor(keycloak, { cacheTtl: Duration.zero });
    keycloak.scriptedStatuses.push(503);
    expect(await failureOf(directory.membersOf(group("Faculty")))).toMatchObject({ transient: true });
    keycloak.scriptedStatuses.push(403);
    const forbidden = await failureOf(directory.membersOf(group("Faculty")));
    expect(forbidden).toMatchObject({ transient: false });
    expect(forbidden.reason).toContain("query-groups");
  });

  it("reports wrong service-account credentials as permanent, without the secret", async () => {
    const failure = await failureOf(
      directoryFor(keycloak, { clientSecret: Redacted.make("wrong-secret-value") }).groupExists(
        group("Faculty"),
      ),
    );
    expect(failure).toMatchObject({ transient: false });
    expect(failure.reason).toContain("unauthorized_client");
    expect(failure.reason).not.toContain("wrong-secret-value");
  });

  it("reports an unreachable Keycloak as transient", async () => {
    const failure = await failureOf(
      directoryFor(keycloak, { serverUrl: "http://127.0.0.1:9" }).groupExists(group("x")),
    );
    expect(failure).toMatchObject({ transient: true });
  });

  it("caches answers briefly and asks again once they are stale", async () => {
    let now = 0;
    const directory = directoryFor(
      keycloak,
      { cacheTtl: Duration.seconds(30) },
      { now: () => new Date(now) },
    );
    const before = keycloak.adminRequests.length;
    await Promise.all([
      Effect.runPromise(directory.groupExists(group("physics-admins"))),
      Effect.runPromise(directory.membersOf(group("physics-admins"))),
      Effect.runPromise(directory.membersOf(group("physics-admins"))),
    ]);
    // One search, one group read, one members page.
    expect(keycloak.adminRequests.length).toBe(before + 3);
    now = 29_000;
    await Effect.runPromise(directory.membersOf(group("physics-admins")));
    expect(keycloak.adminRequests.length).toBe(before + 3);
    now = 31_000;
    await Effect.runPromise(directory.membersOf(group("physics-admins")));
    expect(keycloak.adminRequests.length).toBe(before + 6);
  });

  it("reads a user's groups by exact username, nested ones by leaf name", async () => {
    const directory = directoryFor(keycloak);
    expect(await Effect.runPromise(directory.groupsOf("ada@example.edu"))).toEqual(["physics-admins"]);
    expect(keycloak.adminRequests).toContain(
      `/admin/realms/${REALM}/users?username=ada%40example.edu&exact=true&briefRepresentation=true`,
    );
    // Exact: a username that only contains another's is a different user.
    expect(await Effect.runPromise(directory.groupsOf("ada"))).toEqual([]);
    expect((await Effect.runPromise(directory.groupsOf("student7"))).includes(group("big-course"))).toBe(
      true,
    );
  });

  it("reads a user's groups with a renewed token after a 401, and classifies failures", async () => {
    const directory = directoryFor(keycloak, { cacheTtl: Duration.zero });
    await Effect.runPromise(directory.groupsOf("ada@example.edu"));
    const tokensBefore = keycloak.tokenRequests;
    keycloak.expireTokens();
    expect(await Effect.runPromise(directory.groupsOf("ada@example.edu"))).toEqual(["physics-admins"]);
    expect(keycloak.tokenRequests).toBe(tokensBefore + 1);
    keycloak.scriptedStatuses.push(503);
    expect(await failureOf(directory.groupsOf("ada@example.edu"))).toMatchObject({
      operation: "groupsOf",
      transient: true,
    });
    keycloak.scriptedStatuses.push(403);
    expect(await failureOf(directory.groupsOf("ada@example.edu"))).toMatchObject({ transient: false });
    keycloak.scriptedStatuses.push(401, 401);
    expect(await failureOf(directory.groupsOf("ada@example.edu"))).toMatchObject({ transient: false });
  });

  it("caches a user's groups for the cache TTL", async () => {
    let now = 0;
    const directory = directoryFor(
      keycloak,
      { cacheTtl: Duration.seconds(30) },
      { now: () => new Date(now) },
    );
    const before = keycloak.adminRequests.length;
    await Promise.all([1, 2].map(() => Effect.runPromise(directory.groupsOf("ada@example.edu"))));
    // One user search, one groups page.
    expect(keycloak.adminRequests.length).toBe(before + 2);
    now = 29_000;
    await Effect.runPromise(directory.groupsOf("ada@example.edu"));
    expect(keycloak.adminRequests.length).toBe(before + 2);
    now = 31_000;
    await Effect.runPromise(directory.groupsOf("ada@example.edu"));
    expect(keycloak.adminRequests.length).toBe(before + 4);
  });

  it("does not cache failures", async () => {
    const directory = directoryFor(keycloak, { cacheTtl: Duration.seconds(30) });
    keycloak.scriptedStatuses.push(503);
    expect(await failureOf(directory.groupExists(group("Faculty")))).toMatchObject({ transient: true });
    expect(await Effect.runPromise(directory.groupExists(group("Faculty")))).toBe(true);
  });
});
