import type { QueueName } from "../ports/job-queue.js";
import type { DomainPorts } from "../usecases/domain-ports.js";

/** The persistence ports: they relate to each other (foreign keys, cascades, one transaction). */
export type PersistencePortName =
  | "collections"
  | "videos"
  | "videoFiles"
  | "videoThumbnails"
  | "videoSubtitles"
  | "encodeJobs"
  | "accessGroups"
  | "edxEndpoints"
  | "youtubeVideos"
  | "users"
  | "mailOutbox"
  | "watchBucketClaims"
  | "edxPostRecords"
  | "apiTokens"
  | "unitOfWork"
  | "jobs";

/**
 * Everything the repository contract suites exercise, over one store: the persistence ports of
 * `DomainPorts` (the job queue commits and rolls back with the unit of work), plus a look at the
 * jobs committed. Every suite gets all of them from a single factory.
 */
export type RepositoryContractSubject = Pick<DomainPorts, PersistencePortName> & {
  /** Jobs committed and waiting, oldest first. */
  pendingJobs(): Promise<ReadonlyArray<{ readonly queue: QueueName; readonly payload: unknown }>>;
  dispose?(): Promise<void>;
};

/** Returns repositories over a fresh, empty store each time it is called. */
export type MakeRepositories = () => Promise<RepositoryContractSubject>;
