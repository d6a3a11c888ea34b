import { request as httpRequest } from "node:http";

export interface StreamedMultipart {
  readonly url: string;
  readonly method: "POST" | "PATCH";
  readonly token: string;
  readonly boundary: string;
  /** Everything before the file's bytes: the fields and the file part's headers. */
  readonly head: string;
  /** Written after the file's bytes when the server has not answered by then. */
  readonly tail?: string;
  /** How many bytes of the file to send at most, 64 KiB at a time. */
  readonly total: number;
  /** Send without a declared length, so a limit can only be found while the body streams. */
  readonly chunked?: boolean;
}

/**
 * Sends a multipart body whose file part is written chunk by chunk, with backpressure, until
 * the server answers: what it answered, and how much of the file had been written by then.
 */
export const streamMultipartUntilAnswered = (input: StreamedMultipart) =>
  new Promise<{ status: number; body: string; written: number }>((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    let written = 0;
    let answered = false;
    const request = httpRequest(input.url, {
      method: input.method,
      headers: {
        Authorization: `Bearer ${input.token}`,
        "Content-Type": `multipart/form-data; boundary=${input.boundary}`,
        ...(input.chunked === true ? { "Transfer-Encoding": "chunked" } : {}),
      },
    });
    request.on("response", (response) => {
      answered = true;
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (part: string) => (body += part));
      response.on("end", () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body, written });
      });
    });
    request.on("error", (error) => {
      if (!answered) reject(error);
    });
    request.write(input.head);
    const pump = () => {
      while (!answered && written < input.total) {
        written += chunk.length;
        if (!request.write(chunk)) {
          request.once("drain", pump);
          return;
        }
      }
      if (!answered) request.end(input.tail ?? "");
    };
    pump();
  });
