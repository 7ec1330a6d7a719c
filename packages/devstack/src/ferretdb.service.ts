import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { claimDataDir } from "./data-dir-lock";
import { findFreePort, tcpConnect } from "./free-port";
import { describeExit, indent, redactUrl, spawnManaged, type ExitInfo, type ManagedProcess } from "./managed-process";
import { overlayModule, overlaySourceFiles, prepareOverlayBuild } from "./ferretdb-overlay";
import { MongoClient } from "mongodb";

/**
 * One `ping` through the MongoDB driver (the one mongoose uses). A command error (the backend is
 * not usable) comes back as the reply, so the caller can tell it from "not listening yet".
 */
async function pingMongo(uri: string): Promise<{ ok?: unknown; errmsg?: unknown }> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000, connectTimeoutMS: 5000, directConnection: true });
  try {
    return await client.db("admin").command({ ping: 1 });
  } catch (error) {
    const reply = (error as { errorResponse?: { ok?: unknown; errmsg?: unknown } }).errorResponse;
    if (reply && reply.ok === 0) return reply;
    throw error;
  } finally {
    await client.close().catch(() => undefined);
  }
}

export type Log = (message: string) => void;

export type FerretdbBackend = "sqlite" | "postgresql";

export type EnsureFerretdbBinaryOptions = {
  repoRoot: string;
  /** The go command (a name on PATH or a path). */
  goBin: string;
  log?: Log;
};

export type StartFerretdbOptions = {
  binary: string;
  /** Where the SQLite files live (backend "sqlite"); reuse it to keep data across restarts. */
  dataDir?: string;
  backend?: FerretdbBackend;
  /** backend "postgresql": the database in this URL must already exist. */
  postgresqlUrl?: string;
  detached?: boolean;
  timeoutMs?: number;
};

export type FerretdbHandle = {
  /** mongodb://127.0.0.1:PORT/ (no database: callers choose one). */
  uri: string;
  port: number;
  pid: number;
  exited: Promise<ExitInfo>;
  outputTail(): string;
  stop(): Promise<void>;
};

const HOST = "127.0.0.1";
const BINARY_NAME = "kring-ferretdb";
const SOURCE_FILES = ["go.mod", "go.sum", "main.go"] as const;
const PORT_ATTEMPTS = 3;
const READY_LINE = /ferretdb listening (mongodb:\/\/\S+)/;

const INSTALL_GO_OR_USE_MONGODB =
  `Either:\n` +
  `  - install Go >= 1.24 from the official tarball (https://go.dev/doc/install; Debian's \`apt-get install golang\` is too old),\n` +
  `    make sure \`go\` is on your PATH or set GO_BIN=/usr/local/go/bin/go, and run this again; or\n` +
  `  - set MONGODB_URI to a MongoDB you already run, e.g. MONGODB_URI=mongodb://127.0.0.1:27017/kring`;

/** Every file the binary is built from, relative to tools/ferretdb (the overlay's included). */
export async function ferretdbSourceFiles(sourceDir: string): Promise<string[]> {
  return [...SOURCE_FILES, ...(await overlaySourceFiles(sourceDir))];
}

/** Same sources, same binary: the hash names the cache directory so edits trigger a rebuild. */
async function sourceHash(sourceDir: string): Promise<string> {
  const hash = createHash("sha256");
  for (const name of await ferretdbSourceFiles(sourceDir)) {
    hash.update(name).update("\0").update(await fs.readFile(path.join(sourceDir, name))).update("\0");
  }
  return hash.digest("hex").slice(0, 12);
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await fs.access(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds tools/ferretdb once into <repoRoot>/.cache/ferretdb/<source hash>/kring-ferretdb and
 * returns its path. Concurrent callers (npm start next to a jest run) may both build; each writes a
 * private temp file and renames it into place, and rename is atomic, so nobody runs a half-written
 * binary.
 */
export async function ensureFerretdbBinary(options: EnsureFerretdbBinaryOptions): Promise<string> {
  const log = options.log ?? (() => undefined);
  const sourceDir = path.join(options.repoRoot, "tools", "ferretdb");
  const outDir = path.join(options.repoRoot, ".cache", "ferretdb", await sourceHash(sourceDir));
  const binary = path.join(outDir, BINARY_NAME);
  if (await isExecutable(binary)) return binary;

  await fs.mkdir(outDir, { recursive: true });
  const unique = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const temp = path.join(outDir, `${BINARY_NAME}.tmp-${unique}`);
  const overlayDir = path.join(outDir, `overlay.tmp-${unique}`);
  log("Building the embedded FerretDB (first run only, ~1 min)…");
  const started = Date.now();
  try {
    // Kring's changes to FerretDB's own packages (tools/ferretdb/_overlay) go into a copy of the
    // module, which `go mod download` puts in Go's module cache first.
    const download = await runGo(options.goBin, ["mod", "download", "-json", await overlayModule(sourceDir)], sourceDir);
    const moduleDir = (JSON.parse(download) as { Dir?: unknown }).Dir;
    if (typeof moduleDir !== "string") throw new Error(`\`go mod download -json\` gave no module directory:\n${indent(download)}`);
    const modfile = await prepareOverlayBuild({ sourceDir, moduleDir, workDir: overlayDir });
    // -buildvcs=false: the repository may have no commits (or no git), which makes VCS stamping fail.
    await runGo(options.goBin, ["build", "-buildvcs=false", `-modfile=${modfile}`, "-o", temp, "."], sourceDir);
    await fs.rename(temp, binary);
  } finally {
    await fs.rm(temp, { force: true });
    await fs.rm(overlayDir, { recursive: true, force: true });
  }
  log(`Built FerretDB in ${Math.round((Date.now() - started) / 1000)} s: ${binary}`);
  return binary;
}

/** Runs go and resolves with its standard output; a failure's message carries both outputs' end. */
function runGo(goBin: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(goBin, args, { cwd, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let stdout = "";
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString("utf8")).slice(-16_000);
    };
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      collect(chunk);
    });
    child.stderr.on("data", collect);
    child.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") {
        reject(
          new Error(
            `Go is needed once to build the embedded FerretDB (the MongoDB-compatible database Kring uses ` +
              `when MONGODB_URI is not set), but \`${goBin}\` was not found.\n${INSTALL_GO_OR_USE_MONGODB}`,
          ),
        );
      } else {
        reject(error);
      }
    });
    child.once("close", (code, signal) => {
      if (code === 0) {
        resolve(stdout);
        return;
      }
      const tooOld = /requires go|invalid go version|unknown directive|toolchain/i.test(output);
      reject(
        new Error(
          `Building the embedded FerretDB failed (\`${goBin} ${args.join(" ")}\` in ${cwd} ` +
            `${signal !== null ? `was killed by ${signal}` : `exited with code ${code}`}):\n${indent(output)}` +
            (tooOld ? `\nYour Go looks too old. ${INSTALL_GO_OR_USE_MONGODB}` : ""),
        ),
      );
    });
  });
}

class PortTakenError extends Error {}

/** Starts the embedded FerretDB on a free port and resolves once it answers a MongoDB ping. */
export async function startFerretdb(options: StartFerretdbOptions): Promise<FerretdbHandle> {
  const backend = options.backend ?? "sqlite";
  if (backend === "sqlite") {
    if (options.dataDir === undefined) throw new Error("startFerretdb: dataDir is required with the sqlite backend");
    await fs.mkdir(options.dataDir, { recursive: true });
  } else if (options.postgresqlUrl === undefined) {
    throw new Error("startFerretdb: postgresqlUrl is required with the postgresql backend");
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, backend);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}

async function startOnce(options: StartFerretdbOptions, backend: FerretdbBackend): Promise<FerretdbHandle> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const dataDir = backend === "sqlite" && options.dataDir !== undefined ? path.resolve(options.dataDir) : undefined;
  const lock = dataDir !== undefined ? await claimDataDir(dataDir, BINARY_NAME, "FerretDB") : undefined;
  const port = await findFreePort(HOST);
  const args = ["-listen", `${HOST}:${port}`, "-handler", backend];
  if (dataDir !== undefined) args.push("-sqlite-dir", dataDir);
  else args.push("-postgresql-url", options.postgresqlUrl ?? "");

  let proc: ManagedProcess;
  try {
    proc = await spawnManaged(options.binary, args, { detached: options.detached ?? false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error(`FerretDB binary ${options.binary} does not exist; ensureFerretdbBinary() builds it.`);
    }
    throw error;
  }
  await lock?.record(proc.pid);

  let uri: string;
  try {
    uri = await waitUntilReady(proc, port, timeoutMs, backend, options.postgresqlUrl);
  } catch (error) {
    await proc.stop();
    await lock?.release();
    throw error;
  }

  return {
    uri,
    port,
    pid: proc.pid,
    exited: proc.exited,
    outputTail: proc.outputTail,
    stop: async () => {
      await proc.stop(5000);
      await lock?.release();
    },
  };
}

async function waitUntilReady(
  proc: ManagedProcess,
  port: number,
  timeoutMs: number,
  backend: FerretdbBackend,
  postgresqlUrl: string | undefined,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let uri: string | undefined;
  const findReadyLine = (): void => {
    uri ??= READY_LINE.exec(proc.outputTail())?.[1];
  };
  proc.onOutput(findReadyLine);
  findReadyLine();

  let lastProblem = "no ready line yet";
  for (;;) {
    const exit = proc.exitInfo();
    if (exit !== undefined) {
      const output = proc.outputTail();
      const message = `FerretDB ${describeExit(exit)} before it was ready. Its output:\n${indent(output)}`;
      throw /address already in use/i.test(output) ? new PortTakenError(message) : new Error(message);
    }
    if (uri !== undefined) {
      try {
        await tcpConnect(HOST, port);
        const reply = await pingMongo(uri);
        if (reply.ok === 1) return uri;
        // The listener is up but the backend is not usable; waiting will not fix that.
        throw new BackendError(String(reply.errmsg ?? JSON.stringify(reply)));
      } catch (error) {
        if (error instanceof BackendError) throw backendFailure(error.message, backend, postgresqlUrl);
        lastProblem = (error as Error).message;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(
        `FerretDB was not ready on ${HOST}:${port} within ${Math.round(timeoutMs / 1000)} s ` +
          `(last: ${lastProblem}). Its output:\n${indent(proc.outputTail())}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

class BackendError extends Error {}

function backendFailure(
  errmsg: string,
  backend: FerretdbBackend,
  postgresqlUrl: string | undefined,
): Error {
  const hint =
    backend === "postgresql"
      ? `\nFerretDB could not use PostgreSQL at ${redactUrl(postgresqlUrl ?? "")}. The database in that URL must ` +
        `already exist and its user must be allowed to create schemas in it, e.g.\n` +
        `    ${createdbCommand(postgresqlUrl ?? "")}\n` +
        `or set FERRETDB_POSTGRESQL_URL to one that does (or FERRETDB_BACKEND=sqlite).`
      : "";
  // FerretDB prefixes messages with Go call frames ("[pool.go:129 pool.(*Pool).Get] "): noise here.
  const reason = errmsg.replace(/\[[^\]]*\.go:\d+ [^\]]*\]\s*/g, "");
  return new Error(`FerretDB started but cannot serve requests: ${reason}${hint}`);
}

function createdbCommand(postgresqlUrl: string): string {
  try {
    const url = new URL(postgresqlUrl);
    const database = decodeURIComponent(url.pathname.slice(1)) || "kring";
    const user = url.username !== "" ? ` -U ${decodeURIComponent(url.username)}` : "";
    return `createdb -h ${url.hostname || "127.0.0.1"} -p ${url.port || "5432"}${user} ${database}`;
  } catch {
    return "createdb kring";
  }
}
