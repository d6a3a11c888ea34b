import { startTestService } from "./support/test-service.js";
import type { TestService } from "./support/test-service.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { User } from "@ovs/domain";
import { userPrincipal } from "@ovs/domain";
import { aCollection, aUser, aVideo, storeIn } from "@ovs/domain/testing";
import type { InMemoryHarness } from "@ovs/domain/testing";
import type { Ovs } from "../../src/composition/create-ovs.js";

/**
 * A bearer token acts with its user's groups from the group directory (the in-memory one on the
 * `test` profile), so view and admin lists apply to API tokens as they do to sessions.
 */
let ovs: Ovs;
let harness: InMemoryHarness;
let service: TestService;
let base: string;

const get = (path: string, token: string) =>
  fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
const hex = (key: string): string => key.replaceAll("-", "");
const tokenOf = async (user: User): Promise<string> =>
  (await ovs.useCases.issueApiToken(userPrincipal(user), { name: "tests" })).token;
const member = (user: User) => ({ username: user.username, email: user.email });

beforeAll(async () => {
  service = await startTestService();
  ovs = service.ovs;
  base = service.base;
  harness = service.harness;
});

afterAll(async () => {
  await service.stop();
});

describe("a bearer token's groups", () => {
  it("let a view-list member read a collection and its video that a stranger's token cannot", async () => {
    const owner = await storeIn(harness).user(aUser().named("bg-owner@example.edu").staff());
    const student = await storeIn(harness).user(aUser().named("bg-student@example.edu"));
    const stranger = await storeIn(harness).user(aUser().named("bg-stranger@example.edu"));
    harness.groupDirectory.addMember("bg-18.06-students", member(student));
    const collection = await storeIn(harness).collection(
      aCollection().titled("18.06 recitations").withViewLists("bg-18.06-students"),
      owner,
    );
    const video = await storeIn(harness).video(collection, aVideo().titled("Recitation 1"));
    const [studentToken, strangerToken] = [await tokenOf(student), await tokenOf(stranger)];

    const read = await get(`/api/v0/collections/${hex(collection.key)}/`, studentToken);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ title: "18.06 recitations" });
    const watched = await get(`/api/v0/videos/${hex(video.key)}/`, studentToken);
    expect(watched.status).toBe(200);
    expect(await watched.json()).toMatchObject({ title: "Recitation 1" });

    expect((await get(`/api/v0/collections/${hex(collection.key)}/`, strangerToken)).status).toBe(404);
    expect((await get(`/api/v0/videos/${hex(video.key)}/`, strangerToken)).status).toBe(404);
  });

  it("let an admin-list member change a collection by token", async () => {
    const owner = await storeIn(harness).user(aUser().named("bg-owner2@example.edu").staff());
    const ta = await storeIn(harness).user(aUser().named("bg-ta@example.edu"));
    harness.groupDirectory.addMember("bg-8.01-tas", member(ta));
    const collection = await storeIn(harness).collection(
      aCollection().titled("8.01").withAdminLists("bg-8.01-tas"),
      owner,
    );
    const renamed = await fetch(`${base}/api/v0/collections/${hex(collection.key)}/`, {
      method: "PATCH",
      headers: { Authorization: `Bearer ${await tokenOf(ta)}`, "Content-Type": "application/json" },
      body: JSON.stringify({ title: "8.01 Physics I" }),
    });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ title: "8.01 Physics I" });
  });

  it("are reused for a minute, then read again", async () => {
    const owner = await storeIn(harness).user(aUser().named("bg-owner3@example.edu").staff());
    const auditor = await storeIn(harness).user(aUser().named("bg-auditor@example.edu"));
    harness.groupDirectory.addMember("bg-auditors", member(auditor));
    const collection = await storeIn(harness).collection(aCollection().withViewLists("bg-auditors"), owner);
    const token = await tokenOf(auditor);
    const path = `/api/v0/collections/${hex(collection.key)}/`;
    expect((await get(path, token)).status).toBe(200);
    const lookups = harness.groupDirectory.lookups;
    harness.groupDirectory.removeGroup("bg-auditors");
    expect((await get(path, token)).status).toBe(200);
    expect(harness.groupDirectory.lookups).toBe(lookups);
    harness.clock.advance("61 seconds");
    expect((await get(path, token)).status).toBe(404);
  });

  it("answers 503 when the directory cannot be reached", async () => {
    const user = await storeIn(harness).user(aUser().named("bg-unlucky@example.edu"));
    const token = await tokenOf(user);
    harness.groupDirectory.failNext({ transient: true });
    expect((await get("/api/v0/collections/", token)).status).toBe(503);
    expect((await get("/api/v0/collections/", token)).status).toBe(200);
  });
});
