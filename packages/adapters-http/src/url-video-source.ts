import type { VideoSource } from "@ovs/domain";
import { SourceRejected } from "@ovs/domain";
import contentDisposition from "content-disposition";
import { Duration, Schema } from "effect";
import { Agent, request } from "undici";
import {
  addressPolicy,
  CidrRange,
  ForbiddenAddressError,
  guardedConnector,
  systemResolver,
  type HostResolver,
} from "./address-guard.js";
import {
  describeTransportFailure,
  discardBody,
  headerValue,
  PositiveInt,
  readTextUpTo,
  timeoutOr,
  type ResponseHeaders,
} from "./http-support.js";
import { baseName, contentTypeOfName, nameFromUrl } from "./source-body.js";
import { answerFailure, openWith, sourceFailure, type Download } from "./source-download.js";

const DEFAULT_USER_AGENT = "OVS video ingest";

/** Settings of the plain-URL video source; the root README lists the environment names the app reads. */
export const UrlVideoSourceSettings = Schema.Struct({
  /** Largest file accepted, in bytes; checked against `Content-Length` and while streaming. */
  maxBytes: PositiveInt,
  /** Accept `http:` URLs too; `https:` only otherwise. */
  allowHttp: Schema.optionalWith(Schema.Boolean, { exact: true, default: () => false }),
  /**
   * CIDR ranges exempted from the refusal of private, loopback and link-local addresses (the
   * local profile and tests serve files from `127.0.0.0/8`). Empty by default.
   */
  allowedAddressRanges: Schema.optionalWith(Schema.Array(CidrRange), { exact: true, default: () => [] }),
  /** Redirects followed before giving up; each hop is checked like the first. 5 by default. */
  maxRedirects: Schema.optionalWith(Schema.NonNegativeInt, { exact: true, default: () => 5 }),
  /** 30 s by default. */
  connectTimeout: timeoutOr(Duration.seconds(30)),
  /** Time allowed until the response headers arrive; 60 s by default. */
  headersTimeout: timeoutOr(Duration.seconds(60)),
  /** Longest pause between two pieces of the body; 300 s by default (upstream's Dropbox read timeout). */
  idleReadTimeout: timeoutOr(Duration.seconds(300)),
  userAgent: Schema.optionalWith(Schema.String, { exact: true, default: () => DEFAULT_USER_AGENT }),
}).annotations({ identifier: "UrlVideoSourceSettings" });

export type UrlVideoSourceSettings = typeof UrlVideoSourceSettings.Type;
/** The settings as the app gives them, defaults left out. */
export type UrlVideoSourceSettingsInput = typeof UrlVideoSourceSettings.Encoded;

/** Checks the settings and fills in the defaults; throws a `ParseError` naming every field that is wrong. */
export const makeUrlVideoSourceSettings: (input: UrlVideoSourceSettingsInput) => UrlVideoSourceSettings =
  Schema.decodeSync(UrlVideoSourceSettings, { errors: "all" });

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

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
 * Videos from any public `https` URL (docs/architecture.md §6.7): resolved and refused when it points
 * at a private, loopback, link-local or metadata address — judged on the address actually
 * connected to, on every redirect hop — with at most `maxRedirects` redirects, a size limit
 * enforced while streaming and bounded memory. Failures are classified like upstream's
 * `_should_retry_upload`: 5xx, 408, 429, resets and timeouts are `SourceUnavailable`; every
 * other answer, a forbidden address, a bad URL or an oversize file is `SourceRejected`.
 */
export class UrlVideoSource implements VideoSource {
  private readonly agent: Agent;
  private readonly allowedProtocols: ReadonlySet<string>;

  /** `resolveHostname` answers for DNS; tests map names to addresses with it. */
  constructor(
    private readonly settings: UrlVideoSourceSettings,
    resolveHostname: HostResolver = systemResolver,
  ) {
    this.allowedProtocols = new Set(settings.allowHttp ? ["https:", "http:"] : ["https:"]);
    this.agent = new Agent({
      connect: guardedConnector({
        verdictOf: addressPolicy(settings.allowedAddressRanges),
        resolve: resolveHostname,
        connectTimeoutMs: Duration.toMillis(settings.connectTimeout),
      }),
      headersTimeout: Duration.toMillis(settings.headersTimeout),
      bodyTimeout: Duration.toMillis(settings.idleReadTimeout),
    });
  }

  readonly open = openWith((url) => this.follow(url));

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

  private async follow(original: string): Promise<Download> {
    let current = this.checkedUrl(original, original);
    for (let redirects = 0; ; redirects += 1) {
      let response;
      try {
        response = await request(current, {
          dispatcher: this.agent,
          method: "GET",
          headers: { "user-agent": this.settings.userAgent, accept: "*/*" },
        });
      } catch (error) {
        if (error instanceof ForbiddenAddressError) {
          throw new SourceRejected({
            url: original,
            reason: `refused: ${error.message}${describeHop(original, current)}`,
          });
        }
        const { transient, reason } = describeTransportFailure(error);
        throw sourceFailure(original, transient, `${reason}${describeHop(original, current)}`);
      }
      const { statusCode, headers, body } = response;

      if (REDIRECT_STATUSES.has(statusCode)) {
        discardBody(body);
        const location = headerValue(headers, "location");
        if (location === undefined) {
          throw new SourceRejected({ url: original, reason: `answered ${statusCode} without a Location` });
        }
        if (redirects >= this.settings.maxRedirects) {
          throw new SourceRejected({
            url: original,
            reason: `more than ${this.settings.maxRedirects} redirects`,
          });
        }
        current = this.checkedUrl(original, location, current);
        continue;
      }

      if (statusCode < 200 || statusCode > 299) {
        const text = await readTextUpTo(body, 512);
        throw answerFailure(
          original,
          statusCode,
          headers,
          `answered ${statusCode}${describeHop(original, current)}${text.trim() === "" ? "" : `: ${text.trim()}`}`,
        );
      }

      const name = nameFromDisposition(headers) ?? nameFromUrl(current, "video");
      return {
        name,
        size: contentLengthOf(headers),
        contentType: mediaTypeOf(headers) ?? contentTypeOfName(name),
        body,
        maxBytes: this.settings.maxBytes,
      };
    }
  }
}
