import type { Redacted } from "effect";
import type PgBoss from "pg-boss";
import { CredentialSealer } from "./credential-sealing.js";
import type { Database } from "./database.js";
import { PgBossJobQueue } from "./pg-boss-job-queue.js";
import { PostgresLease } from "./postgres-lease.js";
import { PostgresUnitOfWork } from "./postgres-unit-of-work.js";
import { PostgresAccessGroupRepository } from "./repositories/postgres-access-group-repository.js";
import { PostgresApiTokenRepository } from "./repositories/postgres-api-token-repository.js";
import { PostgresCollectionRepository } from "./repositories/postgres-collection-repository.js";
import { PostgresEdxEndpointRepository } from "./repositories/postgres-edx-endpoint-repository.js";
import { PostgresEdxPostRecordRepository } from "./repositories/postgres-edx-post-record-repository.js";
import { PostgresEncodeJobRepository } from "./repositories/postgres-encode-job-repository.js";
import { PostgresMailOutboxRepository } from "./repositories/postgres-mail-outbox-repository.js";
import { PostgresUserRepository } from "./repositories/postgres-user-repository.js";
import { PostgresVideoRepository } from "./repositories/postgres-video-repository.js";
import { PostgresVideoFileRepository } from "./repositories/postgres-video-file-repository.js";
import { PostgresVideoSubtitleRepository } from "./repositories/postgres-video-subtitle-repository.js";
import { PostgresVideoThumbnailRepository } from "./repositories/postgres-video-thumbnail-repository.js";
import { PostgresWatchBucketClaimRepository } from "./repositories/postgres-watch-bucket-claim-repository.js";
import { PostgresYouTubeVideoRepository } from "./repositories/postgres-youtube-video-repository.js";
import { SqlContext } from "./sql-context.js";

export interface PostgresAdaptersOptions {
  /**
   * The secret the edX endpoints' client credentials and cached tokens are sealed with at rest
   * (`credential-sealing.ts`; the app passes `OVS_SECRET_KEY`), at least 32 characters. Keep it:
   * values sealed with one key do not open with another, and must then be entered again.
   */
  readonly credentialsKey: Redacted.Redacted<string>;
}

/** Every persistence port over one database, sharing its transactions. */
export const makePostgresAdapters = (database: Database, boss: PgBoss, options: PostgresAdaptersOptions) => {
  const sql = new SqlContext(database.knex, database.kind);
  const sealer = new CredentialSealer(options.credentialsKey);
  return {
    collections: new PostgresCollectionRepository(sql),
    videos: new PostgresVideoRepository(sql),
    videoFiles: new PostgresVideoFileRepository(sql),
    videoThumbnails: new PostgresVideoThumbnailRepository(sql),
    videoSubtitles: new PostgresVideoSubtitleRepository(sql),
    encodeJobs: new PostgresEncodeJobRepository(sql),
    accessGroups: new PostgresAccessGroupRepository(sql),
    edxEndpoints: new PostgresEdxEndpointRepository(sql, sealer),
    youtubeVideos: new PostgresYouTubeVideoRepository(sql),
    users: new PostgresUserRepository(sql),
    mailOutbox: new PostgresMailOutboxRepository(sql),
    watchBucketClaims: new PostgresWatchBucketClaimRepository(sql),
    edxPostRecords: new PostgresEdxPostRecordRepository(sql),
    apiTokens: new PostgresApiTokenRepository(sql),
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
