// Pure rules: access, the status state machine, notifications, naming, retries and the JSON projections.
// Listed name by name: what an embedder needs, not every helper.
export {
  canAdminCollection,
  canCreateCollection,
  canSetOperatorFlags,
  canWatchOperations,
  canDownloadVideo,
  canEditVideo,
  canManageEdxEndpoints,
  canSeeShareableUrl,
  canUploadToCollection,
  canViewCollection,
  canViewVideo,
  collectionListScope,
  conditionHolds,
  filterAdmits,
  inCollectionListScope,
  videoVisibilityFilter,
} from "./access.js";
export type {
  CollectionListScope,
  VideoVisibilityFilter,
  VisibilityCondition,
  VisibilityFilter,
} from "./access.js";
export {
  edxEligibleFiles,
  EdxNotEligible,
  edxQualifyingFiles,
  edxVideoPayload,
  edxVideoUpdatePayload,
} from "./edx-payload.js";
export type { EdxEncodedVideo, EdxProfile, EdxVideoPayload } from "./edx-payload.js";
export { edxSyncReport } from "./edx-sync-report.js";
export type { EdxSyncRefusedVideo, EdxSyncReport, EdxSyncVideo } from "./edx-sync-report.js";
export {
  backoffCeilingSeconds,
  classifyIngestFailure,
  decideAfterFailure,
  MAX_INGEST_RETRIES,
  MAX_RETRY_DELAY_SECONDS,
  priorRetries,
  RETRY_BACKOFF_FACTOR_SECONDS,
  retryDelaySeconds,
} from "./ingest-retry.js";
export type { IngestFailure, IngestRetryDecision } from "./ingest-retry.js";
export {
  describeLectureCapture,
  formatLectureDate,
  isIngestibleWatchKey,
  lectureCollectionSlug,
  lectureVideoTitle,
  parseLectureFilename,
  UNSORTED_COLLECTION,
  WATCH_BUCKET_VIDEO_EXTENSIONS,
} from "./lecture-capture-names.js";
export type {
  LectureCaptureDescription,
  LectureFilenameMatched,
  LectureFilenameUnmatched,
  ParsedLectureFilename,
  RecordDate,
} from "./lecture-capture-names.js";
export { mediaKeySpaceOf } from "./media-key-space.js";
export { newVideoIsPublic, propagatedVideoVisibility } from "./new-video-visibility.js";
export {
  notificationContext,
  notificationFor,
  notificationOutboxKey,
  notificationRecipients,
  notificationSubject,
  notificationTemplateFor,
  renderNotification,
  renderSupportDebugEmail,
  supportDebugSubject,
} from "./notifications.js";
export type {
  Notification,
  NotificationAdminGroup,
  NotificationContext,
  NotificationOccurrence,
  NotificationOwner,
  NotificationTemplate,
  NotificationTitles,
  RenderedEmail,
  StatusTransition,
} from "./notifications.js";
export { apiTimestamp } from "./projections/api-timestamp.js";
export {
  collectionListPayload,
  collectionPayload,
  videosVisibleTo,
} from "./projections/collection-payload.js";
export type {
  CollectionListPayload,
  CollectionOwner,
  CollectionPayload,
  OwnerInfoPayload,
} from "./projections/collection-payload.js";
export { edxEndpointPayload } from "./projections/edx-endpoint-payload.js";
export type { EdxEndpointPayload, EdxEndpointView } from "./projections/edx-endpoint-payload.js";
export {
  isPageInRange,
  numberOfPages,
  pageLinks,
  pageUrl,
  paginationEnvelope,
} from "./projections/pagination-envelope.js";
export type { PaginationEnvelope, QueryParameters } from "./projections/pagination-envelope.js";
export { publicVideoFeedItem } from "./projections/public-video-feed-item.js";
export type {
  PublicCollectionPayload,
  PublicVideoFeedItem,
  PublicVideoSource,
} from "./projections/public-video-feed-item.js";
export {
  thumbnailsNewestFirst,
  videoFilePayload,
  videoSubtitlePayload,
  videoThumbnailPayload,
} from "./projections/stored-object-payloads.js";
export type {
  MediaUrl,
  VideoFilePayload,
  VideoSubtitlePayload,
  VideoThumbnailPayload,
} from "./projections/stored-object-payloads.js";
export {
  HLS_MIME_TYPE,
  hlsFileOf,
  MP4_MIME_TYPE,
  playbackSources,
  shareableUrl,
  simpleVideoPayload,
  videoPayload,
} from "./projections/video-payload.js";
export type {
  PlaybackSource,
  SimpleVideoPayload,
  VideoMedia,
  VideoPayload,
} from "./projections/video-payload.js";
export {
  hasVttHeader,
  InvalidSubtitles,
  normaliseSubtitles,
  srtToVtt,
  subtitleFormatFromFilename,
  UnsupportedSubtitleFile,
  validateVtt,
} from "./subtitles.js";
export type { NormalisedSubtitles, SubtitleFormat } from "./subtitles.js";
export {
  canTake,
  IllegalTransition,
  nextStatus,
  statusesAccepting,
  TRANSITIONS,
  VIDEO_EVENTS,
} from "./video-status.js";
export type { VideoEvent } from "./video-status.js";
