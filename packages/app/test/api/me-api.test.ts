import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userPrincipal } from "@ovs/domain";
import { aUser, storeIn } from "@ovs/domain/testing";
import { startTestService } from "./support/test-service.js";
import type { TestService } from "./support/test-service.js";

let service: TestService;

const me = (token?: string) =>
  fetch(`${service.base}/api/v0/me/`, {
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
  });

beforeAll(async () => {
  service = await startTestService({ env: { ODL_VIDEO_SUPPORT_EMAIL: "help@example.edu" } });
});

afterAll(async () => {
  await service.stop();
});

describe("GET /api/v0/me/", () => {
  it("tells an anonymous caller nobody is signed in and nothing may be created", async () => {
    const answer = await me();
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("private, no-store");
    expect(await answer.json()).toEqual({
      user: null,
      may_create_collections: false,
      may_manage_edx_endpoints: false,
      dropbox_key: null,
      support_email: "help@example.edu",
    });
  });

  it("names a signed-in user with their role flags and what the roles allow", async () => {
    const store = storeIn(service.ports);
    const issue = async (user: Awaited<ReturnType<typeof store.user>>) =>
      (await service.ovs.useCases.issueApiToken(userPrincipal(user), { name: "tests" })).token;
    const staff = await store.user(aUser().named("staff@example.edu").staff());
    const viewer = await store.user(aUser().named("viewer@example.edu"));

    expect(await (await me(await issue(staff))).json()).toMatchObject({
      user: { id: staff.id, username: "staff@example.edu", is_staff: true, is_superuser: false },
      may_create_collections: true,
      may_manage_edx_endpoints: true,
    });
    expect(await (await me(await issue(viewer))).json()).toMatchObject({
      user: { id: viewer.id, username: "viewer@example.edu", is_staff: false, is_superuser: false },
      may_create_collections: false,
      may_manage_edx_endpoints: false,
    });
  });
});
