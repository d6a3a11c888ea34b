export {
  addressPolicy,
  ForbiddenAddressError,
  systemResolver,
  type AddressVerdict,
  type HostResolver,
  type ResolvedAddress,
} from "./address-guard.js";
export {
  DEFAULT_DROPBOX_CONTENT_API_URL,
  DEFAULT_DROPBOX_TOKEN_URL,
  DropboxVideoSource,
  isDropboxSharedLink,
  type DropboxVideoSourceConfig,
} from "./dropbox-video-source.js";
export { KeycloakGroupDirectory, type KeycloakGroupDirectoryConfig } from "./keycloak-group-directory.js";
export {
  KeycloakSignIn,
  SignInRejected,
  SignInUnavailable,
  type ClientAuthentication,
  type KeycloakSignInConfig,
  type PendingSignIn,
  type SignedIn,
  type SignedInIdentity,
  type SignInFailure,
  type SignInStart,
  type SignInTokens,
} from "./keycloak-sign-in.js";
export { MailgunMailer, type MailgunMailerConfig } from "./mailgun-mailer.js";
export { UrlVideoSource, type UrlVideoSourceConfig } from "./url-video-source.js";
