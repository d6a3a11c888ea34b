import { Effect, Redacted } from "effect";
import { describe, expect, it } from "vitest";
import type { EdxEndpoint } from "../../model/edx-endpoint.js";
import type { Principal } from "../../model/user.js";
import { anonymous } from "../../model/user.js";
import { aUser } from "../../testing/builders.js";
import { failureOf } from "../../testing/effect-outcomes.js";
import { makeInMemoryHarness } from "../../testing/in-memory-harness.js";
import { aNewEdxEndpoint } from "../../testing/stored-test-data.js";
import { UpdateEdxEndpoint } from "./update-edx-endpoint.js";

const staff = aUser().staff().principal();

const setUp = async () => {
  const harness = makeInMemoryHarness();
  const insert = (name: string) =>
    Effect.runPromise(
      harness.edxEndpoints.insert(
        aNewEdxEndpoint(name, {
          accessToken: Redacted.make(`${name}-jwt`),
          accessTokenExpiresAt: new Date(harness.clock.now().getTime() + 3_600_000),
        }),
        harness.clock.now(),
      ),
    );
  const learn = await insert("learn");
  const xpro = await insert("xpro");
  const update = (id: string | number, body: unknown, principal: Principal = staff) =>
    new UpdateEdxEndpoint(harness.ports).run(principal, String(id), body);
  const stored = (endpoint: EdxEndpoint) => harness.database.tables.edxEndpoints.get(endpoint.id);
  const revealed = (endpoint: EdxEndpoint | undefined) =>
    endpoint && {
      clientId: Redacted.value(endpoint.clientId),
      secretKey: Redacted.value(endpoint.secretKey),
      accessToken: endpoint.accessToken && Redacted.value(endpoint.accessToken),
    };
  return { harness, learn, xpro, update, stored, revealed };
};

describe("changing an edX endpoint", () => {
  it("changes only the fields sent, and keeps the credentials and cached token", async () => {
    const { harness, learn, update, stored, revealed } = await setUp();
    const at = harness.clock.advance("1 hour");

    const view = await Effect.runPromise(
      update(learn.id, { name: "learn-2026", edx_video_api_path: "/lms/api/val/v0/videos/" }),
    );

    expect(view.endpoint).toMatchObject({
      name: "learn-2026",
      baseUrl: learn.baseUrl,
      edxVideoApiPath: "/lms/api/val/v0/videos/",
      updatedAt: at,
    });
    expect(revealed(stored(learn))).toEqual({
      clientId: "learn-client",
      secretKey: "learn-secret",
      accessToken: "learn-jwt",
    });
  });

  it("replaces re-entered credentials and forgets the token issued for the old ones", async () => {
    const { learn, update, stored, revealed } = await setUp();

    await Effect.runPromise(update(learn.id, { client_id: "new-client", secret_key: "new-secret" }));

    expect(revealed(stored(learn))).toEqual({
      clientId: "new-client",
      secretKey: "new-secret",
      accessToken: null,
    });
    expect(stored(learn)?.accessTokenExpiresAt).toBeNull();
  });

  it("takes credentials again when the stored ones cannot be read, but only both together", async () => {
    const { harness, learn, update, stored } = await setUp();
    const unreadable = {
      ...learn,
      clientId: Redacted.make(""),
      secretKey: Redacted.make(""),
      credentialsReadable: false,
    };
    harness.database.tables.edxEndpoints.set(learn.id, unreadable);

    const onlyOne = await failureOf(update(learn.id, { client_id: "new-client" }));
    const renamed = await Effect.runPromise(update(learn.id, { name: "learn-renamed" }));
    const repaired = await Effect.runPromise(
      update(learn.id, { client_id: "new-client", secret_key: "new-secret" }),
    );

    expect(onlyOne).toMatchObject({ _tag: "InvalidInput", problems: [{ field: "secret_key" }] });
    expect(renamed.endpoint.credentialsReadable).toBe(false);
    expect(repaired.endpoint.credentialsReadable).toBe(true);
    expect(stored(learn)?.name).toBe("learn-renamed");
  });

  it("refuses a name another endpoint has, on the name field, and changes nothing", async () => {
    const { learn, update, stored } = await setUp();

    const error = await failureOf(update(learn.id, { name: "xpro", base_url: "https://other.example.edu" }));

    expect(error).toMatchObject({
      _tag: "InvalidInput",
      problems: [{ field: "name", message: "edX endpoint with this name already exists." }],
    });
    expect(stored(learn)).toEqual(learn);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["a name over 20 characters", { name: "n".repeat(21) }, "name"],
    ["a javascript: base URL", { base_url: "javascript:alert(1)" }, "base_url"],
    ["a blank secret key", { secret_key: "" }, "secret_key"],
    ["an unknown field", { access_token: "forged" }, "access_token"],
  ])("refuses %s, naming the field, and changes nothing", async (_case, body, field) => {
    const { learn, update, stored } = await setUp();

    expect(await failureOf(update(learn.id, body))).toMatchObject({
      _tag: "InvalidInput",
      problems: [{ field }],
    });
    expect(stored(learn)).toEqual(learn);
  });

  it("changes nothing for an empty body", async () => {
    const { harness, learn, update, stored } = await setUp();
    harness.clock.advance("1 hour");

    const view = await Effect.runPromise(update(learn.id, {}));

    expect(view.endpoint).toEqual(learn);
    expect(stored(learn)).toEqual(learn);
  });

  it("answers not found for an unknown or malformed id", async () => {
    const { update } = await setUp();

    expect(await failureOf(update(424_242, { name: "ghost" }))).toMatchObject({
      _tag: "EdxEndpointNotFound",
    });
    expect(await failureOf(update("learn", { name: "ghost" }))).toMatchObject({
      _tag: "EdxEndpointNotFound",
    });
  });

  it.each<[string, Principal, boolean]>([
    ["anonymous visitors are asked to sign in", anonymous, true],
    ["a collection admin who is not staff is refused", aUser().principal("collection-admins"), false],
  ])("%s, and nothing changes", async (_case, principal, signInRequired) => {
    const { learn, update, stored } = await setUp();

    expect(await failureOf(update(learn.id, { name: "taken-over" }, principal))).toMatchObject({
      _tag: "Forbidden",
      signInRequired,
    });
    expect(stored(learn)).toEqual(learn);
  });
});
