import { spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

export type BenchChild = {
  /** The process we spawned (for `tsx` that is the wrapper, see findDescendant). */
  readonly pid: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  outputTail(): string;
  onLine(listener: (line: string) => void): void;
  /** SIGTERM to the child's process group, SIGKILL after graceMs. */
  stop(graceMs?: number): Promise<void>;
};

const TAIL_CHARS = 16_000;
/** Process groups still alive, for the synchronous last-resort kill in the exit handler. */
const liveGroups = new Set<number>();

function killGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** Called from process "exit": nothing async runs there, so whatever is left gets SIGKILL. */
export function killAllChildrenSync() {
  for (const pid of liveGroups) killGroup(pid, "SIGKILL");
  liveGroups.clear();
}

/**
 * Spawns in its own process group so that Ctrl-C reaches only the bench, which then stops
 * the children in order, and so that stop() also reaches grandchildren (tsx runs the
 * script in a child of its own).
 */
export function spawnChild(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): BenchChild {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  liveGroups.add(pid);
  let tail = "";
  let partial = "";
  const listeners: Array<(line: string) => void> = [];
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      exitInfo = { code, signal };
      // The group may outlive its leader (a grandchild that ignored SIGTERM).
      killGroup(pid, "SIGKILL");
      liveGroups.delete(pid);
      resolve(exitInfo);
    });
  });
  const onData = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    tail = (tail + text).slice(-TAIL_CHARS);
    const lines = (partial + text).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) for (const listener of listeners) listener(line);
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);

  return {
    pid,
    exited,
    hasExited: () => exitInfo !== undefined,
    outputTail: () => tail,
    onLine: (listener) => listeners.push(listener),
    async stop(graceMs = 10_000) {
      if (exitInfo) return;
      killGroup(pid, "SIGTERM");
      const timer = setTimeout(() => killGroup(pid, "SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The direct children of pid, from /proc (Linux only, like the rest of the bench's /proc reads). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // Kernels without CONFIG_PROC_CHILDREN: scan every process for its parent.
    const found: number[] = [];
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        if (ppid === pid) found.push(Number(entry));
      } catch {
        // It exited while we looked.
      }
    }
    return found;
  }
}

/**
 * `tsx` runs the script in a child node process; the RSS and CPU that matter are that
 * child's, not the wrapper's. Follows single children down to the last one.
 */
export function findDescendant(pid: number): number {
  let current = pid;
  for (let depth = 0; depth < 4; depth += 1) {
    const children = childrenOf(current);
    if (children.length !== 1) break;
    current = children[0]!;
  }
  return current;
}
