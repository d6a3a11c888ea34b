import type { OpenedSource, VideoSource } from "@ovs/domain";
import { SourceRejected, SourceUnavailable } from "@ovs/domain";
import contentDisposition from "content-disposition";
import { Effect } from "effect";
import { Agent, request } from "undici";
import {
  addressPolicy,
  ForbiddenAddressError,
  guardedConnector,
  systemResolver,
  type HostResolver,
} from "./address-guard.js";
import {
  describeTransportFailure,
  discardBody,
  headerValue,
  isTransientStatus,
  positiveMilliseconds,
  readTextUpTo,
  retryAfterSeconds,
  type ResponseHeaders,
} from "./http-support.js";
import { baseName, contentTypeOfName, nameFromUrl, sourceBody } from "./source-body.js";

/** Settings of the plain-URL video source; the README lists the environment names the app reads. */
export interface UrlVideoSourceConfig {
  /** Largest file accepted, in bytes; checked against `Content-Length` and while streaming. */
  readonly maxBytes: number;
  /** Accept `http:` URLs too; `https:` only otherwise. */
  readonly allowHttp?: boolean;
  /**
   * CIDR ranges exempted from the refusal of private, loopback and link-local addresses (the
   * local profile and tests serve files from `127.0.0.0/8`). Empty by default.
   */
  readonly allowedAddressRanges?: ReadonlyArray<string>;
  /** Redirects followed before giving up; each hop is checked like the first. Default 5. */
  readonly maxRedirects?: number;
  /** Default 30 s. */
  readonly connectTimeoutMs?: number;
  /** Time allowed until the response headers arrive. Default 60 s. */
  readonly headersTimeoutMs?: number;
  /** Longest pause between two pieces of the body. Default 300 s (upstream's Dropbox read timeout). */
  readonly idleReadTimeoutMs?: number;
  /** How host names are resolved; tests map names to addresses without touching DNS. */
  readonly resolveHostname?: HostResolver;
  readonly userAgent?: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const DEFAULT_USER_AGENT = "OVS video ingest";

const describeHop = (original: string, current: URL): string =>
  current.href === original ? "" : ` (after redirects, at ${current.href})`;

/** The media type without parameters, lower-cased; `null` when missing or meaningless. */
const mediaTypeOf = (headers: ResponseHeaders): string | null => {
  const value = headerValue(headers, "content-type");
  if (value === undefined) return null;
  const mediaType = value.split(";")[0]?.trim().toLowerCase() ?? "";
  return mediaType === "" ? null : mediaType;
};

const nameFromDisposition = (headers: ResponseHeaders): string | undefined => {
  const value = headerValue(headers, "content-disposition");
  if (value === undefined) return undefined;
  try {
    const filename = contentDisposition.parse(value).parameters["filename"];
    return filename === undefined ? undefined : baseName(filename) || undefined;
  } catch {
    return undefined;
  }
};

const contentLengthOf = (headers: ResponseHeaders): number | null => {
  const value = headerValue(headers, "content-length");
  if (value === undefined || !/^\d+$/.test(value.trim())) return null;
  return Number.parseInt(value, 10);
};

/**
 * Videos from any public `https` URL (ARCHITECTURE.md §6.7): resolved and refused when it points
 * at a private, loopback, link-local or metadata address — judged on the address actually
 * connected to, on every redirect hop — with at most `maxRedirects` redirects, a size limit
 * enforced while streaming and bounded memory. Failures are classified like upstream's
 * `_should_retry_upload`: 5xx, 408, 429, resets and timeouts are `SourceUnavailable`; every
 * other answer, a forbidden address, a bad URL or an oversize file is `SourceRejected`.
 */
export class UrlVideoSource implements VideoSource {
  private readonly agent: Agent;
  private readonly maxRedirects: number;
  private readonly allowedProtocols: ReadonlySet<string>;
  private readonly userAgent: string;

  constructor(private readonly config: UrlVideoSourceConfig) {
    if (!Number.isSafeInteger(config.maxBytes) || config.maxBytes <= 0) {
      throw new RangeError("maxBytes must be a positive integer");
    }
    this.maxRedirects = config.maxRedirects ?? 5;
    this.allowedProtocols = new Set(config.allowHttp === true ? ["https:", "http:"] : ["https:"]);
    this.userAgent = config.userAgent ?? DEFAULT_USER_AGENT;
    const idleReadTimeoutMs = positiveMilliseconds(config.idleReadTimeoutMs, 300_000, "idleReadTimeoutMs");
    this.agent = new Agent({
      connect: guardedConnector({
        verdictOf: addressPolicy(config.allowedAddressRanges ?? []),
        resolve: config.resolveHostname ?? systemResolver,
        connectTimeoutMs: positiveMilliseconds(config.connectTimeoutMs, 30_000, "connectTimeoutMs"),
      }),
      headersTimeout: positiveMilliseconds(config.headersTimeoutMs, 60_000, "headersTimeoutMs"),
      bodyTimeout: idleReadTimeoutMs,
    });
  }

  open(url: string): Effect.Effect<OpenedSource, SourceUnavailable | SourceRejected> {
    return Effect.tryPromise({
      try: () => this.follow(url),
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

  private checkedUrl(original: string, candidate: string, base?: URL): URL {
    let parsed: URL;
    try {
      parsed = base === undefined ? new URL(candidate) : new URL(candidate, base);
    } catch {
      throw new SourceRejected({
        url: original,
        reason: base === undefined ? "not a URL" : `a redirect led to '${candidate}', which is not a URL`,
      });
    }
    if (!this.allowedProtocols.has(parsed.protocol)) {
      const allowed = [...this.allowedProtocols].map((protocol) => protocol.slice(0, -1)).join(" or ");
      throw new SourceRejected({
        url: original,
        reason: `only ${allowed} URLs are accepted, not ${parsed.protocol.slice(0, -1)}${describeHop(original, parsed)}`,
      });
    }
    return parsed;
  }

  private async follow(original: string): Promise<OpenedSource> {
    let current = this.checkedUrl(original, original);
    for (let redirects = 0; ; redirects += 1) {
      let response;
      try {
        response = await request(current, {
          dispatcher: this.agent,
          method: "GET",
          headers: { "user-agent": this.userAgent, accept: "*/*" },
        });
      } catch (error) {
        if (error instanceof ForbiddenAddressError) {
          throw new SourceRejected({
            url: original,
            reason: `refused: ${error.message}${describeHop(original, current)}`,
          });
        }
        const { transient, reason } = describeTransportFailure(error);
        const described = `${reason}${describeHop(original, current)}`;
        throw transient
          ? new SourceUnavailable({ url: original, reason: described })
          : new SourceRejected({ url: original, reason: described });
      }
      const { statusCode, headers, body } = response;

      if (REDIRECT_STATUSES.has(statusCode)) {
        discardBody(body);
        const location = headerValue(headers, "location");
        if (location === undefined) {
          throw new SourceRejected({ url: original, reason: `answered ${statusCode} without a Location` });
        }
        if (redirects >= this.maxRedirects) {
          throw new SourceRejected({ url: original, reason: `more than ${this.maxRedirects} redirects` });
        }
        current = this.checkedUrl(original, location, current);
        continue;
      }

      if (statusCode < 200 || statusCode > 299) {
        const text = await readTextUpTo(body, 512);
        const reason = `answered ${statusCode}${describeHop(original, current)}${text.trim() === "" ? "" : `: ${text.trim()}`}`;
        if (!isTransientStatus(statusCode)) throw new SourceRejected({ url: original, reason });
        const retryAfter = retryAfterSeconds(headerValue(headers, "retry-after"));
        throw new SourceUnavailable({
          url: original,
          reason,
          ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
        });
      }

      const size = contentLengthOf(headers);
      if (size !== null && size > this.config.maxBytes) {
        discardBody(body);
        throw new SourceRejected({
          url: original,
          reason: `the file is ${size} bytes, more than the limit of ${this.config.maxBytes}`,
        });
      }
      const name = nameFromDisposition(headers) ?? nameFromUrl(current, "video");
      return {
        name,
        size,
        contentType: mediaTypeOf(headers) ?? contentTypeOfName(name),
        body: sourceBody({ body, url: original, maxBytes: this.config.maxBytes, expectedBytes: size }),
      };
    }
  }
}
