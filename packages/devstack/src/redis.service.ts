import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { claimDataDir } from "./data-dir-lock";
import { findFreePort } from "./free-port";
import { describeExit, indent, spawnManaged, type ExitInfo, type ManagedProcess } from "./managed-process";

export type StartRedisOptions = {
  /** redis-server binary (a name on PATH or a path). */
  bin: string;
  /** Where the append-only file lives; reuse it to keep data across restarts. */
  dir: string;
  detached?: boolean;
  timeoutMs?: number;
};

export type RedisHandle = {
  url: string;
  port: number;
  pid: number;
  exited: Promise<ExitInfo>;
  outputTail(): string;
  stop(): Promise<void>;
};

const HOST = "127.0.0.1";
const PORT_ATTEMPTS = 3;

/** Sends PING over raw RESP and returns the reply line, e.g. "+PONG" or "-LOADING …". */
export function redisPing(url: string, timeoutMs = 2000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname || HOST, port: Number(port || 6379) });
    let received = "";
    socket.setEncoding("utf8");
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no reply to PING from ${url}`)));
    socket.once("error", reject);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk: string) => {
      received += chunk;
      const end = received.indexOf("\r\n");
      if (end === -1) return;
      socket.destroy();
      resolve(received.slice(0, end));
    });
    socket.once("close", () => reject(new Error(`${url} closed the connection before answering PING`)));
  });
}

function missingBinaryError(bin: string): Error {
  return new Error(
    `Cannot start Redis: \`${bin}\` was not found.\n` +
      `  - install it: \`sudo apt-get install redis-server\` (Debian/Ubuntu) or \`brew install redis\` (macOS),\n` +
      `    or point REDIS_SERVER_BIN at a redis-server binary; or\n` +
      `  - set REDIS_URL to a Redis you already run, e.g. REDIS_URL=redis://127.0.0.1:6380`,
  );
}

class PortTakenError extends Error {}

/**
 * Starts redis-server on a free port with its data in `dir` (append-only file, fsync every
 * second, no eviction: Kring keeps state in Redis that must not silently disappear).
 */
export async function startRedis(options: StartRedisOptions): Promise<RedisHandle> {
  await fs.mkdir(options.dir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}

async function startOnce(options: StartRedisOptions): Promise<RedisHandle> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const lock = await claimDataDir(options.dir, "redis-server", "Redis");
  const port = await findFreePort(HOST);
  // redis-server resolves relative paths against its own cwd: hand it an absolute one.
  const dir = path.resolve(options.dir);
  // prettier-ignore
  const args = [
    "--port", String(port),
    "--bind", HOST,
    "--dir", dir,
    "--appendonly", "yes",
    "--appendfsync", "everysec",
    "--maxmemory-policy", "noeviction",
    "--save", "",
    "--daemonize", "no",
  ];

  let proc: ManagedProcess;
  try {
    proc = await spawnManaged(options.bin, args, { detached: options.detached ?? false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw missingBinaryError(options.bin);
    throw error;
  }
  await lock.record(proc.pid);
  const url = `redis://${HOST}:${port}`;

  try {
    await waitUntilReady(proc, url, timeoutMs);
  } catch (error) {
    await proc.stop();
    await lock.release();
    throw error;
  }

  return {
    url,
    port,
    pid: proc.pid,
    exited: proc.exited,
    outputTail: proc.outputTail,
    stop: async () => {
      await proc.stop(5000);
      await lock.release();
    },
  };
}

async function waitUntilReady(proc: ManagedProcess, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastReply = "";
  for (;;) {
    const exit = proc.exitInfo();
    if (exit !== undefined) {
      const output = proc.outputTail();
      const message = `redis-server ${describeExit(exit)} before it was ready. Its output:\n${indent(output)}`;
      throw /address already in use/i.test(output) ? new PortTakenError(message) : new Error(message);
    }
    // -LOADING means it is replaying the append-only file: keep waiting.
    lastReply = await redisPing(url, 1000).catch((error: Error) => error.message);
    if (lastReply === "+PONG") return;
    if (Date.now() > deadline) {
      throw new Error(
        `redis-server did not answer PING at ${url} within ${Math.round(timeoutMs / 1000)} s ` +
          `(last: ${lastReply}). Its output:\n${indent(proc.outputTail())}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
