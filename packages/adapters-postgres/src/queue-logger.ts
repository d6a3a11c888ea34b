/**
 * Where pg-boss and the workers report what nobody awaits: pg-boss's own `error` events and
 * the jobs that failed. Shaped so an embedder can pass its logger (pino, console, …) as is.
 */
export interface QueueLogger {
  error(message: string, details?: unknown): void;
  info?(message: string, details?: unknown): void;
}

const detailsText = (details: unknown): string => {
  if (details === undefined) return "";
  const plain =
    details instanceof Error
      ? { name: details.name, message: details.message, stack: details.stack }
      : details;
  try {
    // JSON escapes the newlines of stacks and causes, so each report stays one line.
    return ` ${JSON.stringify(plain)}`;
  } catch {
    return ` ${String(plain).replace(/\s*\n\s*/g, " ")}`;
  }
};

/** The default: errors as one line each on stderr, nothing else. */
export const stderrQueueLogger: QueueLogger = {
  error: (message, details) => {
    process.stderr.write(`${message.replace(/\s*\n\s*/g, " ")}${detailsText(details)}\n`);
  },
};
