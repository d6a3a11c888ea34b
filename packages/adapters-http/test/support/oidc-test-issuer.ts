import type { IncomingMessage, ServerResponse } from "node:http";
import Provider, { type ClientMetadata, type Configuration } from "oidc-provider";
import { startLoopbackServer, type LoopbackServer } from "./loopback-server.js";

export interface IssuerUser {
  readonly email: string;
  readonly givenName: string;
  readonly familyName: string;
  /** Full group paths, as Keycloak's group-membership mapper emits them. */
  readonly groups: ReadonlyArray<string>;
}

export const TEST_USERS: Readonly<Record<string, IssuerUser>> = {
  admin: { email: "admin@ovs.local", givenName: "Ada", familyName: "Admin", groups: ["/Admin"] },
  staff: {
    email: "staff@ovs.local",
    givenName: "Sam",
    familyName: "Staff",
    groups: ["/Staff", "/Faculty/physics-admins"],
  },
  user: { email: "user@ovs.local", givenName: "Uma", familyName: "User", groups: ["/Regular"] },
  noemail: { email: "", givenName: "No", familyName: "Mail", groups: [] },
};

export const CLIENTS = {
  basic: { id: "ovs-basic", secret: "ovs-basic-secret-value" },
  post: { id: "ovs-post", secret: "ovs-post-secret-value" },
} as const;

export interface OidcTestIssuer {
  readonly issuer: string;
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
  /** Requests to the userinfo endpoint so far. */
  readonly userInfoRequests: () => number;
  /** How each token request authenticated the client: Basic header, or the secret in the form. */
  readonly tokenRequestAuthentications: () => ReadonlyArray<"basic" | "form">;
  readonly close: () => Promise<void>;
}

/**
 * A real OIDC issuer (oidc-provider) on loopback, with two confidential clients (Basic and
 * form-post authentication) and users whose groups travel in a `user_groups` claim. With
 * `claimsInIdToken`, the claims also go into the ID token, as Keycloak's mappers do; otherwise
 * only userinfo has them (oidc-provider's default).
 */
export const startOidcTestIssuer = async (
  options: { readonly claimsInIdToken?: boolean } = {},
): Promise<OidcTestIssuer> => {
  const route: { handle?: (request: IncomingMessage, response: ServerResponse) => void } = {};
  let userInfoRequests = 0;
  const tokenRequestAuthentications: Array<"basic" | "form"> = [];
  const server: LoopbackServer = await startLoopbackServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://issuer").pathname;
    if (path === "/me") userInfoRequests += 1;
    if (path === "/token")
      tokenRequestAuthentications.push(
        request.headers.authorization?.startsWith("Basic ") === true ? "basic" : "form",
      );
    route.handle?.(request, response);
  });
  const issuer = server.url;
  const redirectUri = "http://ovs.test/auth/complete/keycloak/";
  const postLogoutRedirectUri = "http://ovs.test/";
  const client = (
    id: string,
    secret: string,
    method: "client_secret_basic" | "client_secret_post",
  ): ClientMetadata => ({
    client_id: id,
    client_secret: secret,
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [postLogoutRedirectUri],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: method,
  });
  const configuration: Configuration = {
    clients: [
      client(CLIENTS.basic.id, CLIENTS.basic.secret, "client_secret_basic"),
      client(CLIENTS.post.id, CLIENTS.post.secret, "client_secret_post"),
    ],
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name", "given_name", "family_name", "preferred_username", "user_groups"],
    },
    conformIdTokenClaims: options.claimsInIdToken !== true,
    findAccount: (_context, id) => {
      const user = TEST_USERS[id];
      if (user === undefined) return undefined;
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          ...(user.email === "" ? {} : { email: user.email, email_verified: true }),
          name: `${user.givenName} ${user.familyName}`,
          given_name: user.givenName,
          family_name: user.familyName,
          preferred_username: id,
          user_groups: [...user.groups],
        }),
      };
    },
    cookies: { keys: ["oidc-test-issuer-cookie-key"] },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: 600,
      Interaction: 600,
      RefreshToken: 3600,
      Session: 3600,
    },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    pkce: { required: () => true },
    // Keycloak hands out refresh tokens without an offline_access scope; so does this issuer.
    issueRefreshToken: async (_context, client) => client.grantTypeAllowed("refresh_token"),
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();
  route.handle = (request, response) => {
    void callback(request, response);
  };
  return {
    issuer,
    redirectUri,
    postLogoutRedirectUri,
    userInfoRequests: () => userInfoRequests,
    tokenRequestAuthentications: () => [...tokenRequestAuthentications],
    close: () => server.close(),
  };
};

/**
 * A browser as far as the sign-in needs one: follows redirects by hand, keeps the issuer's
 * cookies, and answers the issuer's login and consent pages (devInteractions) by posting their
 * forms. Returns the URL the issuer finally sent the browser to (the callback with the code).
 */
export const signInThroughIssuer = async (
  authorizationUrl: string,
  login: string,
  redirectUri: string,
): Promise<string> => {
  const cookies = new Map<string, string>();
  const send = async (
    url: string,
    init: { method?: string; body?: URLSearchParams } = {},
  ): Promise<Response> => {
    const response = await fetch(url, {
      method: init.method ?? "GET",
      redirect: "manual",
      headers: {
        cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join("; "),
        ...(init.body === undefined ? {} : { "content-type": "application/x-www-form-urlencoded" }),
      },
      ...(init.body === undefined ? {} : { body: init.body.toString() }),
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ""] = header.split(";");
      const separator = pair.indexOf("=");
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(header) || value === "") cookies.delete(name);
      else cookies.set(name, value);
    }
    return response;
  };

  let url = authorizationUrl;
  let response = await send(url);
  for (let step = 0; step < 20; step += 1) {
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location !== null) {
      url = new URL(location, url).href;
      if (url.startsWith(redirectUri)) return url;
      response = await send(url);
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    if (response.status !== 200 || action === undefined || prompt === undefined) {
      throw new Error(`unexpected page from the issuer (${response.status}): ${html.slice(0, 300)}`);
    }
    const form = new URLSearchParams({ prompt });
    if (prompt === "login") {
      form.set("login", login);
      form.set("password", "any password");
    }
    url = new URL(action.replace(/&amp;/g, "&"), url).href;
    response = await send(url, { method: "POST", body: form });
  }
  throw new Error("the sign-in did not come back to the redirect URI");
};
