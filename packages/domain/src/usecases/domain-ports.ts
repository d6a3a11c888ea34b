import type { AccessGroupRepository } from "../ports/access-group-repository.js";
import type { ApiTokenRepository } from "../ports/api-token-repository.js";
import type { CdnInvalidator } from "../ports/cdn-invalidator.js";
import type { CdnUrls } from "../ports/cdn-urls.js";
import type { Clock } from "../ports/clock.js";
import type { CollectionRepository } from "../ports/collection-repository.js";
import type { EdxEndpointRepository } from "../ports/edx-endpoint-repository.js";
import type { EdxPostRecordRepository } from "../ports/edx-post-record-repository.js";
import type { EdxVideoApi } from "../ports/edx-video-api.js";
import type { EncodeJobRepository } from "../ports/encode-job-repository.js";
import type { GroupDirectory } from "../ports/group-directory.js";
import type { IdGenerator } from "../ports/id-generator.js";
import type { JobQueue } from "../ports/job-queue.js";
import type { Lease } from "../ports/lease.js";
import type { MailOutboxRepository } from "../ports/mail-outbox-repository.js";
import type { Mailer } from "../ports/mailer.js";
import type { ObjectStore } from "../ports/object-store.js";
import type { Transcoder } from "../ports/transcoder.js";
import type { UnitOfWork } from "../ports/unit-of-work.js";
import type { UserRepository } from "../ports/user-repository.js";
import type { VideoFileRepository } from "../ports/video-file-repository.js";
import type { VideoRepository } from "../ports/video-repository.js";
import type { VideoSource } from "../ports/video-source.js";
import type { VideoSubtitleRepository } from "../ports/video-subtitle-repository.js";
import type { VideoThumbnailRepository } from "../ports/video-thumbnail-repository.js";
import type { WatchBucketClaimRepository } from "../ports/watch-bucket-claim-repository.js";
import type { YouTubeVideoRepository } from "../ports/youtube-video-repository.js";

/**
 * Every port a use case may need, by name. Each use case asks for the few it uses
 * (`Pick<DomainPorts, "videos" | "clock">`); the app fills this from its container, the
 * harness from in-memory adapters.
 */
export interface DomainPorts {
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
  readonly watchBucketClaims: WatchBucketClaimRepository;
  readonly edxPostRecords: EdxPostRecordRepository;
  readonly apiTokens: ApiTokenRepository;
  readonly unitOfWork: UnitOfWork;
  readonly jobs: JobQueue;
  readonly objectStore: ObjectStore;
  readonly videoSource: VideoSource;
  readonly transcoder: Transcoder;
  readonly cdnUrls: CdnUrls;
  readonly cdnInvalidator: CdnInvalidator;
  readonly groupDirectory: GroupDirectory;
  readonly mailer: Mailer;
  readonly edxVideoApi: EdxVideoApi;
  readonly lease: Lease;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}
