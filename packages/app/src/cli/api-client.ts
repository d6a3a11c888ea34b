import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, extname, resolve } from "node:path";
import { Readable } from "node:stream";
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
      throw this.unanswered(method, url, error);
    }
    return this.answer(method, url, response);
  }

  /** Why `fetch` rejected, as the failure the CLI reports. */
  private unanswered(method: Method, url: URL, error: unknown): CliFailure {
    if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
      return new CliFailure(
        `the ovs service at ${this.baseUrl.href} did not answer ${method} ${url.pathname} within ${REQUEST_TIMEOUT_MS / 1000} s`,
      );
    }
    return new CliFailure(
      `cannot reach the ovs service at ${this.baseUrl.href} (${connectionProblem(error)}): is it running? OVS_URL sets its address`,
    );
  }

  /** The JSON of an answer (null when empty); a non-2xx answer fails with the API's error body. */
  private async answer(method: Method, url: URL, response: Response): Promise<unknown> {
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
   * Streams a local file to `POST /api/v0/upload_file/` as `multipart/form-data`: the field
   * `collection`, then the file part `file`. The body is read from disk in chunks as the socket
   * takes them, never held whole, and its `Content-Length` is known up front from the file's size
   * and the framing. `onProgress` hears the bytes handed to the connection so far, and the total.
   */
  async uploadFile(input: {
    readonly path: string;
    readonly size: number;
    readonly collection: string;
    readonly onProgress?: (sent: number, total: number) => void;
  }): Promise<unknown> {
    const method = "POST";
    const url = this.url("api/v0/upload_file/");
    const { head, tail, boundary } = multipartFraming(input.collection, input.path);
    const total = head.length + input.size + tail.length;
    // The whole-request timeout would cut a long upload: only the wait for the answer is timed.
    const aborter = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let fileError: NodeJS.ErrnoException | undefined;
    let sent = 0;
    const report = (bytes: number) => {
      sent += bytes;
      input.onProgress?.(sent, total);
    };
    async function* parts(): AsyncGenerator<Uint8Array> {
      yield head;
      report(head.length);
      try {
        for await (const chunk of createReadStream(input.path, { highWaterMark: 256 * 1024 })) {
          const bytes = chunk as Buffer;
          yield bytes;
          report(bytes.length);
        }
      } catch (error) {
        fileError = error as NodeJS.ErrnoException;
        throw error;
      }
      yield tail;
      report(tail.length);
      timer = setTimeout(() => aborter.abort(), REQUEST_TIMEOUT_MS);
    }
    try {
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: {
            Authorization: `Bearer ${this.token}`,
            Accept: "application/json",
            "Content-Type": `multipart/form-data; boundary=${boundary}`,
            "Content-Length": String(total),
          },
          body: Readable.toWeb(Readable.from(parts(), { objectMode: false })) as ReadableStream<Uint8Array>,
          duplex: "half",
          redirect: "manual",
          signal: aborter.signal,
        });
      } catch (error) {
        if (fileError !== undefined) {
          throw new CliFailure(`upload: cannot read ${input.path} (${fileError.code ?? fileError.message})`);
        }
        throw this.unanswered(method, url, error);
      }
      return await this.answer(method, url, response);
    } catch (error) {
      if (error instanceof CliFailure) throw error;
      throw this.unanswered(method, url, error);
    } finally {
      clearTimeout(timer);
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

/** Content types of the files a video upload usually is; anything else is sent as bytes. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".mp4": "video/mp4",
  ".m4v": "video/x-m4v",
  ".mov": "video/quicktime",
  ".qt": "video/quicktime",
  ".webm": "video/webm",
  ".mkv": "video/x-matroska",
  ".avi": "video/x-msvideo",
  ".wmv": "video/x-ms-wmv",
  ".flv": "video/x-flv",
  ".mpg": "video/mpeg",
  ".mpeg": "video/mpeg",
  ".ts": "video/mp2t",
  ".mts": "video/mp2t",
  ".m2ts": "video/mp2t",
  ".3gp": "video/3gpp",
  ".ogv": "video/ogg",
  ".mp3": "audio/mpeg",
  ".m4a": "audio/mp4",
  ".wav": "audio/wav",
};

export const contentTypeOf = (path: string): string =>
  CONTENT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";

/** A header parameter's value, quoted as browsers do: `"`, CR and LF percent-encoded. */
const quoted = (value: string) =>
  `"${value.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A")}"`;

/** The bytes of a multipart body around the file's own: the `collection` field and the part's header, and the closing boundary. */
const multipartFraming = (collection: string, path: string) => {
  const boundary = `----ovs-cli-${randomBytes(16).toString("hex")}`;
  const head = Buffer.from(
    `--${boundary}\r\n` +
      `Content-Disposition: form-data; name="collection"\r\n\r\n` +
      `${collection}\r\n` +
      `--${boundary}\r\n` +
      `Content-Disposition: form-data; name="file"; filename=${quoted(basename(path))}\r\n` +
      `Content-Type: ${contentTypeOf(path)}\r\n\r\n`,
    "utf8",
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, "utf8");
  return { boundary, head, tail };
};

/** The client the environment describes; the token is looked for only once the URL is valid. */
export const clientFromEnv = async (env: Env): Promise<ApiClient> => {
  const baseUrl = serviceUrl(env);
  return new ApiClient(baseUrl, await apiToken(env));
};
