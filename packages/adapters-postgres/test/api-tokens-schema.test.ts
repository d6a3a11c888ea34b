import { Effect } from "effect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TestBackend } from "./support/test-backends.js";
import { backendsToRun, openTestBackend } from "./support/test-backends.js";

for (const backendName of backendsToRun()) {
  describe(`api_tokens table on ${backendName}`, () => {
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

    it("is created by its own migration after the initial schema", async () => {
      const rows: ReadonlyArray<{ readonly name: string }> = await current()
        .database.knex("knex_migrations")
        .orderBy("id")
        .select("name");
      expect(rows.map((row) => row.name).slice(0, 2)).toEqual(["0001_initial_schema", "0002_api_tokens"]);
    });

    it("indexes tokens by user", async () => {
      const result: { readonly rows: ReadonlyArray<{ readonly indexname: string }> } =
        await current().database.knex.raw(
          `SELECT indexname FROM pg_indexes WHERE tablename = 'api_tokens' ORDER BY indexname`,
        );
      expect(result.rows.map((row) => row.indexname)).toEqual([
        "api_tokens_pkey",
        "api_tokens_token_hash_unique",
        "api_tokens_user_id_index",
      ]);
    });

    it("deletes a user's tokens with the user", async () => {
      const { adapters, database } = current();
      const at = new Date("2026-03-02T09:15:30.250Z");
      const user = await Effect.runPromise(
        adapters.users.upsertByUsername(
          { username: "leaver@mit.edu", email: "leaver@mit.edu", isSuperuser: false, isStaff: false },
          at,
        ),
      );
      await Effect.runPromise(
        adapters.apiTokens.insert({
          id: "token-of-a-leaver",
          userId: user.id,
          name: "cli",
          tokenHash: "a".repeat(64),
          createdAt: at,
          expiresAt: new Date(at.getTime() + 86_400_000),
        }),
      );

      await database.knex("users").where("id", user.id).delete();

      const remaining: ReadonlyArray<unknown> = await database.knex("api_tokens").select("id");
      expect(remaining).toEqual([]);
    });

    it("refuses a hash that is not 64 lowercase hex digits", async () => {
      const { adapters } = current();
      const at = new Date("2026-03-02T09:15:30.250Z");
      const user = await Effect.runPromise(
        adapters.users.upsertByUsername(
          { username: "typo@mit.edu", email: "typo@mit.edu", isSuperuser: false, isStaff: false },
          at,
        ),
      );
      const error = await Effect.runPromise(
        Effect.flip(
          adapters.apiTokens.insert({
            id: "token-in-clear",
            userId: user.id,
            name: "cli",
            tokenHash: `ovs_${"A".repeat(43)}`,
            createdAt: at,
            expiresAt: at,
          }),
        ),
      );
      expect(error._tag).toBe("PersistenceFailure");
    });
  });
}
