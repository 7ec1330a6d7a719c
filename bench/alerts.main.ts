import os from "node:os";
import { closeAlertSockets, connectAlertSockets, runAlertsLoad } from "./alerts-load";
import { ALERTS_USAGE, parseAlertsOptions } from "./alerts-options";
import { alertsTable, alertsVerdict, type AlertsRun, logProblems } from "./alerts-report";
import { buildAlertCircles, startKringWithWorker } from "./alerts-target";
import { createBenchRun, gitDescription, repoRoot } from "./bench-run";
import { dropDatabase } from "./db-info";
import { sleep } from "./stats";

// The alerts part of the bench (issue #3 item 9): a burst of Help alerts through the real server
// and the real worker, timing the first page, the second ladder step against its deadline, and
// how many notification jobs one worker completes per second.

const { log, defer, commandLine, run, writeResult, parseArgs, timeLimit, startDatabaseAndRedis } = createBenchRun({
  name: "alerts",
  npmScript: "bench:alerts",
  entry: "bench/alerts.main.ts",
  relevantEnv: ["MONGODB_URI", "REDIS_URL", "FERRETDB_BACKEND", "FERRETDB_POSTGRESQL_URL", "WORKER_CONCURRENCY"],
});
/** Hard limit for the whole run: a hung phase must not keep the bench and its children around. */
const TIME_LIMIT_MS = 10 * 60 * 1000;

async function main() {
  const options = parseArgs(parseAlertsOptions, ALERTS_USAGE);
  if (options === undefined) return;
  const watchdog = timeLimit(TIME_LIMIT_MS);

  const { services, description } = await startDatabaseAndRedis();

  const kring = await startKringWithWorker({ repoRoot, mongodbUri: services.mongodbUri, redisUrl: services.redisUrl, log });
  defer("drop the bench database", () => dropDatabase(services.mongodbUri, kring.dbName));
  const stopKring = defer("stop the Kring server and worker", () => kring.stop());

  const setupStarted = performance.now();
  const circles = await buildAlertCircles(kring.http, options, log);
  const sockets = await connectAlertSockets(kring.baseUrl, circles, options.connectConcurrency, log);
  const closeSockets = defer("close sockets", async () => closeAlertSockets(sockets));
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  log(`Kring: setup done in ${setupSeconds.toFixed(1)} s; idle for ${options.idleSeconds} s before the first raise`);
  await sleep(options.idleSeconds * 1000);

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
  watchdog.clear();

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
    `- Database: ${description.database}; Redis: ${description.redis}`,
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
  writeResult("alerts-latest.md", markdown);
}

run(main);
