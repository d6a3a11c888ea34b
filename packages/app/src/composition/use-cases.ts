import {
  AuthenticateApiToken,
  CreateCollection,
  IssueApiToken,
  ListApiTokens,
  RevokeApiToken,
  DeleteCollection,
  DeleteSubtitle,
  DeleteVideo,
  GetCollection,
  GetPlayback,
  GetVideo,
  ListCollections,
  ListPublicVideos,
  ListVideos,
  ReplaceVideoSource,
  RequestCollectionSync,
  RetryFailedUpload,
  ScheduleRetranscode,
  UpdateCollection,
  UpdateVideo,
  UploadSubtitle,
  UploadThumbnail,
  UploadVideoFile,
  UploadVideosFromSource,
} from "@ovs/domain";
import type { DomainPorts, DomainSettings } from "@ovs/domain";

/**
 * Every request-driven use case, built once from the composed ports. The job-driven ones are
 * `makeJobHandlers(ports, settings)`'s, so each use case has exactly one place it is built.
 */
export const makeUseCases = (ports: DomainPorts, settings: DomainSettings) => ({
  createCollection: new CreateCollection(ports),
  updateCollection: new UpdateCollection(ports, settings),
  deleteCollection: new DeleteCollection(ports, settings),
  listCollections: new ListCollections(ports),
  getCollection: new GetCollection(ports),
  listVideos: new ListVideos(ports),
  getVideo: new GetVideo(ports),
  updateVideo: new UpdateVideo(ports),
  deleteVideo: new DeleteVideo(ports, settings),
  uploadSubtitle: new UploadSubtitle(ports, settings),
  deleteSubtitle: new DeleteSubtitle(ports),
  uploadThumbnail: new UploadThumbnail(ports, settings),
  uploadVideosFromSource: new UploadVideosFromSource(ports, settings),
  uploadVideoFile: new UploadVideoFile(ports, settings),
  retryFailedUpload: new RetryFailedUpload(ports),
  replaceVideoSource: new ReplaceVideoSource(ports, settings),
  requestCollectionSync: new RequestCollectionSync(ports),
  scheduleRetranscode: new ScheduleRetranscode(ports, settings),
  listPublicVideos: new ListPublicVideos(ports, settings),
  getPlayback: new GetPlayback(ports),
  issueApiToken: new IssueApiToken(ports),
  listApiTokens: new ListApiTokens(ports),
  revokeApiToken: new RevokeApiToken(ports),
  authenticateApiToken: new AuthenticateApiToken(ports),
});
export type UseCases = ReturnType<typeof makeUseCases>;
