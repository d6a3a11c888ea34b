// The ports: one interface and its token per file, with the errors their adapters fail with.
// Listed name by name: what an embedder needs, not every helper.
export { AccessGroupRepository } from "./access-group-repository.js";
export { ApiTokenRepository } from "./api-token-repository.js";
export type { ApiToken, NewApiToken } from "./api-token-repository.js";
export { CdnInvalidationFailure, CdnInvalidator } from "./cdn-invalidator.js";
export { CdnSigningFailure, CdnUrls, withSignedAccess } from "./cdn-urls.js";
export type { SignedAccess } from "./cdn-urls.js";
export { Clock } from "./clock.js";
export { CollectionRepository } from "./collection-repository.js";
export type { CollectionListItem, CollectionListQuery, CollectionOrdering } from "./collection-repository.js";
export { EdxEndpointRepository } from "./edx-endpoint-repository.js";
export type { EdxEndpointChanges, NewEdxEndpoint } from "./edx-endpoint-repository.js";
export { EdxPostRecordRepository } from "./edx-post-record-repository.js";
export type { EdxPostOutcome, EdxPostRecord } from "./edx-post-record-repository.js";
export { EdxFailure, EdxVideoApi } from "./edx-video-api.js";
export type { EdxPostResult } from "./edx-video-api.js";
export { EncodeJobRepository } from "./encode-job-repository.js";
export type { EncodeJobUpdate } from "./encode-job-repository.js";
export { DirectoryFailure, GroupDirectory } from "./group-directory.js";
export type { GroupMember, GroupMembership } from "./group-directory.js";
export { IdGenerator } from "./id-generator.js";
export { JobQueue, QUEUE_NAMES, QueueFailure } from "./job-queue.js";
export type { EnqueueOptions, EnqueueResult, JobPayloads, QueueName } from "./job-queue.js";
export { Lease, LeaseFailure, LeaseHeld, LeaseLost } from "./lease.js";
export type { LeaseHandle } from "./lease.js";
export { MailOutboxRepository } from "./mail-outbox-repository.js";
export type { NewOutboxEntry, OutboxAddResult, OutboxEntry } from "./mail-outbox-repository.js";
export { Mailer, MailFailure } from "./mailer.js";
export type { MailMessage } from "./mailer.js";
export {
  ObjectNotFound,
  ObjectStore,
  objectsUnder,
  SourceStreamFailed,
  StorageFailure,
} from "./object-store.js";
export type {
  ByteRange,
  ByteStream,
  ListPage,
  ObjectInfo,
  ObjectLocation,
  PutOptions,
  StoredObject,
} from "./object-store.js";
export {
  after,
  decodeCursor,
  decodeSortPosition,
  encodeCursor,
  encodeSortPosition,
  firstPage,
  InvalidCursor,
  MAX_PAGE_SIZE,
  pageNumber,
} from "./pagination.js";
export type { CursorPosition, ListOrdering, Page, PageRequest, SortPosition } from "./pagination.js";
export { PersistenceFailure, RecordNotFound, UniqueViolation } from "./persistence-errors.js";
export type { EntityName } from "./persistence-errors.js";
export { Transcoder, TranscoderFailure } from "./transcoder.js";
export type {
  JobDescription,
  TranscodedThumbnail,
  TranscodeOutcome,
  TranscodeRequest,
} from "./transcoder.js";
export { UnitOfWork } from "./unit-of-work.js";
export { UserRepository } from "./user-repository.js";
export type { SignedInUser } from "./user-repository.js";
export { VideoFileRepository } from "./video-file-repository.js";
export type { NewVideoFile, UpsertedVideoFile } from "./video-file-repository.js";
export { StatusConflict, VideoRepository } from "./video-repository.js";
export type { StatusChangeFields, VideoDetails, VideoListQuery, VideoOrdering } from "./video-repository.js";
export { SourceRejected, SourceUnavailable, VideoSource } from "./video-source.js";
export type { OpenedSource } from "./video-source.js";
export { VideoSubtitleRepository } from "./video-subtitle-repository.js";
export type { SubtitleUpload, UpsertedSubtitle } from "./video-subtitle-repository.js";
export { VideoThumbnailRepository } from "./video-thumbnail-repository.js";
export type { ThumbnailLocation } from "./video-thumbnail-repository.js";
export { ClaimLost, WatchBucketClaimRepository } from "./watch-bucket-claim-repository.js";
export type {
  ClaimResult,
  WatchBucketClaim,
  WatchBucketClaimState,
  WatchBucketSource,
} from "./watch-bucket-claim-repository.js";
export { YouTubeVideoRepository } from "./youtube-video-repository.js";
