import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { loadDevstackConfig } from "@kring/config";
import mongoose from "mongoose";
import { ensureFerretdbBinary, ferretdbSourceFiles, startFerretdb } from "./ferretdb.service";
import { redisPing, startRedis } from "./redis.service";
import { startServices } from "./services";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const config = loadDevstackConfig();

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One RESP command over a raw socket; returns the raw reply. */
function redisCommand(url: string, ...parts: string[]): Promise<string> {
  const { hostname, port } = new URL(url);
  const request = `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join("")}`;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    let reply = "";
    socket.setEncoding("utf8");
    socket.once("error", reject);
    socket.once("connect", () => socket.write(request));
    socket.on("data", (chunk: string) => {
      reply += chunk;
      // Enough for the simple replies used here: "+OK\r\n" or "$N\r\nvalue\r\n".
      if (/^[+\-:].*\r\n$|^\$-1\r\n$|^\$\d+\r\n.*\r\n$/s.test(reply)) {
        socket.destroy();
        resolve(reply);
      }
    });
  });
}

let tempDir: string;

beforeEach(async () => {
  tempDir = await fs.mkdtemp(path.join(os.tmpdir(), "kring-devstack-"));
});

afterEach(async () => {
  await fs.rm(tempDir, { recursive: true, force: true });
});

describe("embedded services", () => {
  it("start, answer, keep their data across a restart and leave no process behind", async () => {
    const binary = await ensureFerretdbBinary({ repoRoot: REPO_ROOT, goBin: config.goBin });
    const ferretdbDir = path.join(tempDir, "ferretdb");
    const redisDir = path.join(tempDir, "redis");

    const [ferretdb, redis] = await Promise.all([
      startFerretdb({ binary, dataDir: ferretdbDir, backend: "sqlite" }),
      startRedis({ bin: config.redisServerBin, dir: redisDir }),
    ]);
    try {
      expect(await redisPing(redis.url)).toBe("+PONG");
      expect(await redisCommand(redis.url, "SET", "devstack-test", "kept")).toBe("+OK\r\n");

      const connection = await mongoose.createConnection(ferretdb.uri, { dbName: "devstack_test" }).asPromise();
      try {
        const admin = connection.db!.admin();
        expect(await admin.ping()).toMatchObject({ ok: 1 });
        expect(await admin.command({ hello: 1 })).toMatchObject({ ok: 1, isWritablePrimary: true });
        await connection.db!.collection("things").insertOne({ name: "kept across restarts" });
      } finally {
        await connection.close();
      }
    } finally {
      await Promise.all([ferretdb.stop(), redis.stop()]);
    }
    expect(isRunning(ferretdb.pid)).toBe(false);
    expect(isRunning(redis.pid)).toBe(false);

    const [ferretdb2, redis2] = await Promise.all([
      startFerretdb({ binary, dataDir: ferretdbDir, backend: "sqlite" }),
      startRedis({ bin: config.redisServerBin, dir: redisDir }),
    ]);
    try {
      expect(await redisCommand(redis2.url, "GET", "devstack-test")).toBe("$4\r\nkept\r\n");
      const connection = await mongoose.createConnection(ferretdb2.uri, { dbName: "devstack_test" }).asPromise();
      try {
        const found = await connection.db!.collection("things").findOne({}, { projection: { _id: 0 } });
        expect(found).toEqual({ name: "kept across restarts" });
      } finally {
        await connection.close();
      }
    } finally {
      await Promise.all([ferretdb2.stop(), redis2.stop()]);
    }
    expect(isRunning(ferretdb2.pid)).toBe(false);
    expect(isRunning(redis2.pid)).toBe(false);
  }, 60_000);

  it("refuses a data directory that a live instance is using", async () => {
    const redis = await startRedis({ bin: config.redisServerBin, dir: tempDir });
    try {
      await expect(startRedis({ bin: config.redisServerBin, dir: tempDir })).rejects.toThrow(
        `is in use by another redis-server (pid ${redis.pid})`,
      );
    } finally {
      await redis.stop();
    }
    const again = await startRedis({ bin: config.redisServerBin, dir: tempDir });
    await again.stop();
  });
});

describe("startServices", () => {
  it("starts nothing when MONGODB_URI and REDIS_URL are given", async () => {
    const services = await startServices({
      repoRoot: REPO_ROOT,
      dataDir: tempDir,
      // Binaries that do not exist: any attempt to build or start something would fail.
      config: loadDevstackConfig({
        MONGODB_URI: "mongodb://db.example.invalid:27017/kring",
        REDIS_URL: "redis://cache.example.invalid:6379",
        GO_BIN: "/nonexistent/go",
        REDIS_SERVER_BIN: "/nonexistent/redis-server",
      }),
    });
    expect(services).toMatchObject({
      mongodbUri: "mongodb://db.example.invalid:27017/kring",
      redisUrl: "redis://cache.example.invalid:6379",
      ferretdb: undefined,
      ferretdbBinary: undefined,
      redis: undefined,
      redisBin: undefined,
    });
    await services.stop();
    expect(await fs.readdir(tempDir)).toEqual([]);
  });
});

describe("missing tools", () => {
  it("explains what to do when Go is missing", async () => {
    // A copy of the sources under a fresh root, so the cached binary of the real repo is not found.
    const sourceDir = path.join(tempDir, "tools", "ferretdb");
    await fs.mkdir(sourceDir, { recursive: true });
    for (const name of await ferretdbSourceFiles(path.join(REPO_ROOT, "tools", "ferretdb"))) {
      await fs.mkdir(path.dirname(path.join(sourceDir, name)), { recursive: true });
      await fs.copyFile(path.join(REPO_ROOT, "tools", "ferretdb", name), path.join(sourceDir, name));
    }
    const attempt = ensureFerretdbBinary({ repoRoot: tempDir, goBin: "/nonexistent/go" });
    await expect(attempt).rejects.toThrow(/install Go >= 1\.24[\s\S]*set MONGODB_URI/);
    // The failed build leaves no temp file behind.
    const [cacheDir] = await fs.readdir(path.join(tempDir, ".cache", "ferretdb"));
    expect(await fs.readdir(path.join(tempDir, ".cache", "ferretdb", cacheDir!))).toEqual([]);
  });

  it("explains what to do when redis-server is missing", async () => {
    await expect(startRedis({ bin: "/nonexistent/redis-server", dir: tempDir })).rejects.toThrow(
      /apt-get install redis-server[\s\S]*REDIS_URL/,
    );
  });
});
