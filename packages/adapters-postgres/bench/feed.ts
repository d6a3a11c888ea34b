/**
 * `pnpm bench:feed`: seeds 100,000 videos in 1,000 collections (with files, thumbnails and
 * subtitles) and measures, on PGlite and on Postgres when DATABASE_URL is set, in one run:
 * the public-feed crawl by cursor (last page ÷ first page), queries per page, and an
 * access-filtered list for a user in 50 groups (median and p95). Seeding is set-based SQL
 * (generate_series), the equivalent of COPY batches, so it takes seconds even on PGlite.
 */
import { Effect } from "effect";
import pg from "pg";
import { after, userPrincipal, videoVisibilityFilter } from "@ovs/domain";
import type { Page, UserId, VideoDetails } from "@ovs/domain";
import type { Database } from "../src/database.js";
import { openPgliteDatabase, openPostgresDatabase } from "../src/database.js";
import { SqlContext } from "../src/sql-context.js";
import { PostgresVideoRepository } from "../src/repositories/postgres-video-repository.js";

const VIDEOS = 100_000;
const COLLECTIONS = 1_000;
const PAGE_SIZE = 1_000;
const LIST_RUNS = 30;
const PAGE_TIMING_RUNS = 7;

const seed = async (database: Database): Promise<void> => {
  const knex = database.knex;
  await knex.raw(`INSERT INTO users (username, email, is_superuser, is_staff, created_at, updated_at)
    VALUES ('owner@example.edu', 'owner@example.edu', false, true, now(), now())`);
  await knex.raw(`INSERT INTO access_groups (name, created_at, updated_at)
    SELECT 'group-' || i, now(), now() FROM generate_series(0, 99) AS i`);
  await knex.raw(`INSERT INTO collections (key, title, owner_id, is_logged_in_only, allow_share_openedx, is_public,
      include_in_learn, for_shorts, schedule_retranscode, created_at, updated_at)
    SELECT gen_random_uuid(), 'Collection ' || i, 1, false, false, i % 2 = 0, true, false, false,
      now() - i * interval '1 minute', now() FROM generate_series(1, ${COLLECTIONS}) AS i`);
  await knex.raw(`INSERT INTO collection_view_groups (collection_key, group_name, position)
    SELECT key, 'group-' || (id % 100), 0 FROM collections`);
  await knex.raw(`INSERT INTO videos (key, collection_key, title, description, source_url, status, multiangle, is_public,
      is_private, is_logged_in_only, schedule_retranscode, duration, created_at, updated_at)
    SELECT gen_random_uuid(), c.key, 'Video ' || i, 'Lecture ' || i, 'https://example.edu/v' || i || '.mp4', 'Complete',
      false, i % 2 = 0, false, false, false, 60, now() - i * interval '1 second', now()
    FROM generate_series(1, ${VIDEOS}) AS i JOIN collections AS c ON c.id = 1 + (i % ${COLLECTIONS})`);
  for (const [encoding, suffix] of [
    ["original", "video.mp4"],
    ["HLS", "video__index.m3u8"],
    ["desktop_mp4", "video_custom.mp4"],
  ] as const) {
    await knex.raw(`INSERT INTO video_files (video_key, s3_object_key, bucket_name, encoding, created_at, updated_at)
      SELECT key, 'transcoded/' || replace(key::text, '-', '') || '/${suffix}', 'transcoded', '${encoding}', now(), now() FROM videos`);
  }
  await knex.raw(`INSERT INTO video_thumbnails (video_key, s3_object_key, bucket_name, created_at, updated_at)
    SELECT key, 'thumbnails/' || replace(key::text, '-', '') || '/video_thumbnail.0000000.jpg', 'thumbnails', now(), now() FROM videos`);
  await knex.raw(`INSERT INTO video_subtitles (video_key, s3_object_key, bucket_name, filename, language, created_at, updated_at)
    SELECT key, 'subtitles/' || replace(key::text, '-', '') || '/subtitles_en.vtt', 'subtitles', 'en.vtt', 'en', now(), now() FROM videos`);
  await knex.raw("ANALYZE");
};

const percentile = (values: ReadonlyArray<number>, fraction: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
};

interface Figures {
  readonly backend: string;
  readonly seedSeconds: number;
  readonly pages: number;
  readonly firstPageMs: number;
  readonly lastPageMs: number;
  readonly queriesPerPage: number;
  readonly listMedianMs: number;
  readonly listP95Ms: number;
}

const measure = async (backend: string, database: Database): Promise<Figures> => {
  const seedStart = performance.now();
  await seed(database);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const videos = new PostgresVideoRepository(new SqlContext(database.knex, database.kind));
  let queries = 0;
  database.knex.on("query", () => {
    queries += 1;
  });

  const anonymousQuery = { visibility: videoVisibilityFilter({ _tag: "Anonymous" }) };
  const pageTimes: Array<number> = [];
  const queryCounts: Array<number> = [];
  let cursor: string | null = null;
  let lastPageCursor: string | null = null;
  for (;;) {
    const before = queries;
    const start = performance.now();
    const page: Page<VideoDetails> = await Effect.runPromise(
      videos.listDetails(anonymousQuery, after(cursor, PAGE_SIZE)),
    );
    pageTimes.push(performance.now() - start);
    queryCounts.push(queries - before);
    lastPageCursor = cursor;
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  // One timing of a page is at the mercy of a shared machine; the ratio compares the medians
  // of several fetches of the first and the last page, made alternately after the crawl.
  const timePage = async (from: string | null): Promise<number> => {
    const start = performance.now();
    await Effect.runPromise(videos.listDetails(anonymousQuery, after(from, PAGE_SIZE)));
    return performance.now() - start;
  };
  const firstTimes: Array<number> = [];
  const lastTimes: Array<number> = [];
  for (let run = 0; run < PAGE_TIMING_RUNS; run += 1) {
    firstTimes.push(await timePage(null));
    lastTimes.push(await timePage(lastPageCursor));
  }
  const firstPageMs = percentile(firstTimes, 0.5);
  const lastPageMs = percentile(lastTimes, 0.5);

  const groups = Array.from({ length: 50 }, (_, index) => `group-${index}`);
  const member = userPrincipal(
    {
      id: 2 as UserId,
      username: "viewer@example.edu",
      email: "viewer@example.edu",
      isSuperuser: false,
      isStaff: false,
    },
    groups,
  );
  const listTimes: Array<number> = [];
  for (let run = 0; run < LIST_RUNS; run += 1) {
    const start = performance.now();
    await Effect.runPromise(
      videos.list({ visibility: videoVisibilityFilter(member) }, after(null, PAGE_SIZE)),
    );
    listTimes.push(performance.now() - start);
  }
  return {
    backend,
    seedSeconds,
    pages: pageTimes.length,
    firstPageMs,
    lastPageMs,
    queriesPerPage: Math.max(...queryCounts),
    listMedianMs: percentile(listTimes, 0.5),
    listP95Ms: percentile(listTimes, 0.95),
  };
};

const withServerDatabase = async <A>(url: string, use: (database: Database) => Promise<A>): Promise<A> => {
  const name = `ovs_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const database = await openPostgresDatabase(target.toString());
  try {
    return await use(database);
  } finally {
    await database.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
};

const main = async (): Promise<void> => {
  const results: Array<Figures> = [];
  const pglite = await openPgliteDatabase();
  try {
    results.push(await measure("pglite", pglite));
  } finally {
    await pglite.close();
  }
  const url = process.env["DATABASE_URL"];
  if (url !== undefined && url !== "")
    results.push(await withServerDatabase(url, (database) => measure("postgres", database)));
  else console.log("DATABASE_URL not set: Postgres server not measured");

  console.log(
    "backend   seed_s  pages  first_ms  last_ms  last/first  queries/page  list_median_ms  list_p95_ms",
  );
  for (const figures of results) {
    console.log(
      [
        figures.backend.padEnd(8),
        figures.seedSeconds.toFixed(1).padStart(7),
        String(figures.pages).padStart(6),
        figures.firstPageMs.toFixed(1).padStart(9),
        figures.lastPageMs.toFixed(1).padStart(8),
        (figures.lastPageMs / figures.firstPageMs).toFixed(2).padStart(11),
        String(figures.queriesPerPage).padStart(13),
        figures.listMedianMs.toFixed(1).padStart(15),
        figures.listP95Ms.toFixed(1).padStart(12),
      ].join(" "),
    );
  }
  for (const figures of results) {
    console.log(
      `RESULT backend=${figures.backend} last_over_first=${(figures.lastPageMs / figures.firstPageMs).toFixed(2)} queries_per_page=${figures.queriesPerPage} list_p95_ms=${figures.listP95Ms.toFixed(1)}`,
    );
  }
};

await main();
