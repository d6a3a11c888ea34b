import { Effect, Redacted } from "effect";
import { describe, expect, it } from "vitest";
import type { Principal } from "../../model/user.js";
import { anonymous } from "../../model/user.js";
import { aUser } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { CreateEdxEndpoint } from "./create-edx-endpoint.js";

const staff = aUser().staff().principal();

const aBody = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: "learn",
  base_url: "https://courses.learn.example.edu",
  client_id: "learn-client-id",
  secret_key: "learn-secret-key",
  ...overrides,
});

const setUp = () => {
  const harness = makeInMemoryHarness();
  const create = (body: unknown, principal: Principal = staff) =>
    new CreateEdxEndpoint(harness.ports).run(principal, body);
  const stored = () => [...harness.database.tables.edxEndpoints.values()];
  return { harness, create, stored };
};

describe("creating an edX endpoint", () => {
  it("stores what staff enter, with the default video API path and no cached token", async () => {
    const { harness, create, stored } = setUp();

    const created = await Effect.runPromise(create(aBody({ name: "  learn  " })));

    expect(created.collectionCount).toBe(0);
    expect(created.endpoint).toMatchObject({
      name: "learn",
      baseUrl: "https://courses.learn.example.edu",
      edxVideoApiPath: "/api/val/v0/videos/",
      credentialsReadable: true,
      accessToken: null,
      accessTokenExpiresAt: null,
      isGlobalDefault: false,
      createdAt: harness.clock.now(),
    });
    const [row] = stored();
    expect(row?.id).toBe(created.endpoint.id);
    expect(row && Redacted.value(row.clientId)).toBe("learn-client-id");
    expect(row && Redacted.value(row.secretKey)).toBe("learn-secret-key");
  });

  it("lets a superuser create one, with a video API path of their own", async () => {
    const { create } = setUp();

    const created = await Effect.runPromise(
      create(aBody({ edx_video_api_path: "/lms/api/val/v0/videos/" }), aUser().superuser().principal()),
    );

    expect(created.endpoint.edxVideoApiPath).toBe("/lms/api/val/v0/videos/");
  });

  it("refuses a name another endpoint has, on the name field, and stores nothing more", async () => {
    const { create, stored } = setUp();
    await Effect.runPromise(create(aBody()));

    const error = await failureOf(create(aBody({ base_url: "https://elsewhere.example.edu" })));

    expect(error).toMatchObject({
      _tag: "InvalidInput",
      problems: [{ field: "name", message: "edX endpoint with this name already exists." }],
    });
    expect(stored()).toHaveLength(1);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["a name over 20 characters", { name: "n".repeat(21) }, "name"],
    ["a blank name", { name: "   " }, "name"],
    ["a javascript: base URL", { base_url: "javascript:alert(1)" }, "base_url"],
    ["an ftp base URL", { base_url: "ftp://courses.example.edu" }, "base_url"],
    ["a base URL over 100 characters", { base_url: `https://x.edu/${"p".repeat(90)}` }, "base_url"],
    [
      "a video API path on another host",
      { edx_video_api_path: "https://evil.example/videos/" },
      "edx_video_api_path",
    ],
    [
      "a video API path that becomes a scheme",
      { edx_video_api_path: "/javascript:alert(1)" },
      "edx_video_api_path",
    ],
    [
      "a video API path with a query",
      { edx_video_api_path: "/api/val/v0/videos/?x=1" },
      "edx_video_api_path",
    ],
    ["a blank client id", { client_id: " " }, "client_id"],
    ["a secret key that is not text", { secret_key: 42 }, "secret_key"],
    ["an unknown field", { is_global_default: true }, "is_global_default"],
    ["a read-only field", { has_credentials: true }, "has_credentials"],
  ])("refuses %s, naming the field, and stores nothing", async (_case, overrides, field) => {
    const { create, stored } = setUp();

    const error = await failureOf(create(aBody(overrides)));

    expect(error).toMatchObject({ _tag: "InvalidInput" });
    expect(error._tag === "InvalidInput" && error.problems.map((problem) => problem.field)).toContain(field);
    expect(stored()).toEqual([]);
  });

  it.each(["client_id", "secret_key", "name", "base_url"])("requires %s", async (field) => {
    const { create, stored } = setUp();
    const body = aBody();
    delete body[field];

    const error = await failureOf(create(body));

    expect(error).toMatchObject({ _tag: "InvalidInput", problems: [{ field }] });
    expect(stored()).toEqual([]);
  });

  it("never repeats a secret in the problems it reports", async () => {
    const { create } = setUp();

    const error = await failureOf(
      create(aBody({ client_id: "c".repeat(1001), secret_key: "s".repeat(1001), name: "" })),
    );

    expect(error._tag).toBe("InvalidInput");
    expect(JSON.stringify(error)).not.toMatch(/ccccc|sssss/);
  });

  it.each<[string, Principal, boolean]>([
    ["anonymous visitors are asked to sign in", anonymous, true],
    ["a signed-in user who is not staff is refused", aUser().principal("collection-admins"), false],
  ])("%s, and nothing is stored", async (_case, principal, signInRequired) => {
    const { create, stored } = setUp();

    expect(await failureOf(create(aBody(), principal))).toMatchObject({ _tag: "Forbidden", signInRequired });
    expect(stored()).toEqual([]);
  });
});
