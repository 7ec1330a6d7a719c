import pino from "pino";

/**
 * Structured logging with pino: one JSON line per event on stdout, shaped
 * `{"time": ISO-8601, "level": "info", "message": "…", …fields}` so logs can be shipped as they are
 * (and so the shape stayed what it was before pino). The narrow interface keeps call sites simple and
 * lets the rest of the code not depend on pino.
 */
export type Logger = {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, error?: unknown): void;
  /** The pino instance, for pino-http request logs. */
  readonly pino: pino.Logger;
};

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** `level` hides everything below it; tests use "error" so unexpected failures still show. */
export function createLogger(options: { level?: LogLevel; destination?: pino.DestinationStream } = {}): Logger {
  const base = pino(
    {
      level: options.level ?? "info",
      base: undefined, // no pid/hostname on every line: the platform adds what it needs
      messageKey: "message",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return {
    info: (message, fields) => base.info(fields ?? {}, message),
    warn: (message, fields) => base.warn(fields ?? {}, message),
    error: (message, error) =>
      base.error({ error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : error }, message),
    pino: base,
  };
}
