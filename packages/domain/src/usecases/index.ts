// The use cases, their inputs, results and errors, and the one map from queues to use cases. Helpers private to a capability stay unexported.
// Listed name by name: what an embedder needs, not every helper.
export { CdnPathsNotInvalidated, InvalidateCdnPaths } from "./cdn/invalidate-cdn-paths.js";
export type { CdnPathsInvalidated, InvalidateCdnPathsError } from "./cdn/invalidate-cdn-paths.js";
export type { CollectionNeed } from "./collections/collection-access.js";
export { CreateCollectionBody, UpdateCollectionBody } from "./collections/collection-input.js";
export { MEDIA_SERVED_OPENLY, MEDIA_SIGNED_AGAIN } from "./collections/collection-notices.js";
export type { CollectionNotice } from "./collections/collection-notices.js";
export type { CollectionListEntry, CollectionView } from "./collections/collection-view.js";
export { CreateCollection } from "./collections/create-collection.js";
export type { CreateCollectionError, CreatedCollection } from "./collections/create-collection.js";
export { DeleteCollection } from "./collections/delete-collection.js";
export type { DeleteCollectionError, DeletedCollection } from "./collections/delete-collection.js";
export { GetCollection } from "./collections/get-collection.js";
export type { GetCollectionError } from "./collections/get-collection.js";
export { COLLECTION_PAGE_SIZE, ListCollections } from "./collections/list-collections.js";
export type { ListCollectionsError } from "./collections/list-collections.js";
export { UpdateCollection } from "./collections/update-collection.js";
export type { UpdateCollectionError, UpdatedCollection } from "./collections/update-collection.js";
export type { DomainPorts } from "./domain-ports.js";
export { EdxSyncRefused } from "./edx/edx-sync-refused.js";
export type { EdxSyncRefusal } from "./edx/edx-sync-refused.js";
export {
  EDX_RETRY_BASE,
  EDX_RETRY_CAP,
  MAX_EDX_POST_ATTEMPTS,
  PostVideoToEdx,
} from "./edx/post-video-to-edx.js";
export type { EdxEndpointPost, EdxPostVideoResult } from "./edx/post-video-to-edx.js";
export { ListEdxPosts } from "./edx/list-edx-posts.js";
export type { EdxPostPayload } from "./edx/list-edx-posts.js";
export { RequestCollectionSync } from "./edx/request-collection-sync.js";
export type { EdxSyncAccepted, EdxSyncRequested } from "./edx/request-collection-sync.js";
export { SyncCollectionToEdx } from "./edx/sync-collection-to-edx.js";
export type { EdxCollectionSyncResult } from "./edx/sync-collection-to-edx.js";
export { CreateEdxEndpoint } from "./edx-endpoints/create-edx-endpoint.js";
export type { CreateEdxEndpointError } from "./edx-endpoints/create-edx-endpoint.js";
export { DeleteEdxEndpoint } from "./edx-endpoints/delete-edx-endpoint.js";
export type { DeleteEdxEndpointError } from "./edx-endpoints/delete-edx-endpoint.js";
export {
  CreateEdxEndpointBody,
  EDX_BASE_URL_MAX_LENGTH,
  EDX_CREDENTIAL_MAX_LENGTH,
  EDX_ENDPOINT_NAME_MAX_LENGTH,
  EDX_VIDEO_API_PATH_MAX_LENGTH,
  UpdateEdxEndpointBody,
} from "./edx-endpoints/edx-endpoint-input.js";
export { EdxEndpointNotFound } from "./edx-endpoints/edx-endpoint-not-found.js";
export { GetEdxEndpoint } from "./edx-endpoints/get-edx-endpoint.js";
export type { GetEdxEndpointError } from "./edx-endpoints/get-edx-endpoint.js";
export { ListEdxEndpoints } from "./edx-endpoints/list-edx-endpoints.js";
export type { ListEdxEndpointsError } from "./edx-endpoints/list-edx-endpoints.js";
export { UpdateEdxEndpoint } from "./edx-endpoints/update-edx-endpoint.js";
export type { UpdateEdxEndpointError } from "./edx-endpoints/update-edx-endpoint.js";
export {
  CollectionNotFound,
  Conflict,
  Forbidden,
  invalidField,
  InvalidInput,
  orFail,
  VideoNotFound,
} from "./errors.js";
export type { FieldProblem } from "./errors.js";
export { InvalidPage } from "./feed/invalid-page.js";
export { ListPublicVideos, PUBLIC_VIDEOS_PATH } from "./feed/list-public-videos.js";
export type { PublicVideoPage } from "./feed/list-public-videos.js";
export { DEFAULT_FEED_PAGE_SIZE } from "./feed/public-video-query.js";
export type { PublicVideoFilters, PublicVideoRequest, RequestedPosition } from "./feed/public-video-query.js";
export { StreamSourceToStorage } from "./ingest/stream-source-to-storage.js";
export type { IngestOutcome, StreamSourceToStorageError } from "./ingest/stream-source-to-storage.js";
export { isRetryableJobFailure, makeJobHandlers } from "./job-handlers.js";
export type { JobHandler, JobHandlers } from "./job-handlers.js";
export { MAX_MAIL_ATTEMPTS, SendStatusEmail } from "./mail/send-status-email.js";
export type { SendStatusEmailError, StatusEmailResult, SupportCopy } from "./mail/send-status-email.js";
export { DEFAULT_SWEEP_LIMIT, SweepUnsentMail } from "./mail/sweep-unsent-mail.js";
export {
  DEFAULT_ABANDONED_MAIL_LIMIT,
  ListAbandonedMail,
  MAX_ABANDONED_MAIL_LIMIT,
} from "./mail/list-abandoned-mail.js";
export type { ListAbandonedMailError } from "./mail/list-abandoned-mail.js";
export type { MailSweepResult } from "./mail/sweep-unsent-mail.js";
export { GetPlayback } from "./playback/get-playback.js";
export type { Playback, PlaybackCookies, PlaybackGrant, SubtitleTrack } from "./playback/get-playback.js";
export type { MediaAccess } from "./playback/media-access.js";
export { GetVideoDownload } from "./playback/get-video-download.js";
export { ReplaceVideoSource, ReplaceVideoSourceInput } from "./replace/replace-video-source.js";
export type { ReplacedVideo, ReplaceVideoSourceError } from "./replace/replace-video-source.js";
export { RetryFailedUpload } from "./replace/retry-failed-upload.js";
export type {
  RetriedUpload,
  RetryFailedUploadError,
  RetryFailedUploadOutcome,
} from "./replace/retry-failed-upload.js";
export { ScheduleRetranscode, ScheduleRetranscodeInput } from "./retranscode/schedule-retranscode.js";
export type {
  ScheduleRetranscodeError,
  ScheduleRetranscodeResult,
} from "./retranscode/schedule-retranscode.js";
export {
  RETRANSCODABLE_STATUSES,
  RETRANSCODE_SCHEDULE_BATCH_SIZE,
  ScheduleRetranscodes,
} from "./retranscode/schedule-retranscodes.js";
export type {
  RetranscodeScheduleFailure,
  ScheduleRetranscodesReport,
} from "./retranscode/schedule-retranscodes.js";
export type { DomainSettings } from "./settings.js";
export { DeleteStoredObjects, StoredObjectsNotDeleted } from "./storage/delete-stored-objects.js";
export type { StoredObjectsDeleted } from "./storage/delete-stored-objects.js";
export type { StoredObjectDeletion } from "./storage/video-object-cleanup.js";
export { DeleteSubtitle, SubtitleNotFound } from "./subtitles/delete-subtitle.js";
export type { DeleteSubtitleError } from "./subtitles/delete-subtitle.js";
export { SUBTITLE_CONTENT_TYPE, SubtitleUploadInput, UploadSubtitle } from "./subtitles/upload-subtitle.js";
export type { UploadedSubtitle, UploadSubtitleError } from "./subtitles/upload-subtitle.js";
export type { ThumbnailImage } from "./thumbnails/thumbnail-image.js";
export {
  THUMBNAIL_CONTENT_TYPES,
  ThumbnailTooLarge,
  UploadThumbnail,
} from "./thumbnails/upload-thumbnail.js";
export type {
  ThumbnailUpload,
  UploadedThumbnail,
  UploadThumbnailError,
} from "./thumbnails/upload-thumbnail.js";
export { ApiTokenNotFound, InvalidApiToken } from "./tokens/api-token-errors.js";
export { API_TOKEN_PREFIX } from "./tokens/api-token-secret.js";
export type { ApiTokenState, ApiTokenSummary } from "./tokens/api-token-summary.js";
export { API_TOKEN_TOUCH_INTERVAL_MS, AuthenticateApiToken } from "./tokens/authenticate-api-token.js";
export type { AuthenticateApiTokenError } from "./tokens/authenticate-api-token.js";
export {
  API_TOKEN_NAME_MAX_LENGTH,
  DEFAULT_API_TOKEN_DAYS,
  IssueApiToken,
  IssueApiTokenRequest,
  MAX_API_TOKEN_DAYS,
} from "./tokens/issue-api-token.js";
export type { IssueApiTokenError, IssuedApiToken } from "./tokens/issue-api-token.js";
export { ListApiTokens } from "./tokens/list-api-tokens.js";
export type { ListApiTokensError } from "./tokens/list-api-tokens.js";
export { RevokeApiToken } from "./tokens/revoke-api-token.js";
export type { RevokeApiTokenError } from "./tokens/revoke-api-token.js";
export { ApplyTranscodeOutcome } from "./transcode/apply-transcode-outcome.js";
export type {
  ApplyTranscodeOutcomeError,
  ApplyTranscodeOutcomeResult,
} from "./transcode/apply-transcode-outcome.js";
export { RECONCILE_BATCH_SIZE, ReconcileTranscodes } from "./transcode/reconcile-transcodes.js";
export { ReportTranscodeOutcome } from "./transcode/report-transcode-outcome.js";
export type { ReportedTranscodeOutcome } from "./transcode/report-transcode-outcome.js";
export type {
  ReconciledJob,
  ReconcileFailure,
  ReconcileItemError,
  ReconcileTranscodesReport,
} from "./transcode/reconcile-transcodes.js";
export type { StagedOutputPromotion } from "./transcode/staged-output-promotion.js";
export { SUBMIT_RETRY_SCHEDULE, SubmitTranscode } from "./transcode/submit-transcode.js";
export type {
  SubmissionProblem,
  SubmitTranscodeError,
  SubmitTranscodeOptions,
  SubmitTranscodeResult,
} from "./transcode/submit-transcode.js";
export {
  OutcomeDoesNotMatchJob,
  UnexpectedTranscodeOutput,
  UnknownEncodeJob,
} from "./transcode/transcode-errors.js";
export {
  TranscodeOutcomePayloadSchema,
  TranscodeOutcomeSchema,
} from "./transcode/transcode-outcome-schema.js";
export type { TranscodeOutcomeEncoded } from "./transcode/transcode-outcome-schema.js";
export type { RecordedTranscodeOutputs } from "./transcode/transcode-output-records.js";
export type {
  LiveOutputs,
  LiveThumbnail,
  TranscodeFailed,
  TranscodeSucceeded,
} from "./transcode/transcode-outputs.js";
export type { TranscodeRequestInput } from "./transcode/transcode-request.js";
export { SourceLink } from "./upload/source-file-entry.js";
export type { SourceFileEntry } from "./upload/source-file-entry.js";
export { UploadVideoFile } from "./upload/upload-video-file.js";
export type { UploadVideoFileError, VideoFileUpload } from "./upload/upload-video-file.js";
export { UploadVideosFromSource, UploadVideosInput } from "./upload/upload-videos-from-source.js";
export type {
  UploadedVideo,
  UploadedVideos,
  UploadVideosFromSourceError,
} from "./upload/upload-videos-from-source.js";
export {
  FailStuckUploads,
  JANITOR_LEASE_TTL,
  STUCK_UPLOADS_PER_RUN,
} from "./uploads-janitor/fail-stuck-uploads.js";
export type { StuckUploadsReport } from "./uploads-janitor/fail-stuck-uploads.js";
export { RecordVideoEvent } from "./video-lifecycle/record-video-event.js";
export type {
  RecordedVideoEvent,
  RecordVideoEventError,
  VideoEventOptions,
} from "./video-lifecycle/record-video-event.js";
export { DeleteVideo } from "./videos/delete-video.js";
export type { DeletedVideo, DeleteVideoError } from "./videos/delete-video.js";
export { GetVideo } from "./videos/get-video.js";
export type { GetVideoError } from "./videos/get-video.js";
export { ListVideos, VIDEO_PAGE_SIZE } from "./videos/list-videos.js";
export type { ListVideosError } from "./videos/list-videos.js";
export {
  MoveVideoObjects,
  VISIBILITY_MOVE_LEASE_TTL,
  VISIBILITY_MOVE_RETRY_DELAY,
} from "./videos/move-video-objects.js";
export type { MoveVideoObjectsError, VisibilityMoveResult } from "./videos/move-video-objects.js";
export { UpdateVideo, UpdateVideoBody } from "./videos/update-video.js";
export type { UpdateVideoError } from "./videos/update-video.js";
export type { VideoNeed } from "./videos/video-access.js";
export type { VideoView } from "./videos/video-view.js";
export { IngestWatchBucketFile, WATCH_BUCKET_SOURCE_HOST } from "./watch-bucket/ingest-watch-bucket-file.js";
export type {
  SourceRemoval,
  WatchBucketFilePorts,
  WatchBucketSettings,
  WatchFileOutcome,
} from "./watch-bucket/ingest-watch-bucket-file.js";
export {
  PollWatchBucket,
  WATCH_BUCKET_POLL_LEASE,
  WATCH_BUCKET_POLL_LEASE_TTL,
} from "./watch-bucket/poll-watch-bucket.js";
export type { WatchBucketPollResult } from "./watch-bucket/poll-watch-bucket.js";
