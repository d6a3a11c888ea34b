import { Effect, Redacted } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failureOf } from "@ovs/domain/testing";
import {
  KeycloakSignIn,
  makeKeycloakSignInSettings,
  type KeycloakSignInSettingsInput,
  type PendingSignIn,
} from "../src/keycloak-sign-in.js";
import {
  CLIENTS,
  signInThroughIssuer,
  startOidcTestIssuer,
  type OidcTestIssuer,
} from "./support/oidc-test-issuer.js";

const signInFor = (
  issuer: OidcTestIssuer,
  overrides: Partial<KeycloakSignInSettingsInput> = {},
): KeycloakSignIn =>
  new KeycloakSignIn(
    makeKeycloakSignInSettings({
      issuerUrl: issuer.issuer,
      clientId: CLIENTS.basic.id,
      clientSecret: Redacted.make(CLIENTS.basic.secret),
      clientAuthentication: "client_secret_basic",
      redirectUri: issuer.redirectUri,
      postLogoutRedirectUri: issuer.postLogoutRedirectUri,
      allowInsecureRequests: true,
      ...overrides,
    }),
  );

/** Start, sign in as `login` at the issuer, and return the callback URL with what the session kept. */
const throughIssuer = async (
  signIn: KeycloakSignIn,
  issuer: OidcTestIssuer,
  login: string,
): Promise<{
  readonly callback: string;
  readonly pending: PendingSignIn;
  readonly authorizationUrl: string;
}> => {
  const { authorizationUrl, pending } = await Effect.runPromise(signIn.start());
  const callback = await signInThroughIssuer(authorizationUrl, login, issuer.redirectUri);
  return { callback, pending, authorizationUrl };
};

describe("KeycloakSignIn against a real OIDC issuer (claims from userinfo)", () => {
  let issuer: OidcTestIssuer;
  let signIn: KeycloakSignIn;

  beforeAll(async () => {
    issuer = await startOidcTestIssuer();
    signIn = signInFor(issuer);
  });

  afterAll(async () => {
    await issuer.close();
  });

  it("sends the browser to the issuer with PKCE (S256), state, nonce and the configured scope", async () => {
    const { authorizationUrl, pending } = await Effect.runPromise(signIn.start());
    const url = new URL(authorizationUrl);
    expect(url.origin).toBe(issuer.issuer);
    const parameters = Object.fromEntries(url.searchParams);
    expect(parameters).toMatchObject({
      response_type: "code",
      client_id: CLIENTS.basic.id,
      redirect_uri: issuer.redirectUri,
      scope: "openid profile email",
      state: pending.state,
      nonce: pending.nonce,
      code_challenge_method: "S256",
    });
    expect(parameters["code_challenge"]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(parameters["code_challenge"]).not.toBe(pending.codeVerifier);
    const again = await Effect.runPromise(signIn.start());
    expect(again.pending.state).not.toBe(pending.state);
    expect(again.pending.nonce).not.toBe(pending.nonce);
  });

  it("completes the code flow and maps an admin's claims to the principal", async () => {
    const { callback, pending } = await throughIssuer(signIn, issuer, "admin");
    const before = issuer.userInfoRequests();
    const signedIn = await Effect.runPromise(signIn.complete(callback, pending));
    expect(signedIn.identity).toEqual({
      subject: "admin",
      username: "admin@ovs.local",
      email: "admin@ovs.local",
      preferredUsername: "admin",
      firstName: "Ada",
      lastName: "Admin",
      groupPaths: ["/Admin"],
      groupNames: ["Admin"],
      isSuperuser: true,
      isStaff: true,
    });
    expect(issuer.userInfoRequests()).toBe(before + 1);
    expect(signedIn.tokens.idToken).toMatch(/^ey/);
    expect(signedIn.tokens.refreshToken).not.toBeNull();
    expect(signedIn.tokens.expiresAt?.getTime()).toBeGreaterThan(Date.now());
  });

  it("maps staff, nested groups by their leaf and plain users", async () => {
    const staff = await throughIssuer(signIn, issuer, "staff");
    expect((await Effect.runPromise(signIn.complete(staff.callback, staff.pending))).identity).toMatchObject({
      groupNames: ["Staff", "physics-admins"],
      isSuperuser: false,
      isStaff: true,
    });
    const user = await throughIssuer(signIn, issuer, "user");
    expect((await Effect.runPromise(signIn.complete(user.callback, user.pending))).identity).toMatchObject({
      email: "user@ovs.local",
      groupNames: ["Regular"],
      isSuperuser: false,
      isStaff: false,
    });
  });

  it("accepts the callback as a full URL on another host, a query string or parsed parameters", async () => {
    const first = await throughIssuer(signIn, issuer, "user");
    const behindProxy = new URL(first.callback);
    behindProxy.host = "internal-host:8080";
    expect(await Effect.runPromise(signIn.complete(behindProxy.href, first.pending))).toMatchObject({
      identity: { subject: "user" },
    });
    const second = await throughIssuer(signIn, issuer, "user");
    expect(
      await Effect.runPromise(signIn.complete(new URL(second.callback).search, second.pending)),
    ).toMatchObject({
      identity: { subject: "user" },
    });
  });

  it("rejects a tampered state", async () => {
    const { callback, pending } = await throughIssuer(signIn, issuer, "user");
    const tampered = new URL(callback);
    tampered.searchParams.set("state", `${pending.state}x`);
    expect(await failureOf(signIn.complete(tampered, pending))).toMatchObject({ _tag: "SignInRejected" });
    // Nor does the genuine callback pass with a session that expected another state.
    const failure = await failureOf(signIn.complete(callback, { ...pending, state: "another-state" }));
    expect(failure).toMatchObject({ _tag: "SignInRejected" });
  });

  it("rejects a replayed code", async () => {
    const { callback, pending } = await throughIssuer(signIn, issuer, "user");
    await Effect.runPromise(signIn.complete(callback, pending));
    const replay = await failureOf(signIn.complete(callback, pending));
    expect(replay).toMatchObject({ _tag: "SignInRejected" });
    expect(replay.reason).toContain("invalid_grant");
  });

  it("rejects an ID token whose nonce is not the one the session kept", async () => {
    const other = await Effect.runPromise(signIn.start());
    const { callback, pending } = await throughIssuer(signIn, issuer, "user");
    const failure = await failureOf(signIn.complete(callback, { ...pending, nonce: other.pending.nonce }));
    expect(failure).toMatchObject({ _tag: "SignInRejected" });
    expect(failure.reason).toContain("nonce");
  });

  it("rejects a wrong PKCE verifier", async () => {
    const other = await Effect.runPromise(signIn.start());
    const { callback, pending } = await throughIssuer(signIn, issuer, "user");
    const failure = await failureOf(
      signIn.complete(callback, { ...pending, codeVerifier: other.pending.codeVerifier }),
    );
    expect(failure).toMatchObject({ _tag: "SignInRejected" });
    expect(failure.reason).toContain("invalid_grant");
  });

  it("rejects an error the issuer sent back instead of a code", async () => {
    const { pending } = await Effect.runPromise(signIn.start());
    const failure = await failureOf(
      signIn.complete(
        `?error=access_denied&error_description=nope&state=${pending.state}&iss=${encodeURIComponent(issuer.issuer)}`,
        pending,
      ),
    );
    expect(failure).toMatchObject({ _tag: "SignInRejected" });
    expect(failure.reason).toContain("access_denied");
  });

  it("rejects an account without an email address", async () => {
    const { callback, pending } = await throughIssuer(signIn, issuer, "noemail");
    expect(await failureOf(signIn.complete(callback, pending))).toMatchObject({
      _tag: "SignInRejected",
      reason: "the issuer gave no email address for this account",
    });
  });

  it("refreshes tokens and reports the identity again", async () => {
    const { callback, pending } = await throughIssuer(signIn, issuer, "staff");
    const signedIn = await Effect.runPromise(signIn.complete(callback, pending));
    const refreshed = await Effect.runPromise(signIn.refresh(signedIn.tokens.refreshToken ?? ""));
    expect(refreshed.identity).toEqual(signedIn.identity);
    expect(refreshed.tokens.accessToken).not.toBe(signedIn.tokens.accessToken);
    expect(await failureOf(signIn.refresh("not-a-refresh-token"))).toMatchObject({ _tag: "SignInRejected" });
  });

  it("builds the logout URL with id_token_hint, client_id and the post-logout redirect", async () => {
    const { callback, pending } = await throughIssuer(signIn, issuer, "user");
    const { tokens } = await Effect.runPromise(signIn.complete(callback, pending));
    const logout = new URL(await Effect.runPromise(signIn.logoutUrl(tokens.idToken)));
    expect(logout.origin).toBe(issuer.issuer);
    expect(Object.fromEntries(logout.searchParams)).toEqual({
      id_token_hint: tokens.idToken,
      post_logout_redirect_uri: issuer.postLogoutRedirectUri,
      client_id: CLIENTS.basic.id,
    });
    // The issuer accepts it: it answers with its logout page rather than an error.
    const response = await fetch(logout, { redirect: "manual" });
    expect(response.status).toBe(200);
    expect(await response.text()).not.toMatch(/error/i);
  });

  it("authenticates with Basic by default and with client_secret_post when configured so", async () => {
    const basic = await throughIssuer(signIn, issuer, "user");
    let before = issuer.tokenRequestAuthentications().length;
    await Effect.runPromise(signIn.complete(basic.callback, basic.pending));
    expect(issuer.tokenRequestAuthentications().slice(before)).toEqual(["basic"]);

    const postClient = signInFor(issuer, {
      clientId: CLIENTS.post.id,
      clientSecret: Redacted.make(CLIENTS.post.secret),
      clientAuthentication: "client_secret_post",
    });
    const { callback, pending } = await throughIssuer(postClient, issuer, "user");
    before = issuer.tokenRequestAuthentications().length;
    expect(await Effect.runPromise(postClient.complete(callback, pending))).toMatchObject({
      identity: { subject: "user" },
    });
    expect(issuer.tokenRequestAuthentications().slice(before)).toEqual(["form"]);
  });

  it("is rejected with a wrong client secret, without repeating it", async () => {
    const wrongSecret = signInFor(issuer, { clientSecret: Redacted.make("wrong-client-secret-value") });
    const attempt = await throughIssuer(wrongSecret, issuer, "user");
    const failure = await failureOf(wrongSecret.complete(attempt.callback, attempt.pending));
    expect(failure).toMatchObject({ _tag: "SignInRejected" });
    expect(failure.reason).toContain("invalid_client");
    expect(failure.reason).not.toContain("wrong-client-secret-value");
  });

  it("reports an unreachable issuer as unavailable", async () => {
    const down = signInFor(issuer, { issuerUrl: "http://127.0.0.1:9" });
    expect(await failureOf(down.start())).toMatchObject({ _tag: "SignInUnavailable" });
  });
});

describe("KeycloakSignIn against an issuer that puts claims in the ID token, as Keycloak does", () => {
  let issuer: OidcTestIssuer;

  beforeAll(async () => {
    issuer = await startOidcTestIssuer({ claimsInIdToken: true });
  });

  afterAll(async () => {
    await issuer.close();
  });

  it("reads email and groups from the ID token without calling userinfo", async () => {
    const signIn = signInFor(issuer);
    const { callback, pending } = await throughIssuer(signIn, issuer, "admin");
    const before = issuer.userInfoRequests();
    const signedIn = await Effect.runPromise(signIn.complete(callback, pending));
    expect(signedIn.identity).toMatchObject({
      email: "admin@ovs.local",
      groupNames: ["Admin"],
      isSuperuser: true,
    });
    expect(issuer.userInfoRequests()).toBe(before);
  });
});
