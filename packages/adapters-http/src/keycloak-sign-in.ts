import type { GroupName } from "@ovs/domain";
import { groupNamesFromPaths, roleFlagsFromGroupPaths } from "@ovs/domain";
import { Data, Duration, Effect, Redacted, Schema } from "effect";
import * as oidc from "openid-client";
import { describeOidcFailure } from "./oidc-failures.js";
import { AbsoluteUrl, Secret, timeoutOr } from "./http-support.js";

/** How the client proves itself at the token endpoint (Keycloak confidential clients: Basic). */
export const ClientAuthentication = Schema.Literal("client_secret_basic", "client_secret_post", "none");
export type ClientAuthentication = typeof ClientAuthentication.Type;

const DEFAULT_SCOPE = "openid profile email";
const DEFAULT_GROUPS_CLAIM = "user_groups";

/** Settings of Keycloak sign-in; the root README lists the environment names the app reads. */
export const KeycloakSignInSettings = Schema.Struct({
  /** The realm's issuer, e.g. `https://sso.example.edu/realms/ovs`; discovery starts here. */
  issuerUrl: AbsoluteUrl,
  /** `SOCIAL_AUTH_KEYCLOAK_KEY`. */
  clientId: Schema.String,
  /** `SOCIAL_AUTH_KEYCLOAK_SECRET`; leave out for a public client. */
  clientSecret: Schema.optionalWith(Secret, { exact: true }),
  /** `client_secret_basic` by default with a secret, `none` without. */
  clientAuthentication: Schema.optionalWith(ClientAuthentication, { exact: true }),
  /** Where the issuer sends the browser back, e.g. `https://video.example.edu/auth/complete/keycloak/`. */
  redirectUri: AbsoluteUrl,
  /** Where the issuer sends the browser after logout (upstream: the site root). */
  postLogoutRedirectUri: AbsoluteUrl,
  /** `openid profile email` by default (upstream `SOCIAL_AUTH_KEYCLOAK_SCOPE`). */
  scope: Schema.optionalWith(Schema.String, { exact: true, default: () => DEFAULT_SCOPE }),
  /** The claim carrying full group paths; `user_groups` by default (the realm's group-membership mapper). */
  groupsClaim: Schema.optionalWith(Schema.String, { exact: true, default: () => DEFAULT_GROUPS_CLAIM }),
  /** Per request to the issuer; 10 s by default. */
  timeout: timeoutOr(Duration.seconds(10)),
  /** Allow an `http:` issuer (the embedded provider of the local profile, tests). */
  allowInsecureRequests: Schema.optionalWith(Schema.Boolean, { exact: true, default: () => false }),
})
  .pipe(
    Schema.filter(({ clientAuthentication, clientSecret }) =>
      clientSecret !== undefined || clientAuthentication === undefined || clientAuthentication === "none"
        ? undefined
        : { path: ["clientSecret"], message: `${clientAuthentication} needs a client secret` },
    ),
  )
  .annotations({ identifier: "KeycloakSignInSettings" });

export type KeycloakSignInSettings = typeof KeycloakSignInSettings.Type;
/** The settings as the app gives them, defaults left out. */
export type KeycloakSignInSettingsInput = typeof KeycloakSignInSettings.Encoded;

/** Checks the settings and fills in the defaults; throws a `ParseError` naming every field that is wrong. */
export const makeKeycloakSignInSettings: (input: KeycloakSignInSettingsInput) => KeycloakSignInSettings =
  Schema.decodeSync(KeycloakSignInSettings, { errors: "all" });

/** What to keep in the session between `start` and `complete`; it never leaves the server. */
export interface PendingSignIn {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface SignInStart {
  /** Send the browser here. */
  readonly authorizationUrl: string;
  readonly pending: PendingSignIn;
}

/** Who signed in, in the shape of the domain's principal, plus what the app stores about them. */
export interface SignedInIdentity {
  /** The issuer's stable id for the person (`sub`). */
  readonly subject: string;
  /** The full email address, as upstream (`SOCIAL_AUTH_USERNAME_IS_FULL_EMAIL`). */
  readonly username: string;
  readonly email: string;
  readonly preferredUsername: string | null;
  readonly firstName: string;
  readonly lastName: string;
  /** Group paths exactly as the token carried them (`/parent/child`). */
  readonly groupPaths: ReadonlyArray<string>;
  /** The leaves of `groupPaths`, which is how OVS names groups. */
  readonly groupNames: ReadonlyArray<GroupName>;
  /**
   * Flags from this token's groups alone: `/admin` → superuser and staff, `/staff` → staff.
   * Upstream keeps earlier flags when neither group is present; an app that wants that calls
   * `roleFlagsFromGroupPaths(groupPaths, storedUser)` itself.
   */
  readonly isSuperuser: boolean;
  readonly isStaff: boolean;
}

export interface SignInTokens {
  /** Needed for `logoutUrl`; keep it in the server-side session only. */
  readonly idToken: string | null;
  readonly accessToken: string;
  readonly refreshToken: string | null;
  readonly expiresAt: Date | null;
}

export interface SignedIn {
  readonly identity: SignedInIdentity;
  readonly tokens: SignInTokens;
}

/** The sign-in cannot succeed as it is (tampered or stale callback, replayed code, refused account): start over. */
export class SignInRejected extends Data.TaggedError("SignInRejected")<{ readonly reason: string }> {
  override get message(): string {
    return `sign-in rejected: ${this.reason}`;
  }
}

/** The issuer is unreachable, slow or failing: worth trying again later. */
export class SignInUnavailable extends Data.TaggedError("SignInUnavailable")<{ readonly reason: string }> {
  override get message(): string {
    return `sign-in unavailable: ${this.reason}`;
  }
}

export type SignInFailure = SignInRejected | SignInUnavailable;

const failureOf = (error: unknown): SignInFailure => {
  if (error instanceof SignInRejected || error instanceof SignInUnavailable) return error;
  const { transient, reason } = describeOidcFailure(error);
  return transient ? new SignInUnavailable({ reason }) : new SignInRejected({ reason });
};

const stringClaim = (claims: Readonly<Record<string, unknown>>, name: string): string | null => {
  const value = claims[name];
  return typeof value === "string" && value.trim() !== "" ? value : null;
};

/** The callback's parameters, from a full URL, a query string (with or without `?`) or parsed ones. */
const callbackParameters = (callback: string | URL | URLSearchParams): URLSearchParams => {
  if (callback instanceof URLSearchParams) return callback;
  if (callback instanceof URL) return callback.searchParams;
  return URL.canParse(callback) ? new URL(callback).searchParams : new URLSearchParams(callback);
};

/** The settings schema refuses a method that needs a secret when there is none. */
const clientAuthenticationOf = ({
  clientAuthentication,
  clientSecret,
}: KeycloakSignInSettings): oidc.ClientAuth => {
  if (clientSecret === undefined || clientAuthentication === "none") return oidc.None();
  const secret = Redacted.value(clientSecret);
  return clientAuthentication === "client_secret_post"
    ? oidc.ClientSecretPost(secret)
    : oidc.ClientSecretBasic(secret);
};

/**
 * Sign-in with Keycloak (or any OIDC issuer) through openid-client (docs/architecture.md §6.9):
 * discovery from the issuer URL, the authorization code flow with PKCE (S256), `state` and
 * `nonce`, every check of the callback and ID token done by openid-client, claims mapped to a
 * principal-shaped identity, logout with `id_token_hint`, and token refresh. Claims come from the
 * ID token when the issuer puts them there (Keycloak's mappers do) and from userinfo otherwise.
 */
export class KeycloakSignIn {
  private discovered: Promise<oidc.Configuration> | undefined;
  private readonly clientAuthentication: oidc.ClientAuth;

  constructor(private readonly settings: KeycloakSignInSettings) {
    this.clientAuthentication = clientAuthenticationOf(settings);
  }

  /** A new sign-in: the URL to send the browser to, and what to keep in the session. */
  start(options: { readonly loginHint?: string } = {}): Effect.Effect<SignInStart, SignInFailure> {
    return this.attempt(async () => {
      const configuration = await this.configuration();
      const pending: PendingSignIn = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
      };
      const url = oidc.buildAuthorizationUrl(configuration, {
        redirect_uri: this.settings.redirectUri,
        scope: this.settings.scope,
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: "S256",
        ...(options.loginHint === undefined ? {} : { login_hint: options.loginHint }),
      });
      return { authorizationUrl: url.href, pending };
    });
  }

  /**
   * Completes a sign-in from the callback request. Only the callback's query is read — it is
   * put on the configured redirect URI, so a proxy that changes the request's host or scheme
   * cannot change what is sent to the issuer. A mismatched `state`, a code used before, a wrong
   * PKCE verifier or an ID token with another nonce is a `SignInRejected`.
   */
  complete(
    callback: string | URL | URLSearchParams,
    pending: PendingSignIn,
  ): Effect.Effect<SignedIn, SignInFailure> {
    return this.attempt(async () => {
      const configuration = await this.configuration();
      const current = new URL(this.settings.redirectUri);
      current.search = callbackParameters(callback).toString();
      const tokens = await oidc.authorizationCodeGrant(configuration, current, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      return this.signedIn(configuration, tokens);
    });
  }

  /** New tokens from a refresh token, with the identity as it is now (groups may have changed). */
  refresh(refreshToken: string): Effect.Effect<SignedIn, SignInFailure> {
    return this.attempt(async () => {
      const configuration = await this.configuration();
      const tokens = await oidc.refreshTokenGrant(configuration, refreshToken);
      return this.signedIn(configuration, tokens);
    });
  }

  /**
   * Where to send the browser to end the issuer's session too: the end-session endpoint with
   * `id_token_hint` (so Keycloak skips its confirmation page), `client_id` and the post-logout
   * redirect. Without an end-session endpoint, straight to the post-logout redirect.
   */
  logoutUrl(idToken: string | null): Effect.Effect<string, SignInFailure> {
    return this.attempt(async () => {
      const configuration = await this.configuration();
      if (configuration.serverMetadata().end_session_endpoint === undefined)
        return this.settings.postLogoutRedirectUri;
      return oidc.buildEndSessionUrl(configuration, {
        post_logout_redirect_uri: this.settings.postLogoutRedirectUri,
        ...(idToken === null ? {} : { id_token_hint: idToken }),
      }).href;
    });
  }

  private attempt<A>(work: () => Promise<A>): Effect.Effect<A, SignInFailure> {
    return Effect.tryPromise({ try: work, catch: failureOf });
  }

  /** Discovery runs once; a failed discovery is forgotten so the next sign-in tries again. */
  private configuration(): Promise<oidc.Configuration> {
    if (this.discovered !== undefined) return this.discovered;
    const discovered = oidc.discovery(
      new URL(this.settings.issuerUrl),
      this.settings.clientId,
      { redirect_uris: [this.settings.redirectUri], response_types: ["code"] },
      this.clientAuthentication,
      {
        timeout: Math.ceil(Duration.toSeconds(this.settings.timeout)),
        ...(this.settings.allowInsecureRequests ? { execute: [oidc.allowInsecureRequests] } : {}),
      },
    );
    this.discovered = discovered;
    discovered.catch(() => {
      if (this.discovered === discovered) this.discovered = undefined;
    });
    return discovered;
  }

  private async signedIn(
    configuration: oidc.Configuration,
    tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
  ): Promise<SignedIn> {
    const idClaims: Readonly<Record<string, unknown>> = tokens.claims() ?? {};
    // Keycloak's mappers put email and groups in the ID token; other issuers (and oidc-provider
    // by default) only in userinfo. The ID token wins where both have a claim.
    const needsUserInfo = stringClaim(idClaims, "email") === null || !(this.settings.groupsClaim in idClaims);
    const userInfo: Readonly<Record<string, unknown>> = needsUserInfo
      ? await oidc.fetchUserInfo(
          configuration,
          tokens.access_token,
          stringClaim(idClaims, "sub") ?? oidc.skipSubjectCheck,
        )
      : {};
    const claims = { ...userInfo, ...idClaims };
    const subject = stringClaim(claims, "sub");
    const email = stringClaim(claims, "email");
    if (subject === null)
      throw new SignInRejected({ reason: "the issuer gave no subject (sub) for this account" });
    if (email === null)
      throw new SignInRejected({ reason: "the issuer gave no email address for this account" });
    const rawGroups = claims[this.settings.groupsClaim];
    const groupPaths = Array.isArray(rawGroups)
      ? rawGroups.filter((path): path is string => typeof path === "string")
      : [];
    const flags = roleFlagsFromGroupPaths(groupPaths, { isSuperuser: false, isStaff: false });
    const expiresIn = tokens.expiresIn();
    return {
      identity: {
        subject,
        username: email,
        email,
        preferredUsername: stringClaim(claims, "preferred_username"),
        firstName: stringClaim(claims, "given_name") ?? "",
        lastName: stringClaim(claims, "family_name") ?? "",
        groupPaths,
        groupNames: groupNamesFromPaths(groupPaths),
        isSuperuser: flags.isSuperuser,
        isStaff: flags.isStaff,
      },
      tokens: {
        idToken: tokens.id_token ?? null,
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token ?? null,
        expiresAt: expiresIn === undefined ? null : new Date(Date.now() + expiresIn * 1000),
      },
    };
  }
}
