import { loadDevstackConfig } from "@kring/config";
import { startServices } from "@kring/devstack";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { killAllChildrenSync } from "./child-process";
import { UsageError } from "./cli-options";
import { describeDatabase } from "./db-info";
import { sleep } from "./stats";

// What every bench entry point (bench.main.ts, alerts.main.ts, visits.main.ts) needs around its
// measurement: a timestamped log, undo steps that run on success, on error and on Ctrl-C alike, the
// command line and commit to record, and the results file.

export const repoRoot = path.resolve(__dirname, "..");

export type BenchLog = (line: string) => void;

export function createBenchRun(input: {
  /** The log prefix ("alerts"). */
  name: string;
  /** The npm script that runs it ("bench:alerts") and its file, for the recorded command. */
  npmScript: string;
  entry: string;
  /** Environment variables that change what is measured, so they belong in the recorded command. */
  relevantEnv: readonly string[];
}) {
  const startedAt = performance.now();
  const log: BenchLog = (line) => process.stdout.write(`[${input.name} ${((performance.now() - startedAt) / 1000).toFixed(1).padStart(6)}s] ${line}\n`);

  /** Undo steps, newest first. */
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

  /** Registers an undo step; the returned function runs it now (once) and takes it off the list. */
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

  const redactPassword = (value: string) => value.replace(/(\/\/[^:/@]+:)[^@/]*@/, "$1***@");
  function commandLine(): string {
    const args = process.argv.slice(2).join(" ");
    const env = input.relevantEnv.filter((name) => process.env[name]).map((name) => `${name}=${redactPassword(process.env[name]!)} `).join("");
    return process.env.npm_lifecycle_event === input.npmScript
      ? `${env}npm run ${input.npmScript}${args ? ` -- ${args}` : ""}`
      : `${env}npx tsx ${input.entry}${args ? ` ${args}` : ""}`;
  }

  /** Runs `main`, then the undo steps; exit 0, 1 on an error, 130 on Ctrl-C (twice forces). */
  function run(main: () => Promise<void>): void {
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
  }

  /** Writes `bench/results/<file>` and says so. */
  function writeResult(file: string, markdown: string): void {
    const resultsDir = path.join(repoRoot, "bench/results");
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(path.join(resultsDir, file), markdown);
    log(`wrote bench/results/${file}`);
  }

  /** The parsed options; a usage error exits 2 with the usage, `--help` prints it and answers undefined. */
  function parseArgs<T>(parse: (argv: readonly string[]) => T | "help", usage: string): T | undefined {
    let parsed: T | "help";
    try {
      parsed = parse(process.argv.slice(2));
    } catch (error) {
      if (error instanceof UsageError) {
        process.stderr.write(`${error.message}\n\n${usage}`);
        process.exit(2);
      }
      throw error;
    }
    if (parsed !== "help") return parsed;
    process.stdout.write(usage);
    return undefined;
  }

  /** A hung phase must not keep the bench and its children around: stop everything (exit 3) after `ms`. */
  function timeLimit(ms: number): { clear(): void } {
    const timer = setTimeout(() => {
      log(`time limit of ${(ms / 60000).toFixed(0)} min reached; stopping`);
      void cleanUp().finally(() => process.exit(3));
    }, ms);
    return { clear: () => clearTimeout(timer) };
  }

  /**
   * Starts the embedded database and Redis (or takes MONGODB_URI / REDIS_URL) in a temporary data
   * directory, with undo steps that stop them and remove it, and describes both for the report.
   */
  async function startDatabaseAndRedis() {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), `kring-bench-${input.name}-`));
    defer("remove the temporary data directory", async () => rmSync(dataDir, { recursive: true, force: true }));
    log(`starting MongoDB-compatible database and Redis (data in ${dataDir})`);
    const services = await startServices({ repoRoot, dataDir, log: (line) => log(`devstack: ${line}`) });
    defer("stop database and Redis", () => services.stop());
    const isEmbedded = services.ferretdb !== undefined;
    const database =
      (await describeDatabase(services.mongodbUri, isEmbedded ? repoRoot : undefined)) +
      (isEmbedded ? `, embedded, ${loadDevstackConfig().ferretdbBackend} backend` : ", given by MONGODB_URI");
    const redis = services.redis !== undefined ? "embedded redis-server" : "given by REDIS_URL";
    log(`database: ${database}; redis: ${redis}`);
    return { services, description: { database, redis } };
  }

  return { log, defer, cleanUp, commandLine, run, writeResult, parseArgs, timeLimit, startDatabaseAndRedis };
}

/** The measured code's commit, and whether apps/ or packages/ differ from it. */
export function gitDescription(): string {
  try {
    const run = (...args: string[]) => execFileSync("git", ["-C", repoRoot, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const commit = run("rev-parse", "--short", "HEAD");
    const isDirty = run("status", "--porcelain", "--", "apps", "packages") !== "";
    return `commit ${commit}${isDirty ? " plus uncommitted or untracked changes in apps/ or packages/" : ""}`;
  } catch {
    return "not a git checkout";
  }
}
