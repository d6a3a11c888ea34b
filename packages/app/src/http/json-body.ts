import type { IncomingMessage } from "node:http";
import { InvalidInput } from "@ovs/domain";
import type { FieldProblem } from "@ovs/domain";
import { Either, ParseResult, Schema } from "effect";
import {
  MalformedJson,
  RequestBodyIncomplete,
  RequestBodyTooLarge,
  UnsupportedMediaType,
} from "./request-body-errors.js";

/** The part of a Koa context the reader needs. */
export interface JsonRequest {
  readonly req: IncomingMessage;
}

const JSON_MEDIA_TYPE = "application/json";
const DECLARED_SHOWN = 100;

const shown = (declared: string): string =>
  declared.length > DECLARED_SHOWN ? `${declared.slice(0, DECLARED_SHOWN)}…` : declared;

/** Whether the request has a body at all: a length above zero, or chunked (type-is's rule). */
const hasBody = (req: IncomingMessage): boolean =>
  req.headers["transfer-encoding"] !== undefined ||
  (req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0");

/** `application/json`, with no charset or UTF-8; anything else is 415. */
const checkContentType = (req: IncomingMessage): void => {
  const declared = req.headers["content-type"] ?? "";
  const [mediaType = "", ...parameters] = declared.split(";");
  if (mediaType.trim().toLowerCase() !== JSON_MEDIA_TYPE) {
    throw new UnsupportedMediaType({ declared: shown(declared.trim()) });
  }
  for (const parameter of parameters) {
    const [name = "", value = ""] = parameter.split("=");
    if (name.trim().toLowerCase() !== "charset") continue;
    const charset = value.trim().replace(/^"|"$/g, "").toLowerCase();
    if (charset !== "utf-8" && charset !== "utf8") {
      throw new UnsupportedMediaType({ declared: shown(declared.trim()) });
    }
  }
  const encoding = (req.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  if (encoding !== "identity")
    throw new UnsupportedMediaType({ declared: shown(`${declared}; ${encoding}`) });
};

/**
 * How long a connection whose body was refused as too large may stay open, its rest unread: long
 * enough for the 413 to reach the client (closing at once could reset the connection and lose
 * the answer), short enough that a client that keeps sending does not hold it.
 */
const REFUSED_BODY_LINGER_MS = 5_000;

/**
 * Stops reading: nothing more of the body is read or kept. The stream is paused, not destroyed
 * (destroying it would reset the connection before the 413 goes out); a client that does not
 * stop sending has its connection cut after the linger time.
 */
const halt = (req: IncomingMessage): void => {
  req.pause();
  const cut = setTimeout(() => {
    if (!req.complete) req.socket.destroy();
  }, REFUSED_BODY_LINGER_MS);
  cut.unref();
  req.socket.once("close", () => clearTimeout(cut));
};

/**
 * The body's bytes, counted as they arrive: the read stops at the first chunk past the limit,
 * so an oversize body is refused after `limitBytes` bytes, not after all of it.
 */
const readLimited = (req: IncomingMessage, limitBytes: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    if (req.readableEnded || req.destroyed) {
      reject(new Error("the request body was read already"));
      return;
    }
    const chunks: Array<Buffer> = [];
    let received = 0;
    const settle = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("aborted", onAborted);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) {
        settle();
        halt(req);
        reject(new RequestBodyTooLarge({ limitBytes }));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      settle();
      resolve(Buffer.concat(chunks, received));
    };
    const onError = (error: Error) => {
      settle();
      reject(new RequestBodyIncomplete({ reason: error.message }));
    };
    const onAborted = () => {
      settle();
      reject(new RequestBodyIncomplete({ reason: "the client aborted the request" }));
    };
    const onClose = () => {
      settle();
      reject(new RequestBodyIncomplete({ reason: "the connection closed" }));
    };
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", onError);
    req.once("aborted", onAborted);
    req.once("close", onClose);
  });

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The body as UTF-8 text, whatever its declared type, within `limitBytes` (413 past it, 400 when
 * it is not UTF-8): for senders that post JSON as `text/plain`, as SNS does.
 */
export const readUtf8Body = async (ctx: JsonRequest, limitBytes: number): Promise<string> => {
  const { req } = ctx;
  const declaredLength = Number(req.headers["content-length"]);
  if (Number.isFinite(declaredLength) && declaredLength > limitBytes) {
    halt(req);
    throw new RequestBodyTooLarge({ limitBytes });
  }
  const bytes = await readLimited(req, limitBytes);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new MalformedJson({ reason: "the body is not valid UTF-8" });
  }
};

/**
 * Reads a JSON request body of at most `limitBytes` bytes (docs/architecture.md §3: the edge
 * decodes input). Refusals are tagged errors the error map answers: 415 unless the body is
 * `application/json` in UTF-8 and not compressed, 413 when the declared length or the bytes
 * read pass the limit, 400 `{"detail": "JSON parse error - …"}` when it does not parse. A request
 * without a body reads as `{}`, as DRF's parsers read it, so a missing field is reported by name.
 */
export const readJsonBody = async (ctx: JsonRequest, limitBytes: number): Promise<unknown> => {
  const { req } = ctx;
  if (!hasBody(req)) return {};
  checkContentType(req);
  const text = await readUtf8Body(ctx, limitBytes);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MalformedJson({ reason: error instanceof Error ? error.message : String(error) });
  }
};

/** DRF's words for the two issues every body has; the schema's own messages otherwise. */
const messageOf = (issue: ParseResult.ArrayFormatterIssue): string => {
  switch (issue._tag) {
    case "Missing":
      return "This field is required.";
    case "Unexpected":
      return "This field is not allowed.";
    default:
      return issue.message;
  }
};

/**
 * A nullable or optional field that fails reports one issue per member of its union; the
 * "Expected null" and "Expected undefined" halves say nothing the client can act on, so they are
 * dropped when the field has another problem (as the domain's own input validation does).
 */
const withoutNullAlternatives = (problems: ReadonlyArray<FieldProblem>): ReadonlyArray<FieldProblem> =>
  problems.filter(
    (problem) =>
      !/^Expected (null|undefined),/.test(problem.message) ||
      !problems.some((other) => other !== problem && other.field === problem.field),
  );

/**
 * Decodes a parsed body with `schema`, refusing fields the schema does not name (a misspelt
 * field must not be silently ignored), with every problem as the domain's `InvalidInput`
 * naming its field, so the error map answers 400 with DRF field errors.
 */
export const decodeBodyEither = <A, I>(
  schema: Schema.Schema<A, I, never>,
  value: unknown,
): Either.Either<A, InvalidInput> =>
  Either.mapLeft(
    Schema.decodeUnknownEither(schema, { onExcessProperty: "error", errors: "all" })(value),
    (error) =>
      new InvalidInput({
        problems: withoutNullAlternatives(
          ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => ({
            field: issue.path.map(String).join("."),
            message: messageOf(issue),
          })),
        ),
      }),
  );

/** `decodeBodyEither` for route handlers: the decoded body, or throws the `InvalidInput`. */
export const decodeBody = <A, I>(schema: Schema.Schema<A, I, never>, value: unknown): A => {
  const decoded = decodeBodyEither(schema, value);
  if (Either.isLeft(decoded)) throw decoded.left;
  return decoded.right;
};
