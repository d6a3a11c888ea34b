import { Redacted } from "effect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EdxEndpoint } from "@ovs/domain";
import { aNewEdxEndpoint, found, instant, run, storeIn } from "@ovs/domain/testing";
import { SEALED_PREFIX } from "../src/credential-sealing.js";
import { makePostgresAdapters } from "../src/postgres-adapters.js";
import type { TestBackend } from "./support/test-backends.js";
import { backendsToRun, openTestBackend } from "./support/test-backends.js";

const CLIENT_ID = "client-id-7f3a9c";
const SECRET_KEY = "secret-key-4b81e2d0";
const ACCESS_TOKEN = "eyJhbGciOiJSUzI1NiJ9.access-token-payload";

interface StoredRow {
  readonly id: number;
  readonly client_id: string;
  readonly secret_key: string;
  readonly access_token: string | null;
}

for (const backendName of backendsToRun()) {
  describe(`edX credentials sealed at rest on ${backendName}`, () => {
    let backend: TestBackend | undefined;
    beforeAll(async () => {
      backend = await openTestBackend(backendName);
    }, 60_000);
    afterAll(async () => {
      await backend?.close();
    });
    beforeEach(async () => {
      await current().reset();
    });

    const current = (): TestBackend => {
      if (backend === undefined) throw new Error(`the ${backendName} backend did not open`);
      return backend;
    };
    const rawRow = async (endpoint: Pick<EdxEndpoint, "id">): Promise<StoredRow> =>
      (await current().database.knex("edx_endpoints").where("id", endpoint.id).first()) as StoredRow;
    const everyRowAsText = async (): Promise<string> =>
      JSON.stringify((await current().database.knex.raw("SELECT * FROM edx_endpoints")) as unknown);
    const insertWithSecrets = (name = "learn") =>
      run(
        current().adapters.edxEndpoints.insert(
          aNewEdxEndpoint(name, {
            clientId: Redacted.make(CLIENT_ID),
            secretKey: Redacted.make(SECRET_KEY),
            accessToken: Redacted.make(ACCESS_TOKEN),
            accessTokenExpiresAt: instant(3600),
          }),
          instant(),
        ),
      );
    /** The same database seen by a service started with another secret key. */
    const withAnotherKey = () =>
      makePostgresAdapters(current().database, current().boss, {
        credentialsKey: Redacted.make("a-different-service-secret-key-0123456789"),
      }).edxEndpoints;

    it("stores neither secret nor the token in plaintext, and reads them back", async () => {
      const endpoint = await insertWithSecrets();

      const row = await rawRow(endpoint);
      const everything = await everyRowAsText();
      for (const secret of [CLIENT_ID, SECRET_KEY, ACCESS_TOKEN]) expect(everything).not.toContain(secret);
      expect(row.client_id.startsWith(SEALED_PREFIX)).toBe(true);
      expect(row.secret_key.startsWith(SEALED_PREFIX)).toBe(true);
      expect(row.access_token?.startsWith(SEALED_PREFIX)).toBe(true);
      const read = await found(current().adapters.edxEndpoints.findById(endpoint.id));
      expect(
        [read.clientId, read.secretKey, read.accessToken].map((value) => value && Redacted.value(value)),
      ).toEqual([CLIENT_ID, SECRET_KEY, ACCESS_TOKEN]);
    });

    it("seals re-entered credentials and new tokens too", async () => {
      const endpoint = await insertWithSecrets();
      const { edxEndpoints } = current().adapters;

      await run(
        edxEndpoints.update(
          endpoint.id,
          { clientId: Redacted.make("rotated-client-id"), secretKey: Redacted.make("rotated-secret") },
          instant(10),
        ),
      );
      await run(
        edxEndpoints.saveToken(endpoint.id, Redacted.make("rotated-token-xyz"), instant(7200), instant(20)),
      );

      const everything = await everyRowAsText();
      for (const secret of ["rotated-client-id", "rotated-secret", "rotated-token-xyz"]) {
        expect(everything).not.toContain(secret);
      }
      expect(await found(edxEndpoints.findById(endpoint.id))).toMatchObject({ credentialsReadable: true });
    });

    it("reads plaintext written before sealing existed, and seals it at the next write", async () => {
      const { database, adapters } = current();
      const [{ id }] = (await database
        .knex("edx_endpoints")
        .insert({
          name: "legacy",
          base_url: "https://courses.learn.example.edu",
          edx_video_api_path: "/api/val/v0/videos/",
          client_id: "legacy-client-id",
          secret_key: "legacy-secret-key",
          access_token: "legacy-token",
          access_token_expires_at: instant(3600),
          is_global_default: false,
          created_at: instant(),
          updated_at: instant(),
        })
        .returning("id")) as [{ id: number }];
      const endpoint = await found(adapters.edxEndpoints.findById(id as EdxEndpoint["id"]));
      expect(endpoint.credentialsReadable).toBe(true);
      expect(
        [endpoint.clientId, endpoint.secretKey, endpoint.accessToken].map((v) => v && Redacted.value(v)),
      ).toEqual(["legacy-client-id", "legacy-secret-key", "legacy-token"]);

      await run(
        adapters.edxEndpoints.saveToken(endpoint.id, Redacted.make("new-token"), instant(7200), instant(5)),
      );

      const row = await rawRow(endpoint);
      expect(
        [row.client_id, row.secret_key, row.access_token].every((value) => value?.startsWith(SEALED_PREFIX)),
      ).toBe(true);
      const resealed = await found(adapters.edxEndpoints.findById(endpoint.id));
      expect(resealed.credentialsReadable).toBe(true);
      expect([Redacted.value(resealed.clientId), Redacted.value(resealed.secretKey)]).toEqual([
        "legacy-client-id",
        "legacy-secret-key",
      ]);
    });

    it("lists an endpoint sealed with another key as unreadable, and takes new credentials for it", async () => {
      const collection = await storeIn(current().adapters).collection();
      const endpoint = await insertWithSecrets("sealed-elsewhere");
      await insertWithSecrets("other");
      await run(current().adapters.edxEndpoints.link(collection.key, endpoint.id));
      const elsewhere = withAnotherKey();

      const listed = await run(elsewhere.list());
      const linked = await run(elsewhere.listForCollection(collection.key));

      expect(listed.map(({ name, credentialsReadable }) => [name, credentialsReadable])).toEqual([
        ["sealed-elsewhere", false],
        ["other", false],
      ]);
      expect(linked[0]).toMatchObject({
        name: "sealed-elsewhere",
        credentialsReadable: false,
        accessToken: null,
      });
      expect(
        [linked[0]?.clientId, linked[0]?.secretKey].map((value) => value && Redacted.value(value)),
      ).toEqual(["", ""]);

      const renamed = await run(elsewhere.update(endpoint.id, { name: "renamed" }, instant(5)));
      const oneOnly = await run(
        elsewhere.update(endpoint.id, { clientId: Redacted.make("half") }, instant(6)),
      );
      const repaired = await run(
        elsewhere.update(
          endpoint.id,
          { clientId: Redacted.make("new-client"), secretKey: Redacted.make("new-secret") },
          instant(7),
        ),
      );

      expect(renamed.credentialsReadable).toBe(false);
      expect(oneOnly.credentialsReadable).toBe(false);
      expect(repaired).toMatchObject({ name: "renamed", credentialsReadable: true, accessToken: null });
      expect(Redacted.value(repaired.secretKey)).toBe("new-secret");
      // …and the service with the original key now finds them sealed with the new one.
      expect(await found(current().adapters.edxEndpoints.findById(endpoint.id))).toMatchObject({
        credentialsReadable: false,
      });
    });

    it("keeps credentials it cannot open as they are when another field changes", async () => {
      const endpoint = await insertWithSecrets();
      const before = await rawRow(endpoint);

      await run(withAnotherKey().update(endpoint.id, { edxVideoApiPath: "/lms/videos/" }, instant(5)));

      const after = await rawRow(endpoint);
      expect([after.client_id, after.secret_key]).toEqual([before.client_id, before.secret_key]);
      expect(await found(current().adapters.edxEndpoints.findById(endpoint.id))).toMatchObject({
        credentialsReadable: true,
        edxVideoApiPath: "/lms/videos/",
      });
    });

    it("keeps a sealed token longer than the 2048 characters the column used to hold", async () => {
      const endpoint = await insertWithSecrets();
      const longToken = "t".repeat(2048);

      await run(
        current().adapters.edxEndpoints.saveToken(
          endpoint.id,
          Redacted.make(longToken),
          instant(60),
          instant(1),
        ),
      );

      const read = await found(current().adapters.edxEndpoints.findById(endpoint.id));
      expect(read.accessToken && Redacted.value(read.accessToken)).toBe(longToken);
    });
  });
}
