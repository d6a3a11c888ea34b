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
  DropboxVideoSourceSettings,
  isDropboxSharedLink,
  makeDropboxVideoSourceSettings,
  type DropboxVideoSourceSettingsInput,
} from "./dropbox-video-source.js";
export {
  KeycloakGroupDirectory,
  KeycloakGroupDirectorySettings,
  makeKeycloakGroupDirectorySettings,
  type KeycloakGroupDirectorySettingsInput,
} from "./keycloak-group-directory.js";
export {
  ClientAuthentication,
  KeycloakSignIn,
  KeycloakSignInSettings,
  makeKeycloakSignInSettings,
  SignInRejected,
  SignInUnavailable,
  type KeycloakSignInSettingsInput,
  type PendingSignIn,
  type SignedIn,
  type SignedInIdentity,
  type SignInFailure,
  type SignInStart,
  type SignInTokens,
} from "./keycloak-sign-in.js";
export {
  MailgunMailer,
  MailgunMailerSettings,
  makeMailgunMailerSettings,
  type MailgunMailerSettingsInput,
} from "./mailgun-mailer.js";
export {
  makeUrlVideoSourceSettings,
  UrlVideoSource,
  UrlVideoSourceSettings,
  type UrlVideoSourceSettingsInput,
} from "./url-video-source.js";
