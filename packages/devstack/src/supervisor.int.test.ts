import { loadDevstackConfig } from "@kring/config";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { findFreePort } from "./free-port";
import { spawnManaged, type ManagedProcess } from "./managed-process";
import { superviseProcess } from "./supervisor";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe("supervised processes", () => {
  it("restarts a process that keeps crashing with a doubling delay up to a cap, and stops restarting when stopped", async () => {
    const lines: string[] = [];
    const supervisor = await superviseProcess({
      name: "crasher",
      log: (line) => lines.push(line),
      start: () => spawnManaged(process.execPath, ["-e", "process.exit(1)"]),
      initialDelayMs: 50,
      maxDelayMs: 200,
      stableAfterMs: 60_000,
    });
    await waitFor("five crashes", 10_000, () => (lines.length >= 5 ? true : undefined));
    await supervisor.stop(1000);
    expect(lines.slice(0, 5)).toEqual([
      "crasher exited with code 1; restarting in 50 ms",
      "crasher exited with code 1; restarting in 100 ms",
      "crasher exited with code 1; restarting in 200 ms",
      "crasher exited with code 1; restarting in 200 ms",
      "crasher exited with code 1; restarting in 200 ms",
    ]);
    const restarts = supervisor.restarts();
    await sleep(500);
    expect(supervisor.restarts()).toBe(restarts);
  });

  it("under the launcher: a server killed with SIGKILL comes back and answers /readyz; SIGTERM still stops everything", async () => {
    const services = loadDevstackConfig();
    if (!services.mongodbUri || !services.redisUrl) throw new Error("the jest global setup sets MONGODB_URI and REDIS_URL");
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "kring-supervise-"));
    const port = await findFreePort();
    const base = `http://127.0.0.1:${port}`;
    const dbName = `kring_supervise_${randomBytes(5).toString("hex")}`;
    const tsxLoader = pathToFileURL(require.resolve("tsx")).href;
    let launcher: ManagedProcess | undefined;
    try {
      launcher = await spawnManaged(process.execPath, ["--import", tsxLoader, path.join(REPO_ROOT, "packages/devstack/src/start.main.ts")], {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          // The jest run's FerretDB and Redis, so the launcher starts no databases of its own.
          MONGODB_URI: `${services.mongodbUri.replace(/\/$/, "")}/${dbName}`,
          REDIS_URL: services.redisUrl,
          REDIS_PREFIX: `kt-${dbName}`,
          KRING_DATA_DIR: dataDir,
          PORT: String(port),
          HOST: "127.0.0.1",
          SMTP_URL: "smtp://127.0.0.1:9",
        },
      });
      const output = () => launcher!.outputTail();
      const serverPids = () => [...output().matchAll(/\[kring\] server running \(pid (\d+)\)/g)].map((m) => Number(m[1]));
      const isReady = async () => {
        const status = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(3000) }).then((r) => r.status, () => 0);
        return status === 200 ? true : undefined;
      };

      await waitFor("the server to be ready", 90_000, isReady);
      const [firstPid] = serverPids();
      expect(firstPid).toBeDefined();
      const workerPid = Number(/\[kring\] worker running \(pid (\d+)\)/.exec(output())?.[1]);

      process.kill(firstPid!, "SIGKILL");
      await waitFor("the restart to be logged", 10_000, () =>
        output().includes("[kring] server was killed by SIGKILL; restarting in 1 s") ? true : undefined,
      );
      const secondPid = await waitFor("a second server process", 30_000, () => serverPids()[1]);
      expect(secondPid).not.toBe(firstPid);
      await waitFor("the restarted server to be ready", 90_000, isReady);
      // The launcher, and with it the databases it would own, stayed up.
      expect(launcher.exitInfo()).toBeUndefined();
      expect(isRunning(workerPid)).toBe(true);

      launcher.kill("SIGTERM");
      let timer: ReturnType<typeof setTimeout> | undefined;
      const exit = await Promise.race([launcher.exited, new Promise((resolve) => (timer = setTimeout(resolve, 40_000)))]);
      clearTimeout(timer);
      expect(exit).toEqual({ code: 143, signal: null });
      const afterSignal = output().slice(output().indexOf("[kring] received SIGTERM"));
      expect(afterSignal).toContain("[kring] stopped.");
      // Stopped in order, not mistaken for crashes to restart.
      expect(afterSignal).not.toContain("restarting in");
      expect(isRunning(secondPid)).toBe(false);
      expect(isRunning(workerPid)).toBe(false);
    } finally {
      await launcher?.stop(5000);
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
