import { Data } from "effect";

/**
 * The edge's own refusals of a request body, raised before any use case runs. They are tagged
 * like the domain's errors so the one error map (`errors.ts`) answers them too.
 */

/** The body is, or would become, larger than the route accepts. */
export class RequestBodyTooLarge extends Data.TaggedError("RequestBodyTooLarge")<{
  readonly limitBytes: number;
}> {
  override get message(): string {
    return `The request body is larger than ${this.limitBytes} bytes.`;
  }
}

/** The body is not in a type (or encoding) the route parses. */
export class UnsupportedMediaType extends Data.TaggedError("UnsupportedMediaType")<{
  /** What the client declared, cut short; shown back to it. */
  readonly declared: string;
}> {
  override get message(): string {
    return `Unsupported media type "${this.declared}" in request.`;
  }
}

/** The body is not JSON (or not UTF-8). `reason` is the parser's, about the client's own bytes. */
export class MalformedJson extends Data.TaggedError("MalformedJson")<{ readonly reason: string }> {
  override get message(): string {
    return `JSON parse error - ${this.reason}`;
  }
}

/** The client stopped sending before the body was complete. */
export class RequestBodyIncomplete extends Data.TaggedError("RequestBodyIncomplete")<{
  readonly reason: string;
}> {
  override get message(): string {
    return `the request body ended early: ${this.reason}`;
  }
}
