/**
 * A refused or failed API call, with what the API said. `body` is the parsed JSON error
 * (`{"detail"}`, `{"error"}` or DRF field errors), or undefined when there was none.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(ApiError.messageOf(status, body));
    this.name = "ApiError";
  }

  /** The sentence a person reads: the API's own message when it gave one. */
  static messageOf(status: number, body: unknown): string {
    if (typeof body === "object" && body !== null) {
      const record = body as Record<string, unknown>;
      if (typeof record["detail"] === "string") return record["detail"];
      if (typeof record["error"] === "string") return record["error"];
      const fields = Object.entries(record).flatMap(([field, messages]) =>
        Array.isArray(messages)
          ? messages.filter((message) => typeof message === "string").map((m) => `${field}: ${String(m)}`)
          : [],
      );
      if (fields.length > 0) return fields.join(" ");
    }
    if (status === 0) return "The service could not be reached. Check your connection and try again.";
    if (status >= 500) return "The service had a problem. Try again in a minute.";
    return `The request was refused (HTTP ${status}).`;
  }

  /** The messages of one field of a DRF field-error body. */
  fieldMessages(field: string): ReadonlyArray<string> {
    if (typeof this.body !== "object" || this.body === null) return [];
    const messages = (this.body as Record<string, unknown>)[field];
    return Array.isArray(messages)
      ? messages.filter((message): message is string => typeof message === "string")
      : [];
  }
}

/** What to tell the person about a failed action: the error's own message, or `fallback`. */
export const messageOf = (error: unknown, fallback: string): string =>
  error instanceof Error && error.message !== "" ? error.message : fallback;
