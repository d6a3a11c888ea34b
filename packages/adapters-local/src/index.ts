export type {
  FfmpegExited,
  FfmpegSpawned,
  FfmpegStage,
  FfmpegTranscoderHooks,
  FfmpegTranscoderOptions,
} from "./ffmpeg-transcoder.js";
export { FfmpegTranscoder } from "./ffmpeg-transcoder.js";
export { resolveFfmpegPath } from "./ffmpeg-path.js";
export type { FilesystemObjectStoreOptions } from "./filesystem-object-store.js";
export { FilesystemObjectStore } from "./filesystem-object-store.js";
export { STORE_FOLDER as FILESYSTEM_STORE_FOLDER } from "./storage/storage-names.js";
export { FileMailbox } from "./file-mailbox.js";
export type { DeliveredMail } from "./file-mailbox.js";
export { ensureCdnSigningKey } from "./cdn-signing-key.js";
export type { CdnSigningKey } from "./cdn-signing-key.js";
export { LocalCdnInvalidator } from "./local-cdn-invalidator.js";
export type {
  LocalCdnBehaviour,
  LocalCdnBuckets,
  LocalCdnLogger,
  LocalCdnOptions,
  LocalCdnOrigin,
  LocalCdnRouting,
  LocalCdnServerOptions,
  RunningLocalCdn,
  TrustedPublicKey,
} from "./local-cdn.js";
export { cloudFrontRouting, LocalCdn, startLocalCdn } from "./local-cdn.js";
export {
  addDevUser,
  cachedDevUsersReader,
  DEV_ADMIN_GROUP,
  DEV_PASSWORD_MAX_LENGTH,
  DEV_PASSWORD_MIN_LENGTH,
  DEV_STAFF_GROUP,
  DEV_USERS_FILE_NAME,
  DEV_USERS_FILE_VERSION,
  devUserGroupNames,
  devUserGroupPaths,
  DevUserInputError,
  DevUsersFileError,
  devUserSubject,
  ensureDevUsersFile,
  readDevUsers,
  setDevGroup,
} from "./dev-users.js";
export type {
  CreatedDevAccount,
  DevAccountRole,
  DevGroup,
  DevUser,
  DevUserInput,
  DevUsers,
  EnsuredDevUsersFile,
  SavedDevUser,
} from "./dev-users.js";
export { hashDevPassword, verifyDevPassword } from "./dev-password-hash.js";
export { DevUsersGroupDirectory } from "./dev-group-directory.js";
export { makeDevOidcIssuer } from "./dev-oidc-issuer.js";
export type {
  DevOidcClient,
  DevOidcIssuer,
  DevOidcIssuerOptions,
  DevOidcMountContext,
} from "./dev-oidc-issuer.js";
