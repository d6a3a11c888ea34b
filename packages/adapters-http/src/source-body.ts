import type { ByteStream } from "@ovs/domain";
import { SourceRejected, SourceUnavailable } from "@ovs/domain";
import mime from "mime";
import { describeTransportFailure, discardBody, quietBody, type ResponseBody } from "./http-support.js";

export interface SourceBodyOptions {
  readonly body: ResponseBody;
  /** The link as the caller gave it, for error messages. */
  readonly url: string;
  /** Bytes beyond this end the transfer with `SourceRejected`. */
  readonly maxBytes?: number;
  /** The size the source announced; a body that ends short of it is a broken transfer. */
  readonly expectedBytes?: number | null;
}

/**
 * A response body as the `VideoSource` port wants it: chunks as they arrive (undici applies
 * backpressure, so memory stays at a few socket buffers whatever the size), failures half-way
 * thrown as `SourceUnavailable`, a size limit enforced as bytes arrive, and the connection
 * released however the caller stops reading. It can be read once.
 */
export const sourceBody = ({ body, url, maxBytes, expectedBytes }: SourceBodyOptions): ByteStream => {
  quietBody(body);
  return {
    async *[Symbol.asyncIterator]() {
      let received = 0;
      try {
        for await (const chunk of body as AsyncIterable<Buffer>) {
          received += chunk.length;
          if (maxBytes !== undefined && received > maxBytes) {
            throw new SourceRejected({
              url,
              reason: `the file is larger than the limit of ${maxBytes} bytes`,
            });
          }
          yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        }
      } catch (error) {
        if (error instanceof SourceRejected || error instanceof SourceUnavailable) throw error;
        const { reason } = describeTransportFailure(error);
        throw new SourceUnavailable({
          url,
          reason: `the transfer broke off after ${received} bytes: ${reason}`,
        });
      } finally {
        discardBody(body);
      }
      if (expectedBytes !== undefined && expectedBytes !== null && received < expectedBytes) {
        throw new SourceUnavailable({
          url,
          reason: `the transfer ended after ${received} of ${expectedBytes} bytes`,
        });
      }
    },
  };
};

/** The media type of a file name, the way upstream guessed it (Python `mimetypes`). */
export const contentTypeOfName = (name: string): string | null => mime.getType(name);

/** The last segment of a URL path, decoded, or `fallback`. */
export const nameFromUrl = (url: URL, fallback: string): string => {
  const segment = url.pathname.slice(url.pathname.lastIndexOf("/") + 1);
  try {
    return baseName(decodeURIComponent(segment)) || fallback;
  } catch {
    return baseName(segment) || fallback;
  }
};

/** Drops anything that looks like a directory part, whichever separator it uses. */
export const baseName = (name: string): string =>
  name.slice(Math.max(name.lastIndexOf("/"), name.lastIndexOf("\\")) + 1).trim();
