import { randomBytes } from "node:crypto";
import path from "node:path";
import type { AlertsOptions } from "./alerts-options";
import { appNodeArgs } from "./app-process";
import { type BenchChild, findDescendant, spawnChild } from "./child-process";
import { findFreePort } from "./free-port";
import { createHttp, expectStatus, PASSWORD, withDatabaseName } from "./kring-target";
import { mapLimit, progressEvery10, sleep } from "./stats";
import { type ServerLogSummary, watchServerLog } from "./target";

/** The bench reads /api/queues/health as the operator. */
export const BENCH_OPERATOR_TOKEN = "kring-bench-operator-token-0123456789";

type Log = (line: string) => void;

const READY_TIMEOUT_MS = 90_000;
const WORKER_READY_LINE = "kring worker running";

export type Http = ReturnType<typeof createHttp>;

type RunningKringWithWorker = {
  baseUrl: string;
  dbName: string;
  http: Http;
  /** The node processes running the scripts. */
  serverPid: number;
  workerPid: number;
  serverLog: ServerLogSummary;
  workerLog: ServerLogSummary;
  stop(): Promise<void>;
};

/**
 * Starts apps/server/src/main.ts and apps/worker/src/main.ts as production would run them, with
 * one environment: the same database, Redis and key prefix, so the server queues what the worker runs.
 */
export async function startKringWithWorker(input: { repoRoot: string; mongodbUri: string; redisUrl: string; log: Log }): Promise<RunningKringWithWorker> {
  const { log } = input;
  const dbName = `kring_bench_${randomBytes(5).toString("hex")}`;
  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MONGODB_URI: withDatabaseName(input.mongodbUri, dbName),
    REDIS_URL: input.redisUrl,
    REDIS_PREFIX: `kring-bench-${randomBytes(4).toString("hex")}`,
    JWT_SECRET: randomBytes(36).toString("base64url"),
    PORT: String(port),
    HOST: "127.0.0.1",
    NODE_ENV: "production",
    // Setup registers hundreds of users and pairs hundreds of tablets from one address.
    AUTH_RATE_PER_MINUTE: "100000000",
    // The load raises up to 1,000 alerts within seconds from a few hundred residents, and the setup
    // pairs a tablet per circle: far above what one person or one deployment does in a minute.
    RATE_LIMITS: JSON.stringify({
      "alert-raise": { points: 100_000, windowSeconds: 60 },
      "alert-claim": { points: 100_000, windowSeconds: 60 },
      "pairing-global": { points: 100_000, windowSeconds: 60 },
    }),
    OPERATOR_TOKEN: BENCH_OPERATOR_TOKEN,
    // Long enough that no socket reaches its token's expiry during the run.
    ACCESS_TOKEN_TTL_SECONDS: "3600",
  };
  const children: BenchChild[] = [];
  const stop = async () => {
    await Promise.all(children.map((child) => child.stop()));
  };
  try {
    const server = spawnChild(process.execPath, appNodeArgs(path.join(input.repoRoot, "apps/server/src/main.ts")), { cwd: input.repoRoot, env });
    children.push(server);
    const serverLog = watchServerLog(server.onLine);
    const worker = spawnChild(process.execPath, appNodeArgs(path.join(input.repoRoot, "apps/worker/src/main.ts")), { cwd: input.repoRoot, env });
    children.push(worker);
    const workerLog = watchServerLog(worker.onLine);
    let isWorkerRunning = false;
    worker.onLine((line) => {
      if (line.includes(WORKER_READY_LINE)) isWorkerRunning = true;
    });
    log(`Kring: server starting on ${baseUrl} and worker starting (database ${dbName}, redis prefix ${env.REDIS_PREFIX})`);

    const readySince = performance.now();
    let isServerReady = false;
    for (;;) {
      if (server.hasExited()) throw new Error(`Kring server exited during start:\n${server.outputTail()}`);
      if (worker.hasExited()) throw new Error(`Kring worker exited during start:\n${worker.outputTail()}`);
      if (performance.now() - readySince > READY_TIMEOUT_MS) {
        throw new Error(
          `not ready after ${READY_TIMEOUT_MS / 1000} s (server ready: ${isServerReady}, worker running: ${isWorkerRunning}):\n` +
            `server:\n${server.outputTail()}\nworker:\n${worker.outputTail()}`,
        );
      }
      if (!isServerReady) {
        const status = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(3000) }).then((r) => r.status, () => 0);
        isServerReady = status === 200;
        if (isServerReady) log(`Kring: server ready in ${((performance.now() - readySince) / 1000).toFixed(1)} s`);
      }
      if (isServerReady && isWorkerRunning) break;
      await sleep(200);
    }
    const serverPid = findDescendant(server.pid);
    const workerPid = findDescendant(worker.pid);
    log(`Kring: server (pid ${serverPid}) and worker (pid ${workerPid}) running after ${((performance.now() - readySince) / 1000).toFixed(1)} s`);
    return { baseUrl, dbName, http: createHttp(baseUrl), serverPid, workerPid, serverLog, workerLog, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export type BenchUser = { token: string; userId: string };
export type AlertsCircle = {
  circleId: string;
  coordinator: BenchUser;
  /** The ladder, in order: family[0] is paged at once, family[1] after stepSeconds. */
  family: [BenchUser, BenchUser];
  resident: BenchUser;
};

/**
 * Builds the circles over the public API: the coordinator creates the circle, invites two family
 * members, adds the resident (a managed account) and pairs her tablet, then sets the ladder to the
 * two family members.
 */
export async function buildAlertCircles(http: Http, options: AlertsOptions, log: Log): Promise<AlertsCircle[]> {
  const runId = randomBytes(4).toString("hex");
  const userCount = options.circles * 3;
  log(`Kring: registering ${userCount} users (${options.setupConcurrency} at a time; argon2id makes this slow)`);
  const users = await mapLimit(
    Array.from({ length: userCount }, (_, i) => i),
    options.setupConcurrency,
    async (i): Promise<BenchUser> => {
      const res = await http<{ token: string; user: { id: string } }>("POST", "/api/auth/register", {
        email: `alerts-${runId}-${i}@example.test`,
        password: PASSWORD,
        name: `Bench user ${i}`,
      });
      expectStatus("register", 201, res);
      return { token: res.body.token, userId: res.body.user.id };
    },
    progressEvery10("Kring: registered", userCount, log),
  );

  log(`Kring: creating ${options.circles} circles (create, 2 invitations and accepts, add and pair the resident, set the ladder: 9 requests each)`);
  return mapLimit(
    Array.from({ length: options.circles }, (_, c) => c),
    options.setupConcurrency,
    async (c): Promise<AlertsCircle> => {
      const [coordinator, family1, family2] = users.slice(c * 3, c * 3 + 3) as [BenchUser, BenchUser, BenchUser];
      const created = await http<{ circle: { id: string } }>("POST", "/api/circles", { name: `Bench circle ${c}` }, coordinator.token);
      expectStatus("create circle", 201, created);
      const circleId = created.body.circle.id;
      const invitees: Array<[BenchUser, "family"]> = [
        [family1, "family"],
        [family2, "family"],
      ];
      for (const [user, role] of invitees) {
        const invitation = await http<{ code: string }>("POST", `/api/circles/${circleId}/invitations`, { role }, coordinator.token);
        expectStatus(`create ${role} invitation`, 201, invitation);
        const accepted = await http<{ circle: { myRole: string } }>("POST", `/api/invitations/${invitation.body.code}/accept`, undefined, user.token);
        expectStatus(`accept ${role} invitation`, 200, accepted);
        if (accepted.body.circle.myRole !== role) throw new Error(`accepted a ${role} invitation but got role ${accepted.body.circle.myRole}`);
      }
      // Residents are never invited: the coordinator adds a managed account and pairs a tablet.
      const added = await http<{ member: { userId: string } }>("POST", `/api/circles/${circleId}/residents`, { name: `Bench resident ${c}` }, coordinator.token);
      expectStatus("add resident", 201, added);
      const pairing = await http<{ code: string }>("POST", `/api/circles/${circleId}/residents/${added.body.member.userId}/pairing-codes`, undefined, coordinator.token);
      expectStatus("pairing code", 201, pairing);
      const paired = await http<{ token: string; user: { id: string } }>("POST", "/api/devices/pair", { code: pairing.body.code });
      expectStatus("pair tablet", 200, paired);
      const resident: BenchUser = { token: paired.body.token, userId: paired.body.user.id };
      const ladder = await http<{ escalation: { responders: string[]; stepSeconds: number } }>(
        "PUT",
        `/api/circles/${circleId}/escalation`,
        { responders: [family1.userId, family2.userId], stepSeconds: options.stepSeconds },
        coordinator.token,
      );
      expectStatus("set escalation", 200, ladder);
      return { circleId, coordinator, family: [family1, family2], resident };
    },
    progressEvery10("Kring: circles", options.circles, log),
  );
}
