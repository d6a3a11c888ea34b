/**
 * `@ovs/domain/testing`: the test harness. In-memory adapters for every port, builders for test
 * data, and the contract suites any adapter (ours or an embedder's) must pass.
 */
export * from "./builders.js";
export * from "./golden-fixtures.js";
export * from "./in-memory-harness.js";
export * from "./test-settings.js";

export * from "./in-memory/byte-streams.js";
export * from "./in-memory/in-memory-access-group-repository.js";
export * from "./in-memory/in-memory-cdn-invalidator.js";
export * from "./in-memory/in-memory-cdn-urls.js";
export * from "./in-memory/in-memory-clock.js";
export * from "./in-memory/in-memory-collection-repository.js";
export * from "./in-memory/in-memory-database.js";
export * from "./in-memory/in-memory-edx-endpoint-repository.js";
export * from "./in-memory/in-memory-edx-video-api.js";
export * from "./in-memory/in-memory-encode-job-repository.js";
export * from "./in-memory/in-memory-group-directory.js";
export * from "./in-memory/in-memory-id-generator.js";
export * from "./in-memory/in-memory-job-queue.js";
export * from "./in-memory/in-memory-lease.js";
export * from "./in-memory/in-memory-mail-outbox-repository.js";
export * from "./in-memory/in-memory-mailer.js";
export * from "./in-memory/in-memory-object-store.js";
export * from "./in-memory/in-memory-repositories.js";
export * from "./in-memory/in-memory-transcoder.js";
export * from "./in-memory/in-memory-unit-of-work.js";
export * from "./in-memory/in-memory-user-repository.js";
export * from "./in-memory/in-memory-video-file-repository.js";
export * from "./in-memory/in-memory-video-repository.js";
export * from "./in-memory/in-memory-video-source.js";
export * from "./in-memory/in-memory-video-subtitle-repository.js";
export * from "./in-memory/in-memory-video-thumbnail-repository.js";
export * from "./in-memory/in-memory-youtube-video-repository.js";
export * from "./in-memory/random-id-generator.js";

export * from "./contracts/access-group-repository-contract.js";
export * from "./contracts/cdn-invalidator-contract.js";
export * from "./contracts/cdn-urls-contract.js";
export * from "./contracts/collection-repository-contract.js";
export * from "./contracts/contract-support.js";
export * from "./contracts/edx-endpoint-repository-contract.js";
export * from "./contracts/edx-video-api-contract.js";
export * from "./contracts/encode-job-repository-contract.js";
export * from "./contracts/group-directory-contract.js";
export * from "./contracts/id-generator-contract.js";
export * from "./contracts/job-queue-contract.js";
export * from "./contracts/lease-contract.js";
export * from "./contracts/mail-outbox-repository-contract.js";
export * from "./contracts/mailer-contract.js";
export * from "./contracts/object-store-contract.js";
export * from "./contracts/repository-contract-subject.js";
export * from "./contracts/repository-contracts.js";
export { storeIn } from "./contracts/repository-contract-support.js";
export * from "./contracts/transcoder-contract.js";
export * from "./contracts/unit-of-work-contract.js";
export * from "./contracts/user-repository-contract.js";
export * from "./contracts/video-file-repository-contract.js";
export * from "./contracts/video-repository-contract.js";
export * from "./contracts/video-source-contract.js";
export * from "./contracts/video-subtitle-repository-contract.js";
export * from "./contracts/video-visibility-contract.js";
export * from "./contracts/video-thumbnail-repository-contract.js";
export * from "./contracts/youtube-video-repository-contract.js";
