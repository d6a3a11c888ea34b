import type { Clock, VideoSource } from "@ovs/domain";
import { SourceRejected } from "@ovs/domain";
import { Duration, Redacted, Schema } from "effect";
import { Agent, request } from "undici";
import {
  AbsoluteUrl,
  basicAuthorization,
  describeTransportFailure,
  discardBody,
  headerValue,
  isTransientStatus,
  PositiveInt,
  readTextUpTo,
  Secret,
  timeoutOr,
  type ResponseHeaders,
} from "./http-support.js";
import { baseName, contentTypeOfName } from "./source-body.js";
import { answerFailure, openWith, sourceFailure, type Download } from "./source-download.js";
import { TokenCache } from "./token-cache.js";

export const DEFAULT_DROPBOX_TOKEN_URL = "https://api.dropbox.com/oauth2/token";
export const DEFAULT_DROPBOX_CONTENT_API_URL = "https://content.dropboxapi.com";

/** Settings of the Dropbox source; the root README lists the environment names the app reads. */
export const DropboxVideoSourceSettings = Schema.Struct({
  /** The Dropbox app key (`DROPBOX_KEY`). */
  appKey: Schema.String,
  /** The app secret (`DROPBOX_SECRET`). */
  appSecret: Secret,
  /** A long-lived refresh token of the app, with the `sharing.read` scope (`DROPBOX_REFRESH_TOKEN`). */
  refreshToken: Secret,
  /** The OAuth token endpoint. */
  tokenUrl: Schema.optionalWith(AbsoluteUrl, { exact: true, default: () => DEFAULT_DROPBOX_TOKEN_URL }),
  /** Base of the content API. */
  contentApiUrl: Schema.optionalWith(AbsoluteUrl, {
    exact: true,
    default: () => DEFAULT_DROPBOX_CONTENT_API_URL,
  }),
  /** The whole token request; 30 s by default (upstream). */
  tokenTimeout: timeoutOr(Duration.seconds(30)),
  /** 60 s by default (upstream). */
  connectTimeout: timeoutOr(Duration.seconds(60)),
  /**
   * Longest wait for the response to start, and longest pause between two pieces of the body;
   * 300 s by default (upstream's read timeout).
   */
  idleReadTimeout: timeoutOr(Duration.seconds(300)),
  /** Largest file accepted, in bytes: checked against the metadata and while streaming. None by default (upstream had none). */
  maxBytes: Schema.optionalWith(PositiveInt, { exact: true }),
  /** The access token is renewed this long before it expires; 300 s by default (upstream). */
  tokenRefreshMargin: Schema.optionalWith(Schema.DurationFromSelf, {
    exact: true,
    default: () => Duration.seconds(300),
  }),
}).annotations({ identifier: "DropboxVideoSourceSettings" });

export type DropboxVideoSourceSettings = typeof DropboxVideoSourceSettings.Type;
/** The settings as the app gives them, defaults left out. */
export type DropboxVideoSourceSettingsInput = typeof DropboxVideoSourceSettings.Encoded;

/** Checks the settings and fills in the defaults; throws a `ParseError` naming every field that is wrong. */
export const makeDropboxVideoSourceSettings: (
  input: DropboxVideoSourceSettingsInput,
) => DropboxVideoSourceSettings = Schema.decodeSync(DropboxVideoSourceSettings, { errors: "all" });

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
 * Videos from Dropbox shared links (docs/upstream.md §3): an access token from the app's
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
  private readonly downloadUrl: string;

  /** `clock` times the access token's renewal. */
  constructor(
    private readonly settings: DropboxVideoSourceSettings,
    clock: Clock,
  ) {
    this.downloadUrl = new URL(
      "2/sharing/get_shared_link_file",
      `${settings.contentApiUrl.replace(/\/+$/, "")}/`,
    ).href;
    const idleReadTimeoutMs = Duration.toMillis(settings.idleReadTimeout);
    this.agent = new Agent({
      connect: { timeout: Duration.toMillis(settings.connectTimeout) },
      headersTimeout: idleReadTimeoutMs,
      bodyTimeout: idleReadTimeoutMs,
    });
    this.tokens = new TokenCache({
      issue: () => this.issueToken(),
      margin: settings.tokenRefreshMargin,
      defaultLifetimeSeconds: DEFAULT_TOKEN_LIFETIME_SECONDS,
      clock,
    });
  }

  readonly open = openWith((link) => this.download(link));

  /** Closes the connections this source keeps open. */
  close(): Promise<void> {
    return this.agent.close();
  }

  private async download(link: string): Promise<Download> {
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
      throw answerFailure(
        link,
        statusCode,
        headers,
        `Dropbox answered ${statusCode}${summary === "" ? "" : ` (${summary})`}`,
      );
    }
    const metadata = metadataOf(headers);
    if (typeof metadata === "string") {
      discardBody(body);
      throw new SourceRejected({ url: link, reason: `bad metadata: ${metadata}` });
    }
    return {
      name: metadata.name,
      size: metadata.size,
      contentType: contentTypeOfName(metadata.name) ?? "application/octet-stream",
      body,
      maxBytes: this.settings.maxBytes,
    };
  }

  /** A cached token, or a fresh one when `rejected` was refused; token failures become source errors. */
  private async token(link: string, rejected?: string): Promise<string> {
    try {
      return await (rejected === undefined ? this.tokens.get() : this.tokens.replace(rejected));
    } catch (error) {
      if (error instanceof DropboxTokenFailure) {
        throw sourceFailure(link, error.transient, `getting a Dropbox access token failed: ${error.reason}`);
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
      throw sourceFailure(link, transient, `reaching Dropbox failed: ${reason}`);
    }
  }

  private async issueToken(): Promise<{ token: string; expiresInSeconds: number | undefined }> {
    let response;
    try {
      response = await request(this.settings.tokenUrl, {
        dispatcher: this.agent,
        method: "POST",
        headers: {
          authorization: basicAuthorization(this.settings.appKey, Redacted.value(this.settings.appSecret)),
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({
          grant_type: "refresh_token",
          refresh_token: Redacted.value(this.settings.refreshToken),
        }).toString(),
        signal: AbortSignal.timeout(Duration.toMillis(this.settings.tokenTimeout)),
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
