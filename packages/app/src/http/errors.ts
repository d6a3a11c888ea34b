import type * as AdaptersAws from "@ovs/adapters-aws";
import type * as AdaptersEdx from "@ovs/adapters-edx";
import type * as AdaptersHttp from "@ovs/adapters-http";
import type * as AdaptersPostgres from "@ovs/adapters-postgres";
import type * as Domain from "@ovs/domain";
import type { FieldProblem } from "@ovs/domain";
import { Cause, Runtime } from "effect";
import type * as RequestBodyErrors from "./request-body-errors.js";

/**
 * The one map from the errors a request can end with to HTTP answers (docs/architecture.md §3,
 * "the edge"). Bodies keep the API's error shapes (§5.5): `{"detail": …}`, DRF field errors, and
 * `{"error": …}` where the old endpoints answered so. Infrastructure faults answer a fixed text:
 * their messages carry hosts, buckets, SQL and driver output, which are for the log only.
 */

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * How a route renders `InvalidInput`: DRF field errors (the default), or `{"error": message}`
 * for the endpoints that answered their validation errors that way (thumbnail upload, edX sync).
 */
export interface HttpAnswerOptions {
  readonly invalidInput?: "fieldErrors" | "errorMessage";
}

/** The instances of every class a module exports that is an `Error` with a string `_tag`. */
type TaggedErrorsOf<Module> = {
  [Name in keyof Module]: Module[Name] extends abstract new (...args: never) => infer Instance
    ? Instance extends Error & { readonly _tag: string }
      ? Instance
      : never
    : never;
}[keyof Module];

/**
 * Every tagged error a use case, an adapter or the edge itself can fail a request with, read off
 * the packages' exports: exporting a new error class makes `ANSWERS` below fail to compile until
 * the class has an answer.
 */
export type EdgeError =
  | TaggedErrorsOf<typeof Domain>
  | TaggedErrorsOf<typeof AdaptersPostgres>
  | TaggedErrorsOf<typeof AdaptersAws>
  | TaggedErrorsOf<typeof AdaptersHttp>
  | TaggedErrorsOf<typeof AdaptersEdx>
  | TaggedErrorsOf<typeof RequestBodyErrors>;

export type EdgeErrorTag = EdgeError["_tag"];

type Answers = {
  readonly [Tag in EdgeErrorTag]: (
    error: Extract<EdgeError, { readonly _tag: Tag }>,
    options: HttpAnswerOptions,
  ) => HttpAnswer;
};

export const NOT_FOUND = "Not found.";
/** DRF's words for a session-only view refusing an anonymous caller. */
export const SIGN_IN_REQUIRED = "Authentication credentials were not provided.";
export const SERVICE_UNAVAILABLE = "Service temporarily unavailable, try again later.";
export const SERVER_ERROR = "A server error occurred.";

const detail = (status: number, text: string): HttpAnswer => ({ status, body: { detail: text } });
const notFound = (): HttpAnswer => detail(404, NOT_FOUND);
/** A fault worth retrying: the client may try again, nothing about the fault is shown. */
const unavailable = (): HttpAnswer => detail(503, SERVICE_UNAVAILABLE);
const serverError = (): HttpAnswer => detail(500, SERVER_ERROR);
const byTransience = (error: { readonly transient: boolean }): HttpAnswer =>
  error.transient ? unavailable() : serverError();

/** DRF's key for errors about the whole input rather than one field. */
const NON_FIELD_ERRORS = "non_field_errors";

type Messages = Array<string>;
interface ErrorObject {
  [key: string]: ErrorNode;
}
type ErrorNode = Messages | ErrorObject | Array<ErrorObject>;

const isMessages = (node: ErrorNode): node is Messages =>
  Array.isArray(node) && node.every((item) => typeof item === "string");

const isIndex = (segment: string): boolean => /^(0|[1-9][0-9]*)$/.test(segment);

/** The object under `key`, made or reshaped: messages move to its `non_field_errors`, a list keys its items by index. */
const objectAt = (parent: ErrorObject, key: string): ErrorObject => {
  const existing = parent[key];
  let child: ErrorObject;
  if (existing === undefined) child = {};
  else if (isMessages(existing)) child = { [NON_FIELD_ERRORS]: existing };
  else if (Array.isArray(existing))
    child = Object.fromEntries(
      existing.flatMap((item, index) => (Object.keys(item).length === 0 ? [] : [[String(index), item]])),
    );
  else child = existing;
  parent[key] = child;
  return child;
};

/** The item `index` of the list of objects under `key`; earlier items stand as `{}`, as DRF shows valid ones. */
const listItemAt = (parent: ErrorObject, key: string, index: number): ErrorObject => {
  const existing = parent[key] ?? [];
  if (isMessages(existing) && existing.length > 0) return objectAt(objectAt(parent, key), String(index));
  if (!Array.isArray(existing)) return objectAt(existing, String(index));
  const list = existing as Array<ErrorObject>;
  while (list.length <= index) list.push({});
  parent[key] = list;
  return list[index] as ErrorObject;
};

const addMessage = (parent: ErrorObject, key: string, message: string): void => {
  const existing = parent[key];
  if (existing === undefined) parent[key] = [message];
  else if (isMessages(existing)) existing.push(message);
  else addMessage(objectAt(parent, key), NON_FIELD_ERRORS, message);
};

/**
 * DRF's nesting of field errors, from the domain's dotted fields: `files.0.bytes` is a field of
 * an item of a list of objects (`{"files": [{}, {"bytes": [...]}]}`), `view_lists.1` an item of a
 * list of values (`{"view_lists": {"1": [...]}}`); a problem about the whole input goes under
 * `non_field_errors`, as a serializer's `validate()` reports.
 */
const fieldErrors = (problems: ReadonlyArray<FieldProblem>): ErrorObject => {
  const root: ErrorObject = {};
  for (const { field, message } of problems) {
    const segments = field === "" ? [NON_FIELD_ERRORS] : field.split(".");
    let node = root;
    let at = 0;
    for (;;) {
      const segment = segments[at] ?? NON_FIELD_ERRORS;
      const next = segments[at + 1];
      if (next === undefined) {
        addMessage(node, segment, message);
        break;
      }
      if (isIndex(next) && segments[at + 2] !== undefined) {
        node = listItemAt(node, segment, Number(next));
        at += 2;
      } else {
        node = objectAt(node, segment);
        at += 1;
      }
    }
  }
  return root;
};

const invalidInput = (problems: ReadonlyArray<FieldProblem>, options: HttpAnswerOptions): HttpAnswer =>
  options.invalidInput === "errorMessage"
    ? { status: 400, body: { error: problems[0]?.message ?? "Invalid input." } }
    : { status: 400, body: fieldErrors(problems) };

const ANSWERS: Answers = {
  // The domain: input, lookups and access.
  InvalidInput: (error, options) => invalidInput(error.problems, options),
  // A key that does not parse finds nothing, as the old API's lookups answered.
  InvalidKey: notFound,
  VideoNotFound: notFound,
  CollectionNotFound: notFound,
  SubtitleNotFound: notFound,
  RecordNotFound: notFound,
  ObjectNotFound: notFound,
  UnknownEncodeJob: notFound,
  ApiTokenNotFound: notFound,
  EdxEndpointNotFound: notFound,
  // The same answer for unknown, expired and revoked tokens, so a caller learns nothing more.
  InvalidApiToken: () => detail(401, "Invalid token."),
  // An anonymous caller gets the old API's 403 with DRF's sign-in text, not 401: the API
  // authenticates by session only, so there is no `WWW-Authenticate` challenge to send.
  Forbidden: (error) => detail(403, error.signInRequired ? SIGN_IN_REQUIRED : error.reason),
  InvalidPage: (error) => detail(404, error.detail),
  InvalidCursor: () => detail(400, "Invalid cursor."),

  // The domain: the request is sound but the state does not allow it now.
  Conflict: (error) => detail(409, error.reason),
  StatusConflict: () => detail(409, "The video's status changed meanwhile; reload it and try again."),
  IllegalTransition: () => detail(409, "The video's status does not allow this now."),
  UniqueViolation: (error) => detail(409, `${error.entity} with this ${error.field} already exists.`),
  LeaseHeld: () => detail(409, "This is being worked on already; try again later."),
  EdxNotEligible: (error) => detail(409, error.message),
  EdxSyncRefused: (error) => ({ status: 400, body: { error: error.message } }),
  ThumbnailTooLarge: (error) => ({ status: 413, body: { error: error.message } }),
  UnsupportedSubtitleFile: (error) => ({ status: 400, body: { filename: [error.message] } }),
  InvalidSubtitles: (error) => ({ status: 400, body: { file: [error.message] } }),
  // The client's own stream broke while it was being stored.
  SourceStreamFailed: () => detail(400, "The uploaded data could not be read to the end."),
  // The reason can name addresses the URL resolved to, which the client need not learn.
  SourceRejected: () => detail(400, "The video source cannot be used."),
  SourceUnavailable: unavailable,
  OutcomeDoesNotMatchJob: () => detail(400, "The outcome does not match its transcode job."),
  UnexpectedTranscodeOutput: () => detail(400, "The outcome names outputs outside its job's destination."),

  // Infrastructure: never the message.
  PersistenceFailure: unavailable,
  QueueFailure: unavailable,
  LeaseFailure: unavailable,
  LeaseLost: unavailable,
  ClaimLost: unavailable,
  CdnPathsNotInvalidated: unavailable,
  StorageFailure: byTransience,
  DirectoryFailure: byTransience,
  MailFailure: byTransience,
  EdxFailure: byTransience,
  TranscoderFailure: byTransience,
  CdnInvalidationFailure: byTransience,
  StoredObjectsNotDeleted: (error) => (error.retryable ? unavailable() : serverError()),
  // A signing key that does not sign is configuration, not a passing fault.
  CdnSigningFailure: serverError,

  // Adapters at the edge: sign-in and the transcode webhook.
  SignInRejected: () => detail(400, "The sign-in could not be completed; please sign in again."),
  SignInUnavailable: unavailable,
  SnsMessageRejected: () => detail(403, "The message was not accepted."),
  // SNS delivers again after a 5xx, so a passing failure must not answer 4xx.
  SnsCertificateUnavailable: unavailable,
  SnsSubscriptionNotConfirmed: (error) =>
    error.transient ? unavailable() : detail(400, "The subscription could not be confirmed."),
  MediaConvertEventRejected: () => detail(400, "The event was not accepted."),

  // The edge's own refusals of a body.
  RequestBodyTooLarge: (error) => detail(413, error.message),
  UnsupportedMediaType: (error) => detail(415, error.message),
  MalformedJson: (error) => detail(400, error.message),
  RequestBodyIncomplete: () => detail(400, "The request body ended early."),
};

/** The tags the map answers, for the completeness test. */
export const ANSWERED_TAGS: ReadonlySet<string> = new Set(Object.keys(ANSWERS));

const isAnsweredTag = (tag: unknown): tag is EdgeErrorTag =>
  typeof tag === "string" && ANSWERED_TAGS.has(tag);

/**
 * Koa's own `ctx.throw(4xx)` and the router's errors (http-errors): their status and message are
 * meant for the client (`expose` is only ever true below 500).
 */
const exposedHttpError = (error: object): HttpAnswer | undefined => {
  const { status, expose, message } = error as { status?: unknown; expose?: unknown; message?: unknown };
  if (expose !== true || typeof status !== "number" || status < 400 || status > 499) return undefined;
  return detail(status, typeof message === "string" && message !== "" ? message : NOT_FOUND);
};

/** `Effect.runPromise` rejects with a wrapper; the error the use case failed with is inside. */
const unwrapped = (error: unknown): unknown =>
  Runtime.isFiberFailure(error) ? Cause.squash(error[Runtime.FiberFailureCauseId]) : error;

/** The answer to a request that failed with `error`; anything unknown is a generic 500. */
export const httpAnswerFor = (error: unknown, options: HttpAnswerOptions = {}): HttpAnswer => {
  const failure = unwrapped(error);
  if (typeof failure !== "object" || failure === null) return serverError();
  const tag = (failure as { readonly _tag?: unknown })._tag;
  if (isAnsweredTag(tag)) {
    const answer = ANSWERS[tag] as (error: EdgeError, options: HttpAnswerOptions) => HttpAnswer;
    return answer(failure as EdgeError, options);
  }
  return exposedHttpError(failure) ?? serverError();
};
