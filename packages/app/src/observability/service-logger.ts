import pino from "pino";
import type { Logger } from "pino";
import type { LogLevel } from "../config/index.js";

/** The shape the HTTP layer and the workers log through: a message, then what it is about. */
export interface EventLogger {
  error(message: string, details?: unknown): void;
  info(message: string, details?: unknown): void;
}

/**
 * Values never written to a log, wherever they sit in a line's details: credentials, cookies,
 * tokens and secrets (a request's headers, a job's payload, an error's options).
 */
const REDACTED_PATHS = [
  "authorization",
  "cookie",
  "password",
  "token",
  "secret",
  "*.authorization",
  "*.cookie",
  "*.password",
  "*.token",
  "*.secret",
  "*.secretKey",
  "*.clientSecret",
  "*.accessToken",
  "headers.authorization",
  "headers.cookie",
  "*.headers.authorization",
  "*.headers.cookie",
];

/** One JSON object per line on stdout, at `level` and above, with secrets censored. */
export const makeServiceLogger = (
  level: LogLevel,
  destination: pino.DestinationStream = pino.destination({ sync: false }),
): Logger =>
  pino(
    {
      level,
      base: { service: "ovs", pid: process.pid },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      serializers: { error: pino.stdSerializers.err, err: pino.stdSerializers.err },
    },
    destination,
  );

const fieldsOf = (details: unknown): Record<string, unknown> =>
  details === undefined
    ? {}
    : details instanceof Error
      ? { error: details }
      : typeof details === "object" && details !== null && !Array.isArray(details)
        ? (details as Record<string, unknown>)
        : { details };

/** pino takes its fields first and the message second; the layers below log message first. */
export const eventLoggerOf = (logger: Logger): EventLogger => ({
  error: (message, details) => logger.error(fieldsOf(details), message),
  info: (message, details) => logger.info(fieldsOf(details), message),
});
