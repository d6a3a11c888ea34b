import type { Readable } from "node:stream";
import type { FieldInfo, FileInfo } from "busboy";
import type { ByteStream } from "@ovs/domain";
import { RequestBodyIncomplete, RequestBodyTooLarge } from "../http/request-body-errors.js";
import type { MultipartRequest } from "./multipart-body.js";
import {
  checkContentType,
  fieldTooLong,
  halt,
  hasBody,
  openMultipartParser,
  refuseBrokenForms,
} from "./multipart-body.js";

/** The file part of a form, handed over while it is still arriving. */
export interface StreamedFile {
  /** The name the client gave the file, without any directory; null when it gave none. */
  readonly filename: string | null;
  /** The part's declared content type (`text/plain` when it declared none, as RFC 7578 says). */
  readonly contentType: string;
  /**
   * The file's bytes as they arrive, read once. It throws the edge's refusal when the file
   * passes the limit or the request breaks off, so a store reading it aborts its put.
   */
  readonly body: ByteStream;
}

export interface StreamedForm {
  /** The text fields sent before the file part (fields after it are not waited for). */
  readonly fields: ReadonlyMap<string, string>;
  /** The file part named as the route asked; null when the form ended without one. */
  readonly file: StreamedFile | null;
  /** The edge's refusal that cut the file short (413, 400), once there is one. */
  readonly failure: () => Error | undefined;
  /**
   * The route is done with the request: whatever of it is still unread is not read (the
   * connection is cut if the client keeps sending). Call it on every way out.
   */
  readonly finish: () => void;
}

export interface MultipartStreamOptions {
  /** The name of the file part to hand over; other file parts are read past and dropped. */
  readonly fileField: string;
  /** The largest file the route takes; one more byte refuses the request. */
  readonly fileLimitBytes: number;
}

/**
 * Opens a `multipart/form-data` body for streaming: resolves as soon as the file part named
 * `fileField` begins (with the text fields sent before it), or when the form ends without one.
 * The file's bytes are never held whole: they flow, with backpressure, to whoever reads
 * `file.body`. A declared length past the limit is refused at once; otherwise the bytes are
 * counted as they arrive and the first one past the limit cuts the file's stream with
 * `RequestBodyTooLarge`. Refusals before the file begins reject the promise, as
 * `readMultipartBody`'s do (415, 413, 400); later ones end the file's stream with that error.
 */
export const openMultipartStream = async (
  ctx: MultipartRequest,
  options: MultipartStreamOptions,
): Promise<StreamedForm> => {
  const { req } = ctx;
  const { fileField, fileLimitBytes } = options;
  const tooLarge = () => new RequestBodyTooLarge({ limitBytes: fileLimitBytes });
  if (!hasBody(req)) {
    return { fields: new Map(), file: null, failure: () => undefined, finish: () => undefined };
  }
  checkContentType(req);
  const { parser, requestLimitBytes } = openMultipartParser(req, fileLimitBytes, tooLarge);

  return new Promise<StreamedForm>((resolve, reject) => {
    const fields = new Map<string, string>();
    let fileStream: Readable | undefined;
    let failure: Error | undefined;
    let resolved = false;
    let detached = false;

    const detach = () => {
      if (detached) return;
      detached = true;
      req.off("data", onRequestData);
      req.off("error", onRequestError);
      req.off("close", onRequestClose);
      req.unpipe(parser);
      // Not at once: this may run inside the parser's own write, which goes on after it returns.
      setImmediate(() => parser.destroy());
    };
    const fail = (error: Error, stop: boolean) => {
      if (failure !== undefined || detached) return;
      failure = error;
      detach();
      if (stop) halt(req);
      if (resolved) fileStream?.destroy(error);
      else reject(error);
    };
    const finish = () => {
      if (detached) return;
      const unread = !req.complete;
      detach();
      if (unread) halt(req);
    };
    const settle = (file: StreamedFile | null) => {
      resolved = true;
      // The fields as they stood when the file began: those after it arrive only with the file.
      resolve({ fields: new Map(fields), file, failure: () => failure, finish });
    };

    let received = 0;
    const onRequestData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > requestLimitBytes) fail(tooLarge(), true);
    };
    const onRequestError = (error: Error) =>
      fail(new RequestBodyIncomplete({ reason: error.message }), false);
    const onRequestClose = () => {
      if (!req.complete) fail(new RequestBodyIncomplete({ reason: "the connection closed" }), false);
    };

    const body = (stream: Readable): ByteStream => ({
      async *[Symbol.asyncIterator]() {
        let size = 0;
        try {
          for await (const chunk of stream as AsyncIterable<Buffer>) {
            size += chunk.length;
            if (size > fileLimitBytes) fail(tooLarge(), true);
            if (failure !== undefined) throw failure;
            yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          }
        } catch (error) {
          throw failure ?? error;
        }
        if (failure !== undefined) throw failure;
      },
    });

    parser.on("field", (name: string, value: string, info: FieldInfo) => {
      if (info.valueTruncated) {
        fail(fieldTooLong(name), true);
        return;
      }
      fields.set(name, value);
    });
    parser.on("file", (name: string, stream: Readable, info: FileInfo) => {
      // Errors on the part's stream are the parser's, reported once by it.
      stream.on("error", () => undefined);
      if (name !== fileField || resolved || failure !== undefined) {
        stream.resume();
        return;
      }
      fileStream = stream;
      settle({
        filename: info.filename === undefined || info.filename === "" ? null : info.filename,
        contentType: info.mimeType,
        body: body(stream),
      });
    });
    refuseBrokenForms(parser, (error) => fail(error, true));
    parser.on("close", () => {
      if (detached) return;
      detach();
      if (!resolved) settle(null);
    });

    req.on("data", onRequestData);
    req.once("error", onRequestError);
    req.once("close", onRequestClose);
    req.pipe(parser);
  });
};
