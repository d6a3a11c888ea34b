import { describeAccessGroupRepositoryContract } from "./access-group-repository-contract.js";
import { describeApiTokenRepositoryContract } from "./api-token-repository-contract.js";
import { describeCollectionRepositoryContract } from "./collection-repository-contract.js";
import { describeEdxEndpointRepositoryContract } from "./edx-endpoint-repository-contract.js";
import { describeEdxPostRecordRepositoryContract } from "./edx-post-record-repository-contract.js";
import { describeEncodeJobRepositoryContract } from "./encode-job-repository-contract.js";
import { describeMailOutboxRepositoryContract } from "./mail-outbox-repository-contract.js";
import { describeVideoVisibilityContract } from "./video-visibility-contract.js";
import type { MakeRepositories } from "./repository-contract-subject.js";
import { describeUnitOfWorkContract } from "./unit-of-work-contract.js";
import { describeUserRepositoryContract } from "./user-repository-contract.js";
import { describeVideoFileRepositoryContract } from "./video-file-repository-contract.js";
import { describeVideoRepositoryContract } from "./video-repository-contract.js";
import { describeVideoSubtitleRepositoryContract } from "./video-subtitle-repository-contract.js";
import { describeVideoThumbnailRepositoryContract } from "./video-thumbnail-repository-contract.js";
import { describeWatchBucketClaimRepositoryContract } from "./watch-bucket-claim-repository-contract.js";
import { describeYouTubeVideoRepositoryContract } from "./youtube-video-repository-contract.js";

/**
 * Every persistence contract against one set of adapters:
 * `describeRepositoryContracts("postgres (PGlite)", makeRepositories)`.
 */
export const describeRepositoryContracts = (name: string, make: MakeRepositories): void => {
  describeCollectionRepositoryContract(name, make);
  describeVideoRepositoryContract(name, make);
  describeVideoFileRepositoryContract(name, make);
  describeVideoThumbnailRepositoryContract(name, make);
  describeVideoSubtitleRepositoryContract(name, make);
  describeEncodeJobRepositoryContract(name, make);
  describeAccessGroupRepositoryContract(name, make);
  describeEdxEndpointRepositoryContract(name, make);
  describeYouTubeVideoRepositoryContract(name, make);
  describeUserRepositoryContract(name, make);
  describeMailOutboxRepositoryContract(name, make);
  describeWatchBucketClaimRepositoryContract(name, make);
  describeEdxPostRecordRepositoryContract(name, make);
  describeApiTokenRepositoryContract(name, make);
  describeUnitOfWorkContract(name, make);
  describeVideoVisibilityContract(name, make);
};
