import type { Clock } from "../../ports/clock.js";
import { InMemoryAccessGroupRepository } from "./in-memory-access-group-repository.js";
import { InMemoryApiTokenRepository } from "./in-memory-api-token-repository.js";
import { InMemoryCollectionRepository } from "./in-memory-collection-repository.js";
import type { InMemoryDatabase } from "./in-memory-database.js";
import { InMemoryEdxEndpointRepository } from "./in-memory-edx-endpoint-repository.js";
import { InMemoryEdxPostRecordRepository } from "./in-memory-edx-post-record-repository.js";
import { InMemoryEncodeJobRepository } from "./in-memory-encode-job-repository.js";
import { InMemoryJobQueue } from "./in-memory-job-queue.js";
import { InMemoryMailOutboxRepository } from "./in-memory-mail-outbox-repository.js";
import { InMemoryUnitOfWork } from "./in-memory-unit-of-work.js";
import { InMemoryUserRepository } from "./in-memory-user-repository.js";
import { InMemoryVideoFileRepository } from "./in-memory-video-file-repository.js";
import { InMemoryVideoRepository } from "./in-memory-video-repository.js";
import { InMemoryVideoSubtitleRepository } from "./in-memory-video-subtitle-repository.js";
import { InMemoryVideoThumbnailRepository } from "./in-memory-video-thumbnail-repository.js";
import { InMemoryWatchBucketClaimRepository } from "./in-memory-watch-bucket-claim-repository.js";
import { InMemoryYouTubeVideoRepository } from "./in-memory-youtube-video-repository.js";

/** Every persistence port over one in-memory database, so they share tables and transactions. */
export interface InMemoryRepositories {
  readonly collections: InMemoryCollectionRepository;
  readonly videos: InMemoryVideoRepository;
  readonly videoFiles: InMemoryVideoFileRepository;
  readonly videoThumbnails: InMemoryVideoThumbnailRepository;
  readonly videoSubtitles: InMemoryVideoSubtitleRepository;
  readonly encodeJobs: InMemoryEncodeJobRepository;
  readonly accessGroups: InMemoryAccessGroupRepository;
  readonly edxEndpoints: InMemoryEdxEndpointRepository;
  readonly youtubeVideos: InMemoryYouTubeVideoRepository;
  readonly users: InMemoryUserRepository;
  readonly mailOutbox: InMemoryMailOutboxRepository;
  readonly watchBucketClaims: InMemoryWatchBucketClaimRepository;
  readonly edxPostRecords: InMemoryEdxPostRecordRepository;
  readonly apiTokens: InMemoryApiTokenRepository;
  readonly unitOfWork: InMemoryUnitOfWork;
  /** Jobs live in the same tables, so they commit and roll back with the data. */
  readonly jobs: InMemoryJobQueue;
}

export const makeInMemoryRepositories = (database: InMemoryDatabase, clock: Clock): InMemoryRepositories => ({
  collections: new InMemoryCollectionRepository(database),
  videos: new InMemoryVideoRepository(database),
  videoFiles: new InMemoryVideoFileRepository(database),
  videoThumbnails: new InMemoryVideoThumbnailRepository(database),
  videoSubtitles: new InMemoryVideoSubtitleRepository(database),
  encodeJobs: new InMemoryEncodeJobRepository(database),
  accessGroups: new InMemoryAccessGroupRepository(database),
  edxEndpoints: new InMemoryEdxEndpointRepository(database),
  youtubeVideos: new InMemoryYouTubeVideoRepository(database),
  users: new InMemoryUserRepository(database),
  mailOutbox: new InMemoryMailOutboxRepository(database),
  watchBucketClaims: new InMemoryWatchBucketClaimRepository(database),
  edxPostRecords: new InMemoryEdxPostRecordRepository(database),
  apiTokens: new InMemoryApiTokenRepository(database),
  unitOfWork: new InMemoryUnitOfWork(database),
  jobs: new InMemoryJobQueue(database, clock),
});
