import { randomBytes, randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { readRequestText, sendJson, startLoopbackServer, type LoopbackServer } from "./loopback-server.js";

interface StoredGroup {
  readonly id: string;
  readonly name: string;
  readonly path: string;
  readonly parentId: string | null;
  attributes: Record<string, Array<string>>;
  readonly memberIds: Array<string>;
}

interface StoredUser {
  readonly id: string;
  readonly username: string;
  readonly email: string;
}

export const REALM = "ovs-test";

export const SERVICE_CLIENT_ID = "odl-video-app";
export const SERVICE_CLIENT_SECRET = "fake-service-secret";

/** Basic credentials as RFC 6749 §2.3.1 sends them: each part form-urlencoded, then base64. */
const hasClientCredentials = (authorization: string | undefined): boolean => {
  if (authorization?.startsWith("Basic ") !== true) return false;
  const decoded = Buffer.from(authorization.slice("Basic ".length), "base64").toString("utf8");
  const separator = decoded.indexOf(":");
  const formDecode = (part: string): string => decodeURIComponent(part.replace(/\+/g, " "));
  return (
    separator > 0 &&
    formDecode(decoded.slice(0, separator)) === SERVICE_CLIENT_ID &&
    formDecode(decoded.slice(separator + 1)) === SERVICE_CLIENT_SECRET
  );
};

/**
 * A local server speaking the parts of Keycloak the group directory uses: the realm's token
 * endpoint (client credentials, Basic) and the admin API's group search (`search` + `exact`,
 * matches returned inside their ancestors' `subGroups`), group by id, paged members, user search
 * (`username` + `exact`) and a user's paged groups (with their paths).
 */
export class FakeKeycloakAdmin {
  tokenRequests = 0;
  readonly adminRequests: Array<string> = [];
  tokenLifetimeSeconds = 300;
  /** Statuses the admin API answers with, one per request, before answering normally. */
  readonly scriptedStatuses: Array<number> = [];
  private readonly groups = new Map<string, StoredGroup>();
  private readonly users = new Map<string, StoredUser>();
  private readonly validTokens = new Set<string>();

  private constructor(readonly server: LoopbackServer) {}

  static async start(): Promise<FakeKeycloakAdmin> {
    const started: { fake?: FakeKeycloakAdmin } = {};
    const server = await startLoopbackServer(async (request, response) => {
      const fake = started.fake;
      if (fake === undefined) throw new Error("not started");
      const url = new URL(request.url ?? "/", "http://keycloak");
      if (request.method === "POST" && url.pathname === `/realms/${REALM}/protocol/openid-connect/token`) {
        fake.token(await readRequestText(request), request.headers.authorization, response);
      } else if (request.method === "GET" && url.pathname.startsWith(`/admin/realms/${REALM}/`)) {
        fake.admin(url, request.headers.authorization, response);
      } else {
        sendJson(response, 404, { error: "not found" });
      }
    });
    const fake = new FakeKeycloakAdmin(server);
    started.fake = fake;
    return fake;
  }

  get serverUrl(): string {
    return this.server.url;
  }

  /** Creates a group (under `parentPath` when given) with these members and attributes. */
  addGroup(
    name: string,
    options: {
      readonly members?: ReadonlyArray<{ readonly username: string; readonly email: string }>;
      readonly attributes?: Record<string, Array<string>>;
      readonly parentPath?: string;
    } = {},
  ): string {
    const parent =
      options.parentPath === undefined
        ? undefined
        : [...this.groups.values()].find((group) => group.path === options.parentPath);
    if (options.parentPath !== undefined && parent === undefined)
      throw new Error(`no group ${options.parentPath}`);
    const id = randomUUID();
    const memberIds = (options.members ?? []).map((member) => {
      const existing = [...this.users.values()].find((user) => user.username === member.username);
      if (existing !== undefined) return existing.id;
      const user = { id: randomUUID(), username: member.username, email: member.email };
      this.users.set(user.id, user);
      return user.id;
    });
    this.groups.set(id, {
      id,
      name,
      path: `${parent?.path ?? ""}/${name}`,
      parentId: parent?.id ?? null,
      attributes: options.attributes ?? {},
      memberIds,
    });
    return id;
  }

  /** Every token handed out so far stops working (the admin API then answers 401). */
  expireTokens(): void {
    this.validTokens.clear();
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private token(form: string, authorization: string | undefined, response: ServerResponse): void {
    this.tokenRequests += 1;
    if (!hasClientCredentials(authorization)) {
      sendJson(response, 401, {
        error: "unauthorized_client",
        error_description: "Invalid client or Invalid client credentials",
      });
      return;
    }
    if (new URLSearchParams(form).get("grant_type") !== "client_credentials") {
      sendJson(response, 400, { error: "unsupported_grant_type" });
      return;
    }
    const token = `kc-${randomBytes(8).toString("hex")}`;
    this.validTokens.add(token);
    sendJson(response, 200, {
      access_token: token,
      expires_in: this.tokenLifetimeSeconds,
      token_type: "Bearer",
      "not-before-policy": 0,
      scope: "profile email",
    });
  }

  private admin(url: URL, authorization: string | undefined, response: ServerResponse): void {
    this.adminRequests.push(`${url.pathname}${url.search}`);
    const scripted = this.scriptedStatuses.shift();
    if (scripted !== undefined) {
      sendJson(response, scripted, { error: `scripted ${scripted}` });
      return;
    }
    const token = authorization?.startsWith("Bearer ") ? authorization.slice("Bearer ".length) : "";
    if (!this.validTokens.has(token)) {
      sendJson(response, 401, { error: "HTTP 401 Unauthorized" });
      return;
    }
    const path = url.pathname.slice(`/admin/realms/${REALM}`.length);
    if (path === "/groups") {
      const search = url.searchParams.get("search") ?? "";
      const exact = url.searchParams.get("exact") === "true";
      const matches = (group: StoredGroup): boolean =>
        exact ? group.name === search : group.name.toLowerCase().includes(search.toLowerCase());
      sendJson(response, 200, this.searchTree(null, matches));
      return;
    }
    const byId = /^\/groups\/([^/]+)$/.exec(path);
    if (byId !== null) {
      const group = this.groups.get(decodeURIComponent(byId[1] ?? ""));
      if (group === undefined) sendJson(response, 404, { error: "Could not find group by id" });
      else sendJson(response, 200, this.representation(group, []));
      return;
    }
    const members = /^\/groups\/([^/]+)\/members$/.exec(path);
    if (members !== null) {
      const group = this.groups.get(decodeURIComponent(members[1] ?? ""));
      if (group === undefined) {
        sendJson(response, 404, { error: "Could not find group by id" });
        return;
      }
      const first = Number(url.searchParams.get("first") ?? "0");
      const max = Number(url.searchParams.get("max") ?? "100");
      const page = group.memberIds.slice(first, first + max).map((id) => {
        const user = this.users.get(id);
        return { id, username: user?.username, email: user?.email, enabled: true };
      });
      sendJson(response, 200, page);
      return;
    }
    if (path === "/users") {
      const username = (url.searchParams.get("username") ?? "").toLowerCase();
      const exact = url.searchParams.get("exact") === "true";
      const found = [...this.users.values()].filter((user) =>
        exact ? user.username.toLowerCase() === username : user.username.toLowerCase().includes(username),
      );
      sendJson(
        response,
        200,
        found.map((user) => ({ id: user.id, username: user.username, email: user.email, enabled: true })),
      );
      return;
    }
    const userGroups = /^\/users\/([^/]+)\/groups$/.exec(path);
    if (userGroups !== null) {
      const userId = decodeURIComponent(userGroups[1] ?? "");
      if (!this.users.has(userId)) {
        sendJson(response, 404, { error: "User not found" });
        return;
      }
      const first = Number(url.searchParams.get("first") ?? "0");
      const max = Number(url.searchParams.get("max") ?? "100");
      const page = [...this.groups.values()]
        .filter((group) => group.memberIds.includes(userId))
        .slice(first, first + max)
        .map((group) => ({ id: group.id, name: group.name, path: group.path }));
      sendJson(response, 200, page);
      return;
    }
    sendJson(response, 404, { error: "not found" });
  }

  /** Groups under `parentId` that match or have a matching descendant, as Keycloak's search answers. */
  private searchTree(
    parentId: string | null,
    matches: (group: StoredGroup) => boolean,
  ): ReadonlyArray<unknown> {
    return [...this.groups.values()]
      .filter((group) => group.parentId === parentId)
      .flatMap((group) => {
        const subGroups = this.searchTree(group.id, matches);
        return matches(group) || subGroups.length > 0 ? [this.representation(group, subGroups)] : [];
      });
  }

  private representation(group: StoredGroup, subGroups: ReadonlyArray<unknown>): unknown {
    return { id: group.id, name: group.name, path: group.path, attributes: group.attributes, subGroups };
  }
}
