import { readFileSync } from "node:fs";
import os from "node:os";

/** Kernel clock ticks per second; 100 on every Linux we run on (`getconf CLK_TCK`). */
const CLOCK_TICKS = 100;

/** Resident set size in bytes, or undefined if the process is gone. */
function readRssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** User+system CPU seconds a process has used so far. */
function readCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which may itself contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Busy and total jiffies of the whole machine, all cores. */
function readMachineCpu(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  // idle + iowait are the time nobody could use the core.
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * CPU use over a window, as a share of one core per process (so 150% = 1.5 cores) and the
 * machine's busy share of all cores. Watches this process too: on a small machine the load
 * generator competes with the server for the same cores.
 */
export function startCpuWindow(pids: Record<string, number | undefined>) {
  const startedAt = performance.now();
  const machineStart = readMachineCpu();
  const selfStart = process.cpuUsage();
  const start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid === undefined ? undefined : readCpuSeconds(pid)]));
  return {
    finish() {
      const seconds = (performance.now() - startedAt) / 1000;
      const machineEnd = readMachineCpu();
      const self = process.cpuUsage(selfStart);
      const perProcess: Record<string, number | undefined> = {};
      for (const [name, pid] of Object.entries(pids)) {
        const before = start[name];
        const after = pid === undefined ? undefined : readCpuSeconds(pid);
        perProcess[name] = before === undefined || after === undefined ? undefined : ((after - before) / seconds) * 100;
      }
      return {
        seconds,
        cores: os.availableParallelism(),
        benchClientPercent: ((self.user + self.system) / 1e6 / seconds) * 100,
        perProcessPercent: perProcess,
        machineBusyPercent: ((machineEnd.busy - machineStart.busy) / Math.max(1, machineEnd.total - machineStart.total)) * 100,
      };
    },
  };
}
export type CpuWindow = ReturnType<ReturnType<typeof startCpuWindow>["finish"]>;

/**
 * RSS once it stops moving: right after setup the server still holds garbage (and argon2
 * buffers) that V8 and malloc hand back over the next seconds, which would otherwise be
 * counted against (or for) the sockets.
 */
export async function readSettledRssBytes(pid: number, options: { maxWaitMs?: number; toleranceBytes?: number } = {}): Promise<number | undefined> {
  const maxWaitMs = options.maxWaitMs ?? 20_000;
  const tolerance = options.toleranceBytes ?? 512 * 1024;
  const deadline = performance.now() + maxWaitMs;
  let previous = readRssBytes(pid);
  let stableReadings = 0;
  while (previous !== undefined && performance.now() < deadline && stableReadings < 3) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const current = readRssBytes(pid);
    if (current === undefined) return undefined;
    stableReadings = Math.abs(current - previous) <= tolerance ? stableReadings + 1 : 0;
    previous = current;
  }
  return previous;
}
