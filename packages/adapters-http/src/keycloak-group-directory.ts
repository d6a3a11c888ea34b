import type { Clock, GroupDirectory, GroupMember, GroupMembership, GroupName } from "@ovs/domain";
import { DirectoryFailure, groupNamesFromPaths } from "@ovs/domain";
import { Duration, Effect, Redacted, Schema } from "effect";
import * as oidc from "openid-client";
import { request } from "undici";
import { describeOidcFailure } from "./oidc-failures.js";
import {
  AbsoluteUrl,
  describeTransportFailure,
  isTransientStatus,
  readTextUpTo,
  Secret,
  timeoutOr,
} from "./http-support.js";
import { TokenCache } from "./token-cache.js";

/** Settings of the Keycloak group directory; the root README lists the environment names the app reads. */
export const KeycloakGroupDirectorySettings = Schema.Struct({
  /** Keycloak's base URL, e.g. `https://sso.example.edu` (`KEYCLOAK_SERVER_URL`). */
  serverUrl: AbsoluteUrl,
  /** `KEYCLOAK_REALM`. */
  realm: Schema.String,
  /** The service-account client (`KEYCLOAK_SVC_ADMIN`); it needs `view-users`, `query-users`, `query-groups`. */
  clientId: Schema.String,
  /** `KEYCLOAK_SVC_ADMIN_PASSWORD`. */
  clientSecret: Secret,
  /** How long answers are reused; 30 s by default. Zero turns the cache off. */
  cacheTtl: Schema.optionalWith(Schema.DurationFromSelf, {
    exact: true,
    default: () => Duration.seconds(30),
  }),
  /** Per request; 10 s by default. */
  timeout: timeoutOr(Duration.seconds(10)),
  /** Allow an `http:` Keycloak (local development only). */
  allowInsecureRequests: Schema.optionalWith(Schema.Boolean, { exact: true, default: () => false }),
}).annotations({ identifier: "KeycloakGroupDirectorySettings" });

export type KeycloakGroupDirectorySettings = typeof KeycloakGroupDirectorySettings.Type;
/** The settings as the app gives them, defaults left out. */
export type KeycloakGroupDirectorySettingsInput = typeof KeycloakGroupDirectorySettings.Encoded;

/** Checks the settings and fills in the defaults; throws a `ParseError` naming every field that is wrong. */
export const makeKeycloakGroupDirectorySettings: (
  input: KeycloakGroupDirectorySettingsInput,
) => KeycloakGroupDirectorySettings = Schema.decodeSync(KeycloakGroupDirectorySettings, { errors: "all" });

/** Members are read in pages of this many. */
const MEMBERS_PAGE_SIZE = 100;
const MAX_CACHED_ENTRIES = 1000;

interface KeycloakGroup {
  readonly id: string;
  readonly name: string;
  readonly path?: string;
  readonly attributes?: Readonly<Record<string, ReadonlyArray<string>>>;
  readonly subGroups?: ReadonlyArray<KeycloakGroup>;
}

interface KeycloakUser {
  readonly id?: string;
  readonly username?: string;
  readonly email?: string;
}

/** The admin API answered something other than success. */
class AdminApiFailure extends Error {
  constructor(
    readonly transient: boolean,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * Upstream lists a group's members as mail recipients only when `attributes.mail_list[0]` is
 * `"true"` (docs/upstream.md §7); we also accept other spellings of true ("True").
 */
const isMailList = (group: KeycloakGroup): boolean =>
  group.attributes?.["mail_list"]?.[0]?.trim().toLowerCase() === "true";

/**
 * Groups whose leaf name is `name`, top-level first: an exact search answers with the matching
 * groups inside their ancestors' `subGroups`, and OVS knows groups by leaf name only.
 */
const groupsNamed = (name: string, groups: ReadonlyArray<KeycloakGroup>): ReadonlyArray<KeycloakGroup> => {
  const found: Array<KeycloakGroup> = [];
  let level: ReadonlyArray<KeycloakGroup> = groups;
  while (level.length > 0) {
    found.push(...level.filter((group) => group.name === name));
    level = level.flatMap((group) => group.subGroups ?? []);
  }
  return found;
};

/**
 * The Keycloak admin API as OVS's group directory (docs/upstream.md §8): a service-account
 * token by client credentials (shared and renewed before expiry), group existence by exact name
 * search, members and the `mail_list` attribute, a user's groups (by exact username; leaf names,
 * as the sign-in reads them from the token's group paths); a 401 renews the token and retries once; answers
 * are cached for `cacheTtl` so a burst of checks costs one lookup. When two groups share a leaf
 * name, the one nearest the top wins (upstream matches by leaf name too). 5xx, 408, 429,
 * timeouts and transport errors are transient; anything else (a missing role: 403) is not.
 */
export class KeycloakGroupDirectory implements GroupDirectory {
  private readonly tokens: TokenCache;
  private readonly oidcConfiguration: oidc.Configuration;
  private readonly adminUrl: string;
  private readonly timeoutMs: number;
  private readonly cacheTtlMs: number;
  private readonly cache = new Map<string, { readonly until: number; readonly value: Promise<unknown> }>();

  /** `clock` times the cache and the service-account token. */
  constructor(
    settings: KeycloakGroupDirectorySettings,
    private readonly clock: Clock,
  ) {
    const server = settings.serverUrl.replace(/\/+$/, "");
    const realm = encodeURIComponent(settings.realm);
    this.adminUrl = `${server}/admin/realms/${realm}`;
    this.timeoutMs = Duration.toMillis(settings.timeout);
    this.cacheTtlMs = Duration.toMillis(settings.cacheTtl);
    const issuer = `${server}/realms/${realm}`;
    this.oidcConfiguration = new oidc.Configuration(
      { issuer, token_endpoint: `${issuer}/protocol/openid-connect/token` },
      settings.clientId,
      undefined,
      oidc.ClientSecretBasic(Redacted.value(settings.clientSecret)),
    );
    this.oidcConfiguration.timeout = Math.ceil(Duration.toSeconds(settings.timeout));
    if (settings.allowInsecureRequests) oidc.allowInsecureRequests(this.oidcConfiguration);
    this.tokens = new TokenCache({
      issue: () => this.issueToken(),
      margin: Duration.seconds(30),
      defaultLifetimeSeconds: 60,
      clock,
    });
  }

  groupExists(name: GroupName): Effect.Effect<boolean, DirectoryFailure> {
    return this.run("groupExists", () =>
      this.cached(`group:${name}`, () => this.findGroup(name)).then((group) => group !== null),
    );
  }

  membersOf(name: GroupName): Effect.Effect<GroupMembership, DirectoryFailure> {
    return this.run("membersOf", () => this.cached(`members:${name}`, () => this.membership(name)));
  }

  groupsOf(username: string): Effect.Effect<ReadonlyArray<GroupName>, DirectoryFailure> {
    return this.run("groupsOf", () =>
      this.cached(`user-groups:${username}`, () => this.userGroups(username)),
    );
  }

  private run<A>(operation: string, work: () => Promise<A>): Effect.Effect<A, DirectoryFailure> {
    return Effect.tryPromise({
      try: work,
      catch: (error) =>
        error instanceof AdminApiFailure
          ? new DirectoryFailure({ operation, transient: error.transient, reason: error.reason })
          : new DirectoryFailure({
              operation,
              transient: true,
              reason: describeTransportFailure(error).reason,
            }),
    });
  }

  /** Shares one lookup per key among callers for `cacheTtl`; a failed lookup is not kept. */
  private cached<A>(key: string, lookup: () => Promise<A>): Promise<A> {
    const now = this.clock.now().getTime();
    const hit = this.cache.get(key);
    if (hit !== undefined && now < hit.until) return hit.value as Promise<A>;
    if (this.cache.size >= MAX_CACHED_ENTRIES) {
      for (const [entryKey, entry] of this.cache) if (entry.until <= now) this.cache.delete(entryKey);
      if (this.cache.size >= MAX_CACHED_ENTRIES) this.cache.delete(this.cache.keys().next().value ?? "");
    }
    const value = lookup();
    if (this.cacheTtlMs > 0) {
      const entry = { until: now + this.cacheTtlMs, value };
      this.cache.set(key, entry);
      value.catch(() => {
        if (this.cache.get(key) === entry) this.cache.delete(key);
      });
    }
    return value;
  }

  private async findGroup(name: string): Promise<KeycloakGroup | null> {
    const query = new URLSearchParams({ search: name, exact: "true", briefRepresentation: "false" });
    const groups = await this.adminGet<ReadonlyArray<KeycloakGroup>>(`/groups?${query.toString()}`);
    return groupsNamed(name, Array.isArray(groups) ? groups : [])[0] ?? null;
  }

  private async membership(name: string): Promise<GroupMembership> {
    const found = await this.cached(`group:${name}`, () => this.findGroup(name));
    if (found === null) return { members: [], isMailList: false };
    // A search may leave attributes out; the group itself always carries them.
    const group =
      (await this.adminGet<KeycloakGroup | null>(`/groups/${encodeURIComponent(found.id)}`, {
        missingIsNull: true,
      })) ?? found;
    const members: Array<GroupMember> = [];
    for (let first = 0; ; first += MEMBERS_PAGE_SIZE) {
      const query = new URLSearchParams({
        first: String(first),
        max: String(MEMBERS_PAGE_SIZE),
        briefRepresentation: "true",
      });
      const page = await this.adminGet<ReadonlyArray<KeycloakUser> | null>(
        `/groups/${encodeURIComponent(found.id)}/members?${query.toString()}`,
        { missingIsNull: true },
      );
      const users = Array.isArray(page) ? page : [];
      for (const user of users) {
        if (typeof user.username === "string")
          members.push({ username: user.username, email: user.email ?? "" });
      }
      if (users.length < MEMBERS_PAGE_SIZE) break;
    }
    return { members, isMailList: isMailList(group) };
  }

  private async userGroups(username: string): Promise<ReadonlyArray<GroupName>> {
    const query = new URLSearchParams({ username, exact: "true", briefRepresentation: "true" });
    const users = await this.adminGet<ReadonlyArray<KeycloakUser>>(`/users?${query.toString()}`);
    // Keycloak keeps usernames in lower case and matches `exact` without regard to case.
    const user = (Array.isArray(users) ? users : []).find(
      (candidate) =>
        typeof candidate.id === "string" && candidate.username?.toLowerCase() === username.toLowerCase(),
    );
    if (user?.id === undefined) return [];
    const paths: Array<string> = [];
    for (let first = 0; ; first += MEMBERS_PAGE_SIZE) {
      const page = new URLSearchParams({ first: String(first), max: String(MEMBERS_PAGE_SIZE) });
      const groups = await this.adminGet<ReadonlyArray<KeycloakGroup> | null>(
        `/users/${encodeURIComponent(user.id)}/groups?${page.toString()}`,
        { missingIsNull: true },
      );
      const found = Array.isArray(groups) ? groups : [];
      for (const group of found) paths.push(group.path ?? `/${group.name}`);
      if (found.length < MEMBERS_PAGE_SIZE) break;
    }
    return groupNamesFromPaths(paths);
  }

  /** GET on the admin API with the service account's token; a 401 renews it and retries once. */
  private async adminGet<A>(path: string, options: { readonly missingIsNull?: boolean } = {}): Promise<A> {
    let token = await this.token();
    let response = await this.send(path, token);
    if (response.statusCode === 401) {
      await readTextUpTo(response.body, 1024);
      token = await this.token(token);
      response = await this.send(path, token);
    }
    const { statusCode, body } = response;
    if (statusCode === 404 && options.missingIsNull === true) {
      await readTextUpTo(body, 1024);
      return null as A;
    }
    if (statusCode < 200 || statusCode > 299) {
      const text = (await readTextUpTo(body, 1024)).trim().slice(0, 300);
      const reason =
        statusCode === 401
          ? "Keycloak refused a freshly issued service-account token (401)"
          : statusCode === 403
            ? "the service account may not read groups (403); it needs the view-users, query-users and query-groups roles"
            : `the Keycloak admin API answered ${statusCode}${text === "" ? "" : `: ${text}`}`;
      throw new AdminApiFailure(isTransientStatus(statusCode), reason);
    }
    try {
      return JSON.parse(await readTextUpTo(body, 16 * 1024 * 1024)) as A;
    } catch {
      throw new AdminApiFailure(false, "the Keycloak admin API answered something that is not JSON");
    }
  }

  private async send(path: string, token: string) {
    try {
      return await request(`${this.adminUrl}${path}`, {
        method: "GET",
        headers: { authorization: `Bearer ${token}`, accept: "application/json" },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const { transient, reason } = describeTransportFailure(error);
      throw new AdminApiFailure(transient, `reaching the Keycloak admin API failed: ${reason}`);
    }
  }

  private async token(rejected?: string): Promise<string> {
    return rejected === undefined ? this.tokens.get() : this.tokens.replace(rejected);
  }

  private async issueToken(): Promise<{ token: string; expiresInSeconds: number | undefined }> {
    try {
      const response = await oidc.clientCredentialsGrant(this.oidcConfiguration);
      return { token: response.access_token, expiresInSeconds: response.expires_in };
    } catch (error) {
      const { transient, reason } = describeOidcFailure(error);
      throw new AdminApiFailure(transient, `getting a service-account token failed: ${reason}`);
    }
  }
}
