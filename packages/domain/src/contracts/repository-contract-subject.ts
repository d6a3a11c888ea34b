import type { AccessGroupRepository } from "../ports/access-group-repository.js";
import type { ApiTokenRepository } from "../ports/api-token-repository.js";
import type { CollectionRepository } from "../ports/collection-repository.js";
import type { EdxEndpointRepository } from "../ports/edx-endpoint-repository.js";
import type { EdxPostRecordRepository } from "../ports/edx-post-record-repository.js";
import type { EncodeJobRepository } from "../ports/encode-job-repository.js";
import type { JobQueue, QueueName } from "../ports/job-queue.js";
import type { MailOutboxRepository } from "../ports/mail-outbox-repository.js";
import type { UnitOfWork } from "../ports/unit-of-work.js";
import type { UserRepository } from "../ports/user-repository.js";
import type { VideoFileRepository } from "../ports/video-file-repository.js";
import type { VideoRepository } from "../ports/video-repository.js";
import type { VideoSubtitleRepository } from "../ports/video-subtitle-repository.js";
import type { VideoThumbnailRepository } from "../ports/video-thumbnail-repository.js";
import type { WatchBucketClaimRepository } from "../ports/watch-bucket-claim-repository.js";
import type { YouTubeVideoRepository } from "../ports/youtube-video-repository.js";

/**
 * Everything the repository contract suites exercise, over one store. The repositories relate
 * to each other (foreign keys, cascades, one transaction for all), so every suite gets all of
 * them from a single factory.
 */
export interface RepositoryContractSubject {
  readonly collections: CollectionRepository;
  readonly videos: VideoRepository;
  readonly videoFiles: VideoFileRepository;
  readonly videoThumbnails: VideoThumbnailRepository;
  readonly videoSubtitles: VideoSubtitleRepository;
  readonly encodeJobs: EncodeJobRepository;
  readonly accessGroups: AccessGroupRepository;
  readonly edxEndpoints: EdxEndpointRepository;
  readonly youtubeVideos: YouTubeVideoRepository;
  readonly users: UserRepository;
  readonly mailOutbox: MailOutboxRepository;
  /** Claim rows reference videos with `ON DELETE SET NULL`. */
  readonly watchBucketClaims: WatchBucketClaimRepository;
  /** Records reference videos and endpoints with `ON DELETE CASCADE`. */
  readonly edxPostRecords: EdxPostRecordRepository;
  /** Tokens reference users with `ON DELETE CASCADE`. */
  readonly apiTokens: ApiTokenRepository;
  readonly unitOfWork: UnitOfWork;
  /** The job queue whose jobs commit and roll back with the unit of work. */
  readonly jobs: JobQueue;
  /** Jobs committed and waiting, oldest first. */
  pendingJobs(): Promise<ReadonlyArray<{ readonly queue: QueueName; readonly payload: unknown }>>;
  dispose?(): Promise<void>;
}

/** Returns repositories over a fresh, empty store each time it is called. */
export type MakeRepositories = () => Promise<RepositoryContractSubject>;
