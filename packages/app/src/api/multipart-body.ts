import type { IncomingMessage } from "node:http";
import busboy from "busboy";
import type { Busboy, FileInfo, FieldInfo } from "busboy";
import { invalidField } from "@ovs/domain";
import {
  RequestBodyIncomplete,
  RequestBodyTooLarge,
  UnsupportedMediaType,
} from "../http/request-body-errors.js";

/** The part of a Koa context the reader needs. */
export interface MultipartRequest {
  readonly req: IncomingMessage;
}

/** The one file part a route reads, held in memory (it is never larger than the route's limit). */
export interface MultipartFile {
  /** The name the client gave the file, without any directory; null when it gave none. */
  readonly filename: string | null;
  /** The part's declared content type; `text/plain` when the part declared none, as RFC 7578 says. */
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

export interface MultipartForm {
  /** The text fields; the last value of a repeated field wins. */
  readonly fields: ReadonlyMap<string, string>;
  /** The file part named as the route asked; null when the form has none. */
  readonly file: MultipartFile | null;
}

export interface MultipartOptions {
  /** The name of the file part to keep; other file parts are read past and dropped. */
  readonly fileField: string;
  /** The largest file the route takes; one more byte refuses the request at once. */
  readonly fileLimitBytes: number;
  /**
   * The refusal of an upload past the limit, for routes that answer it in their own shape;
   * `RequestBodyTooLarge` by default. `seenBytes` is how much was read when it was refused.
   */
  readonly tooLarge?: (seenBytes: number) => Error;
}

const MULTIPART_MEDIA_TYPE = "multipart/form-data";
const DECLARED_SHOWN = 100;

/** Text fields are small: keys, language codes, file names. */
const FIELD_LIMIT_BYTES = 8 * 1024;
const FIELDS_LIMIT = 16;
const PARTS_LIMIT = 32;
const HEADER_PAIRS_LIMIT = 16;
/** What a form may carry besides its file: boundaries, part headers and the text fields. */
const FORM_OVERHEAD_BYTES = FIELDS_LIMIT * FIELD_LIMIT_BYTES + 128 * 1024;

/** How long a refused request's connection may stay open, its rest unread (as for JSON bodies). */
const REFUSED_BODY_LINGER_MS = 5_000;

const shown = (declared: string): string =>
  declared.length > DECLARED_SHOWN ? `${declared.slice(0, DECLARED_SHOWN)}…` : declared;

/** Whether the request has a body at all: a length above zero, or chunked. */
export const hasBody = (req: IncomingMessage): boolean =>
  req.headers["transfer-encoding"] !== undefined ||
  (req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0");

/** `multipart/form-data`, not compressed; anything else is 415. */
export const checkContentType = (req: IncomingMessage): void => {
  const declared = (req.headers["content-type"] ?? "").trim();
  const mediaType = (declared.split(";")[0] ?? "").trim().toLowerCase();
  if (mediaType !== MULTIPART_MEDIA_TYPE) throw new UnsupportedMediaType({ declared: shown(declared) });
  const encoding = (req.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  if (encoding !== "identity")
    throw new UnsupportedMediaType({ declared: shown(`${declared}; ${encoding}`) });
};

/**
 * Stops reading: the stream is paused, not destroyed, so the refusal still reaches the client;
 * a client that keeps sending has its connection cut after the linger time.
 */
export const halt = (req: IncomingMessage): void => {
  req.pause();
  const cut = setTimeout(() => {
    if (!req.complete) req.socket.destroy();
  }, REFUSED_BODY_LINGER_MS);
  cut.unref();
  req.socket.once("close", () => clearTimeout(cut));
};

/** The form does not parse: answered 400 in the route's own error shape. */
export const malformed = (reason: string) => invalidField("", `Multipart form parse error - ${reason}`);

/**
 * The part every multipart reader shares: the declared length checked against the file limit
 * plus the form's allowance (past it, the request is halted and `tooLarge(declared)` thrown),
 * and busboy opened with the form's limits. Returns the parser and the byte count past which
 * the reader refuses the request as it streams.
 */
export const openMultipartParser = (
  req: IncomingMessage,
  fileLimitBytes: number,
  tooLarge: (declaredLength: number) => Error,
): { readonly parser: Busboy; readonly requestLimitBytes: number } => {
  const requestLimitBytes = fileLimitBytes + FORM_OVERHEAD_BYTES;
  const declaredLength = Number(req.headers["content-length"]);
  if (Number.isFinite(declaredLength) && declaredLength > requestLimitBytes) {
    halt(req);
    throw tooLarge(declaredLength);
  }
  if (req.readableEnded || req.destroyed) throw new Error("the request body was read already");
  try {
    const parser = busboy({
      headers: req.headers,
      defParamCharset: "utf8",
      limits: {
        fieldSize: FIELD_LIMIT_BYTES,
        fields: FIELDS_LIMIT,
        parts: PARTS_LIMIT,
        headerPairs: HEADER_PAIRS_LIMIT,
        // A backstop: the reader's own count refuses the file at its first byte past the limit.
        fileSize: fileLimitBytes + 1,
      },
    });
    return { parser, requestLimitBytes };
  } catch (error) {
    throw malformed(error instanceof Error ? error.message : String(error));
  }
};

/**
 * What stops a form as the parser finds it: too many parts or fields, a form that does not parse
 * (400), or one that ends early because the client stopped sending (`RequestBodyIncomplete`).
 */
export const refuseBrokenForms = (parser: Busboy, refuse: (error: Error) => void): void => {
  parser.on("partsLimit", () => refuse(malformed(`more than ${PARTS_LIMIT} parts`)));
  parser.on("fieldsLimit", () => refuse(malformed(`more than ${FIELDS_LIMIT} fields`)));
  parser.on("error", (error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    refuse(
      /^Unexpected end of (form|file)$/.test(reason)
        ? new RequestBodyIncomplete({ reason })
        : malformed(reason),
    );
  });
};

/** A text field past the form's limit, named, in DRF's words. */
export const fieldTooLong = (name: string) =>
  invalidField(name, `Ensure this field has no more than ${FIELD_LIMIT_BYTES} bytes.`);

const asBytes = (chunks: ReadonlyArray<Buffer>, length: number): Uint8Array => {
  const joined = Buffer.concat(chunks, length);
  return new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength);
};

/**
 * Reads a `multipart/form-data` body as it streams in: its text fields and the one file part
 * named `fileField`, counted as they arrive. The read stops at the first byte past
 * `fileLimitBytes` (or past the form's small allowance for everything else), so nothing over the
 * limit is ever held. Refusals are tagged errors the error map answers: 415 for another content
 * type, 413 past the limits, 400 for a form that does not parse or a field that is too long,
 * 400 `RequestBodyIncomplete` when the client stops sending. A request without a body reads as an
 * empty form, so the route reports the missing file in its own words.
 */
export const readMultipartBody = async (
  ctx: MultipartRequest,
  options: MultipartOptions,
): Promise<MultipartForm> => {
  const { req } = ctx;
  const { fileField, fileLimitBytes } = options;
  const tooLarge =
    options.tooLarge ?? ((_seen: number) => new RequestBodyTooLarge({ limitBytes: fileLimitBytes }));
  if (!hasBody(req)) return { fields: new Map(), file: null };
  checkContentType(req);
  const { parser, requestLimitBytes } = openMultipartParser(req, fileLimitBytes, tooLarge);

  return new Promise<MultipartForm>((resolve, reject) => {
    const fields = new Map<string, string>();
    let file: MultipartFile | null = null;
    let received = 0;
    let settled = false;

    const detach = () => {
      settled = true;
      req.off("data", onRequestData);
      req.off("error", onRequestError);
      req.off("close", onRequestClose);
      req.unpipe(parser);
    };
    const fail = (error: Error, stop: boolean) => {
      if (settled) return;
      detach();
      if (stop) halt(req);
      // Not at once: this may run inside the parser's own write, which goes on after it returns.
      setImmediate(() => parser.destroy());
      reject(error);
    };

    const onRequestData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > requestLimitBytes) fail(tooLarge(received), true);
    };
    const onRequestError = (error: Error) =>
      fail(new RequestBodyIncomplete({ reason: error.message }), false);
    const onRequestClose = () => {
      if (!req.complete) fail(new RequestBodyIncomplete({ reason: "the connection closed" }), false);
    };

    parser.on("field", (name: string, value: string, info: FieldInfo) => {
      if (info.valueTruncated) {
        fail(fieldTooLong(name), true);
        return;
      }
      fields.set(name, value);
    });
    parser.on("file", (name: string, stream, info: FileInfo) => {
      // Errors on the part's stream are the parser's, reported once by it.
      stream.on("error", () => undefined);
      if (name !== fileField || file !== null || settled) {
        stream.resume();
        return;
      }
      const chunks: Array<Buffer> = [];
      let size = 0;
      let refused = false;
      stream.on("data", (chunk: Buffer) => {
        if (refused) return;
        size += chunk.length;
        if (size > fileLimitBytes) {
          refused = true;
          chunks.length = 0;
          fail(tooLarge(size), true);
          return;
        }
        chunks.push(chunk);
      });
      stream.on("end", () => {
        if (refused || settled) return;
        file = {
          filename: info.filename === undefined || info.filename === "" ? null : info.filename,
          contentType: info.mimeType,
          bytes: asBytes(chunks, size),
        };
      });
    });
    refuseBrokenForms(parser, (error) => fail(error, true));
    parser.on("close", () => {
      if (settled) return;
      detach();
      resolve({ fields, file });
    });

    req.on("data", onRequestData);
    req.once("error", onRequestError);
    req.once("close", onRequestClose);
    req.pipe(parser);
  });
};

/** The file part, or the route's 400 naming it when the form has none. */
export const requireFile = (form: MultipartForm, field: string, message: string): MultipartFile => {
  if (form.file === null) throw invalidField(field, message);
  return form.file;
};
