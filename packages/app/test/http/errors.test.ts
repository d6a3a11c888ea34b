import * as AdaptersAws from "@ovs/adapters-aws";
import * as AdaptersEdx from "@ovs/adapters-edx";
import * as AdaptersHttp from "@ovs/adapters-http";
import * as AdaptersPostgres from "@ovs/adapters-postgres";
import * as Domain from "@ovs/domain";
import {
  CdnSigningFailure,
  CollectionNotFound,
  Conflict,
  DirectoryFailure,
  EdxEndpointNotFound,
  EdxFailure,
  EdxSyncRefused,
  Forbidden,
  InvalidCursor,
  InvalidInput,
  InvalidKey,
  InvalidPage,
  LeaseLost,
  MailFailure,
  PersistenceFailure,
  QueueFailure,
  RecordNotFound,
  StatusConflict,
  StorageFailure,
  SubtitleNotFound,
  ThumbnailTooLarge,
  TranscoderFailure,
  UniqueViolation,
  VideoNotFound,
} from "@ovs/domain";
import type { VideoKey } from "@ovs/domain";
import { SnsCertificateUnavailable, SnsMessageRejected } from "@ovs/adapters-aws";
import { SignInRejected } from "@ovs/adapters-http";
import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { ANSWERED_TAGS, httpAnswerFor, SERVER_ERROR, SERVICE_UNAVAILABLE } from "../../src/http/errors.js";
import * as RequestBodyErrors from "../../src/http/request-body-errors.js";

const VIDEO_KEY = "0b4f0a38-55f4-4d4e-9a43-2f4b1f7c4e21" as VideoKey;

/** The `_tag` of an exported class when it is a tagged error; undefined for anything else. */
const tagOfExport = (name: string, value: unknown): string | undefined => {
  if (typeof value !== "function" || !(value.prototype instanceof Error)) return undefined;
  const staticTag = (value as { readonly _tag?: unknown })._tag;
  if (typeof staticTag === "string") return staticTag;
  let instance: unknown;
  try {
    // Data.TaggedError sets `_tag` per instance and takes its fields as one object.
    instance = new (value as new (fields: object) => unknown)({});
  } catch (error) {
    throw new Error(`cannot construct the exported error class ${name} to read its tag: ${String(error)}`);
  }
  const tag = (instance as { readonly _tag?: unknown })._tag;
  return typeof tag === "string" ? tag : undefined;
};

const MODULES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  "@ovs/domain": Domain,
  "@ovs/adapters-postgres": AdaptersPostgres,
  "@ovs/adapters-aws": AdaptersAws,
  "@ovs/adapters-http": AdaptersHttp,
  "@ovs/adapters-edx": AdaptersEdx,
  "src/http/request-body-errors": RequestBodyErrors,
};

const exportedTaggedErrors = (): ReadonlyArray<{ readonly source: string; readonly tag: string }> =>
  Object.entries(MODULES).flatMap(([source, module]) =>
    Object.entries(module).flatMap(([name, value]) => {
      const tag = tagOfExport(name, value);
      return tag === undefined ? [] : [{ source: `${source}: ${name}`, tag }];
    }),
  );

describe("the error map is complete", () => {
  const exported = exportedTaggedErrors();

  it("finds the tagged errors of every package (the enumeration is not vacuous)", () => {
    const tags = new Set(exported.map(({ tag }) => tag));
    for (const tag of [
      "InvalidInput",
      "Forbidden",
      "PersistenceFailure",
      "ThumbnailTooLarge",
      "SignInRejected",
      "SnsMessageRejected",
      "MediaConvertEventRejected",
      "RequestBodyTooLarge",
    ]) {
      expect(tags, tag).toContain(tag);
    }
  });

  it("answers every tagged error class the domain, the adapters and the edge export", () => {
    const unanswered = exported.filter(({ tag }) => !ANSWERED_TAGS.has(tag)).map(({ source }) => source);
    expect(unanswered, "exported tagged errors without an HTTP answer in src/http/errors.ts").toEqual([]);
  });

  it("answers no tag that nothing exports any more", () => {
    const tags = new Set(exported.map(({ tag }) => tag));
    expect([...ANSWERED_TAGS].filter((tag) => !tags.has(tag))).toEqual([]);
  });
});

describe("input errors", () => {
  it("answers InvalidInput with DRF field errors, several messages per field", () => {
    const error = new InvalidInput({
      problems: [
        { field: "title", message: "This field is required." },
        { field: "title", message: "Too long." },
        { field: "description", message: "Expected string, actual 5" },
      ],
    });
    expect(httpAnswerFor(error)).toEqual({
      status: 400,
      body: { title: ["This field is required.", "Too long."], description: ["Expected string, actual 5"] },
    });
  });

  it("puts problems about the whole input under non_field_errors", () => {
    const error = new InvalidInput({ problems: [{ field: "", message: "Expected an object" }] });
    expect(httpAnswerFor(error)).toEqual({ status: 400, body: { non_field_errors: ["Expected an object"] } });
  });

  it("nests items of lists of objects as DRF does, valid items as {}", () => {
    const error = new InvalidInput({
      problems: [
        { field: "files.2.bytes", message: "This field is required." },
        { field: "files.2.link", message: "Enter a valid URL." },
      ],
    });
    expect(httpAnswerFor(error).body).toEqual({
      files: [{}, {}, { bytes: ["This field is required."], link: ["Enter a valid URL."] }],
    });
  });

  it("keys items of lists of values by index, and nests objects", () => {
    const error = new InvalidInput({
      problems: [
        { field: "view_lists.1", message: "Expected string, actual 3" },
        { field: "outcome.jobId", message: "does not match" },
      ],
    });
    expect(httpAnswerFor(error).body).toEqual({
      view_lists: { "1": ["Expected string, actual 3"] },
      outcome: { jobId: ["does not match"] },
    });
  });

  it("keeps a field's own message beside its nested ones", () => {
    const error = new InvalidInput({
      problems: [
        { field: "owner", message: "Invalid pk." },
        { field: "owner.id", message: "Expected number" },
      ],
    });
    expect(httpAnswerFor(error).body).toEqual({
      owner: { non_field_errors: ["Invalid pk."], id: ["Expected number"] },
    });
  });

  it("answers {error} for the routes that answered their validation that way", () => {
    const error = new InvalidInput({
      problems: [{ field: "thumbnail", message: "No thumbnail file provided." }],
    });
    expect(httpAnswerFor(error, { invalidInput: "errorMessage" })).toEqual({
      status: 400,
      body: { error: "No thumbnail file provided." },
    });
  });

  it("answers an invalid cursor 400 and an invalid page 404 with its words", () => {
    expect(httpAnswerFor(new InvalidCursor({ cursor: "zz" }))).toEqual({
      status: 400,
      body: { detail: "Invalid cursor." },
    });
    expect(httpAnswerFor(new InvalidPage({ detail: "Invalid page." }))).toEqual({
      status: 404,
      body: { detail: "Invalid page." },
    });
    expect(httpAnswerFor(new InvalidPage({ detail: "Invalid cursor." }))).toEqual({
      status: 404,
      body: { detail: "Invalid cursor." },
    });
  });

  it("answers the edX sync refusals and the oversize thumbnail as the old endpoints did", () => {
    expect(httpAnswerFor(new EdxSyncRefused({ refusal: "NoCourseId", collectionTitle: "Physics" }))).toEqual({
      status: 400,
      body: { error: "Collection does not have an edX course ID configured" },
    });
    expect(httpAnswerFor(new ThumbnailTooLarge({ size: 3_000_000, maxBytes: 1024 * 1024 }))).toEqual({
      status: 413,
      body: { error: "The uploaded image is too large (max 1 MB)." },
    });
  });
});

describe("lookups and access", () => {
  it.each([
    ["VideoNotFound", new VideoNotFound({ key: "abc" })],
    ["CollectionNotFound", new CollectionNotFound({ key: "abc" })],
    ["SubtitleNotFound", new SubtitleNotFound({ id: 3 })],
    ["EdxEndpointNotFound", new EdxEndpointNotFound({ id: "42" })],
    ["RecordNotFound", new RecordNotFound({ entity: "User", id: "7" })],
    ["InvalidKey", new InvalidKey({ kind: "video", input: "nope" })],
  ])("answers %s 404 Not found. without naming what was looked up", (_tag, error) => {
    expect(httpAnswerFor(error)).toEqual({ status: 404, body: { detail: "Not found." } });
  });

  it("answers Forbidden 403 with its reason", () => {
    const error = new Forbidden({
      reason: "only admins of this collection may upload videos to it",
      signInRequired: false,
    });
    expect(httpAnswerFor(error)).toEqual({
      status: 403,
      body: { detail: "only admins of this collection may upload videos to it" },
    });
  });

  it("answers an anonymous caller 403 with DRF's sign-in text", () => {
    const error = new Forbidden({ reason: "sign in to see this video", signInRequired: true });
    expect(httpAnswerFor(error)).toEqual({
      status: 403,
      body: { detail: "Authentication credentials were not provided." },
    });
  });
});

describe("conflicts", () => {
  it("answers Conflict 409 with its reason", () => {
    expect(httpAnswerFor(new Conflict({ reason: "retranscoding is not enabled on this site" }))).toEqual({
      status: 409,
      body: { detail: "retranscoding is not enabled on this site" },
    });
  });

  it("answers StatusConflict and UniqueViolation 409 without the values involved", () => {
    const status = httpAnswerFor(
      new StatusConflict({ videoKey: VIDEO_KEY, expected: ["Created"], actual: "Uploading" }),
    );
    expect(status.status).toBe(409);
    expect(JSON.stringify(status.body)).not.toContain(VIDEO_KEY);

    const unique = httpAnswerFor(
      new UniqueViolation({ entity: "User", field: "username", value: "ann@example.edu" }),
    );
    expect(unique).toEqual({ status: 409, body: { detail: "User with this username already exists." } });
  });
});

describe("infrastructure faults", () => {
  const secret = "SELECT * FROM users WHERE password = 'hunter2' -- db.internal:5432";

  it.each([
    ["PersistenceFailure", new PersistenceFailure({ operation: secret, cause: new Error(secret) }), 503],
    ["QueueFailure", new QueueFailure({ queue: "video.ingest", cause: new Error(secret) }), 503],
    ["LeaseLost", new LeaseLost({ name: secret, owner: secret }), 503],
    [
      "StorageFailure (transient)",
      new StorageFailure({ operation: "put", bucket: secret, key: secret, transient: true, reason: secret }),
      503,
    ],
    [
      "StorageFailure (permanent)",
      new StorageFailure({ operation: "put", bucket: secret, key: secret, transient: false, reason: secret }),
      500,
    ],
    ["DirectoryFailure", new DirectoryFailure({ operation: secret, transient: true, reason: secret }), 503],
    ["MailFailure", new MailFailure({ transient: false, reason: secret }), 500],
    ["EdxFailure", new EdxFailure({ endpoint: secret, transient: true, reason: secret }), 503],
    [
      "TranscoderFailure",
      new TranscoderFailure({ operation: "submit", transient: true, reason: secret }),
      503,
    ],
    ["CdnSigningFailure", new CdnSigningFailure({ reason: secret }), 500],
    ["SignInUnavailable", new AdaptersHttp.SignInUnavailable({ reason: secret }), 503],
    ["SnsCertificateUnavailable", new SnsCertificateUnavailable({ url: secret, reason: secret }), 503],
  ])("answers %s with a fixed text and none of its message", (_name, error, status) => {
    const answer = httpAnswerFor(error);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ detail: status === 503 ? SERVICE_UNAVAILABLE : SERVER_ERROR });
    expect(JSON.stringify(answer.body)).not.toMatch(/SELECT|hunter2|db\.internal/);
  });

  it("answers unknown errors and thrown non-errors 500 with a fixed text", () => {
    const error = new Error(secret);
    expect(httpAnswerFor(error)).toEqual({ status: 500, body: { detail: SERVER_ERROR } });
    expect(httpAnswerFor({ _tag: "SomethingNew", message: secret })).toEqual({
      status: 500,
      body: { detail: SERVER_ERROR },
    });
    expect(httpAnswerFor(secret)).toEqual({ status: 500, body: { detail: SERVER_ERROR } });
    expect(httpAnswerFor(undefined)).toEqual({ status: 500, body: { detail: SERVER_ERROR } });
  });

  it("does not pass a server error's status through even when it says expose", () => {
    expect(httpAnswerFor(Object.assign(new Error(secret), { status: 502, expose: true })).body).toEqual({
      detail: SERVER_ERROR,
    });
  });
});

describe("the edge's own errors", () => {
  it("answers webhook and sign-in refusals with fixed texts", () => {
    expect(httpAnswerFor(new SnsMessageRejected({ reason: "bad signature" })).status).toBe(403);
    expect(httpAnswerFor(new AdaptersAws.MediaConvertEventRejected({ reason: "no detail" })).status).toBe(
      400,
    );
    expect(httpAnswerFor(new SignInRejected({ reason: "state mismatch" }))).toEqual({
      status: 400,
      body: { detail: "The sign-in could not be completed; please sign in again." },
    });
  });

  it("answers Koa's client errors (http-errors with expose) with their status", () => {
    const thrown = Object.assign(new Error("Method Not Allowed"), { status: 405, expose: true });
    expect(httpAnswerFor(thrown)).toEqual({ status: 405, body: { detail: "Method Not Allowed" } });
  });

  it("unwraps the error of a use case run with Effect.runPromise", async () => {
    const rejection = await Effect.runPromise(Effect.fail(new VideoNotFound({ key: "abc" }))).catch(
      (error: unknown) => error,
    );
    expect(httpAnswerFor(rejection)).toEqual({ status: 404, body: { detail: "Not found." } });
  });

  it("answers the refusals of a body", () => {
    expect(httpAnswerFor(new RequestBodyErrors.RequestBodyTooLarge({ limitBytes: 10 }))).toEqual({
      status: 413,
      body: { detail: "The request body is larger than 10 bytes." },
    });
    expect(httpAnswerFor(new RequestBodyErrors.UnsupportedMediaType({ declared: "text/plain" }))).toEqual({
      status: 415,
      body: { detail: 'Unsupported media type "text/plain" in request.' },
    });
    expect(
      httpAnswerFor(new RequestBodyErrors.MalformedJson({ reason: "Unexpected end of JSON input" })),
    ).toEqual({
      status: 400,
      body: { detail: "JSON parse error - Unexpected end of JSON input" },
    });
  });
});
