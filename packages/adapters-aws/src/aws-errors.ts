import { isThrottlingError, isTransientError } from "@smithy/core/retry";

/** Whether a failed AWS call may succeed when tried again, and a line saying what went wrong. */
export interface AwsErrorClassification {
  readonly transient: boolean;
  readonly reason: string;
}

type SdkErrorShape = Parameters<typeof isTransientError>[0];

interface ErrorFields {
  readonly name: string;
  readonly message: string;
  readonly code: string | undefined;
  readonly httpStatusCode: number | undefined;
}

/**
 * Error names the upstream retry rule (`_should_retry_upload`) counts as transient beyond what
 * the SDK's own classification already does: a skewed clock corrects itself on the next
 * attempt, and CloudFront's invalidation quota frees up as earlier batches finish.
 */
const TRANSIENT_ERROR_NAMES: ReadonlySet<string> = new Set([
  "RequestTimeout",
  "RequestTimeTooSkewed",
  "Throttling",
  "ThrottlingException",
  "SlowDown",
  "TooManyRequestsException",
  "TooManyInvalidationsInProgress",
  "ServiceUnavailable",
  "InternalError",
]);

/** Socket-level failures Node reports by code: the connection broke, not the request. */
const TRANSIENT_NODE_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null;

const fieldsOf = (error: unknown): ErrorFields => {
  if (!isRecord(error)) {
    return { name: "Error", message: String(error), code: undefined, httpStatusCode: undefined };
  }
  const metadata = isRecord(error["$metadata"]) ? error["$metadata"] : undefined;
  const status = metadata?.["httpStatusCode"];
  const code = error["code"];
  const name = error["name"];
  const message = error["message"];
  return {
    name: typeof name === "string" && name.length > 0 ? name : "Error",
    message: typeof message === "string" ? message : "",
    code: typeof code === "string" ? code : undefined,
    httpStatusCode: typeof status === "number" ? status : undefined,
  };
};

/** Upstream's status rule: any 5xx, a request timeout (408) and too many requests (429). */
const isTransientStatus = (status: number | undefined): boolean =>
  status !== undefined && (status >= 500 || status === 408 || status === 429);

const causeOf = (error: unknown): unknown => (isRecord(error) ? error["cause"] : undefined);

const isTransientByOwnFields = (error: unknown, depth: number): boolean => {
  if (depth > 5 || !isRecord(error)) return false;
  const fields = fieldsOf(error);
  if (fields.name === "AbortError") return false;
  if (TRANSIENT_ERROR_NAMES.has(fields.name)) return true;
  if (fields.code !== undefined && TRANSIENT_NODE_CODES.has(fields.code)) return true;
  if (isTransientStatus(fields.httpStatusCode)) return true;
  return isTransientByOwnFields(causeOf(error), depth + 1);
};

/**
 * Sorts a failure of an AWS SDK call for the retry policy (docs/architecture.md §6.7, upstream
 * `_should_retry_upload`): 5xx, 408, 429, throttling, timeouts and connection resets are
 * transient; everything else (4xx, access denied, no such bucket or key, bad input) is
 * permanent. The SDK's own classification (`@smithy/core/retry`) is asked first, so the codes
 * it knows stay in step with the SDK; upstream's list and the status rule fill the gaps.
 */
export const classifyAwsError = (error: unknown): AwsErrorClassification => {
  const fields = fieldsOf(error);
  const sdkSaysTransient =
    error instanceof Error &&
    (isTransientError(error as SdkErrorShape) || isThrottlingError(error as SdkErrorShape));
  const transient = sdkSaysTransient || isTransientByOwnFields(error, 0);
  const status = fields.httpStatusCode === undefined ? "" : ` (HTTP ${fields.httpStatusCode})`;
  const code = fields.code === undefined || fields.code === fields.name ? "" : ` [${fields.code}]`;
  const message = fields.message.length > 0 ? `: ${fields.message}` : "";
  return { transient, reason: `${fields.name}${code}${status}${message}` };
};

/** The HTTP status an SDK error carries, if any. */
export const httpStatusOf = (error: unknown): number | undefined => fieldsOf(error).httpStatusCode;

/** The error's name (`NoSuchKey`, `NotFound`, `NotFoundException` …). */
export const errorNameOf = (error: unknown): string => fieldsOf(error).name;
