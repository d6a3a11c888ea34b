// The model: entities as effect Schemas, keys and the storage key layout.
// Listed name by name: what an embedder needs, not every helper.
export { AccessGroup } from "./access-group.js";
export { Collection, collectionDefaults, hasEdxCourse, StreamSource } from "./collection.js";
export {
  CollectionEdxEndpoint,
  DEFAULT_EDX_VIDEO_API_PATH,
  EdxEndpoint,
  EdxEndpointId,
  edxTokenUrl,
  edxVideosUrl,
  edxVideoUrl,
  endpointForCourse,
  redactedSecret,
  unreadableCredentialsReason,
} from "./edx-endpoint.js";
export {
  ENCODE_JOB_STATES,
  EncodeJob,
  EncodeJobPurpose,
  EncodeJobState,
  encodeJobStateCode,
  encodeJobStateFromCode,
} from "./encode-job.js";
export {
  BucketName,
  CollectionTitle,
  CtaLink,
  EdxCourseId,
  GroupName,
  LanguageCode,
  NonNegativeSeconds,
  ObjectKey,
  RequiredText,
  SourceUrl,
  Timestamps,
  VideoTitle,
} from "./fields.js";
export {
  canonicalUuid,
  CollectionKeySchema,
  dashedKey,
  hexKey,
  InvalidKey,
  parseCollectionKey,
  parseVideoKey,
  uuidV4FromBytes,
  VideoKeySchema,
} from "./keys.js";
export type { CollectionKey, HexKey, VideoKey } from "./keys.js";
export { isLanguageCode, languageName, LANGUAGES } from "./languages.js";
export {
  compactUtcTimestamp,
  folderOf,
  HLS_PLAYLIST_SUFFIX,
  hlsPlaylistKey,
  isServedKey,
  keyInSpace,
  liveKeyForStagedKey,
  mp4Key,
  originalKey,
  protectedCookiePaths,
  protectedResourcePattern,
  RESTRICTED_PREFIX,
  RETRANSCODE_FOLDER,
  retranscodeStagingPrefix,
  servedPrefixes,
  sourceExtension,
  spaceOfKey,
  SUBTITLE_PREFIX,
  subtitleKey,
  subtitlePrefix,
  THUMBNAIL_NAME,
  THUMBNAIL_PREFIX,
  thumbnailKey,
  thumbnailPrefix,
  TRANSCODE_OUTPUT_NAMES,
  TRANSCODE_PREFIX,
  transcodeDestination,
  transcodePrefix,
} from "./storage-keys.js";
export type { KeySpace } from "./storage-keys.js";
export {
  anonymous,
  groupNamesFromPaths,
  isAuthenticated,
  roleFlagsFromGroupPaths,
  User,
  UserId,
  userPrincipal,
} from "./user.js";
export type { AnonymousPrincipal, Principal, UserPrincipal } from "./user.js";
export {
  downloadFileOf,
  Encoding,
  LEGACY_MP4_LADDER,
  originalFileOf,
  transcodedFilesOf,
  VideoFile,
  VideoSubtitle,
  VideoThumbnail,
} from "./video-file.js";
export {
  FAILED_STATUSES,
  flagsForVisibilityChoice,
  IN_FLIGHT_STATUSES,
  Video,
  VIDEO_STATUSES,
  videoDefaults,
  VideoStatus,
  visibilityChoiceOf,
} from "./video.js";
export type { VideoVisibilityChoice } from "./video.js";
export { exposedYouTubeId, YouTubeStatus, YouTubeVideo } from "./youtube-video.js";
