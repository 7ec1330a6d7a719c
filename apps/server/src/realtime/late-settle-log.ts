import type { Logger } from "@kring/logger";

/**
 * The work gate's report of events that settled after their deadline (answered `unavailable`,
 * the work ran on). Late completions are expected under overload: they are logged as one summary
 * line per 10 s, not one line each; a late failure is logged on its own (the client's resend will
 * redo that work).
 */
export function createLateSettleLog(logger: Logger, now: () => number = Date.now) {
  const summary = { count: 0, maxElapsedMs: 0, loggedAt: 0 };
  return ({ error, elapsedMs }: { error?: unknown; elapsedMs: number }): void => {
    if (error !== undefined) {
      logger.warn("socket event failed after its deadline", {
        elapsedMs: Math.round(elapsedMs),
        error: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    summary.count += 1;
    summary.maxElapsedMs = Math.max(summary.maxElapsedMs, elapsedMs);
    if (now() - summary.loggedAt < 10_000) return;
    logger.warn("socket events finished after their deadline (answered unavailable; resends get the result)", {
      count: summary.count,
      maxElapsedMs: Math.round(summary.maxElapsedMs),
    });
    Object.assign(summary, { count: 0, maxElapsedMs: 0, loggedAt: now() });
  };
}
