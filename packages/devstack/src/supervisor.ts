import { describeExit, type ExitInfo, type ManagedProcess } from "./managed-process";

type SupervisorOptions = {
  /** "server", "worker": used in the log lines. */
  name: string;
  /** Starts one run of the process. */
  start: () => Promise<ManagedProcess>;
  log: (message: string) => void;
  /** Wait before the first restart; doubled after each crash that follows quickly on a start. */
  initialDelayMs?: number;
  /** The longest wait between restarts of a process that keeps crashing. */
  maxDelayMs?: number;
  /** A run at least this long counts as healthy: the next crash restarts after initialDelayMs again. */
  stableAfterMs?: number;
  /** Told after a restart began (tests and logs). */
  onRestart?: (proc: ManagedProcess) => void;
};

export type Supervisor = {
  /** The current run, if one is up (undefined while waiting to restart). */
  current(): ManagedProcess | undefined;
  /** How many times the process was restarted after a crash. */
  restarts(): number;
  /** Stops restarting and stops the current run (SIGTERM, then SIGKILL after graceMs). */
  stop(graceMs: number): Promise<ExitInfo | undefined>;
};

/**
 * Keeps a Kring process running under `npm start`: a crashed server or worker is restarted with
 * exponential backoff instead of taking FerretDB and Redis down with it (clients reconnect and
 * resync; the worker's stalled jobs are re-run). A process that keeps crashing right after its
 * start backs off up to maxDelayMs, so a bug does not turn into a busy loop.
 */
export async function superviseProcess(options: SupervisorOptions): Promise<Supervisor> {
  const initialDelayMs = options.initialDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const stableAfterMs = options.stableAfterMs ?? 30_000;
  let current: ManagedProcess | undefined;
  let spawning: Promise<void> | undefined;
  let isStopping = false;
  let restarts = 0;
  let delayMs = initialDelayMs;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;

  const scheduleRestart = (reason: string) => {
    const waitMs = delayMs;
    delayMs = Math.min(delayMs * 2, maxDelayMs);
    options.log(`${options.name} ${reason}; restarting in ${formatSeconds(waitMs)}`);
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (isStopping) return;
      restarts += 1;
      spawning = run().then(
        () => {
          if (current) options.onRestart?.(current);
        },
        // Could not even spawn (e.g. out of processes): try again later, still backing off.
        (error: unknown) => scheduleRestart(`could not be started (${error instanceof Error ? error.message : String(error)})`),
      );
    }, waitMs);
  };

  const run = async (): Promise<void> => {
    const startedAt = Date.now();
    const proc = await options.start();
    current = proc;
    void proc.exited.then((info) => {
      if (current === proc) current = undefined;
      if (isStopping) return;
      // A run that lasted a while was healthy: start the backoff over.
      if (Date.now() - startedAt >= stableAfterMs) delayMs = initialDelayMs;
      scheduleRestart(describeExit(info));
    });
  };

  await run();
  return {
    current: () => current,
    restarts: () => restarts,
    async stop(graceMs) {
      isStopping = true;
      if (restartTimer !== undefined) clearTimeout(restartTimer);
      restartTimer = undefined;
      // A restart being spawned right now is stopped as soon as it exists.
      await spawning;
      return current?.stop(graceMs);
    },
  };
}

function formatSeconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
