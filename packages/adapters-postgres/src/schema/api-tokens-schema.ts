import type { Knex } from "knex";

/**
 * API tokens (second migration): one row per issued token, holding only the SHA-256 of the
 * secret. Tokens belong to a user and go with them. `sequence` gives the insertion order that
 * breaks ties between tokens created in the same instant.
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.schema.createTable("api_tokens", (table) => {
    table.text("id").primary({ constraintName: "api_tokens_pkey" });
    table.increments("sequence", { primaryKey: false });
    table
      .integer("user_id")
      .notNullable()
      .references("id")
      .inTable("users")
      .onDelete("CASCADE")
      .withKeyName("api_tokens_user_id_foreign");
    table.string("name", 100).notNullable();
    table.string("token_hash", 64).notNullable().unique({ indexName: "api_tokens_token_hash_unique" });
    table.timestamp("created_at", { useTz: true }).notNullable();
    table.timestamp("expires_at", { useTz: true }).notNullable();
    table.timestamp("last_used_at", { useTz: true });
    table.timestamp("revoked_at", { useTz: true });
    table.check(`token_hash ~ '^[0-9a-f]{64}$'`, [], "api_tokens_token_hash_check");
    table.index(["user_id"], "api_tokens_user_id_index");
  });
};

export const down = async (knex: Knex): Promise<void> => {
  await knex.schema.dropTableIfExists("api_tokens");
};
