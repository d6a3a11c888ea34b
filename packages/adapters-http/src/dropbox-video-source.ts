import type { OpenedSource, VideoSource } from "@ovs/domain";
import { SourceRejected, SourceUnavailable } from "@ovs/domain";
import { Effect, Redacted } from "effect";
import { Agent, request } from "undici";
import {
  basicAuthorization,
  describeTransportFailure,
  discardBody,
  headerValue,
  isTransientStatus,
  positiveMilliseconds,
  readTextUpTo,
  retryAfterSeconds,
  type ResponseHeaders,
} from "./http-support.js";
import { baseName, contentTypeOfName, sourceBody } from "./source-body.js";
import { TokenCache } from "./token-cache.js";

/** Settings of the Dropbox source; the README lists the environment names the app reads. */
export interface DropboxVideoSourceConfig {
  /** The Dropbox app key (`DROPBOX_KEY`). */
  readonly appKey: string;
  /** The app secret (`DROPBOX_SECRET`). */
  readonly appSecret: Redacted.Redacted<string>;
  /** A long-lived refresh token of the app, with the `sharing.read` scope (`DROPBOX_REFRESH_TOKEN`). */
  readonly refreshToken: Redacted.Redacted<string>;
  /** Default `https://api.dropbox.com/oauth2/token`. */
  readonly tokenUrl?: string;
  /** Base of the content API; default `https://content.dropboxapi.com`. */
  readonly contentApiUrl?: string;
  /** Whole token request; default 30 s (upstream). */
  readonly tokenTimeoutMs?: number;
  /** Default 60 s (upstream). */
  readonly connectTimeoutMs?: number;
  /** Longest wait for the response to start, and longest pause between two pieces of the body. Default 300 s (upstream's read timeout). */
  readonly idleReadTimeoutMs?: number;
  /** Largest file accepted, in bytes: checked against the metadata and while streaming. None by default (upstream had none). */
  readonly maxBytes?: number;
  /** The access token is renewed this long before it expires; default 300 s (upstream). */
  readonly tokenRefreshMarginSeconds?: number;
  /** Milliseconds, for tests that move time; default `performance.now()`-based. */
  readonly now?: () => number;
}

export const DEFAULT_DROPBOX_TOKEN_URL = "https://api.dropbox.com/oauth2/token";
export const DEFAULT_DROPBOX_CONTENT_API_URL = "https://content.dropboxapi.com";

/** Dropbox answers with this lifetime when it does not say (upstream's default). */
const DEFAULT_TOKEN_LIFETIME_SECONDS = 14_400;

/**
 * Whether a link is a Dropbox shared link (`https://www.dropbox.com/scl/fi/…`, `/s/…`), so the
 * app can send it to this source and anything else to the URL source.
 */
export const isDropboxSharedLink = (link: string): boolean => {
  try {
    const url = new URL(link);
    return (
      url.protocol === "https:" && (url.hostname === "dropbox.com" || url.hostname.endsWith(".dropbox.com"))
    );
  } catch {
    return false;
  }
};

/**
 * HTTP headers carry ASCII only, so Dropbox wants the argument JSON with every non-ASCII
 * character escaped as `\uXXXX` (Dropbox API docs, "Request and response formats").
 */
const headerSafeJson = (value: unknown): string =>
  JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );

/** A token request that failed, with the upstream's split: 5xx and transport trouble are transient. */
class DropboxTokenFailure extends Error {
  constructor(
    readonly transient: boolean,
    readonly reason: string,
  ) {
    super(reason);
  }
}

interface SharedLinkMetadata {
  readonly name: string;
  readonly size: number | null;
}

const metadataOf = (headers: ResponseHeaders): SharedLinkMetadata | string => {
  const raw = headerValue(headers, "dropbox-api-result");
  if (raw === undefined) return "the response has no Dropbox-API-Result header";
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return "the Dropbox-API-Result header is not JSON";
  }
  if (typeof parsed !== "object" || parsed === null) return "the Dropbox-API-Result header is not an object";
  const { name, size } = parsed as { name?: unknown; size?: unknown };
  if (typeof name !== "string" || baseName(name) === "")
    return "the Dropbox-API-Result header has no file name";
  const length = headerValue(headers, "content-length");
  return {
    name: baseName(name),
    size:
      typeof size === "number" && Number.isSafeInteger(size) && size >= 0
        ? size
        : length !== undefined && /^\d+$/.test(length)
          ? Number.parseInt(length, 10)
          : null,
  };
};

/** Dropbox's error bodies are JSON with an `error_summary` such as `shared_link_not_found/..`. */
const dropboxErrorSummary = (text: string): string => {
  try {
    const parsed = JSON.parse(text) as { error_summary?: unknown };
    if (typeof parsed.error_summary === "string") return parsed.error_summary;
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return text.trim().slice(0, 300);
};

/**
 * Videos from Dropbox shared links (reference pipelines §3.4): an access token from the app's
 * refresh token, cached until 5 minutes before expiry and refreshed by one request at a time;
 * the file streamed through `sharing/get_shared_link_file`; name and size from
 * `Dropbox-API-Result`, content type from the name; a 401 refreshes the token and retries once.
 * Failures keep Dropbox's reason and are classified like upstream: 5xx, 408, 429 (with its
 * `Retry-After`), resets and timeouts are `SourceUnavailable`; other 4xx (409: bad link),
 * bad metadata and a refused refresh token are `SourceRejected`.
 */
export class DropboxVideoSource implements VideoSource {
  private readonly agent: Agent;
  private readonly tokens: TokenCache;
  private readonly tokenUrl: string;
  private readonly downloadUrl: string;
  private readonly tokenTimeoutMs: number;

  constructor(private readonly config: DropboxVideoSourceConfig) {
    this.tokenUrl = config.tokenUrl ?? DEFAULT_DROPBOX_TOKEN_URL;
    this.downloadUrl = new URL(
      "2/sharing/get_shared_link_file",
      `${(config.contentApiUrl ?? DEFAULT_DROPBOX_CONTENT_API_URL).replace(/\/+$/, "")}/`,
    ).href;
    this.tokenTimeoutMs = positiveMilliseconds(config.tokenTimeoutMs, 30_000, "tokenTimeoutMs");
    const idleReadTimeoutMs = positiveMilliseconds(config.idleReadTimeoutMs, 300_000, "idleReadTimeoutMs");
    this.agent = new Agent({
      connect: { timeout: positiveMilliseconds(config.connectTimeoutMs, 60_000, "connectTimeoutMs") },
      headersTimeout: idleReadTimeoutMs,
      bodyTimeout: idleReadTimeoutMs,
    });
    this.tokens = new TokenCache({
      issue: () => this.issueToken(),
      marginSeconds: config.tokenRefreshMarginSeconds ?? 300,
      defaultLifetimeSeconds: DEFAULT_TOKEN_LIFETIME_SECONDS,
      now: config.now ?? (() => performance.now()),
    });
  }

  open(url: string): Effect.Effect<OpenedSource, SourceUnavailable | SourceRejected> {
    return Effect.tryPromise({
      try: () => this.download(url),
      catch: (error) =>
        error instanceof SourceRejected || error instanceof SourceUnavailable
          ? error
          : new SourceUnavailable({ url, reason: describeTransportFailure(error).reason }),
    });
  }

  /** Closes the connections this source keeps open. */
  close(): Promise<void> {
    return this.agent.close();
  }

  private async download(link: string): Promise<OpenedSource> {
    if (!isDropboxSharedLink(link)) {
      throw new SourceRejected({ url: link, reason: "not a Dropbox shared link" });
    }
    let token = await this.token(link);
    let response = await this.requestFile(link, token);
    if (response.statusCode === 401) {
      discardBody(response.body);
      token = await this.token(link, token);
      response = await this.requestFile(link, token);
      if (response.statusCode === 401) {
        const summary = dropboxErrorSummary(await readTextUpTo(response.body));
        throw new SourceRejected({
          url: link,
          reason: `Dropbox refused a freshly issued access token (401 ${summary})`,
        });
      }
    }
    const { statusCode, headers, body } = response;
    if (statusCode < 200 || statusCode > 299) {
      const summary = dropboxErrorSummary(await readTextUpTo(body));
      const reason = `Dropbox answered ${statusCode}${summary === "" ? "" : ` (${summary})`}`;
      if (!isTransientStatus(statusCode)) throw new SourceRejected({ url: link, reason });
      const retryAfter = retryAfterSeconds(headerValue(headers, "retry-after"));
      throw new SourceUnavailable({
        url: link,
        reason,
        ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
      });
    }
    const metadata = metadataOf(headers);
    if (typeof metadata === "string") {
      discardBody(body);
      throw new SourceRejected({ url: link, reason: `bad metadata: ${metadata}` });
    }
    const maxBytes = this.config.maxBytes;
    if (maxBytes !== undefined && metadata.size !== null && metadata.size > maxBytes) {
      discardBody(body);
      throw new SourceRejected({
        url: link,
        reason: `the file is ${metadata.size} bytes, more than the limit of ${maxBytes}`,
      });
    }
    return {
      name: metadata.name,
      size: metadata.size,
      contentType: contentTypeOfName(metadata.name) ?? "application/octet-stream",
      body: sourceBody({
        body,
        url: link,
        expectedBytes: metadata.size,
        ...(maxBytes === undefined ? {} : { maxBytes }),
      }),
    };
  }

  /** A cached token, or a fresh one when `rejected` was refused; token failures become source errors. */
  private async token(link: string, rejected?: string): Promise<string> {
    try {
      return await (rejected === undefined ? this.tokens.get() : this.tokens.replace(rejected));
    } catch (error) {
      if (error instanceof DropboxTokenFailure) {
        throw error.transient
          ? new SourceUnavailable({
              url: link,
              reason: `getting a Dropbox access token failed: ${error.reason}`,
            })
          : new SourceRejected({
              url: link,
              reason: `getting a Dropbox access token failed: ${error.reason}`,
            });
      }
      throw error;
    }
  }

  private async requestFile(link: string, token: string) {
    try {
      return await request(this.downloadUrl, {
        dispatcher: this.agent,
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "dropbox-api-arg": headerSafeJson({ url: link }),
        },
      });
    } catch (error) {
      const { transient, reason } = describeTransportFailure(error);
      throw transient
        ? new SourceUnavailable({ url: link, reason: `reaching Dropbox failed: ${reason}` })
        : new SourceRejected({ url: link, reason: `reaching Dropbox failed: ${reason}` });
    }
  }

  private async issueToken(): Promise<{ token: string; expiresInSeconds: number | undefined }> {
    let response;
    try {
      response = await request(this.tokenUrl, {
        dispatcher: this.agent,
        method: "POST",
        headers: {
          authorization: basicAuthorization(this.config.appKey, Redacted.value(this.config.appSecret)),
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({
          grant_type: "refresh_token",
          refresh_token: Redacted.value(this.config.refreshToken),
        }).toString(),
        signal: AbortSignal.timeout(this.tokenTimeoutMs),
      });
    } catch (error) {
      const { transient, reason } = describeTransportFailure(error);
      throw new DropboxTokenFailure(transient, reason);
    }
    const text = await readTextUpTo(response.body, 64 * 1024);
    if (response.statusCode !== 200) {
      // The body names the OAuth error (`invalid_grant` for a revoked token); it never echoes secrets.
      const reason = `the token endpoint answered ${response.statusCode}: ${dropboxErrorSummary(text)}`;
      throw new DropboxTokenFailure(isTransientStatus(response.statusCode), reason);
    }
    let parsed: { access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new DropboxTokenFailure(false, "the token endpoint answered something that is not JSON");
    }
    if (typeof parsed.access_token !== "string" || parsed.access_token === "") {
      throw new DropboxTokenFailure(false, "the token endpoint gave no access_token");
    }
    return {
      token: parsed.access_token,
      expiresInSeconds: typeof parsed.expires_in === "number" ? parsed.expires_in : undefined,
    };
  }
}
