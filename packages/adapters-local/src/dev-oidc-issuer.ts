import { hkdfSync, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Account, ClientMetadata, Configuration, Interaction, KoaContextWithOIDC } from "oidc-provider";
import { hashDevPassword, verifyDevPassword } from "./dev-password-hash.js";
import { loginPage, logoutPage, messagePage, pageHeaders } from "./dev-oidc-pages.js";
import { devOidcMemoryAdapter } from "./dev-oidc-memory-adapter.js";
import { generateDevOidcSigningKey, loadOrCreateDevOidcSigningKeys } from "./dev-oidc-signing-keys.js";
import type { DevUser } from "./dev-users.js";
import { cachedDevUsersReader, devUserGroupPaths, devUserSubject } from "./dev-users.js";

/** A client of the dev issuer: the app itself. Every client is first-party, so none sees a consent page. */
export interface DevOidcClient {
  readonly client_id: string;
  /** Leave out for a public client. */
  readonly client_secret?: string | undefined;
  readonly redirect_uris: ReadonlyArray<string>;
  readonly post_logout_redirect_uris: ReadonlyArray<string>;
  /** `client_secret_basic` with a secret (as Keycloak's confidential clients), `none` without. */
  readonly token_endpoint_auth_method?: "client_secret_basic" | "client_secret_post" | "none" | undefined;
  /** Shown on the sign-in page. */
  readonly client_name?: string | undefined;
}

export interface DevOidcIssuerOptions {
  /**
   * The issuer identifier as the app reaches it, e.g. `http://127.0.0.1:3000/dev/oidc`. Its path
   * is the mount path: the issuer answers requests under it, and its discovery document
   * advertises endpoints under it (on the origin of each request).
   */
  readonly issuerUrl: string;
  /** `$OVS_DATA_DIR/users.json`; read again whenever it changes. */
  readonly usersFile: string;
  readonly clients: ReadonlyArray<DevOidcClient>;
  /**
   * Secrets the issuer's cookies are signed with, newest first (older ones still verify); the
   * app passes its secret key and fallbacks. Each is put through HKDF for this purpose first.
   */
  readonly cookieKeys: ReadonlyArray<string>;
  /**
   * Where the signing key is kept (`$OVS_DATA_DIR/dev-oidc-jwks.json`), so ID tokens from before
   * a restart still verify. Left out, a key is made for this instance only (tests).
   */
  readonly jwksFile?: string | undefined;
  /** The claim with the group paths; `user_groups` by default, as `KeycloakSignIn`'s `groupsClaim`. */
  readonly groupsClaim?: string | undefined;
  /** Trust `X-Forwarded-*` for the request's origin (behind a proxy); off by default. */
  readonly proxy?: boolean | undefined;
}

/** The part of a Koa context the mount uses; Koa's `app.use` takes the middleware as it is. */
export interface DevOidcMountContext {
  readonly path: string;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  respond?: boolean | undefined;
}

export interface DevOidcIssuer {
  /** The issuer identifier (no trailing slash): the `issuerUrl` of `KeycloakSignIn`. */
  readonly issuer: string;
  /** The path the issuer answers under, e.g. `/dev/oidc` (`""` for an issuer at the root). */
  readonly mountPath: string;
  /**
   * Koa middleware: answers every request under `mountPath` itself (Koa does not touch the
   * response) and passes every other request on. Use it before any body parser.
   */
  readonly middleware: (ctx: DevOidcMountContext, next: () => Promise<unknown>) => Promise<unknown>;
  /** The same for a plain node server: `req.url` must be under `mountPath` (else 404). */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

const DEFAULT_GROUPS_CLAIM = "user_groups";
const FORM_BODY_LIMIT = 16 * 1024;
const WRONG_CREDENTIALS = "Wrong email or password.";
const EXPIRED = [
  "This sign-in page has expired or was already used.",
  "Go back to the application and sign in again.",
];
const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]{1,128})(\/login)?$/;

const keysFor = (secrets: ReadonlyArray<string>): Array<string> =>
  secrets.map((secret) =>
    Buffer.from(hkdfSync("sha256", secret, "ovs/dev-oidc-issuer", "cookie signing", 32)).toString(
      "base64url",
    ),
  );

const clientMetadata = (client: DevOidcClient): ClientMetadata => ({
  client_id: client.client_id,
  ...(client.client_secret === undefined ? {} : { client_secret: client.client_secret }),
  ...(client.client_name === undefined ? {} : { client_name: client.client_name }),
  redirect_uris: [...client.redirect_uris],
  post_logout_redirect_uris: [...client.post_logout_redirect_uris],
  grant_types: ["authorization_code", "refresh_token"],
  response_types: ["code"],
  token_endpoint_auth_method:
    client.token_endpoint_auth_method ??
    (client.client_secret === undefined ? "none" : "client_secret_basic"),
});

const nameClaims = (name: string | null): Record<string, string> => {
  if (name === null) return {};
  const [given = "", ...family] = name.split(/\s+/);
  return {
    name,
    ...(given === "" ? {} : { given_name: given }),
    ...(family.length === 0 ? {} : { family_name: family.join(" ") }),
  };
};

const sendPage = (
  res: ServerResponse,
  status: number,
  html: string,
  extraHeaders: Readonly<Record<string, string>> = {},
): void => {
  res.statusCode = status;
  for (const [name, value] of Object.entries({ ...pageHeaders(), ...extraHeaders }))
    res.setHeader(name, value);
  res.end(html);
};

/** The urlencoded body of a form post, at most 16 KiB; `undefined` for anything else. */
const readForm = async (req: IncomingMessage): Promise<URLSearchParams | undefined> => {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return undefined;
  const chunks: Array<Buffer> = [];
  let size = 0;
  for await (const chunk of req) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += bytes.length;
    if (size > FORM_BODY_LIMIT) return undefined;
    chunks.push(bytes);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
};

/**
 * The embedded OIDC issuer of the local profile (docs/architecture.md §4), an oidc-provider
 * mounted under the path of `issuerUrl` (`/dev/oidc`). The app signs in through it with the same
 * `KeycloakSignIn` as with Keycloak:
 * - accounts from the users file (read again when it changes): `sub` a UUID derived from the
 *   email, `email`, `preferred_username`, `name`/`given_name`/`family_name`, and the groups
 *   claim with Keycloak-style paths (`/admin` for a superuser, `/staff` for staff, `/<group>`
 *   for each group), so `roleFlagsFromGroupPaths` gives the file's flags back; the claims are in
 *   the ID token too, as Keycloak's mappers put them;
 * - the sign-in page is a plain HTML form (`login`, `password`) posted to its `action`; a wrong
 *   email or password shows the form again with one message for both, after the same work;
 * - no consent page: every configured client is the app's own, and gets a grant of the scopes
 *   it asks for (`loadExistingGrant`);
 * - authorization code with PKCE (required, S256), refresh tokens, RP-initiated logout with
 *   `id_token_hint` (confirmed by the page itself, as Keycloak skips its confirmation) and the
 *   registered post-logout redirect.
 * Sessions, codes and tokens are kept in memory: a restart signs people out of the issuer (not
 * out of the app). Login CSRF: the form only works with the interaction's SameSite=Lax cookie,
 * which a cross-site post does not carry, and its URL holds the interaction's random id.
 */
export const makeDevOidcIssuer = async (options: DevOidcIssuerOptions): Promise<DevOidcIssuer> => {
  const issuerUrl = new URL(options.issuerUrl);
  if (issuerUrl.protocol !== "http:" && issuerUrl.protocol !== "https:")
    throw new Error(`issuerUrl: ${options.issuerUrl} must be an http or https URL`);
  if (issuerUrl.search !== "" || issuerUrl.hash !== "")
    throw new Error(`issuerUrl: ${options.issuerUrl} must have no query or fragment`);
  if (options.clients.length === 0) throw new Error("clients: the issuer needs at least one client");
  if (options.cookieKeys.length === 0 || options.cookieKeys.some((key) => key.length < 16))
    throw new Error("cookieKeys: give at least one secret of 16 characters or more");
  const mountPath = issuerUrl.pathname.replace(/\/+$/, "");
  const issuer = `${issuerUrl.origin}${mountPath}`;
  const groupsClaim = options.groupsClaim ?? DEFAULT_GROUPS_CLAIM;
  const readUsers = cachedDevUsersReader(options.usersFile);
  // Unknown emails are checked against this hash, so they take as long as a wrong password.
  const decoyHash = await hashDevPassword(randomBytes(16).toString("base64url"));
  const signingKeys =
    options.jwksFile === undefined
      ? [await generateDevOidcSigningKey()]
      : await loadOrCreateDevOidcSigningKeys(options.jwksFile);

  const accountOf = (user: DevUser): Account => {
    const accountId = devUserSubject(user.email);
    return {
      accountId,
      claims: () => ({
        sub: accountId,
        email: user.email,
        email_verified: true,
        preferred_username: user.username,
        ...nameClaims(user.name),
        [groupsClaim]: [...devUserGroupPaths(user)],
      }),
    };
  };

  const configuration: Configuration = {
    adapter: devOidcMemoryAdapter(),
    clients: options.clients.map(clientMetadata),
    jwks: { keys: signingKeys },
    claims: {
      openid: ["sub", groupsClaim],
      email: ["email", "email_verified"],
      profile: ["name", "given_name", "family_name", "preferred_username"],
    },
    // As Keycloak's mappers: the claims of the granted scopes go into the ID token too.
    conformIdTokenClaims: false,
    findAccount: async (_ctx, sub) => {
      const { users } = await readUsers();
      const user = users.find((candidate) => devUserSubject(candidate.email) === sub);
      return user === undefined ? undefined : accountOf(user);
    },
    interactions: { url: (_ctx, interaction) => `${mountPath}/interaction/${interaction.uid}` },
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session } = ctx.oidc;
      const accountId = session?.accountId;
      if (client === undefined || session === undefined || accountId === undefined) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const existing = grantId === undefined ? undefined : await ctx.oidc.provider.Grant.find(grantId);
      const grant =
        existing !== undefined && existing.accountId === accountId && existing.clientId === client.clientId
          ? existing
          : new ctx.oidc.provider.Grant({ accountId, clientId: client.clientId });
      grant.addOIDCScope([...ctx.oidc.requestParamScopes]);
      if (ctx.oidc.requestParamClaims.size > 0) grant.addOIDCClaims([...ctx.oidc.requestParamClaims]);
      await grant.save();
      return grant;
    },
    cookies: {
      keys: keysFor(options.cookieKeys),
      names: {
        session: "ovs_dev_oidc_session",
        interaction: "ovs_dev_oidc_interaction",
        resume: "ovs_dev_oidc_resume",
      },
      long: { httpOnly: true, sameSite: "lax", path: mountPath === "" ? "/" : mountPath },
      short: { httpOnly: true, sameSite: "lax" },
    },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      Grant: 14 * 24 * 3600,
      IdToken: 3600,
      Interaction: 30 * 60,
      RefreshToken: 14 * 24 * 3600,
      Session: 14 * 24 * 3600,
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          const nonce =
            typeof ctx.oidc.params?.["id_token_hint"] === "string"
              ? randomBytes(16).toString("base64")
              : undefined;
          ctx.set(pageHeaders(nonce));
          ctx.body = logoutPage(form, nonce);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.set(pageHeaders());
          ctx.body = messagePage("Signed out", ["You are signed out of the local development sign-in."]);
        },
      },
    },
    pkce: { required: () => true },
    // Keycloak hands out refresh tokens without an offline_access scope; so does this issuer.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    renderError: (ctx, out) => {
      ctx.set(pageHeaders());
      ctx.body = messagePage("Sign-in error", [
        `${out.error}${out.error_description === undefined ? "" : `: ${out.error_description}`}`,
        "Go back to the application and sign in again.",
      ]);
    },
    clientBasedCORS: () => false,
  };

  // Loaded here, not with the package: only the local profile pays for it (and, on Node 20, sees
  // its "unsupported runtime" warning).
  const { default: Provider } = await import("oidc-provider");
  const provider = new Provider(issuer, configuration);
  provider.proxy = options.proxy === true;
  const providerCallback = provider.callback();

  const showLogin = async (
    res: ServerResponse,
    interaction: Interaction,
    login: string,
    status = 200,
    error?: string,
  ): Promise<void> => {
    const clientId =
      typeof interaction.params["client_id"] === "string" ? interaction.params["client_id"] : "";
    const client = await provider.Client.find(clientId);
    sendPage(
      res,
      status,
      loginPage({
        action: `${mountPath}/interaction/${interaction.uid}/login`,
        login,
        error,
        clientName: client?.clientName,
      }),
    );
  };

  /** `GET /interaction/:uid` shows the form; `POST /interaction/:uid/login` checks it. */
  const interact = async (req: IncomingMessage, res: ServerResponse, uid: string, submitted: boolean) => {
    if (req.method !== (submitted ? "POST" : "GET")) {
      res.setHeader("Allow", submitted ? "POST" : "GET");
      return sendPage(
        res,
        405,
        messagePage("Method not allowed", [`Use ${submitted ? "POST" : "GET"} here.`]),
      );
    }
    const interaction = await provider.interactionDetails(req, res).catch(() => undefined);
    if (interaction === undefined || interaction.uid !== uid)
      return sendPage(res, 400, messagePage("Sign-in expired", EXPIRED));
    if (interaction.prompt.name !== "login")
      return sendPage(
        res,
        500,
        messagePage("Sign-in error", [
          `The issuer asked for an unexpected step (${interaction.prompt.name}).`,
        ]),
      );
    if (!submitted) {
      const hint = interaction.params["login_hint"];
      return showLogin(res, interaction, typeof hint === "string" ? hint : "");
    }
    const form = await readForm(req);
    if (form === undefined)
      return sendPage(res, 400, messagePage("Sign-in error", ["Post the sign-in form (at most 16 KiB)."]));
    const login = form.get("login") ?? "";
    const password = form.get("password") ?? "";
    let user: DevUser | undefined;
    try {
      const email = login.trim().toLowerCase();
      user = (await readUsers()).users.find((candidate) => candidate.email === email);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return showLogin(res, interaction, login, 500, `The users file cannot be read: ${reason}`);
    }
    const matches = await verifyDevPassword(password, user?.passwordHash ?? decoyHash);
    if (user === undefined || !matches) return showLogin(res, interaction, login, 200, WRONG_CREDENTIALS);
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: devUserSubject(user.email) } },
      { mergeWithLastSubmission: false },
    );
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const original = req.url ?? "/";
    const underMount =
      original.startsWith(mountPath) && ["", "/", "?"].includes(original.charAt(mountPath.length));
    if (!underMount) return sendPage(res, 404, messagePage("Not found", ["Nothing here."]));
    const rest = original.slice(mountPath.length);
    const local = rest === "" || rest.startsWith("?") ? `/${rest}` : rest;
    // oidc-provider finds its mount path as `originalUrl` minus `url` (as Express sets them).
    const request = req as IncomingMessage & { originalUrl?: string };
    const previousOriginal = request.originalUrl;
    request.originalUrl = original;
    req.url = local;
    try {
      const interaction = INTERACTION_PATH.exec(new URL(local, "http://issuer.invalid").pathname);
      if (interaction === null) await providerCallback(req, res);
      else await interact(req, res, interaction[1] ?? "", interaction[2] !== undefined);
    } catch (error) {
      if (!res.headersSent) {
        const reason = error instanceof Error ? error.message : String(error);
        sendPage(res, 500, messagePage("Sign-in error", [`The dev issuer failed: ${reason}`]));
      } else res.destroy();
    } finally {
      req.url = original;
      if (previousOriginal === undefined) delete request.originalUrl;
      else request.originalUrl = previousOriginal;
    }
  };

  return {
    issuer,
    mountPath,
    middleware: async (ctx, next) => {
      const path = ctx.path;
      if (path !== mountPath && !path.startsWith(`${mountPath}/`)) return next();
      ctx.respond = false;
      await handle(ctx.req, ctx.res);
    },
    handle,
  };
};
