// `npm start`: the embedded databases (unless MONGODB_URI / REDIS_URL point elsewhere), then the
// Kring processes, supervised (a crashed server or worker is restarted with backoff), all stopped
// in order on Ctrl-C.
import { constants as osConstants } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError, loadDevstackConfig, loadServerConfig, NODE_PROCESS_FLAGS, type ServerConfig } from "@kring/config";
import { tcpConnect } from "./free-port";
import { loadOrCreateJwtSecret } from "./jwt-secret";
import { describeExit, indent, killAllManagedSync, redactUrl, spawnManaged } from "./managed-process";
import { startMailCatcher } from "./mail-catcher";
import { startServices, type Services } from "./services";
import { superviseProcess, type Supervisor } from "./supervisor";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const DATABASE = "kring";

/** One Kring process the launcher runs with `node --import tsx`, e.g. the server or a worker. */
type ChildSpec = {
  name: string;
  /** Entry point relative to the repository root. */
  entry: string;
  /** How long it may take to shut down after SIGTERM before it gets SIGKILL. */
  graceMs: number;
};

function childSpecs(serverConfig: ServerConfig): ChildSpec[] {
  // The server drains for shutdownGraceMs itself; give it a little longer before killing it.
  const graceMs = serverConfig.shutdownGraceMs + 5000;
  return [
    { name: "server", entry: "apps/server/src/main.ts", graceMs },
    // The worker lets active jobs finish on SIGTERM; a page in progress is worth the wait.
    { name: "worker", entry: "apps/worker/src/main.ts", graceMs },
  ];
}

function signalNumber(signal: NodeJS.Signals): number {
  return osConstants.signals[signal] ?? 1;
}

/** The embedded FerretDB URI names no database; the server's data goes into "kring". */
function withDatabase(uri: string): string {
  return uri.endsWith("/") ? `${uri}${DATABASE}` : uri;
}

function log(message: string): void {
  console.log(`[kring] ${message}`);
}

async function waitForPort(host: string, port: number, isStopping: () => boolean): Promise<boolean> {
  const connectHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const deadline = Date.now() + 120_000;
  while (!isStopping() && Date.now() < deadline) {
    try {
      await tcpConnect(connectHost, port, 500);
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return false;
}

async function main(): Promise<void> {
  // Assigned once below, after the shutdown handler that must see it is installed.
  // eslint-disable-next-line prefer-const
  let services: Services | undefined;
  const running: Array<{ spec: ChildSpec; supervisor: Supervisor }> = [];
  let mailCatcher: Awaited<ReturnType<typeof startMailCatcher>> | undefined;
  let stopping: Promise<void> | undefined;

  // Children run detached (so Ctrl-C reaches only us); if we die before stopping them, kill them.
  process.on("exit", killAllManagedSync);

  const shutDown = (exitCode: number, reason: string): void => {
    if (stopping !== undefined) return;
    log(`${reason}; stopping…`);
    stopping = (async () => {
      let code = exitCode;
      try {
        // Kring processes first, while they can still flush to the databases.
        await Promise.all(running.map(({ spec, supervisor }) => supervisor.stop(spec.graceMs)));
        await services?.stop();
        await mailCatcher?.stop();
        log("stopped.");
      } catch (error) {
        console.error(`[kring] error while stopping: ${(error as Error).message}`);
        code = code === 0 ? 1 : code;
      }
      process.exit(code);
    })();
  };

  let firstSignalAt: number | undefined;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      const code = 128 + signalNumber(signal);
      if (services === undefined) {
        // Still starting: nothing to drain, do not make the developer wait.
        killAllManagedSync();
        process.exit(code);
      }
      if (firstSignalAt === undefined) {
        firstSignalAt = Date.now();
        shutDown(code, `received ${signal}`);
        return;
      }
      // One Ctrl-C under `npm start` can arrive twice (the terminal and the tsx wrapper relaying it
      // ~30 ms later); only a deliberate second Ctrl-C forces the exit.
      if (Date.now() - firstSignalAt < 1000) return;
      console.error("[kring] forced exit.");
      killAllManagedSync();
      process.exit(code);
    });
  }

  const config = loadDevstackConfig();
  const dataDir = path.resolve(config.dataDir ?? path.join(REPO_ROOT, ".data"));
  // The server reads its own variables through @kring/config; we only pass the environment on and
  // fill in what a developer should not have to set.
  const inheritedEnv: NodeJS.ProcessEnv = { ...process.env };
  const jwtSecret = inheritedEnv.JWT_SECRET || (await loadOrCreateJwtSecret(dataDir));

  services = await startServices({ repoRoot: REPO_ROOT, dataDir, log, config, detached: true });
  const mongodbUri = services.ferretdb !== undefined ? withDatabase(services.mongodbUri) : services.mongodbUri;
  const env: NodeJS.ProcessEnv = { ...inheritedEnv, MONGODB_URI: mongodbUri, REDIS_URL: services.redisUrl, JWT_SECRET: jwtSecret };
  if (!inheritedEnv.SMTP_URL) {
    const catcher = await startMailCatcher();
    mailCatcher = catcher;
    env.SMTP_URL = catcher.smtpUrl;
    log(`no SMTP_URL: emails go to the local mail catcher at ${catcher.webUrl}`);
  }

  let serverConfig: ServerConfig;
  try {
    // Same validation the server does, but before anything else runs: one clear message, no stack.
    serverConfig = loadServerConfig(env);
  } catch (error) {
    await services.stop();
    throw error;
  }

  for (const [name, handle] of [["FerretDB", services.ferretdb], ["Redis", services.redis]] as const) {
    void handle?.exited.then((info) => {
      if (stopping !== undefined) return;
      console.error(`[kring] ${name} ${describeExit(info)} unexpectedly. Its last output:\n${indent(handle.outputTail())}`);
      shutDown(1, `${name} is gone`);
    });
  }

  const tsxLoader = pathToFileURL(require.resolve("tsx")).href;
  for (const spec of childSpecs(serverConfig)) {
    // A crash of one Kring process no longer stops the databases: it is restarted with backoff
    // (clients reconnect and resync; the worker re-runs stalled jobs, which are idempotent).
    const supervisor = await superviseProcess({
      name: spec.name,
      log,
      start: async () => {
        const proc = await spawnManaged(process.execPath, [...NODE_PROCESS_FLAGS, "--import", tsxLoader, path.join(REPO_ROOT, spec.entry)], {
          cwd: REPO_ROOT,
          env,
          detached: true,
          stdio: "inherit",
        });
        log(`${spec.name} running (pid ${proc.pid})`);
        return proc;
      },
    });
    running.push({ spec, supervisor });
  }

  const url = `http://localhost:${serverConfig.port}`;
  const embedded = [services.ferretdb && "FerretDB", services.redis && "Redis"].filter(Boolean).join(" and ");
  log(`MONGODB_URI=${redactUrl(mongodbUri)}`);
  log(`REDIS_URL=${redactUrl(services.redisUrl)}`);
  log(
    embedded !== ""
      ? `data: ${dataDir} (${embedded}; kept across restarts, delete the directory to start from scratch)`
      : `data: in your MongoDB and Redis (only the dev JWT secret is in ${dataDir})`,
  );
  log(`starting Kring at ${url} …`);
  if (await waitForPort(serverConfig.host, serverConfig.port, () => stopping !== undefined)) {
    log(`Kring is ready at ${url}  (Ctrl-C to stop)`);
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`[kring] could not start:\n${message}`);
  // Our own errors say what to do; anything else is a bug worth a stack trace.
  if (error instanceof Error && error.constructor !== Error && !(error instanceof ConfigError)) {
    console.error(error.stack);
  }
  killAllManagedSync();
  process.exit(1);
});
