import type { ConnectedClients, LoadResult } from "./load-client";
import type { ServerLogSummary } from "./target";

/** Everything measured for one target in one run. */
export type TargetRun = {
  name: string;
  clients: number;
  connect: Pick<ConnectedClients, "connected" | "failures" | "seconds">;
  load: LoadResult;
  rssAfterSetupBytes: number | undefined;
  rssWithSocketsBytes: number | undefined;
  serverLog: ServerLogSummary;
};

const TARGET_DELIVER_P99_MS = 30;

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : "–");
const pct = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? "–" : `${value.toFixed(0)}%`);
const mb = (bytes: number | undefined) => (bytes === undefined ? "–" : `${(bytes / 1024 / 1024).toFixed(1)} MB`);
const counts = (record: Record<string, number>) => {
  const entries = Object.entries(record);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  return entries.length === 0 ? "0" : `${total} (${entries.map(([code, n]) => `${code}: ${n}`).join(", ")})`;
};

function rssPerSocket(run: TargetRun): number | undefined {
  if (run.rssAfterSetupBytes === undefined || run.rssWithSocketsBytes === undefined || run.connect.connected === 0) return undefined;
  return (run.rssWithSocketsBytes - run.rssAfterSetupBytes) / run.connect.connected;
}

/** Machine busy time not explained by the server, the database and the bench: other work sharing the cores. */
function otherProcessesPercent(run: TargetRun): number | undefined {
  const { cpu } = run.load;
  const known = Object.values(cpu.perProcessPercent).reduce<number>((sum, value) => sum + (value ?? 0), 0) + cpu.benchClientPercent;
  return Math.max(0, cpu.machineBusyPercent * cpu.cores - known);
}

type Row = { label: string; value: (run: TargetRun) => string; ratioOf?: (run: TargetRun) => number | undefined };

const ROWS: Row[] = [
  { label: "Sockets connected", value: (r) => `${r.connect.connected} / ${r.clients}${Object.keys(r.connect.failures).length ? ` (failed: ${counts(r.connect.failures)})` : ""}` },
  { label: "Socket connect phase", value: (r) => `${r.connect.seconds.toFixed(1)} s` },
  { label: "Messages sent (scheduled)", value: (r) => `${r.load.sent} (${r.load.targetRate * r.load.durationSeconds})${r.load.skipped ? `, ${r.load.skipped} skipped: sender not connected` : ""}` },
  { label: "Achieved send rate", value: (r) => `${r.load.achievedSendRate.toFixed(1)} msg/s`, ratioOf: (r) => r.load.achievedSendRate },
  { label: "Acknowledged OK rate", value: (r) => `${r.load.achievedAckRate.toFixed(1)} msg/s`, ratioOf: (r) => r.load.achievedAckRate },
  { label: "Acked OK", value: (r) => String(r.load.ackOk) },
  { label: "Ack errors (by code)", value: (r) => counts(r.load.ackErrors) },
  { label: "No ack by end of drain", value: (r) => String(r.load.noAck) },
  { label: "Expected deliveries (acked × (size−1))", value: (r) => String(r.load.expectedDeliveries) },
  { label: "Received deliveries", value: (r) => String(r.load.receivedDeliveries) },
  { label: "**Lost**", value: (r) => `**${r.load.lost}**` },
  { label: "**Duplicated**", value: (r) => `**${r.load.duplicated}**` },
  { label: "Misdelivered / delivered without OK ack", value: (r) => `${r.load.misdelivered} / ${r.load.deliveredWithoutAck}` },
  { label: "send→ack p50", value: (r) => ms(r.load.ack.p50), ratioOf: (r) => r.load.ack.p50 },
  { label: "send→ack p95", value: (r) => ms(r.load.ack.p95), ratioOf: (r) => r.load.ack.p95 },
  { label: "send→ack p99", value: (r) => ms(r.load.ack.p99), ratioOf: (r) => r.load.ack.p99 },
  { label: "send→ack max", value: (r) => ms(r.load.ack.max), ratioOf: (r) => r.load.ack.max },
  { label: "send→deliver p50", value: (r) => ms(r.load.deliver.p50), ratioOf: (r) => r.load.deliver.p50 },
  { label: "send→deliver p95", value: (r) => ms(r.load.deliver.p95), ratioOf: (r) => r.load.deliver.p95 },
  { label: "**send→deliver p99**", value: (r) => `**${ms(r.load.deliver.p99)}**`, ratioOf: (r) => r.load.deliver.p99 },
  { label: "send→deliver max", value: (r) => ms(r.load.deliver.max), ratioOf: (r) => r.load.deliver.max },
  { label: "Server RSS after setup", value: (r) => mb(r.rssAfterSetupBytes), ratioOf: (r) => r.rssAfterSetupBytes },
  { label: "Server RSS with all sockets", value: (r) => mb(r.rssWithSocketsBytes), ratioOf: (r) => r.rssWithSocketsBytes },
  {
    label: "Server RSS per socket",
    value: (r) => {
      const perSocket = rssPerSocket(r);
      return perSocket === undefined ? "–" : `${(perSocket / 1024).toFixed(1)} KB`;
    },
    ratioOf: rssPerSocket,
  },
  { label: "Server CPU during load (100% = 1 core)", value: (r) => pct(r.load.cpu.perProcessPercent.server), ratioOf: (r) => r.load.cpu.perProcessPercent.server },
  { label: "FerretDB CPU during load (embedded only)", value: (r) => pct(r.load.cpu.perProcessPercent.ferretdb) },
  { label: "Redis CPU during load (embedded only)", value: (r) => pct(r.load.cpu.perProcessPercent.redis) },
  { label: "Bench client CPU during load", value: (r) => pct(r.load.cpu.benchClientPercent) },
  { label: "Machine CPU busy (100% = all cores)", value: (r) => pct(r.load.cpu.machineBusyPercent) },
  { label: "CPU of other processes on the machine (100% = 1 core)", value: (r) => pct(otherProcessesPercent(r)) },
  { label: "Bench scheduler lag p99 / max", value: (r) => `${ms(r.load.schedulerLag.p99)} / ${ms(r.load.schedulerLag.max)}` },
  { label: "Bench event-loop delay p99 / max", value: (r) => `${ms(r.load.clientLoopDelayP99Ms)} / ${ms(r.load.clientLoopDelayMaxMs)}` },
  { label: "Socket disconnects during load", value: (r) => String(r.load.disconnectsDuringLoad) },
  { label: "Server log warnings / errors", value: (r) => `${r.serverLog.warnings} / ${r.serverLog.errors}` },
];

function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return "";
  return `${(a / b).toFixed(a / b >= 10 ? 0 : 2)}×`;
}

/** Kring next to the relay with "Kring ÷ relay" where a ratio means something. */
export function resultTable(runs: TargetRun[]): string {
  const header = `| Metric | ${runs.map((r) => r.name).join(" | ")} |${runs.length === 2 ? ` ${runs[0]!.name} ÷ ${runs[1]!.name} |` : ""}`;
  const divider = `|---|${runs.map(() => "---:").join("|")}|${runs.length === 2 ? "---:|" : ""}`;
  const lines = ROWS.map((row) => {
    const cells = runs.map((run) => row.value(run));
    const ratioCell = runs.length === 2 ? ` ${row.ratioOf ? ratio(row.ratioOf(runs[0]!), row.ratioOf(runs[1]!)) : ""} |` : "";
    return `| ${row.label} | ${cells.join(" | ")} |${ratioCell}`;
  });
  return [header, divider, ...lines].join("\n");
}

/** The issue's target, judged on Kring's numbers only. */
export function verdict(run: TargetRun, isDefaultLoad: boolean): string {
  const { load } = run;
  const problems: string[] = [];
  if (!(load.deliver.p99 <= TARGET_DELIVER_P99_MS)) {
    problems.push(`p99 send→deliver is ${ms(load.deliver.p99)}, ${(load.deliver.p99 / TARGET_DELIVER_P99_MS).toFixed(1)}× the ${TARGET_DELIVER_P99_MS} ms target`);
  }
  if (load.lost > 0) problems.push(`${load.lost} deliveries lost`);
  if (load.duplicated > 0) problems.push(`${load.duplicated} deliveries duplicated`);
  if (run.connect.connected < run.clients) problems.push(`only ${run.connect.connected} of ${run.clients} sockets connected`);
  const errorCount = Object.values(load.ackErrors).reduce((sum, n) => sum + n, 0);
  if (errorCount + load.noAck > 0) problems.push(`${errorCount + load.noAck} sends not acknowledged OK`);
  const scope = isDefaultLoad ? "" : " (at this load; the issue's target is defined for the default load)";
  return problems.length === 0
    ? `Target (p99 send→deliver ≤ ${TARGET_DELIVER_P99_MS} ms, 0 lost, 0 duplicated): **met**${scope}.`
    : `Target (p99 send→deliver ≤ ${TARGET_DELIVER_P99_MS} ms, 0 lost, 0 duplicated): **not met**${scope}: ${problems.join("; ")}.`;
}
