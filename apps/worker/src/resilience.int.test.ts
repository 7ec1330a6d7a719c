import { loadDevstackConfig } from "@kring/config";
import { startRedis } from "@kring/devstack";
import { JobName, QueueName } from "@kring/protocol";
import { collect, eventually, sleep, startTestServer, type TestServer } from "@kring/server/testing";
import { Queue } from "bullmq";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createAnnasCircle, raise, setLadder } from "./testing/circle-fixture";
import { startTestWorker } from "./testing/worker-harness";

const repoRoot = path.resolve(__dirname, "..", "..", "..");

/**
 * The real worker process, compiled as production runs it (`node dist/main.js`): it starts in well
 * under a second, so the timing below measures the restart's recovery, not tsx compiling sources.
 */
function buildWorker() {
  // Its own output file: another test file may be building dist/ at the same moment.
  execFileSync(process.execPath, [path.join(repoRoot, "scripts/build-node-app.mjs"), "src/main.ts", ".test-build/resilience/main.js"], {
    cwd: path.join(repoRoot, "apps/worker"),
    stdio: "pipe",
  });
}

function spawnWorker(server: TestServer): ChildProcess {
  const services = loadDevstackConfig();
  const child = spawn(
    process.execPath,
    ["--enable-source-maps", path.join(repoRoot, "apps/worker/.test-build/resilience/main.js")],
    {
      cwd: repoRoot,
      env: {
        // eslint-disable-next-line no-restricted-properties -- a child process inherits PATH and friends
        ...process.env,
        NODE_ENV: "test",
        MONGODB_URI: `${services.mongodbUri}${server.dbName}`,
        REDIS_URL: services.redisUrl,
        REDIS_PREFIX: server.redisPrefix,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

async function waitForWorkerReady(child: ChildProcess) {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("worker did not start")), 20_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("kring worker running")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

describe("resilience", () => {
  let server: TestServer;
  beforeAll(async () => {
    buildWorker();
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("keeps escalating on time after the worker is killed (SIGKILL) mid-escalation and restarted", async () => {
    const c = await createAnnasCircle(server);
    await setLadder(server, c, ["marie", "jan"], 5);
    let worker = spawnWorker(server);
    try {
      await waitForWorkerReady(worker);
      const alert = await raise(c);
      const raisedAt = Date.parse(alert.createdAt);
      await eventually(() => c.notifications.marie.length === 1, 3000, "first page");
      worker.kill("SIGKILL");
      await new Promise((resolve) => worker.once("exit", resolve));
      await sleep(1000);
      worker = spawnWorker(server);
      await waitForWorkerReady(worker);
      await eventually(() => c.notifications.jan.length === 1, 8000, "second page after restart");
      const pagedAfter = Date.now() - raisedAt;
      expect(pagedAfter).toBeGreaterThanOrEqual(5000);
      expect(pagedAfter).toBeLessThan(6500);
      expect(c.notifications.marie).toHaveLength(1);
    } finally {
      worker.kill("SIGTERM");
      await new Promise((resolve) => worker.once("exit", resolve));
    }
  }, 40_000);

  it("runs a step again harmlessly: a re-delivered job pages nobody twice", async () => {
    const c = await createAnnasCircle(server);
    await setLadder(server, c, ["marie", "jan"], 60);
    const worker = await startTestWorker(server);
    try {
      const alert = await raise(c);
      await eventually(() => c.notifications.marie.length === 1, 3000, "first page");
      // What BullMQ does with a job whose worker died before completing it: run it again.
      const again = await worker.services.alerts.runEscalationStep({ alertId: alert.id, circleId: c.circle.id, step: 0 });
      expect(again.outcome).toBe("already_done");
      await sleep(500);
      expect(c.notifications.marie).toHaveLength(1);
    } finally {
      await worker.stop();
    }
  });

  it("delivers alert updates, pages and messages to members connected to another server node", async () => {
    const c = await createAnnasCircle(server);
    await setLadder(server, c, ["marie"], 60);
    const nodeB = await startTestServer({ dbName: server.dbName, config: { redisPrefix: server.redisPrefix } });
    const worker = await startTestWorker(server);
    try {
      const marieOnB = await nodeB.connect(c.marie.token);
      const pages = collect(marieOnB, "notification");
      const updates = collect(marieOnB, "alert:update");
      const messages = collect(marieOnB, "message:new");
      const alert = await raise(c); // raised on node A
      await eventually(() => pages.length === 1, 3000, "page on node B");
      expect(pages[0]?.alertId).toBe(alert.id);
      await eventually(() => updates.some((u) => u.id === alert.id), 3000, "alert:update on node B");
      await c.sockets.anna.emitWithAck("message:send", { circleId: c.circle.id, clientId: "cross-node", body: "Hallo" });
      // Node B also hears the circle's system line for the raise ("Anna pressed Help"), whenever it
      // lands: wait for this message itself, and check it came once.
      await eventually(() => messages.some((m) => m.clientId === "cross-node"), 3000, "message on node B");
      expect(messages.filter((m) => m.clientId === "cross-node")).toHaveLength(1);
      const claim = await marieOnB.emitWithAck("alert:claim", { alertId: alert.id });
      expect(claim.ok).toBe(true);
      await eventually(() => c.updates.anna.some((u) => u.status === "claimed"), 3000, "claim seen on node A");
    } finally {
      await worker.stop();
      await nodeB.stop({ keepData: true });
    }
  });
});

describe("Redis restart", () => {
  it("keeps pending escalation jobs across a Redis restart (AOF)", async () => {
    const services = loadDevstackConfig();
    const dir = await mkdtemp(path.join(os.tmpdir(), "kring-aof-"));
    const bin = services.redisServerBin;
    try {
      let redis = await startRedis({ bin, dir });
      let queue = new Queue(QueueName.alerts, { connection: { url: redis.url }, prefix: "aof-test" });
      await queue.add(
        JobName.escalationStep,
        { alertId: "a".repeat(24), circleId: "b".repeat(24), step: 1 },
        { jobId: "aaaaaaaaaaaaaaaaaaaaaaaa-1", delay: 120_000 },
      );
      await queue.close();
      await redis.stop();

      redis = await startRedis({ bin, dir });
      queue = new Queue(QueueName.alerts, { connection: { url: redis.url }, prefix: "aof-test" });
      const job = await queue.getJob("aaaaaaaaaaaaaaaaaaaaaaaa-1");
      expect(job?.data).toEqual({ alertId: "a".repeat(24), circleId: "b".repeat(24), step: 1 });
      expect(await job?.isDelayed()).toBe(true);
      await queue.close();
      await redis.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
