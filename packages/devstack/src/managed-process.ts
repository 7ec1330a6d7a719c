import { spawn, type ChildProcess } from "node:child_process";

export type ExitInfo = { code: number | null; signal: NodeJS.Signals | null };

export type ManagedProcess = {
  readonly pid: number;
  /** Resolves when the process has exited (it is reaped by then, so its pid is gone). */
  readonly exited: Promise<ExitInfo>;
  exitInfo(): ExitInfo | undefined;
  /** The last few KB of stdout+stderr, for error messages (empty with stdio "inherit"). */
  outputTail(): string;
  onOutput(listener: (chunk: string) => void): void;
  /** SIGTERM, then SIGKILL if it has not exited after graceMs. Safe to call repeatedly. */
  stop(graceMs?: number): Promise<ExitInfo>;
  kill(signal: NodeJS.Signals): void;
};

type SpawnManagedOptions = {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Own process group, so a Ctrl-C in the terminal reaches only the launcher, which then stops
   * things in order (server first, databases last) instead of everything dying at once.
   */
  detached?: boolean;
  /** "pipe" keeps the output for error messages; "inherit" shows it in the terminal. */
  stdio?: "pipe" | "inherit";
};

const TAIL_CHARS = 16_000;
const live = new Set<ChildProcess>();

/**
 * Last resort for process "exit" handlers: detached children would otherwise outlive a launcher
 * that dies without running its shutdown (uncaught error, second Ctrl-C).
 */
export function killAllManagedSync(): void {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

/** Spawns a process and resolves once it is running; rejects with the spawn error (e.g. ENOENT). */
export async function spawnManaged(
  command: string,
  args: readonly string[],
  options: SpawnManagedOptions = {},
): Promise<ManagedProcess> {
  const stdio = options.stdio ?? "pipe";
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: options.detached ?? false,
    // Nothing we start reads stdin, and a detached child reading the terminal would get SIGTTIN.
    stdio: stdio === "pipe" ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"],
  });

  let tail = "";
  const listeners: Array<(chunk: string) => void> = [];
  const onData = (chunk: string): void => {
    tail = (tail + chunk).slice(-TAIL_CHARS);
    for (const listener of listeners) listener(chunk);
  };
  // Always drain the pipes: a child blocked on a full pipe looks exactly like a hung database.
  child.stdout?.setEncoding("utf8").on("data", onData);
  child.stderr?.setEncoding("utf8").on("data", onData);

  let exitInfo: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("exit", (code, signal) => {
      exitInfo = { code, signal };
      live.delete(child);
      resolve(exitInfo);
    });
  });

  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  });
  // Later errors (a failed kill) must not crash the launcher as unhandled "error" events.
  child.on("error", () => undefined);
  live.add(child);

  const pid = child.pid;
  if (pid === undefined) throw new Error(`${command} started without a pid`);

  let stopping: Promise<ExitInfo> | undefined;
  return {
    pid,
    exited,
    exitInfo: () => exitInfo,
    outputTail: () => tail,
    onOutput: (listener) => listeners.push(listener),
    kill: (signal) => {
      if (exitInfo === undefined) child.kill(signal);
    },
    stop: (graceMs = 5000) => {
      if (exitInfo !== undefined) return Promise.resolve(exitInfo);
      stopping ??= (async () => {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
        }
      })();
      return stopping;
    },
  };
}

export function describeExit(info: ExitInfo): string {
  return info.signal !== null ? `was killed by ${info.signal}` : `exited with code ${info.code}`;
}

export function indent(text: string, prefix = "    "): string {
  const trimmed = text.trimEnd();
  if (trimmed === "") return `${prefix}(no output)`;
  return trimmed
    .split("\n")
    .slice(-40)
    .map((line) => prefix + line)
    .join("\n");
}

/** Hides the password in a connection URL before it is printed. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]*)@/, "//$1:***@");
}
