import { loadDevstackConfig } from "@kring/config";
import { startServices } from "@kring/devstack";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createBenchRun, gitDescription, repoRoot } from "./bench-run";
import { parseOptions, USAGE, DEFAULT_OPTIONS, type BenchOptions } from "./cli-options";
import { describeDatabase, dropDatabase } from "./db-info";
import { BENCH_REDIS_PREFIX, startKring } from "./kring-target";
import { closeClients, connectClients, runLoad } from "./load-client";
import { databaseSizeBytes, preloadMessages } from "./preload";
import { readSettledRssBytes } from "./proc-stats";
import { readProbeTable, runReadProbes } from "./read-probes";
import { startRelay } from "./relay-target";
import { resultTable, type TargetRun, verdict } from "./report";
import type { RunningTarget } from "./target";

const { log, defer, commandLine, run, writeResult, parseArgs, timeLimit } = createBenchRun({
  name: "bench",
  npmScript: "bench",
  entry: "bench/bench.main.ts",
  relevantEnv: ["MONGODB_URI", "REDIS_URL", "FERRETDB_BACKEND", "FERRETDB_POSTGRESQL_URL"],
});

/** Which code was measured: the server changes under a bench that is run during development. */

/** Measures one target: connect every socket, note the server's RSS growth, run the load. */
async function measure(target: RunningTarget, options: BenchOptions, extraPids: Record<string, number | undefined>): Promise<TargetRun> {
  const rssAfterSetupBytes = await readSettledRssBytes(target.serverPid);
  log(`${target.name}: server RSS after setup ${((rssAfterSetupBytes ?? 0) / 1048576).toFixed(1)} MB`);
  const clients = await connectClients(target, options, log);
  const closeAll = defer(`${target.name}: close sockets`, async () => closeClients(clients));
  const rssWithSocketsBytes = await readSettledRssBytes(target.serverPid);
  log(`${target.name}: server RSS with ${clients.connected} sockets ${((rssWithSocketsBytes ?? 0) / 1048576).toFixed(1)} MB`);
  const load = await runLoad({ target, clients, options, extraPids, log });
  await closeAll();
  return {
    name: target.name,
    clients: options.clients,
    connect: { connected: clients.connected, failures: clients.failures, seconds: clients.seconds },
    load,
    rssAfterSetupBytes,
    rssWithSocketsBytes,
    serverLog: target.serverLog,
  };
}

async function main() {
  const options = parseArgs(parseOptions, USAGE);
  if (options === undefined) return;
  const isDefaultLoad =
    options.clients === DEFAULT_OPTIONS.clients &&
    options.circleSize === DEFAULT_OPTIONS.circleSize &&
    options.rate === DEFAULT_OPTIONS.rate &&
    options.durationSeconds === DEFAULT_OPTIONS.durationSeconds;

  // A hung phase must not keep the bench (and its children) around forever.
  const limitMs = (20 * 60 + options.clients * 0.2 + 2 * (options.durationSeconds + 120)) * 1000 + options.preload * 2;
  const watchdog = timeLimit(limitMs);

  const runs: TargetRun[] = [];
  let databaseDescription = "not used (relay only)";
  let redisDescription = "not used (relay only)";
  let kringCircleIds: string[] | undefined;
  let readsTable: string | undefined;

  if (options.targets.includes("kring")) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "kring-bench-"));
    defer("remove the temporary data directory", async () => rmSync(dataDir, { recursive: true, force: true }));
    log(`starting MongoDB-compatible database and Redis (data in ${dataDir})`);
    const services = await startServices({ repoRoot, dataDir, log: (line) => log(`devstack: ${line}`) });
    const stopServices = defer("stop database and Redis", () => services.stop());
    databaseDescription = await describeDatabase(services.mongodbUri, services.ferretdb !== undefined ? repoRoot : undefined);
    if (services.ferretdb !== undefined) databaseDescription += `, embedded, ${loadDevstackConfig().ferretdbBackend} backend`;
    else databaseDescription += ", given by MONGODB_URI";
    redisDescription = services.redis !== undefined ? "embedded redis-server" : "given by REDIS_URL";
    log(`database: ${databaseDescription}; redis: ${redisDescription}`);

    const kring = await startKring({ repoRoot, mongodbUri: services.mongodbUri, redisUrl: services.redisUrl, options, log });
    const dropDb = defer("drop the bench database", () => dropDatabase(services.mongodbUri, kring.dbName));
    const stopKring = defer("stop the Kring server", () => kring.stop());
    kringCircleIds = kring.circles.map((c) => c.circleId);
    const preload = await preloadMessages({ mongodbUri: services.mongodbUri, redisUrl: services.redisUrl, redisPrefix: BENCH_REDIS_PREFIX, dbName: kring.dbName, circles: kring.circles, total: options.preload, log });
    runs.push(await measure(kring, options, { ferretdb: services.ferretdb?.pid, redis: services.redis?.pid }));
    const reads = await runReadProbes(kring, options.readSamples, log);
    const sizeBytes = await databaseSizeBytes(services.mongodbUri, kring.dbName);
    readsTable = readProbeTable({ preloaded: options.preload, preloadSeconds: preload.seconds, sizeBytes, reads });
    log(`reads measured; database size ${sizeBytes === undefined ? "unknown" : `${(sizeBytes / 1048576).toFixed(1)} MB`}`);
    await stopKring();
    await dropDb();
    // The relay runs with the database stopped, so it gets the machine to itself as Kring did.
    await stopServices();
  }

  if (options.targets.includes("relay")) {
    const relay = await startRelay({ repoRoot, options, circleIds: kringCircleIds, log });
    const stopRelay = defer("stop the bare relay", () => relay.stop());
    runs.push(await measure(relay, options, {}));
    await stopRelay();
  }
  watchdog.clear();

  const table = resultTable(runs);
  const kringRun = runs.find((r) => r.name === "Kring");
  const verdictLine = kringRun ? verdict(kringRun, isDefaultLoad) : "Kring was not run.";
  const problems = runs
    .filter((r) => r.serverLog.problems.size > 0)
    .map(
      (r) =>
        `Warnings/errors logged by ${r.name} (grouped by message, first occurrence shown):\n\n` +
        [...r.serverLog.problems].map(([key, { count, example }]) => `- ${count}× ${key}\n\n      ${example}`).join("\n"),
    );
  const cpus = os.cpus();
  const machine = [
    `- Date: ${new Date().toISOString()}`,
    `- Command: \`${commandLine()}\``,
    `- Load: ${options.clients} sockets in ${options.clients / options.circleSize} circles of ${options.circleSize}, ${options.rate} msg/s for ${options.durationSeconds} s per target, drain ${options.drainSeconds} s; ${options.preload} messages preloaded`,
    `- Machine: ${os.availableParallelism()} CPUs (nproc), ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB RAM, Linux ${os.release()}`,
    `- Kring: ${gitDescription()}`,
    `- Node ${process.version}; server and relay run with tsx, NODE_ENV=production`,
    `- Database: ${databaseDescription}; Redis: ${redisDescription}`,
    `- The bench client, the server and the database share these CPUs.`,
  ].join("\n");
  const reads = readsTable ? `\n\n${readsTable}` : "";
  const markdown = `# Kring bench: latest result\n\n${machine}\n\n${table}${reads}\n\n${verdictLine}\n${problems.length ? `\n${problems.join("\n\n")}\n` : ""}`;

  process.stdout.write(`\n${table}${reads}\n\n${verdictLine}\n${problems.length ? `\n${problems.join("\n\n")}\n` : ""}`);
  writeResult("latest.md", markdown);
}

run(main);
