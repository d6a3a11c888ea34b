import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { CLI_TOKEN_FILE } from "./operator-token.js";

/**
 * A failure the CLI reports as one line on stderr and an exit code, never a stack trace: the
 * operator needs to know what to fix, not where in the CLI it was noticed.
 */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliFailure";
  }
}

/** A request the service did not answer in time is reported rather than waited on forever. */
const REQUEST_TIMEOUT_MS = 30_000;

/** A service that keeps answering `next` would otherwise keep the CLI paging forever. */
const MAX_PAGES = 10_000;

type Env = Readonly<Record<string, string | undefined>>;

const isSet = (value: string | undefined): value is string => value !== undefined && value.trim() !== "";

/**
 * Where the service answers: `OVS_URL`, else the loopback port `ovs serve` listens on by default,
 * so a CLI run next to a local service needs no setting at all.
 */
export const serviceUrl = (env: Env): URL => {
  if (isSet(env["OVS_URL"])) {
    const text = env["OVS_URL"].trim();
    let url: URL | undefined;
    try {
      url = new URL(text);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
      throw new CliFailure(`OVS_URL: expected an http(s) URL, got ${JSON.stringify(text)}`);
    }
    // A base with a path (a service mounted under a prefix) keeps it when API paths are resolved.
    if (!url.pathname.endsWith("/")) url.pathname = `${url.pathname}/`;
    url.search = "";
    url.hash = "";
    return url;
  }
  const port = isSet(env["PORT"]) ? env["PORT"].trim() : "3000";
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65_535) {
    throw new CliFailure(`PORT: expected an integer between 1 and 65535, got ${JSON.stringify(port)}`);
  }
  return new URL(`http://127.0.0.1:${port}/`);
};

/**
 * The API token: `OVS_TOKEN`, else the file `ovs serve` writes on its first start. The failure
 * names both places, so the operator knows what to set or where the file should have been.
 */
export const apiToken = async (env: Env): Promise<string> => {
  if (isSet(env["OVS_TOKEN"])) return env["OVS_TOKEN"].trim();
  const dataDir = isSet(env["OVS_DATA_DIR"]) ? env["OVS_DATA_DIR"] : ".ovs";
  const path = resolve(dataDir, CLI_TOKEN_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(error)})`;
    throw new CliFailure(
      `no API token: OVS_TOKEN is not set and ${path} ${why} (\`ovs serve\` writes it on first start; OVS_DATA_DIR sets its directory)`,
    );
  }
  const token = text.trim();
  if (token === "") throw new CliFailure(`no API token: OVS_TOKEN is not set and ${path} is empty`);
  return token;
};

/** What `fetch` rejected with, in a few words: the network error's code rather than "fetch failed". */
const connectionProblem = (error: unknown): string => {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined) return code;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
};

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

/** The JSON API of a running service, as the bearer of one token. */
export class ApiClient {
  constructor(
    private readonly baseUrl: URL,
    private readonly token: string,
  ) {}

  /** `path` is relative to the API base, e.g. `api/v0/collections/`. */
  url(path: string): URL {
    return new URL(path.replace(/^\/+/, ""), this.baseUrl);
  }

  /**
   * Sends one request and answers its JSON (null for an empty answer). A non-2xx answer fails
   * with the status and the API's own error body, which says what was wrong with the request.
   */
  async request(method: Method, path: string | URL, body?: unknown): Promise<unknown> {
    const url = typeof path === "string" ? this.url(path) : path;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          Authorization: `Bearer ${this.token}`,
          Accept: "application/json",
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        // A redirect would resend the token to wherever it points, and turn a POST into a GET.
        redirect: "manual",
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      if (error instanceof Error && error.name === "TimeoutError") {
        throw new CliFailure(
          `the ovs service at ${this.baseUrl.href} did not answer ${method} ${url.pathname} within ${REQUEST_TIMEOUT_MS / 1000} s`,
        );
      }
      throw new CliFailure(
        `cannot reach the ovs service at ${this.baseUrl.href} (${connectionProblem(error)}): is it running? OVS_URL sets its address`,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      const status = `${response.status}${response.statusText === "" ? "" : ` ${response.statusText}`}`;
      const shown = text.trim();
      throw new CliFailure(`${method} ${url.pathname} answered ${status}${shown === "" ? "" : `: ${shown}`}`);
    }
    if (text.trim() === "") return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new CliFailure(
        `${method} ${url.pathname} answered ${response.status} with something other than JSON: is ${this.baseUrl.href} an ovs service?`,
      );
    }
  }

  /**
   * Every item of a paginated list, page after page. Of each `next` link only the query is kept:
   * the service builds its links from its configured public URL, which need not be the address
   * this CLI reaches it at (a tunnel, a port forward, the loopback behind a proxy).
   */
  async listAll(path: string): Promise<Array<unknown>> {
    const items: Array<unknown> = [];
    let url = this.url(path);
    for (let pages = 0; pages < MAX_PAGES; pages += 1) {
      const page = await this.request("GET", url);
      if (!isRecord(page) || !Array.isArray(page["results"])) {
        throw new CliFailure(`GET ${url.pathname} did not answer a page of results`);
      }
      items.push(...(page["results"] as Array<unknown>));
      const next = page["next"];
      if (typeof next !== "string" || next === "") return items;
      let following: URL;
      try {
        following = new URL(url);
        following.search = new URL(next).search;
      } catch {
        throw new CliFailure(`GET ${url.pathname} answered a next link that is not a URL: ${next}`);
      }
      if (following.href === url.href) {
        throw new CliFailure(`GET ${url.pathname} answered itself as its next page`);
      }
      url = following;
    }
    throw new CliFailure(`GET ${this.url(path).pathname} had more than ${MAX_PAGES} pages`);
  }
}

/** The client the environment describes; the token is looked for only once the URL is valid. */
export const clientFromEnv = async (env: Env): Promise<ApiClient> => {
  const baseUrl = serviceUrl(env);
  return new ApiClient(baseUrl, await apiToken(env));
};
