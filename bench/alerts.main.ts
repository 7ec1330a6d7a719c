import { loadDevstackConfig } from "@kring/config";
import { startServices } from "@kring/devstack";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { closeAlertSockets, connectAlertSockets, runAlertsLoad } from "./alerts-load";
import { ALERTS_USAGE, type AlertsOptions, parseAlertsOptions } from "./alerts-options";
import { alertsTable, alertsVerdict, type AlertsRun, logProblems } from "./alerts-report";
import { buildAlertCircles, startKringWithWorker } from "./alerts-target";
import { killAllChildrenSync } from "./child-process";
import { UsageError } from "./cli-options";
import { describeDatabase, dropDatabase } from "./db-info";
import { sleep } from "./stats";

// The alerts part of the bench (issue #3 item 9): a burst of Help alerts through the real server
// and the real worker, timing the first page, the second ladder step against its deadline, and
// how many notification jobs one worker completes per second.

const repoRoot = path.resolve(__dirname, "..");
const startedAt = performance.now();
const log = (line: string) => process.stdout.write(`[alerts ${((performance.now() - startedAt) / 1000).toFixed(1).padStart(6)}s] ${line}\n`);
/** Hard limit for the whole run: a hung phase must not keep the bench and its children around. */
const TIME_LIMIT_MS = 10 * 60 * 1000;

/** Undo steps, newest first; run on success, on error and on Ctrl-C alike. */
const cleanups: Array<{ what: string; run: () => Promise<unknown> }> = [];
let cleaningUp: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaningUp ??= (async () => {
    while (cleanups.length > 0) {
      const step = cleanups.pop()!;
      try {
        await Promise.race([step.run(), sleep(15_000).then(() => Promise.reject(new Error("timed out after 15 s")))]);
      } catch (error) {
        log(`cleanup: ${step.what} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();
  return cleaningUp;
}
function defer(what: string, run: () => Promise<unknown>) {
  let once: Promise<unknown> | undefined;
  const step = { what, run: () => (once ??= run()) };
  cleanups.push(step);
  return async () => {
    const index = cleanups.indexOf(step);
    if (index >= 0) cleanups.splice(index, 1);
    await step.run();
  };
}

const RELEVANT_ENV = ["MONGODB_URI", "REDIS_URL", "FERRETDB_BACKEND", "FERRETDB_POSTGRESQL_URL", "WORKER_CONCURRENCY"] as const;
const redactPassword = (value: string) => value.replace(/(\/\/[^:/@]+:)[^@/]*@/, "$1***@");
const commandLine = () => {
  const args = process.argv.slice(2).join(" ");
  const env = RELEVANT_ENV.filter((name) => process.env[name]).map((name) => `${name}=${redactPassword(process.env[name]!)} `).join("");
  return process.env.npm_lifecycle_event === "bench:alerts"
    ? `${env}npm run bench:alerts${args ? ` -- ${args}` : ""}`
    : `${env}npx tsx bench/alerts.main.ts${args ? ` ${args}` : ""}`;
};

function gitDescription(): string {
  try {
    const run = (...args: string[]) => execFileSync("git", ["-C", repoRoot, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const commit = run("rev-parse", "--short", "HEAD");
    const isDirty = run("status", "--porcelain", "--", "apps", "packages") !== "";
    return `commit ${commit}${isDirty ? " plus uncommitted or untracked changes in apps/ or packages/" : ""}`;
  } catch {
    return "not a git checkout";
  }
}

async function main() {
  let parsed: AlertsOptions | "help";
  try {
    parsed = parseAlertsOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${ALERTS_USAGE}`);
      process.exit(2);
    }
    throw error;
  }
  if (parsed === "help") {
    process.stdout.write(ALERTS_USAGE);
    return;
  }
  const options = parsed;
  const watchdog = setTimeout(() => {
    log(`time limit of ${TIME_LIMIT_MS / 60000} min reached; stopping`);
    void cleanUp().finally(() => process.exit(3));
  }, TIME_LIMIT_MS);

  const dataDir = mkdtempSync(path.join(os.tmpdir(), "kring-bench-alerts-"));
  defer("remove the temporary data directory", async () => rmSync(dataDir, { recursive: true, force: true }));
  log(`starting MongoDB-compatible database and Redis (data in ${dataDir})`);
  const services = await startServices({ repoRoot, dataDir, log: (line) => log(`devstack: ${line}`) });
  defer("stop database and Redis", () => services.stop());
  let databaseDescription = await describeDatabase(services.mongodbUri, services.ferretdb !== undefined ? repoRoot : undefined);
  databaseDescription += services.ferretdb !== undefined ? `, embedded, ${loadDevstackConfig().ferretdbBackend} backend` : ", given by MONGODB_URI";
  const redisDescription = services.redis !== undefined ? "embedded redis-server" : "given by REDIS_URL";
  log(`database: ${databaseDescription}; redis: ${redisDescription}`);

  const kring = await startKringWithWorker({ repoRoot, mongodbUri: services.mongodbUri, redisUrl: services.redisUrl, log });
  defer("drop the bench database", () => dropDatabase(services.mongodbUri, kring.dbName));
  const stopKring = defer("stop the Kring server and worker", () => kring.stop());

  const setupStarted = performance.now();
  const circles = await buildAlertCircles(kring.http, options, log);
  const sockets = await connectAlertSockets(kring.baseUrl, circles, options.connectConcurrency, log);
  const closeSockets = defer("close sockets", async () => closeAlertSockets(sockets));
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  log(`Kring: setup done in ${setupSeconds.toFixed(1)} s; letting the server settle for 2 s`);
  await sleep(2000);

  const result = await runAlertsLoad({
    http: kring.http,
    circles,
    sockets,
    options,
    pids: { worker: kring.workerPid, server: kring.serverPid, ferretdb: services.ferretdb?.pid, redis: services.redis?.pid },
    log,
  });
  await closeSockets();
  await stopKring();
  clearTimeout(watchdog);

  const run: AlertsRun = {
    options,
    sockets,
    setupSeconds,
    result,
    serverLog: kring.serverLog,
    workerLog: kring.workerLog,
  };
  const table = alertsTable(run);
  const verdict = alertsVerdict(run).join("\n\n");
  const problems = [logProblems("server", kring.serverLog), logProblems("worker", kring.workerLog)].filter((p): p is string => p !== undefined);
  const cpus = os.cpus();
  const header = [
    `- Date: ${new Date().toISOString()}`,
    `- Command: \`${commandLine()}\``,
    `- Load: ${options.alerts} Help alerts from the residents of ${options.circles} circles, raised over ${options.spreadMs} ms; ` +
      `ladder family 1 → family 2, ${options.stepSeconds} s apart; every alert resolved after its second page`,
    `- Machine: ${os.availableParallelism()} CPUs (nproc), ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB RAM, Linux ${os.release()}`,
    `- Kring: ${gitDescription()}`,
    `- Node ${process.version}; server and worker (WORKER_CONCURRENCY ${process.env.WORKER_CONCURRENCY ?? "default 50"}) run with tsx, NODE_ENV=production`,
    `- Database: ${databaseDescription}; Redis: ${redisDescription}`,
    `- The bench client, the server, the worker and the database share these CPUs.`,
  ].join("\n");
  const notes = [
    "Notes:",
    "",
    "- Times are taken in the bench process: raise→ack and raise→first page on its monotonic clock; a step's lateness is the",
    "  page's arrival (wall clock) minus the alert's `createdAt` (the server's wall clock, same machine) plus the step's offset.",
    "- Step deadlines count from the alert's `createdAt` (step n is due at createdAt + n × stepSeconds).",
    "- The escalation step emits the in-app page itself (no job); push, email and SMS jobs are queued only for a",
    "  recipient that channel can reach (a push subscription, an email address with SMTP configured, a phone number).",
  ].join("\n");
  const markdown = `# Kring alerts bench: latest result\n\n${header}\n\n${table}\n\n${verdict}\n\n${notes}\n${problems.length ? `\n${problems.join("\n\n")}\n` : ""}`;
  process.stdout.write(`\n${table}\n\n${verdict}\n${problems.length ? `\n${problems.join("\n\n")}\n` : ""}`);
  const resultsDir = path.join(repoRoot, "bench/results");
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(path.join(resultsDir, "alerts-latest.md"), markdown);
  log("wrote bench/results/alerts-latest.md");
}

process.on("exit", killAllChildrenSync);
let signalCount = 0;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    signalCount += 1;
    if (signalCount > 1) process.exit(130);
    log(`${signal}: stopping children and services (again to force)`);
    void cleanUp().finally(() => process.exit(130));
  });
}

main()
  .then(async () => {
    await cleanUp();
    process.exit(0);
  })
  .catch(async (error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await cleanUp();
    process.exit(1);
  });
