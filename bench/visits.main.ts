import os from "node:os";
import { createBenchRun, gitDescription, repoRoot } from "./bench-run";
import { UsageError } from "./cli-options";
import { dropDatabase } from "./db-info";
import { databaseSizeBytes } from "./preload";
import { sleep } from "./stats";
import { seedHistory, type HistoryResult } from "./visits-history";
import { countOperations, type OpCount, type PhaseResult, type ProbeName, runProbes } from "./visits-probes";
import { buildVisitCircles, localToday, PLAN_TEMPLATES, startKringServer, windows } from "./visits-target";

// The visits bench (issue #10): a professional's week across 30 circles and the resident tablet's
// card, first with no history, then after 100,000 past occurrences with their events, same process.

const { log, defer, commandLine, run, writeResult, parseArgs, timeLimit, startDatabaseAndRedis } = createBenchRun({
  name: "visits",
  npmScript: "bench:visits",
  entry: "bench/visits.main.ts",
  relevantEnv: ["MONGODB_URI", "REDIS_URL", "FERRETDB_BACKEND", "FERRETDB_POSTGRESQL_URL"],
});
const TIME_LIMIT_MS = 45 * 60 * 1000;

type Options = { circles: number; history: number; requests: number; concurrency: number; isQuick: boolean };
const DEFAULTS: Options = { circles: 30, history: 100_000, requests: 300, concurrency: 4, isQuick: false };
const QUICK: Partial<Options> = { history: 10_000, requests: 60, isQuick: true };
const USAGE = `Usage: npm run bench:visits -- [options]

  --circles N       circles the professional is in                 default ${DEFAULTS.circles}
  --history N       past occurrences (with events) seeded          default ${DEFAULTS.history}
  --requests N      requests per read and phase                    default ${DEFAULTS.requests}
  --concurrency N   requests in flight in the concurrent runs      default ${DEFAULTS.concurrency}
  --quick           ${QUICK.history} occurrences of history, ${QUICK.requests} requests
  --help
`;

function parseOptions(argv: readonly string[]): Options | "help" {
  const options: Options = { ...DEFAULTS, ...(argv.includes("--quick") ? QUICK : {}) };
  const bounds: Record<string, [keyof Options, number]> = { "--circles": ["circles", 500], "--history": ["history", 2_000_000], "--requests": ["requests", 100_000], "--concurrency": ["concurrency", 64] };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i]!;
    if (flag === "--quick") continue;
    if (flag === "--help" || flag === "-h") return "help";
    const bound = bounds[flag];
    if (!bound) throw new UsageError(`unknown option ${flag}`);
    const raw = argv[++i];
    const value = Number(raw);
    if (raw === undefined || !Number.isInteger(value) || value <= 0 || value > bound[1]) throw new UsageError(`${flag} needs a whole number from 1 to ${bound[1]}, got "${raw ?? ""}"`);
    (options[bound[0]] as number) = value;
  }
  return options;
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : "–");
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : "–");
const mb = (bytes: number | undefined) => (bytes === undefined ? "–" : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

const PROBE_LABELS: Record<ProbeName, string> = {
  meSequential: "professional `GET /api/me/occurrences` (7 days), one at a time",
  meConcurrent: "professional `GET /api/me/occurrences` (7 days), concurrent",
  residentSequential: "resident's card `GET /api/circles/:id/occurrences` (8 days), one at a time",
  residentConcurrent: "resident's card `GET /api/circles/:id/occurrences` (8 days), concurrent",
};

function latencyTable(before: PhaseResult, after: PhaseResult, concurrency: number): string {
  const lines = ["| Read | Stat | No history | With history | History ÷ none |", "|---|---|---:|---:|---:|"];
  for (const probe of Object.keys(PROBE_LABELS) as ProbeName[]) {
    for (const stat of ["p50", "p95", "p99", "mean"] as const) {
      const label = stat === "p50" ? PROBE_LABELS[probe].replace("concurrent", `${concurrency} at a time`) : "";
      lines.push(`| ${label} | ${stat} | ${ms(before.latency[probe][stat])} | ${ms(after.latency[probe][stat])} | ${ratio(after.latency[probe][stat], before.latency[probe][stat])} |`);
    }
  }
  const pct = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? "–" : `${value.toFixed(0)}%`);
  const cpu = (phase: PhaseResult, probe: ProbeName) => `${pct(phase.cpu[probe].server)} / ${pct(phase.cpu[probe].ferretdb)} / ${pct(phase.cpu[probe].others)}`;
  lines.push(
    "",
    "CPU while each read ran (100% = one core): server / FerretDB / other processes on the machine (not Kring, not the bench):",
    "",
    "| Read | No history | With history |",
    "|---|---:|---:|",
    ...(Object.keys(PROBE_LABELS) as ProbeName[]).map((probe) => `| ${PROBE_LABELS[probe].replace("concurrent", `${concurrency} at a time`)} | ${cpu(before, probe)} | ${cpu(after, probe)} |`),
  );
  return lines.join("\n");
}

function opsTable(before: PhaseResult, after: PhaseResult): string {
  const describe = (count: OpCount) =>
    `${count.total} (${Object.entries(count.byCollection)
      .sort((a, b) => b[1] - a[1])
      .map(([collection, n]) => `${collection} ${n}`)
      .join(", ")})${count.violations > 0 ? `, **${count.violations} not by key**` : ""}`;
  const rows: Array<[string, keyof PhaseResult["ops"]]> = [
    ["professional, 30 circles: first call of a fresh process", "meCold"],
    ["professional: next call (slot lists cached)", "meWarm"],
    ["resident's card: first call of a fresh process", "residentCold"],
    ["resident's card: next call", "residentWarm"],
  ];
  return [
    "| Read | No history | With history |",
    "|---|---|---|",
    ...rows.map(([label, key]) => `| ${label} | ${describe(before.ops[key])} | ${describe(after.ops[key])} |`),
  ].join("\n");
}

async function main() {
  const options = parseArgs(parseOptions, USAGE);
  if (options === undefined) return;
  const watchdog = timeLimit(TIME_LIMIT_MS);

  const { services, description } = await startDatabaseAndRedis();

  const kring = await startKringServer({ repoRoot, mongodbUri: services.mongodbUri, redisUrl: services.redisUrl, log });
  defer("drop the bench database", () => dropDatabase(services.mongodbUri, kring.dbName));
  defer("stop the Kring server", () => kring.stop());

  const today = localToday();
  const { meTo, residentTo } = windows(today);
  const setupStarted = performance.now();
  const { professional, circles } = await buildVisitCircles(kring.http, { circles: options.circles, concurrency: 4, today, log });
  log(`setup done in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s; letting the server settle for 2 s`);
  await sleep(2000);

  const phase = async (label: string): Promise<PhaseResult> => {
    log(`${label}: measuring (${options.requests} requests per read, sequential and ${options.concurrency} at a time)`);
    const probes = await runProbes({ baseUrl: kring.baseUrl, professional, circles, today, meTo, residentTo, requests: options.requests, concurrency: options.concurrency, pids: { server: kring.serverPid, ferretdb: services.ferretdb?.pid, redis: services.redis?.pid }, log });
    const ops = await countOperations({ mongodbUri: services.mongodbUri, dbName: kring.dbName, professional, circles, today, meTo, residentTo });
    log(`${label}: database operations per professional read: ${ops.meCold.total} cold, ${ops.meWarm.total} warm; per resident read: ${ops.residentCold.total} cold, ${ops.residentWarm.total} warm`);
    return { ...probes, ops };
  };

  const sizeBefore = await databaseSizeBytes(services.mongodbUri, kring.dbName);
  const before = await phase("no history");
  const history: HistoryResult = await seedHistory({ mongodbUri: services.mongodbUri, dbName: kring.dbName, circles, today, total: options.history, log });
  log(`history: ${history.occurrences} occurrences seeded in ${history.seconds.toFixed(1)} s (${JSON.stringify(history.documents)})`);
  const sizeAfter = await databaseSizeBytes(services.mongodbUri, kring.dbName);
  await sleep(2000);
  const after = await phase("with history");
  watchdog.clear();

  // Both phases must answer the same week: the history is in the past.
  const sameWeek = before.meIds.length === after.meIds.length && before.meIds.every((id, i) => id === after.meIds[i]);
  if (!sameWeek) throw new Error(`the professional's week changed with the history: ${before.meIds.length} occurrences before, ${after.meIds.length} after`);
  if (before.residentCount !== after.residentCount) throw new Error(`the resident's card changed with the history: ${before.residentCount} → ${after.residentCount}`);
  if ([before, after].some((p) => Object.values(p.ops).some((count) => count.violations > 0))) log("WARNING: some database operations were not point reads by key (see the table)");

  const cpus = os.cpus();
  const header = [
    `- Date: ${new Date().toISOString()}; today in ${"Europe/Brussels"} ${today}`,
    `- Command: \`${commandLine()}\``,
    `- Setup: 1 professional in ${options.circles} circles; per circle a coordinator, a resident with a paired tablet and ${PLAN_TEMPLATES.length} recurring plans ` +
      `(${PLAN_TEMPLATES.map((t) => `${t.title} ${t.recurrence.replace("FREQ=", "").toLowerCase()} ${t.assignee}`).join("; ")})`,
    `- Each read: 5 unmeasured warm-up requests, then ${options.requests} measured, one at a time and then ${options.concurrency} at a time; resident reads rotate over the ${options.circles} tablets`,
    `- Answers: the professional's week holds ${after.meIds.length} occurrences (all plans of all ${options.circles} circles); a resident's card ${after.residentCount}; identical in both phases`,
    `- History: ${history.occurrences} past occurrences over ${history.days} days (from ${history.firstDate}), ${history.oneOffPlans} of them one-off plans; ` +
      `documents written: ${Object.entries(history.documents).map(([c, n]) => `${c} ${n}`).join(", ")}; seeded in ${history.seconds.toFixed(1)} s`,
    `- Database size on disk (dbStats): ${mb(sizeBefore)} before the history, ${mb(sizeAfter)} after`,
    `- Machine: ${os.availableParallelism()} CPUs (nproc), ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB RAM, Linux ${os.release()}`,
    `- Kring: ${gitDescription()}; server with tsx, NODE_ENV=production; Node ${process.version}`,
    `- Database: ${description.database}; Redis: ${description.redis}`,
    `- The bench client, the server and the database share these CPUs; server log warnings / errors: ${kring.serverLog.warnings} / ${kring.serverLog.errors}`,
  ].join("\n");
  const markdown = [
    "# Kring visits bench: latest result",
    "",
    header,
    "",
    latencyTable(before, after, options.concurrency),
    "",
    "Database operations per read (all point reads by `_id`; counted with packages/db's query recorder on the visits service in the bench process):",
    "",
    opsTable(before, after),
    "",
  ].join("\n");
  process.stdout.write(`\n${markdown}\n`);
  writeResult("visits-latest.md", markdown);
}

run(main);
