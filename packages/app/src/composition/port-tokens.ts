import type { Container } from "inversify";
import {
  AccessGroupRepository,
  ApiTokenRepository,
  CdnInvalidator,
  CdnUrls,
  Clock,
  CollectionRepository,
  EdxEndpointRepository,
  EdxPostRecordRepository,
  EdxVideoApi,
  EncodeJobRepository,
  GroupDirectory,
  IdGenerator,
  JobQueue,
  Lease,
  MailOutboxRepository,
  Mailer,
  ObjectStore,
  Transcoder,
  UnitOfWork,
  UserRepository,
  VideoFileRepository,
  VideoRepository,
  VideoSource,
  VideoSubtitleRepository,
  VideoThumbnailRepository,
  WatchBucketClaimRepository,
  YouTubeVideoRepository,
} from "@ovs/domain";
import type { DomainPorts } from "@ovs/domain";

/** The token each port is bound under: the `Symbol.for("ovs/…")` exported beside its interface. */
export const PORT_TOKENS: { readonly [K in keyof DomainPorts]: symbol } = {
  apiTokens: ApiTokenRepository,
  collections: CollectionRepository,
  videos: VideoRepository,
  videoFiles: VideoFileRepository,
  videoThumbnails: VideoThumbnailRepository,
  videoSubtitles: VideoSubtitleRepository,
  encodeJobs: EncodeJobRepository,
  accessGroups: AccessGroupRepository,
  edxEndpoints: EdxEndpointRepository,
  youtubeVideos: YouTubeVideoRepository,
  users: UserRepository,
  mailOutbox: MailOutboxRepository,
  watchBucketClaims: WatchBucketClaimRepository,
  edxPostRecords: EdxPostRecordRepository,
  unitOfWork: UnitOfWork,
  jobs: JobQueue,
  objectStore: ObjectStore,
  videoSource: VideoSource,
  transcoder: Transcoder,
  cdnUrls: CdnUrls,
  cdnInvalidator: CdnInvalidator,
  groupDirectory: GroupDirectory,
  mailer: Mailer,
  edxVideoApi: EdxVideoApi,
  lease: Lease,
  clock: Clock,
  ids: IdGenerator,
};

/** Binds every port of a record under its token. */
export const bindPorts = (container: Container, ports: DomainPorts): void => {
  for (const name of Object.keys(PORT_TOKENS) as Array<keyof DomainPorts>) {
    container.bind(PORT_TOKENS[name]).toConstantValue(ports[name]);
  }
};

/** The one place the container becomes `DomainPorts`: every use case is built from this record. */
export const resolveDomainPorts = (container: Container): DomainPorts =>
  Object.fromEntries(
    (Object.keys(PORT_TOKENS) as Array<keyof DomainPorts>).map((name) => [
      name,
      container.get(PORT_TOKENS[name]),
    ]),
  ) as unknown as DomainPorts;
