import type { AlertSockets, AlertsResult } from "./alerts-load";
import type { AlertsOptions } from "./alerts-options";
import type { CpuWindow } from "./proc-stats";
import type { LatencySummary } from "./stats";
import type { ServerLogSummary } from "./target";

const TARGET_FIRST_PAGE_P99_MS = 250;
const TARGET_STEP_WITHIN_MS = 1000;

export type AlertsRun = {
  options: AlertsOptions;
  sockets: Pick<AlertSockets, "expected" | "connected" | "failures" | "seconds">;
  setupSeconds: number;
  result: AlertsResult;
  serverLog: ServerLogSummary;
  workerLog: ServerLogSummary;
};

const ms = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? "–" : `${value.toFixed(1)} ms`);
const pct = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? "–" : `${value.toFixed(0)}%`);
const counts = (record: Record<string, number>) => {
  const entries = Object.entries(record);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  return entries.length === 0 ? "0" : `${total} (${entries.map(([code, n]) => `${code}: ${n}`).join(", ")})`;
};
const percentiles = (s: LatencySummary, withMin = false) =>
  s.count === 0 ? "– (no samples)" : `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)} / ${ms(s.max)}${withMin ? ` (n=${s.count})` : ""}`;
const cpuLine = (cpu: CpuWindow) =>
  [
    `worker ${pct(cpu.perProcessPercent.worker)}`,
    `server ${pct(cpu.perProcessPercent.server)}`,
    `FerretDB ${pct(cpu.perProcessPercent.ferretdb)}`,
    `Redis ${pct(cpu.perProcessPercent.redis)}`,
    `bench ${pct(cpu.benchClientPercent)}`,
    `other processes ${pct(otherPercent(cpu))}`,
    `machine ${pct(cpu.machineBusyPercent)} of ${cpu.cores} cores`,
  ].join(", ");
/** Machine busy time not explained by the processes we watch: other work sharing the cores (100% = 1 core). */
const otherPercent = (cpu: CpuWindow) => {
  const known = Object.values(cpu.perProcessPercent).reduce<number>((sum, value) => sum + (value ?? 0), 0) + cpu.benchClientPercent;
  return Math.max(0, cpu.machineBusyPercent * cpu.cores - known);
};
/**
 * Kring's CPU time per raised alert over a window (ms of one core): less noisy than latency on a shared
 * machine, because other processes slow Kring down but do not add to its CPU time.
 */
const cpuPerAlert = (cpu: CpuWindow, alerts: number) => {
  const msOf = (percent: number | undefined) => (percent === undefined ? NaN : (percent / 100) * cpu.seconds * 1000 / Math.max(1, alerts));
  const parts = { worker: msOf(cpu.perProcessPercent.worker), server: msOf(cpu.perProcessPercent.server), FerretDB: msOf(cpu.perProcessPercent.ferretdb), Redis: msOf(cpu.perProcessPercent.redis) };
  const total = Object.values(parts).reduce((sum, value) => sum + value, 0);
  return `**${maybe(total, 1)} ms** (${Object.entries(parts).map(([name, value]) => `${name} ${maybe(value, 1)}`).join(", ")})`;
};
const maybe = (value: number | undefined, digits = 0) => (value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(digits));

export function alertsTable(run: AlertsRun): string {
  const r = run.result;
  const { options } = run;
  const rows: Array<[string, string]> = [
    ["Circles (coordinator, 2 family, 1 resident)", String(options.circles)],
    ["Sockets connected", `${run.sockets.connected} / ${run.sockets.expected}${Object.keys(run.sockets.failures).length ? ` (failed: ${counts(run.sockets.failures)})` : ""}`],
    ["Setup (register, circles, ladders, sockets)", `${run.setupSeconds.toFixed(1)} s`],
    ["Idle between the last connect and the first raise", `${options.idleSeconds} s`],
    ["**Alerts raised** (scheduled)", `**${r.raised}** (${r.scheduled})${r.skipped ? `, ${r.skipped} skipped: resident not connected` : ""}`],
    ["Raises emitted within", `${r.raiseWindowMs.toFixed(0)} ms (asked: ${options.spreadMs} ms)`],
    ["**Alerts acked OK**", `**${r.acked}**`],
    ["Ack errors (by code) / no ack", `${counts(r.ackErrors)} / ${r.noAck}`],
    ["raise→ack p50 / p95 / p99 / max", percentiles(r.ack)],
    ["First pages received (family 1, in-app)", `${r.firstPagesReceived} / ${r.acked}`],
    ["**raise→first page** p50 / p95 / p99 / max", `**${percentiles(r.firstPage)}**`],
    ["Step 1 (at once): page received − createdAt, p50 / p95 / p99 / max", percentiles(r.step0Lateness)],
    ["Second pages received (family 2, in-app)", `${r.secondPagesReceived} / ${r.acked}`],
    [`**Step 2 lateness** (received − (createdAt + ${options.stepSeconds} s)) p50 / p95 / p99 / max`, `**${percentiles(r.step1Lateness)}**`],
    ["Step 1 / step 2 earliest (negative = before the deadline)", `${ms(r.step0LatenessMin)} / ${ms(r.step1LatenessMin)}`],
    ["Step 2 lateness by the worker's clock (notification `at` − deadline) p50 / p95 / p99 / max", percentiles(r.step1WorkerLateness)],
    ["Duplicate pages / misdirected pages", `${r.duplicatePages} / ${r.misdirected}`],
    ["Unanswered pages to coordinators (ladder ran out before the resolve)", String(r.unansweredPages)],
    ["Wave 1: first raise → last first page", `${r.wave1.firstPagesSeconds.toFixed(2)} s`],
    ["Wave 1: in-app first pages per second (received)", maybe(r.wave1.inAppPagesPerSecond, 1)],
    [
      "Wave 1: kring-notifications jobs completed (in-app + push + email per page)",
      `${maybe(r.wave1.notificationJobsCompleted)} in ${maybe(r.wave1.notificationJobsSeconds, 2)} s (±0.25 s, queue polled)` +
        (r.wave1.isComplete ? "" : "; wave 1 still running when step 2 came due: counted up to then"),
    ],
    ["**Notification jobs completed per second, one worker**", `**${maybe(r.wave1.notificationJobsPerSecond, 1)}**`],
    ["Whole run: notification / escalation jobs completed", `${maybe(r.whole.notificationJobsCompleted)} / ${maybe(r.whole.escalationJobsCompleted)}`],
    ["Whole run: notification / escalation jobs failed", `${maybe(r.whole.failedNotificationJobs)} / ${maybe(r.whole.failedEscalationJobs)}`],
    ["CPU during wave 1 (100% = 1 core)", cpuLine(r.wave1.cpu)],
    ["CPU from first raise to last second page", cpuLine(r.whole.cpu)],
    ["Kring CPU per alert raised, first raise to last second page (ms of one core)", cpuPerAlert(r.whole.cpu, r.raised)],
    ["Alerts resolved at the end / errors", `${r.resolved} / ${counts(r.resolveErrors)}`],
    ["Socket disconnects during load", String(r.disconnectsDuringLoad)],
    ["Server log warnings / errors", `${run.serverLog.warnings} / ${run.serverLog.errors}`],
    ["Worker log warnings / errors", `${run.workerLog.warnings} / ${run.workerLog.errors}`],
  ];
  return ["| Metric | Kring |", "|---|---:|", ...rows.map(([label, value]) => `| ${label} | ${value} |`)].join("\n");
}

/** The issue's targets, judged honestly on this run's numbers. */
export function alertsVerdict(run: AlertsRun): string[] {
  const r = run.result;
  const lines: string[] = [];
  const firstProblems: string[] = [];
  if (!(r.firstPage.p99 <= TARGET_FIRST_PAGE_P99_MS)) firstProblems.push(`p99 is ${ms(r.firstPage.p99)}`);
  if (r.firstPagesReceived < r.acked) firstProblems.push(`${r.acked - r.firstPagesReceived} first pages never arrived`);
  if (r.acked < r.scheduled) firstProblems.push(`only ${r.acked} of ${r.scheduled} alerts acknowledged`);
  lines.push(
    `Target p99 raise→first page ≤ ${TARGET_FIRST_PAGE_P99_MS} ms: **${firstProblems.length === 0 ? "met" : "not met"}**` +
      (firstProblems.length ? `: ${firstProblems.join("; ")}.` : ` (p99 ${ms(r.firstPage.p99)}).`),
  );
  const stepProblems: string[] = [];
  const worst0 = Math.max(Math.abs(r.step0Lateness.max), Math.abs(r.step0LatenessMin));
  const worst1 = Math.max(Math.abs(r.step1Lateness.max), Math.abs(r.step1LatenessMin));
  if (!(worst0 <= TARGET_STEP_WITHIN_MS)) stepProblems.push(`step 1 (at once) off by up to ${ms(worst0)}`);
  if (!(worst1 <= TARGET_STEP_WITHIN_MS)) stepProblems.push(`step 2 off by up to ${ms(worst1)} (max ${ms(r.step1Lateness.max)}, earliest ${ms(r.step1LatenessMin)})`);
  if (r.secondPagesReceived < r.acked) stepProblems.push(`${r.acked - r.secondPagesReceived} second pages never arrived`);
  lines.push(
    `Target every escalation step within ${TARGET_STEP_WITHIN_MS / 1000} s of its deadline (measured on the received page): **${stepProblems.length === 0 ? "met" : "not met"}**` +
      (stepProblems.length ? `: ${stepProblems.join("; ")}.` : ` (worst: step 1 ${ms(worst0)}, step 2 ${ms(worst1)}).`),
  );
  return lines;
}

export function logProblems(name: string, log: ServerLogSummary): string | undefined {
  if (log.problems.size === 0) return undefined;
  return (
    `Warnings/errors logged by the ${name} (grouped by message, first occurrence shown):\n\n` +
    [...log.problems].map(([key, { count, example }]) => `- ${count}× ${key}\n\n      ${example}`).join("\n")
  );
}
