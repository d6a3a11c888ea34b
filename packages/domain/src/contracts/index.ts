/**
 * `@ovs/domain/contracts`: vitest suites. Every port has a contract suite that any adapter, ours
 * or an embedder's, runs against itself; the scenario suites drive use cases end to end on any
 * `ScenarioHarness` (the in-memory one, or one backed by a database). Import only from test files:
 * these modules call vitest's `describe` and `it`.
 */

// Persistence ports, over one store
export type { MakeRepositories, RepositoryContractSubject } from "./repository-contract-subject.js";
export { describeRepositoryContracts } from "./repository-contracts.js";
export { describeApiTokenRepositoryContract } from "./api-token-repository-contract.js";
export { describeAccessGroupRepositoryContract } from "./access-group-repository-contract.js";
export { describeCollectionRepositoryContract } from "./collection-repository-contract.js";
export { describeEdxEndpointRepositoryContract } from "./edx-endpoint-repository-contract.js";
export { describeEdxPostRecordRepositoryContract } from "./edx-post-record-repository-contract.js";
export { describeEncodeJobRepositoryContract } from "./encode-job-repository-contract.js";
export { describeMailOutboxRepositoryContract } from "./mail-outbox-repository-contract.js";
export { describeUnitOfWorkContract } from "./unit-of-work-contract.js";
export { describeUserRepositoryContract } from "./user-repository-contract.js";
export { describeVideoFileRepositoryContract } from "./video-file-repository-contract.js";
export { describeVideoRepositoryContract } from "./video-repository-contract.js";
export { describeVideoSubtitleRepositoryContract } from "./video-subtitle-repository-contract.js";
export { describeVideoThumbnailRepositoryContract } from "./video-thumbnail-repository-contract.js";
export { describeVideoVisibilityContract } from "./video-visibility-contract.js";
export { describeWatchBucketClaimRepositoryContract } from "./watch-bucket-claim-repository-contract.js";
export { describeYouTubeVideoRepositoryContract } from "./youtube-video-repository-contract.js";

// Infrastructure ports
export type { CdnInvalidatorContractSubject } from "./cdn-invalidator-contract.js";
export { describeCdnInvalidatorContract } from "./cdn-invalidator-contract.js";
export type { CdnUrlsContractSubject } from "./cdn-urls-contract.js";
export { describeCdnUrlsContract } from "./cdn-urls-contract.js";
export type { EdxVideoApiContractSubject } from "./edx-video-api-contract.js";
export { describeEdxVideoApiContract } from "./edx-video-api-contract.js";
export type { GroupDirectoryContractSubject } from "./group-directory-contract.js";
export { describeGroupDirectoryContract } from "./group-directory-contract.js";
export type { IdGeneratorContractSubject } from "./id-generator-contract.js";
export { describeIdGeneratorContract } from "./id-generator-contract.js";
export type { JobQueueContractSubject } from "./job-queue-contract.js";
export { describeJobQueueContract } from "./job-queue-contract.js";
export type { LeaseContractSubject } from "./lease-contract.js";
export { describeLeaseContract } from "./lease-contract.js";
export type { MailerContractSubject } from "./mailer-contract.js";
export { describeMailerContract } from "./mailer-contract.js";
export type { ObjectStoreContractSubject } from "./object-store-contract.js";
export { describeObjectStoreContract } from "./object-store-contract.js";
export type { TranscoderContractSubject } from "./transcoder-contract.js";
export { aTranscodeRequest, describeTranscoderContract } from "./transcoder-contract.js";
export type { ServedFile, VideoSourceContractSubject } from "./video-source-contract.js";
export { describeVideoSourceContract } from "./video-source-contract.js";

// Use-case scenarios, on any harness
export { describeConcurrentRetryScenarios } from "./scenarios/concurrent-retry-of-failed-upload.js";
export { describeDropboxUploadScenarios } from "./scenarios/dropbox-upload-to-complete.js";
export { describeUploadRollbackScenarios } from "./scenarios/upload-rollback.js";
