import { Duration, Schema } from "effect";
import type { Dispatcher } from "undici";

/**
 * Small pieces every adapter in this package shares: reading headers, the upstream's
 * transient/permanent split (docs/upstream.md §3, `_should_retry_upload`), `Retry-After`,
 * bounded reads of error bodies, and the field schemas of their settings.
 */

export type ResponseHeaders = Dispatcher.ResponseData["headers"];
export type ResponseBody = Dispatcher.ResponseData["body"];

/** The first value of a header (undici gives arrays for repeated headers). */
export const headerValue = (headers: ResponseHeaders, name: string): string | undefined => {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

/** 5xx, 408 and 429 are worth retrying; every other status is an answer that will not change. */
export const isTransientStatus = (status: number): boolean =>
  status >= 500 || status === 408 || status === 429;

/**
 * `Retry-After` in seconds, from either form the header may take (delay-seconds or an HTTP date,
 * RFC 9110 §10.2.3). Reported as sent: capping it is the retry policy's business, not ours.
 */
export const retryAfterSeconds = (
  value: string | undefined,
  nowMs: number = Date.now(),
): number | undefined => {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number.parseInt(trimmed, 10);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
};

/**
 * Reads at most `limit` bytes of a body as text and discards the rest, so an error page of any
 * size costs bounded memory.
 */
export const readTextUpTo = async (body: ResponseBody, limit = 8 * 1024): Promise<string> => {
  const chunks: Array<Buffer> = [];
  let length = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= limit) break;
    }
  } catch {
    // An error body that breaks off is still worth what arrived of it.
  } finally {
    discardBody(body);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString("utf8");
};

/**
 * Keeps a body's late errors (an idle timeout on a body nobody reads, the abort that destroying
 * it raises) from becoming uncaught exceptions. Readers still see them: async iteration listens
 * for errors on its own.
 */
export const quietBody = <Body extends ResponseBody>(body: Body): Body => {
  if (body.listenerCount("error") === 0) body.on("error", () => undefined);
  return body;
};

/** Throws away a body we do not need, without reading it, and frees its connection. */
export const discardBody = (body: ResponseBody): void => {
  if (!body.destroyed) quietBody(body).destroy();
};

const TRANSPORT_REASONS: Readonly<Record<string, string>> = {
  UND_ERR_CONNECT_TIMEOUT: "connecting timed out",
  UND_ERR_HEADERS_TIMEOUT: "the response did not start in time",
  UND_ERR_BODY_TIMEOUT: "the response stalled (idle read timeout)",
  UND_ERR_SOCKET: "the connection was closed by the other side",
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: "the response was shorter than announced",
  UND_ERR_ABORTED: "the request was aborted",
  UND_ERR_CLOSED: "the client was closed",
  UND_ERR_DESTROYED: "the client was destroyed",
  ECONNRESET: "the connection was reset",
  ECONNREFUSED: "the connection was refused",
  EPIPE: "the connection was closed while sending",
  ETIMEDOUT: "the connection timed out",
  ENOTFOUND: "the host name could not be resolved",
  EAI_AGAIN: "the host name could not be resolved (temporary DNS failure)",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
};

/** Codes that mean we built a wrong request: retrying cannot help. */
const PROGRAMMING_ERRORS = new Set(["UND_ERR_INVALID_ARG", "UND_ERR_NOT_SUPPORTED", "ERR_INVALID_URL"]);

const errorCode = (error: unknown): string | undefined => {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
};

/**
 * What went wrong below HTTP (connecting, resolving, reading). Everything here is transient
 * (upstream retries every `requests.RequestException` that carries no status) except requests
 * we built wrongly. Timeouts raised by `AbortSignal.timeout` count as timeouts.
 */
export const describeTransportFailure = (
  error: unknown,
): { readonly transient: boolean; readonly reason: string } => {
  if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return { transient: true, reason: "the request timed out" };
  }
  const code = errorCode(error) ?? errorCode((error as { cause?: unknown } | null)?.cause);
  const message = error instanceof Error ? error.message : String(error);
  if (code !== undefined && PROGRAMMING_ERRORS.has(code)) return { transient: false, reason: message };
  const known = code === undefined ? undefined : TRANSPORT_REASONS[code];
  return { transient: true, reason: known ?? message };
};

/** A bound on waiting: more than nothing, and not forever. */
export const Timeout = Schema.DurationFromSelf.pipe(
  Schema.filter(
    (duration) =>
      (Duration.isFinite(duration) && Duration.greaterThan(duration, Duration.zero)) ||
      "must be a finite duration greater than zero",
  ),
);

/** A settings field holding a timeout, `fallback` when left out. */
export const timeoutOr = (fallback: Duration.Duration) =>
  Schema.optionalWith(Timeout, { exact: true, default: () => fallback });

export const AbsoluteUrl = Schema.String.pipe(
  Schema.filter((value) => URL.canParse(value) || "must be an absolute URL"),
);

export const Secret = Schema.RedactedFromSelf(Schema.String);

export const PositiveInt = Schema.Int.pipe(Schema.positive());

/** `user:secret` as an HTTP Basic credential. */
export const basicAuthorization = (user: string, secret: string): string =>
  `Basic ${Buffer.from(`${user}:${secret}`, "utf8").toString("base64")}`;
