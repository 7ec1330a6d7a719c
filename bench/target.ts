/** One circle of the bench: its id and the members whose sockets will join it. */
export type BenchCircle = { circleId: string; members: Array<{ token: string | undefined; userId?: string }> };

/** A server under test, already set up and ready for sockets. */
export type RunningTarget = {
  name: string;
  url: string;
  /** The process whose RSS and CPU are reported (the node process running the server). */
  serverPid: number;
  circles: BenchCircle[];
  /** The bare relay has no memberships, so clients join their circle's room themselves. */
  joinsRoomsItself: boolean;
  serverLog: ServerLogSummary;
  stop(): Promise<void>;
};

export type ServerLogSummary = {
  warnings: number;
  errors: number;
  /** Distinct problems by log message, each with how often it came and its first full line. */
  problems: Map<string, { count: number; example: string }>;
};

const MAX_DISTINCT_PROBLEMS = 10;

/** Counts warn/error lines of a JSON-lines logger and groups them by message for the report. */
export function watchServerLog(onLine: (listener: (line: string) => void) => void): ServerLogSummary {
  const summary: ServerLogSummary = { warnings: 0, errors: 0, problems: new Map() };
  onLine((line) => {
    let level: string | undefined;
    let key: string;
    try {
      const parsed = JSON.parse(line) as { level?: string; message?: string };
      level = parsed.level;
      key = `${level}: ${parsed.message ?? "?"}`;
    } catch {
      // Not our logger's output (a crash trace, a Node warning): worth reporting as a problem.
      if (line.trim() === "") return;
      level = /warn/i.test(line) ? "warn" : "error";
      key = `${level}: ${line.trim().slice(0, 120)}`;
    }
    if (level === "warn") summary.warnings += 1;
    else if (level === "error") summary.errors += 1;
    else return;
    const known = summary.problems.get(key);
    if (known) known.count += 1;
    else if (summary.problems.size < MAX_DISTINCT_PROBLEMS) summary.problems.set(key, { count: 1, example: line.slice(0, 600) });
  });
  return summary;
}
