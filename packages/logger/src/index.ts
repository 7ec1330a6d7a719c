/** Minimal structured logger; one JSON line per event so logs can be shipped as they are. */
export type Logger = {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, error?: unknown): void;
};

const levels = { info: 0, warn: 1, error: 2, silent: 3 } as const;

/** `level` hides everything below it; tests use "error" so unexpected failures still show. */
export function createLogger(options: { level?: keyof typeof levels } = {}): Logger {
  const threshold = levels[options.level ?? "info"];
  const write = (level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>) => {
    if (levels[level] < threshold) return;
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`);
  };
  return {
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, error) =>
      write("error", message, {
        error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : error,
      }),
  };
}
