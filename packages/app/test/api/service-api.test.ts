import { startTestService } from "./support/test-service.js";
import type { TestService } from "./support/test-service.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userPrincipal } from "@ovs/domain";
import { aCollection, aUser, aVideo, run, storeIn } from "@ovs/domain/testing";
import { Option } from "effect";
import type { VideoKey } from "@ovs/domain";
import type { Ovs } from "../../src/composition/create-ovs.js";

/**
 * The JSON API as a client sees it: the real Koa app on a loopback port, composed by `createOvs`
 * on the `test` profile, with records in the in-memory harness and in PGlite, called with `fetch`.
 */
let ovs: Ovs;
let service: TestService;
let base: string;
let staffToken: string;
let strangerToken: string;

const api = (path: string, init: RequestInit & { token?: string } = {}) => {
  const headers = new Headers(init.headers);
  if (init.token !== undefined) headers.set("Authorization", `Bearer ${init.token}`);
  if (init.body !== undefined && !headers.has("Content-Type"))
    headers.set("Content-Type", "application/json");
  return fetch(`${base}${path}`, { ...init, headers });
};
const json = (value: unknown) => JSON.stringify(value);
const storedVideo = async (key: VideoKey) =>
  Option.getOrUndefined(await run(service.ports.videos.findByKey(key)));

describe.each(["memory", "pglite"] as const)("on %s persistence", (persistence) => {
  beforeAll(async () => {
    service = await startTestService({ testPersistence: persistence });
    ovs = service.ovs;
    base = service.base;
    const staff = await storeIn(service.ports).user(aUser().named("instructor@example.edu").staff());
    const stranger = await storeIn(service.ports).user(aUser().named("stranger@example.edu"));
    const issue = (user: typeof staff) => ovs.useCases.issueApiToken(userPrincipal(user), { name: "tests" });
    staffToken = (await issue(staff)).token;
    strangerToken = (await issue(stranger)).token;
  });

  afterAll(async () => {
    await service.stop();
  });

  describe("the collections API", () => {
    it("lists no collection to an anonymous caller, in upstream's envelope", async () => {
      const answer = await api("/api/v0/collections/");
      expect(answer.status).toBe(200);
      expect(answer.headers.get("x-request-id")).toBeTruthy();
      expect(answer.headers.get("x-robots-tag")).toBe("noindex, nofollow");
      expect(await answer.json()).toEqual({
        count: 0,
        next: null,
        previous: null,
        results: [],
        start_index: 0,
        end_index: 0,
        num_pages: 1,
      });
    });

    it("creates, reads, renames and deletes a collection for a staff token, without CSRF", async () => {
      const created = await api("/api/v0/collections/", {
        method: "POST",
        token: staffToken,
        body: json({ title: "18.06 Linear Algebra", view_lists: [], admin_lists: [] }),
      });
      expect(created.status).toBe(201);
      const { key } = (await created.json()) as { key: string };
      expect(key).toMatch(/^[0-9a-f]{32}$/);

      const read = await api(`/api/v0/collections/${key}/`, { token: staffToken });
      expect(read.status).toBe(200);
      expect(await read.json()).toMatchObject({ key, title: "18.06 Linear Algebra", videos: [] });

      const listed = (await (await api("/api/v0/collections/", { token: staffToken })).json()) as {
        results: Array<{ key: string }>;
      };
      expect(listed.results.map((item) => item.key)).toContain(key);

      const renamed = await api(`/api/v0/collections/${key}/`, {
        method: "PATCH",
        token: staffToken,
        body: json({ title: "18.06 Linear Algebra (2026)" }),
      });
      expect(renamed.status).toBe(200);
      expect(await renamed.json()).toMatchObject({ title: "18.06 Linear Algebra (2026)" });

      expect((await api(`/api/v0/collections/${key}/`, { method: "DELETE", token: staffToken })).status).toBe(
        204,
      );
      expect((await api(`/api/v0/collections/${key}/`, { token: staffToken })).status).toBe(404);
    });

    it("refuses bad input with a 4xx naming the problem, and writes nothing", async () => {
      const before = (await (await api("/api/v0/collections/", { token: staffToken })).json()) as {
        count: number;
      };
      const attempts: ReadonlyArray<readonly [RequestInit & { token?: string }, number, unknown]> = [
        [
          {
            method: "POST",
            token: staffToken,
            body: json({ title: "x", view_lists: [], admin_lists: [], colour: "red" }),
          },
          400,
          { colour: ["This field is not allowed."] },
        ],
        [
          {
            method: "POST",
            token: staffToken,
            body: json({ title: "   ", view_lists: [], admin_lists: [] }),
          },
          400,
          undefined,
        ],
        [{ method: "POST", token: staffToken, body: "{not json" }, 400, undefined],
        [
          {
            method: "POST",
            token: staffToken,
            body: json({ title: "x" }),
            headers: { "Content-Type": "text/plain" },
          },
          415,
          undefined,
        ],
        [
          {
            method: "POST",
            token: strangerToken,
            body: json({ title: "x", view_lists: [], admin_lists: [] }),
          },
          403,
          undefined,
        ],
        [{ method: "POST", body: json({ title: "x", view_lists: [], admin_lists: [] }) }, 403, undefined],
        [
          { method: "POST", token: "ovs_notarealtoken", body: json({ title: "x" }) },
          401,
          { detail: "Invalid token." },
        ],
      ];
      for (const [init, status, body] of attempts) {
        const answer = await api("/api/v0/collections/", init);
        expect(answer.status, JSON.stringify(init)).toBe(status);
        const payload = (await answer.json()) as Record<string, unknown>;
        if (body !== undefined) expect(payload).toEqual(body);
        expect(JSON.stringify(payload).length).toBeGreaterThan(2);
      }
      const inQuery = await api(`/api/v0/collections/?token=${staffToken}`);
      expect(inQuery.status).toBe(400);
      const after = (await (await api("/api/v0/collections/", { token: staffToken })).json()) as {
        count: number;
      };
      expect(after.count).toBe(before.count);
    });

    it("answers a collection hidden from a signed-in stranger with 404", async () => {
      const owner = await storeIn(service.ports).user(aUser().named("owner@example.edu"));
      const hidden = await storeIn(service.ports).collection(aCollection().titled("Private seminar"), owner);
      const hex = hidden.key.replaceAll("-", "");
      expect(
        (await api(`/api/v0/collections/${hex}/`, { method: "DELETE", token: strangerToken })).status,
      ).toBe(404);
    });
  });

  describe("the operator flags of a collection", () => {
    it("staff publish a collection and its videos follow; a collection admin who is not staff is refused, naming the flags", async () => {
      const store = storeIn(service.ports);
      const admin = await store.user(aUser().named("collection-admin@example.edu"));
      const collection = await store.collection(aCollection().with({ ownerId: admin.id }), admin);
      const video = await store.video(collection, aVideo().private());
      const adminToken = (await ovs.useCases.issueApiToken(userPrincipal(admin), { name: "tests" })).token;
      const path = `/api/v0/collections/${collection.key.replaceAll("-", "")}/`;

      const refused = await api(path, {
        method: "PATCH",
        token: adminToken,
        body: json({ is_public: true }),
      });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({ detail: "only staff and superusers may set is_public" });
      expect((await storedVideo(video.key))?.isPublic).toBe(false);

      const published = await api(path, {
        method: "PATCH",
        token: staffToken,
        body: json({ is_public: true, include_in_learn: false, stream_source: "Cloudfront" }),
      });
      expect(published.status).toBe(200);
      expect(await published.json()).toMatchObject({
        is_public: true,
        include_in_learn: false,
        stream_source: "Cloudfront",
        notices: [
          "The collection is public: 1 video changed to public, visible to anyone, signed in or not.",
        ],
      });
      expect(await storedVideo(video.key)).toMatchObject({ isPublic: true, isPrivate: false });
    });
  });

  describe("list links", () => {
    it("are absolute on ODL_VIDEO_BASE_URL, not on the host the request names", async () => {
      for (const title of ["Links A", "Links B"]) {
        const created = await api("/api/v0/collections/", {
          method: "POST",
          token: staffToken,
          body: json({ title, view_lists: [], admin_lists: [] }),
        });
        expect(created.status).toBe(201);
      }
      const first = (await (
        await api("/api/v0/collections/?page_size=1&search=Links", {
          token: staffToken,
          headers: { Host: "evil.example", "X-Forwarded-Host": "evil.example" },
        })
      ).json()) as { next: string | null; previous: string | null };
      expect(first.next).toBe("http://127.0.0.1:3999/api/v0/collections/?page=2&page_size=1&search=Links");
      expect(first.previous).toBeNull();
    });
  });

  describe("tokens", () => {
    it("lists a user's tokens without their secrets, and revokes one so it stops working", async () => {
      const created = await api("/api/v0/tokens/", {
        method: "POST",
        token: staffToken,
        body: json({ name: "cli" }),
      });
      expect(created.status).toBe(201);
      const { id, token } = (await created.json()) as { id: string; token: string };
      const listed = await (await api("/api/v0/tokens/", { token })).text();
      expect(listed).toContain('"name":"cli"');
      expect(listed).not.toContain(token);
      expect((await api(`/api/v0/tokens/${id}/`, { method: "DELETE", token: staffToken })).status).toBe(204);
      expect((await api("/api/v0/tokens/", { token })).status).toBe(401);
    });
  });

  describe("the public feed", () => {
    it("answers anonymous crawlers with upstream's envelope", async () => {
      const answer = await api("/api/v0/public/videos/");
      expect(answer.status).toBe(200);
      const page = (await answer.json()) as { count: number; results: Array<{ key: string }> };
      expect(page).toMatchObject({ next: null, previous: null });
      expect(page.count).toBe(page.results.length);
      for (const video of page.results) expect(video.key).toMatch(/^[0-9a-f]{32}$/);
    });
  });
});
