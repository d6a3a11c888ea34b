import type PgBoss from "pg-boss";
import type { Database } from "./database.js";
import { PgBossJobQueue } from "./pg-boss-job-queue.js";
import { PostgresLease } from "./postgres-lease.js";
import { PostgresUnitOfWork } from "./postgres-unit-of-work.js";
import { PostgresCollectionRepository } from "./repositories/postgres-collection-repository.js";
import {
  PostgresAccessGroupRepository,
  PostgresEdxEndpointRepository,
  PostgresEdxPostRecordRepository,
  PostgresEncodeJobRepository,
  PostgresMailOutboxRepository,
  PostgresUserRepository,
  PostgresWatchBucketClaimRepository,
  PostgresYouTubeVideoRepository,
} from "./repositories/postgres-small-repositories.js";
import {
  PostgresVideoFileRepository,
  PostgresVideoSubtitleRepository,
  PostgresVideoThumbnailRepository,
} from "./repositories/postgres-stored-object-repositories.js";
import { PostgresVideoRepository } from "./repositories/postgres-video-repository.js";
import { SqlContext } from "./sql-context.js";

/** Every persistence port over one database, sharing its transactions. */
export const makePostgresAdapters = (database: Database, boss: PgBoss) => {
  const sql = new SqlContext(database.knex, database.kind);
  return {
    collections: new PostgresCollectionRepository(sql),
    videos: new PostgresVideoRepository(sql),
    videoFiles: new PostgresVideoFileRepository(sql),
    videoThumbnails: new PostgresVideoThumbnailRepository(sql),
    videoSubtitles: new PostgresVideoSubtitleRepository(sql),
    encodeJobs: new PostgresEncodeJobRepository(sql),
    accessGroups: new PostgresAccessGroupRepository(sql),
    edxEndpoints: new PostgresEdxEndpointRepository(sql),
    youtubeVideos: new PostgresYouTubeVideoRepository(sql),
    users: new PostgresUserRepository(sql),
    mailOutbox: new PostgresMailOutboxRepository(sql),
    watchBucketClaims: new PostgresWatchBucketClaimRepository(sql),
    edxPostRecords: new PostgresEdxPostRecordRepository(sql),
    unitOfWork: new PostgresUnitOfWork(sql),
    jobs: new PgBossJobQueue(boss, database),
    lease: new PostgresLease(sql),
  };
};
export type PostgresAdapters = ReturnType<typeof makePostgresAdapters>;

/** Stops pg-boss first (it may still be using the connection), then closes knex and PGlite. */
export const shutDown = async (database: Database, boss: PgBoss): Promise<void> => {
  await boss.stop({ graceful: false, close: database.executor === null, wait: true });
  await database.close();
};
