import type { Knex } from "knex";
import { ENCODE_JOB_STATES, VIDEO_STATUSES } from "@ovs/domain";

/**
 * The whole OVS schema (docs/upstream.md §1), with the upstream constraints the
 * database can hold and the ones upstream only meant to have (one subtitle per video and
 * language). Keys are UUID columns: foreign keys point at them, so no query needs an
 * integer-id lookup. Serial `id` columns give the row order upstream ties fall back to.
 */

const quoteList = (values: ReadonlyArray<string>): string =>
  values.map((value) => `'${value.replaceAll("'", "''")}'`).join(", ");

const YOUTUBE_STATUSES = [
  "uploaded",
  "uploading",
  "processing",
  "processed",
  "rejected",
  "failed",
  "succeeded",
  "retry",
];

const timestamps = (table: Knex.CreateTableBuilder): void => {
  table.timestamp("created_at", { useTz: true }).notNullable();
  table.timestamp("updated_at", { useTz: true }).notNullable();
};

export const up = async (knex: Knex): Promise<void> => {
  await knex.schema.createTable("users", (table) => {
    table.increments("id").primary();
    table.string("username", 150).notNullable().unique({ indexName: "users_username_unique" });
    table.string("email", 254).notNullable();
    table.boolean("is_superuser").notNullable();
    table.boolean("is_staff").notNullable();
    timestamps(table);
  });

  await knex.schema.createTable("access_groups", (table) => {
    table.string("name", 250).primary({ constraintName: "access_groups_pkey" });
    timestamps(table);
  });

  await knex.schema.createTable("collections", (table) => {
    table.increments("id").primary();
    table.uuid("key").notNullable().unique({ indexName: "collections_key_unique" });
    table.text("title").notNullable();
    table.text("slug");
    table.text("description");
    table
      .integer("owner_id")
      .notNullable()
      .references("id")
      .inTable("users")
      .onDelete("CASCADE")
      .withKeyName("collections_owner_id_foreign");
    table.boolean("is_logged_in_only").notNullable();
    table.boolean("allow_share_openedx").notNullable();
    table.boolean("is_public").notNullable();
    table.boolean("include_in_learn").notNullable();
    table.boolean("for_shorts").notNullable();
    table.string("stream_source", 10);
    table.string("edx_course_id", 150);
    table.boolean("schedule_retranscode").notNullable();
    timestamps(table);
    table.check(
      `stream_source IS NULL OR stream_source IN ('Youtube', 'Cloudfront')`,
      [],
      "collections_stream_source_check",
    );
    table.index(["owner_id"], "collections_owner_id_index");
    table.index(["slug", "owner_id"], "collections_slug_owner_index");
  });
  await knex.raw(`CREATE INDEX collections_created_at_key_index ON collections (created_at DESC, key DESC)`);
  await knex.raw(`CREATE INDEX collections_title_key_index ON collections ((title COLLATE "C"), key)`);

  // Group lists of collections and videos: join tables, so an access-filtered list joins on
  // an index instead of scanning arrays, and every name must be a known group.
  for (const [table, owner, ownerTable] of [
    ["collection_view_groups", "collection_key", "collections"],
    ["collection_admin_groups", "collection_key", "collections"],
  ] as const) {
    await knex.schema.createTable(table, (builder) => {
      builder
        .uuid(owner)
        .notNullable()
        .references("key")
        .inTable(ownerTable)
        .onDelete("CASCADE")
        .withKeyName(`${table}_${owner}_foreign`);
      builder
        .string("group_name", 250)
        .notNullable()
        .references("name")
        .inTable("access_groups")
        .onDelete("CASCADE")
        .onUpdate("CASCADE")
        .withKeyName(`${table}_group_name_foreign`);
      builder.integer("position").notNullable();
      builder.primary([owner, "group_name"], { constraintName: `${table}_pkey` });
      builder.index(["group_name", owner], `${table}_group_name_index`);
    });
  }

  await knex.schema.createTable("videos", (table) => {
    table.increments("id").primary();
    table.uuid("key").notNullable().unique({ indexName: "videos_key_unique" });
    table
      .uuid("collection_key")
      .notNullable()
      .references("key")
      .inTable("collections")
      .onDelete("CASCADE")
      .withKeyName("videos_collection_key_foreign");
    table.string("title", 250).notNullable();
    table.text("description").notNullable().defaultTo("");
    table.string("source_url", 2000).notNullable();
    table.string("status", 50).notNullable().defaultTo("Created");
    table.boolean("multiangle").notNullable();
    table.boolean("is_public").notNullable();
    table.boolean("is_private").notNullable();
    table.boolean("is_logged_in_only").notNullable();
    table.integer("custom_order");
    table.boolean("schedule_retranscode").notNullable();
    table.double("duration").notNullable().defaultTo(0);
    table.string("cta_link", 2000);
    timestamps(table);
    table.check(`status IN (${quoteList(VIDEO_STATUSES)})`, [], "videos_status_check");
    table.check(`duration >= 0`, [], "videos_duration_check");
    table.index(["collection_key"], "videos_collection_key_index");
    table.index(["status", "updated_at"], "videos_status_updated_at_index");
  });
  // The default feed order, and the same order restricted to public videos: the anonymous
  // feed walks this partial index with a keyset condition, at the same cost on every page.
  await knex.raw(`CREATE INDEX videos_created_at_key_index ON videos (created_at DESC, key DESC)`);
  await knex.raw(
    `CREATE INDEX videos_public_created_at_key_index ON videos (created_at DESC, key DESC) WHERE is_public`,
  );
  await knex.raw(`CREATE INDEX videos_title_key_index ON videos ((title COLLATE "C"), key)`);
  await knex.raw(
    `CREATE INDEX videos_schedule_retranscode_index ON videos (created_at, key) WHERE schedule_retranscode`,
  );

  await knex.schema.createTable("video_view_groups", (table) => {
    table
      .uuid("video_key")
      .notNullable()
      .references("key")
      .inTable("videos")
      .onDelete("CASCADE")
      .withKeyName("video_view_groups_video_key_foreign");
    table
      .string("group_name", 250)
      .notNullable()
      .references("name")
      .inTable("access_groups")
      .onDelete("CASCADE")
      .onUpdate("CASCADE")
      .withKeyName("video_view_groups_group_name_foreign");
    table.integer("position").notNullable();
    table.primary(["video_key", "group_name"], { constraintName: "video_view_groups_pkey" });
    table.index(["group_name", "video_key"], "video_view_groups_group_name_index");
  });

  // The three kinds of stored objects: s3_object_key unique per table (upstream VideoS3).
  const storedObject = (table: Knex.CreateTableBuilder, name: string): void => {
    table.increments("id").primary();
    table
      .uuid("video_key")
      .notNullable()
      .references("key")
      .inTable("videos")
      .onDelete("CASCADE")
      .withKeyName(`${name}_video_key_foreign`);
    table
      .text("s3_object_key")
      .notNullable()
      .unique({ indexName: `${name}_s3_object_key_unique` });
    table.string("bucket_name", 63).notNullable();
    table.text("preset_id");
    timestamps(table);
    table.index(["video_key", "id"], `${name}_video_key_index`);
  };
  await knex.schema.createTable("video_files", (table) => {
    storedObject(table, "video_files");
    table.string("encoding", 128).notNullable().defaultTo("original");
  });
  await knex.schema.createTable("video_thumbnails", (table) => {
    storedObject(table, "video_thumbnails");
    table.integer("max_width");
    table.integer("max_height");
  });
  await knex.schema.createTable("video_subtitles", (table) => {
    storedObject(table, "video_subtitles");
    table.string("filename", 1024).notNullable().defaultTo("");
    table.string("language", 2).notNullable().defaultTo("en");
    // Upstream declared this outside Meta, so it never reached the database; here it does.
    table.unique(["video_key", "language"], { indexName: "video_subtitles_video_language_unique" });
  });

  await knex.schema.createTable("youtube_videos", (table) => {
    table
      .uuid("video_key")
      .primary({ constraintName: "youtube_videos_pkey" })
      .references("key")
      .inTable("videos")
      .onDelete("CASCADE")
      .withKeyName("youtube_videos_video_key_foreign");
    table.string("youtube_id", 11);
    table.string("status", 24).notNullable().defaultTo("uploading");
    timestamps(table);
    table.check(`status IN (${quoteList(YOUTUBE_STATUSES)})`, [], "youtube_videos_status_check");
  });

  await knex.schema.createTable("encode_jobs", (table) => {
    table.string("id", 100).primary({ constraintName: "encode_jobs_pkey" });
    // Insertion order breaks ties between jobs created in the same millisecond.
    table.increments("sequence", { primaryKey: false });
    table
      .uuid("video_key")
      .notNullable()
      .references("key")
      .inTable("videos")
      .onDelete("CASCADE")
      .withKeyName("encode_jobs_video_key_foreign");
    table.string("purpose", 20).notNullable();
    table.smallint("state").notNullable().defaultTo(0);
    table.integer("error_code");
    table.text("error_message");
    table.jsonb("message");
    table.timestamp("created_at", { useTz: true }).notNullable();
    table.timestamp("last_modified", { useTz: true }).notNullable();
    table.check(`purpose IN ('transcode', 'retranscode')`, [], "encode_jobs_purpose_check");
    table.check(`state BETWEEN 0 AND ${ENCODE_JOB_STATES.length - 1}`, [], "encode_jobs_state_check");
    table.index(["video_key", "created_at"], "encode_jobs_video_key_index");
    table.index(["state", "created_at"], "encode_jobs_state_created_at_index");
  });

  await knex.schema.createTable("edx_endpoints", (table) => {
    table.increments("id").primary();
    table.string("name", 20).notNullable().unique({ indexName: "edx_endpoints_name_unique" });
    table.string("base_url", 100).notNullable();
    table.string("edx_video_api_path", 100).notNullable();
    table.text("client_id").notNullable();
    table.text("secret_key").notNullable();
    table.string("access_token", 2048);
    table.timestamp("access_token_expires_at", { useTz: true });
    table.boolean("is_global_default").notNullable().defaultTo(false);
    timestamps(table);
  });

  await knex.schema.createTable("collection_edx_endpoints", (table) => {
    table.increments("id").primary();
    table
      .uuid("collection_key")
      .notNullable()
      .references("key")
      .inTable("collections")
      .onDelete("CASCADE")
      .withKeyName("collection_edx_endpoints_collection_key_foreign");
    table
      .integer("edx_endpoint_id")
      .notNullable()
      .references("id")
      .inTable("edx_endpoints")
      .onDelete("CASCADE")
      .withKeyName("collection_edx_endpoints_edx_endpoint_id_foreign");
    table.unique(["collection_key", "edx_endpoint_id"], {
      indexName: "collection_edx_endpoints_pair_unique",
    });
    table.index(["edx_endpoint_id"], "collection_edx_endpoints_endpoint_index");
  });

  await knex.schema.createTable("edx_post_records", (table) => {
    table
      .uuid("video_key")
      .notNullable()
      .references("key")
      .inTable("videos")
      .onDelete("CASCADE")
      .withKeyName("edx_post_records_video_key_foreign");
    table
      .integer("edx_endpoint_id")
      .notNullable()
      .references("id")
      .inTable("edx_endpoints")
      .onDelete("CASCADE")
      .withKeyName("edx_post_records_edx_endpoint_id_foreign");
    table.jsonb("outcome").notNullable();
    table.integer("attempt").notNullable();
    table.timestamp("posted_at", { useTz: true }).notNullable();
    table.primary(["video_key", "edx_endpoint_id"], { constraintName: "edx_post_records_pkey" });
    table.index(["edx_endpoint_id"], "edx_post_records_endpoint_index");
  });

  await knex.schema.createTable("mail_outbox", (table) => {
    table.text("id").primary({ constraintName: "mail_outbox_pkey" });
    table.increments("sequence", { primaryKey: false });
    table.text("dedupe_key").notNullable().unique({ indexName: "mail_outbox_dedupe_key_unique" });
    table
      .uuid("video_key")
      .notNullable()
      .references("key")
      .inTable("videos")
      .onDelete("CASCADE")
      .withKeyName("mail_outbox_video_key_foreign");
    table.text("template").notNullable();
    table.string("from_status", 50);
    table.string("to_status", 50).notNullable();
    table.timestamp("created_at", { useTz: true }).notNullable();
    table.timestamp("sent_at", { useTz: true });
    table.integer("attempts").notNullable().defaultTo(0);
    table.text("last_error");
    table.check(
      `(from_status IS NULL OR from_status IN (${quoteList(VIDEO_STATUSES)})) AND to_status IN (${quoteList(VIDEO_STATUSES)})`,
      [],
      "mail_outbox_status_check",
    );
    table.index(["video_key"], "mail_outbox_video_key_index");
  });
  await knex.raw(
    `CREATE INDEX mail_outbox_unsent_index ON mail_outbox (created_at, sequence) WHERE sent_at IS NULL`,
  );

  await knex.schema.createTable("watch_bucket_claims", (table) => {
    table.text("source_key").notNullable();
    table.text("etag").notNullable();
    table.string("state", 20).notNullable();
    // A claim outlives its video, so deleting the video never re-ingests the same file.
    table
      .uuid("video_key")
      .references("key")
      .inTable("videos")
      .onDelete("SET NULL")
      .withKeyName("watch_bucket_claims_video_key_foreign");
    table.text("failure_reason");
    table.integer("attempts").notNullable();
    table.timestamp("claimed_at", { useTz: true }).notNullable();
    table.timestamp("updated_at", { useTz: true }).notNullable();
    table.primary(["source_key", "etag"], { constraintName: "watch_bucket_claims_pkey" });
    table.check(`state IN ('InProgress', 'Ingested', 'Failed')`, [], "watch_bucket_claims_state_check");
    table.index(["video_key"], "watch_bucket_claims_video_key_index");
  });

  await knex.schema.createTable("leases", (table) => {
    table.text("name").primary({ constraintName: "leases_pkey" });
    table.text("owner").notNullable();
    table.timestamp("expires_at", { useTz: true }).notNullable();
  });
};

export const down = async (knex: Knex): Promise<void> => {
  for (const table of [
    "leases",
    "watch_bucket_claims",
    "mail_outbox",
    "edx_post_records",
    "collection_edx_endpoints",
    "edx_endpoints",
    "encode_jobs",
    "youtube_videos",
    "video_subtitles",
    "video_thumbnails",
    "video_files",
    "video_view_groups",
    "videos",
    "collection_admin_groups",
    "collection_view_groups",
    "collections",
    "access_groups",
    "users",
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
};
