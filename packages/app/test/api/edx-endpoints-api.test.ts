import { startTestService } from "./support/test-service.js";
import type { TestService } from "./support/test-service.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userPrincipal } from "@ovs/domain";
import type { Collection, EdxEndpointId, User } from "@ovs/domain";
import { aCollection, aUser, found, run, storeIn } from "@ovs/domain/testing";
import { Redacted } from "effect";
import { SIGN_IN_REQUIRED } from "../../src/http/errors.js";

/**
 * `/api/v0/edx_endpoints/` as a client sees it: the real Koa app on the `test` profile, with
 * records in the in-memory harness and in PGlite (where the credentials are sealed at rest).
 * Only staff and superusers manage endpoints; no answer ever carries a client id, a secret key
 * or an access token; a refused request changes nothing.
 */

const CLIENT_ID = "edx-client-id-5f1c9a";
const SECRET_KEY = "edx-secret-key-b7e24d";
const NEW_CLIENT_ID = "edx-client-id-rotated-93ad";
const NEW_SECRET_KEY = "edx-secret-key-rotated-0c6e";
const SECRETS = [CLIENT_ID, SECRET_KEY, NEW_CLIENT_ID, NEW_SECRET_KEY];

type Caller = "staff" | "superuser" | "collectionAdmin" | "stranger" | "anonymous";

describe.each(["memory", "pglite"] as const)("the edX endpoints API on %s persistence", (persistence) => {
  let service: TestService;
  let collection: Collection;
  const tokens = new Map<Caller, string>();
  /** Every answer the API gave in this file, to look for secrets in. */
  const answered: Array<{ readonly status: number; readonly text: string }> = [];

  const api = async (
    method: "GET" | "POST" | "PATCH" | "DELETE",
    path: string,
    options: { readonly as: Caller; readonly body?: unknown } = { as: "staff" },
  ) => {
    const headers = new Headers();
    const token = tokens.get(options.as);
    if (token !== undefined) headers.set("Authorization", `Bearer ${token}`);
    if (options.body !== undefined) headers.set("Content-Type", "application/json");
    const answer = await fetch(`${service.base}${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await answer.text();
    answered.push({ status: answer.status, text });
    return { status: answer.status, body: text === "" ? undefined : (JSON.parse(text) as unknown) };
  };
  const staff = { as: "staff" } as const;
  const createBody = (name: string) => ({
    name,
    base_url: `https://courses.${name}.example.edu`,
    client_id: CLIENT_ID,
    secret_key: SECRET_KEY,
  });
  const create = async (name: string) => {
    const created = await api("POST", "/api/v0/edx_endpoints/", { ...staff, body: createBody(name) });
    expect(created.status).toBe(201);
    return created.body as { readonly id: number };
  };

  beforeAll(async () => {
    service = await startTestService({ testPersistence: persistence });
    const { ovs, harness, ports } = service;
    const user = (builder: ReturnType<typeof aUser>) => storeIn(ports).user(builder);
    const users: ReadonlyArray<[Exclude<Caller, "anonymous">, User]> = [
      ["staff", await user(aUser().named(`edx-staff-${persistence}@example.edu`).staff())],
      ["superuser", await user(aUser().named(`edx-root-${persistence}@example.edu`).superuser())],
      ["collectionAdmin", await user(aUser().named(`edx-admin-${persistence}@example.edu`))],
      ["stranger", await user(aUser().named(`edx-stranger-${persistence}@example.edu`))],
    ];
    const admin = users[2]![1];
    harness.groupDirectory.addMember("edx-course-admins", { username: admin.username, email: admin.email });
    collection = await storeIn(ports).collection(aCollection().withAdminLists("edx-course-admins"));
    for (const [caller, each] of users) {
      tokens.set(caller, (await ovs.useCases.issueApiToken(userPrincipal(each), { name: "tests" })).token);
      // A token's use is recorded at most once a minute: use it now, so later refusals write nothing.
      await api("GET", "/api/v0/tokens/", { as: caller });
    }
  });

  afterAll(async () => {
    await service.stop();
  });

  it("lets staff create, list, read, change and delete an endpoint", async () => {
    const created = await api("POST", "/api/v0/edx_endpoints/", {
      ...staff,
      body: { ...createBody("learn"), base_url: "https://courses.learn.example.edu/lms/" },
    });
    expect(created).toEqual({
      status: 201,
      body: {
        id: expect.any(Number),
        name: "learn",
        base_url: "https://courses.learn.example.edu/lms/",
        edx_video_api_path: "/api/val/v0/videos/",
        videos_url: "https://courses.learn.example.edu/lms/api/val/v0/videos/",
        has_credentials: true,
        access_token_expires_at: null,
        collection_count: 0,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
        updated_at: expect.any(String),
      },
    });
    const { id } = created.body as { readonly id: number };
    await run(service.ports.edxEndpoints.link(collection.key, id as EdxEndpointId));

    const listed = await api("GET", "/api/v0/edx_endpoints/", staff);
    expect(listed.status).toBe(200);
    expect(listed.body).toContainEqual(expect.objectContaining({ id, name: "learn", collection_count: 1 }));

    expect(await api("GET", `/api/v0/edx_endpoints/${id}/`, { as: "superuser" })).toMatchObject({
      status: 200,
      body: { id, name: "learn", collection_count: 1 },
    });

    const changed = await api("PATCH", `/api/v0/edx_endpoints/${id}/`, {
      ...staff,
      body: { name: "learn-2026", client_id: NEW_CLIENT_ID, secret_key: NEW_SECRET_KEY },
    });
    expect(changed).toMatchObject({
      status: 200,
      body: {
        id,
        name: "learn-2026",
        base_url: "https://courses.learn.example.edu/lms/",
        has_credentials: true,
      },
    });
    expect(await api("DELETE", `/api/v0/edx_endpoints/${id}/`, staff)).toEqual({
      status: 204,
      body: undefined,
    });
    expect(await api("GET", `/api/v0/edx_endpoints/${id}/`, staff)).toEqual({
      status: 404,
      body: { detail: "Not found." },
    });
    expect(await run(service.ports.edxEndpoints.listForCollection(collection.key))).toEqual([]);
  });

  it("stores the credentials staff re-enter, for posts to use, and forgets the old token", async () => {
    const { id } = await create("xpro");
    await run(
      service.ports.edxEndpoints.saveToken(
        id as EdxEndpointId,
        Redacted.make("old-jwt"),
        new Date(Date.now() + 3_600_000),
        new Date(),
      ),
    );

    const changed = await api("PATCH", `/api/v0/edx_endpoints/${id}/`, {
      ...staff,
      body: { client_id: NEW_CLIENT_ID, secret_key: NEW_SECRET_KEY },
    });

    expect(changed).toMatchObject({
      status: 200,
      body: { has_credentials: true, access_token_expires_at: null },
    });
    const endpoint = await found(service.ports.edxEndpoints.findById(id as EdxEndpointId));
    expect([Redacted.value(endpoint.clientId), Redacted.value(endpoint.secretKey)]).toEqual([
      NEW_CLIENT_ID,
      NEW_SECRET_KEY,
    ]);
    expect(endpoint.accessToken).toBeNull();
  });

  describe("who may", () => {
    const routes = (id: number) =>
      [
        ["GET", "/api/v0/edx_endpoints/", undefined],
        ["POST", "/api/v0/edx_endpoints/", createBody("intruder")],
        ["GET", `/api/v0/edx_endpoints/${id}/`, undefined],
        ["PATCH", `/api/v0/edx_endpoints/${id}/`, { name: "taken-over" }],
        ["DELETE", `/api/v0/edx_endpoints/${id}/`, undefined],
      ] as const;

    it.each<[string, Caller, number, string]>([
      [
        "a collection admin who is not staff",
        "collectionAdmin",
        403,
        "only staff and superusers may manage edX endpoints",
      ],
      ["a signed-in stranger", "stranger", 403, "only staff and superusers may manage edX endpoints"],
      ["an anonymous caller, asked to sign in", "anonymous", 403, SIGN_IN_REQUIRED],
    ])("refuses %s on every route, and nothing changes", async (_case, caller, status, detail) => {
      const { id } = await create(`guarded-${caller}`.slice(0, 20));
      const before = await service.records();

      for (const [method, path, body] of routes(id)) {
        const answer = await api(method, path, { as: caller, ...(body === undefined ? {} : { body }) });
        expect(answer, `${method} ${path}`).toEqual({ status, body: { detail } });
      }

      expect(await service.records()).toEqual(before);
    });
  });

  describe("bad input", () => {
    it.each<[string, "POST" | "PATCH", (id: number) => unknown, string, RegExp]>([
      [
        "an unknown field",
        "POST",
        () => ({ ...createBody("unknown"), is_global_default: true }),
        "is_global_default",
        /not allowed/,
      ],
      ["a 21-character name", "POST", () => createBody("n".repeat(21)), "name", /at most 20 characters/],
      [
        "a javascript: base URL",
        "POST",
        () => ({ ...createBody("js"), base_url: "javascript:alert(1)" }),
        "base_url",
        /http or https/,
      ],
      [
        "a missing secret key",
        "POST",
        () => ({ name: "nosecret", base_url: "https://x.example.edu", client_id: "c" }),
        "secret_key",
        /missing/i,
      ],
      ["a name another endpoint has", "POST", () => createBody("taken"), "name", /already exists/],
      [
        "a read-only field on change",
        "PATCH",
        () => ({ has_credentials: false }),
        "has_credentials",
        /not allowed/,
      ],
      [
        "a 21-character name on change",
        "PATCH",
        () => ({ name: "n".repeat(21) }),
        "name",
        /at most 20 characters/,
      ],
      [
        "a javascript: base URL on change",
        "PATCH",
        () => ({ base_url: "javascript:alert(1)" }),
        "base_url",
        /http or https/,
      ],
      ["another endpoint's name on change", "PATCH", () => ({ name: "taken" }), "name", /already exists/],
    ])("refuses %s with a field error, and nothing changes", async (_case, method, body, field, message) => {
      const taken = await api("GET", "/api/v0/edx_endpoints/", staff);
      const existing = (taken.body as ReadonlyArray<{ readonly name: string; readonly id: number }>).find(
        (endpoint) => endpoint.name === "taken",
      );
      if (existing === undefined) await create("taken");
      const { id } = method === "PATCH" ? await create(`target-${answered.length}`) : { id: 0 };
      const before = await service.records();

      const answer = await api(
        method,
        method === "POST" ? "/api/v0/edx_endpoints/" : `/api/v0/edx_endpoints/${id}/`,
        {
          ...staff,
          body: body(id),
        },
      );

      expect(answer.status).toBe(400);
      expect((answer.body as Record<string, ReadonlyArray<string>>)[field]?.join(" ")).toMatch(message);
      expect(await service.records()).toEqual(before);
    });

    it.each(["0", "-1", "abc", "1.5", "99999999999", "424242"])(
      "answers 404 for the id %j on every route that takes one, and nothing changes",
      async (id) => {
        const before = await service.records();

        for (const [method, body] of [["GET"], ["PATCH", { name: "ghost" }], ["DELETE"]] as const) {
          const answer = await api(method, `/api/v0/edx_endpoints/${id}/`, {
            ...staff,
            ...(body === undefined ? {} : { body }),
          });
          expect(answer, `${method} ${id}`).toEqual({ status: 404, body: { detail: "Not found." } });
        }

        expect(await service.records()).toEqual(before);
      },
    );
  });

  it("never shows a client id, a secret key or a token in any answer, nor stores them in plaintext", async () => {
    const records = JSON.stringify(await service.records());

    expect(answered.length).toBeGreaterThan(20);
    for (const secret of [...SECRETS, "old-jwt"]) {
      expect(records).not.toContain(secret);
      for (const { text } of answered) expect(text).not.toContain(secret);
    }
    // Refusals name the fields (`{"secret_key": ["is missing"]}`); no answer that succeeded has them.
    for (const { status, text } of answered.filter((answer) => answer.status < 300)) {
      expect(text, `a ${status} answer`).not.toMatch(/"(client_id|secret_key|access_token)":/);
    }
  });
});
