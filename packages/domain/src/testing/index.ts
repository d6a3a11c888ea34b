/**
 * `@ovs/domain/testing`: the test harness, usable from any test runner or none. In-memory
 * adapters for every port, the harness that wires them, builders for test data and small helpers
 * to run effects in tests. The vitest contract and scenario suites are in `@ovs/domain/contracts`.
 */

// The harness
export type { InMemoryHarness, InMemoryHarnessOptions, InMemoryPorts } from "./in-memory-harness.js";
export { makeInMemoryHarness } from "./in-memory-harness.js";
export type {
  Awaitable,
  DrainedJob,
  MakeScenarioHarness,
  ScenarioHarness,
  ScenarioJob,
  ScenarioJobQueue,
} from "./scenario-harness.js";
export { testSettings } from "./test-settings.js";

// Test data
export type { CollectionBuilder, EncodeJobBuilder, UserBuilder, VideoBuilder } from "./builders.js";
export {
  aCollection,
  aCollectionKey,
  aUser,
  aVideo,
  aVideoKey,
  anAnonymousPrincipal,
  anEncodeJob,
  BUILDER_EPOCH,
  testUuid,
} from "./builders.js";
export { aNewEdxEndpoint, EVERYTHING, instant, storeIn } from "./stored-test-data.js";
export { anEdxEndpoint, anEdxVideoPayload } from "./edx-builders.js";
export {
  CDN,
  CREATED_AT,
  fileOf,
  GOLDEN_COLLECTION_HEX,
  GOLDEN_COLLECTION_KEY,
  GOLDEN_OWNER_ID,
  GOLDEN_VIDEO_HEX,
  GOLDEN_VIDEO_KEY,
  goldenCollection,
  goldenDetails,
  goldenVideo,
  plainUrl,
  processedYouTube,
  subtitleOf,
  thumbnailOf,
} from "./golden-fixtures.js";
export { jpegBytes, pngBytes } from "./image-bytes.js";
export {
  bytesEqual,
  bytesOfText,
  collectBytes,
  collectChunks,
  concatBytes,
  fnv1a64Hex,
  patternedBytes,
  STREAM_CHUNK_SIZE,
  streamFailingAfter,
  streamOfBytes,
  textOfBytes,
} from "./in-memory/byte-streams.js";

// Running effects in tests
export { failureOf, found, outcomeOf, run } from "./effect-outcomes.js";
export type { Disposable } from "./fresh-subject.js";
export { uniqueSuffix, withFreshSubject } from "./fresh-subject.js";

// In-memory adapters, one per port
export { InMemoryApiTokenRepository } from "./in-memory/in-memory-api-token-repository.js";
export { InMemoryAccessGroupRepository } from "./in-memory/in-memory-access-group-repository.js";
export type { RecordedInvalidation } from "./in-memory/in-memory-cdn-invalidator.js";
export { InMemoryCdnInvalidator } from "./in-memory/in-memory-cdn-invalidator.js";
export type { InMemoryCdnUrlsOptions } from "./in-memory/in-memory-cdn-urls.js";
export { DEFAULT_CDN_HOST, InMemoryCdnUrls } from "./in-memory/in-memory-cdn-urls.js";
export { InMemoryClock } from "./in-memory/in-memory-clock.js";
export { InMemoryCollectionRepository } from "./in-memory/in-memory-collection-repository.js";
export type { QueuedJob, Tables } from "./in-memory/in-memory-database.js";
export { InMemoryDatabase } from "./in-memory/in-memory-database.js";
export { InMemoryEdxEndpointRepository } from "./in-memory/in-memory-edx-endpoint-repository.js";
export { InMemoryEdxPostRecordRepository } from "./in-memory/in-memory-edx-post-record-repository.js";
export type { EdxStoredVideo, RecordedEdxPost } from "./in-memory/in-memory-edx-video-api.js";
export { InMemoryEdxVideoApi } from "./in-memory/in-memory-edx-video-api.js";
export { InMemoryEncodeJobRepository } from "./in-memory/in-memory-encode-job-repository.js";
export { InMemoryGroupDirectory } from "./in-memory/in-memory-group-directory.js";
export { InMemoryIdGenerator } from "./in-memory/in-memory-id-generator.js";
export { InMemoryJobQueue } from "./in-memory/in-memory-job-queue.js";
export { InMemoryLease } from "./in-memory/in-memory-lease.js";
export { InMemoryMailOutboxRepository } from "./in-memory/in-memory-mail-outbox-repository.js";
export type { SentMail } from "./in-memory/in-memory-mailer.js";
export { InMemoryMailer } from "./in-memory/in-memory-mailer.js";
export type { InMemoryObjectStoreOptions, ObjectStoreOperation } from "./in-memory/in-memory-object-store.js";
export { InMemoryObjectStore } from "./in-memory/in-memory-object-store.js";
export type { InMemoryRepositories } from "./in-memory/in-memory-repositories.js";
export { makeInMemoryRepositories } from "./in-memory/in-memory-repositories.js";
export type {
  CompletionOverrides,
  SubmittedTranscode,
  TranscodeFailed,
  TranscodeSucceeded,
} from "./in-memory/in-memory-transcoder.js";
export { DEFAULT_DURATION_SECONDS, InMemoryTranscoder } from "./in-memory/in-memory-transcoder.js";
export { InMemoryUnitOfWork } from "./in-memory/in-memory-unit-of-work.js";
export { InMemoryUserRepository } from "./in-memory/in-memory-user-repository.js";
export { InMemoryVideoFileRepository } from "./in-memory/in-memory-video-file-repository.js";
export { InMemoryVideoRepository } from "./in-memory/in-memory-video-repository.js";
export type {
  RegisteredSource,
  ScriptedOpenFailure,
  SourceContent,
} from "./in-memory/in-memory-video-source.js";
export { InMemoryVideoSource } from "./in-memory/in-memory-video-source.js";
export { InMemoryVideoSubtitleRepository } from "./in-memory/in-memory-video-subtitle-repository.js";
export { InMemoryVideoThumbnailRepository } from "./in-memory/in-memory-video-thumbnail-repository.js";
export { InMemoryWatchBucketClaimRepository } from "./in-memory/in-memory-watch-bucket-claim-repository.js";
export { InMemoryYouTubeVideoRepository } from "./in-memory/in-memory-youtube-video-repository.js";
