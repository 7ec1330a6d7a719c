import { randomBytes } from "node:crypto";
import path from "node:path";
import { appNodeArgs } from "./app-process";
import type { BenchOptions } from "./cli-options";
import { type BenchChild, findDescendant, spawnChild } from "./child-process";
import { findFreePort } from "./free-port";
import { mapLimit, progressEvery10, sleep } from "./stats";
import { type BenchCircle, type RunningTarget, watchServerLog } from "./target";

type Log = (line: string) => void;

export const PASSWORD = "correct horse battery staple";
/** The server's Redis key prefix, so the preload can write the same keys the server reads. */
export const BENCH_REDIS_PREFIX = "kring-bench";
const READY_TIMEOUT_MS = 90_000;

/** Puts dbName in the path of a MongoDB URI, keeping hosts and query options (which URL can't parse for seed lists). */
export function withDatabaseName(uri: string, dbName: string): string {
  const schemeEnd = uri.indexOf("://");
  if (schemeEnd < 0) throw new Error(`not a MongoDB URI: ${uri}`);
  const afterScheme = uri.slice(schemeEnd + 3);
  const queryStart = afterScheme.indexOf("?");
  const beforeQuery = queryStart < 0 ? afterScheme : afterScheme.slice(0, queryStart);
  const query = queryStart < 0 ? "" : afterScheme.slice(queryStart);
  const slash = beforeQuery.indexOf("/");
  const hosts = slash < 0 ? beforeQuery : beforeQuery.slice(0, slash);
  return `${uri.slice(0, schemeEnd + 3)}${hosts}/${dbName}${query}`;
}

export function createHttp(baseUrl: string) {
  return async function request<T>(method: string, urlPath: string, body: unknown, token?: string): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${baseUrl}${urlPath}`, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
}

export function expectStatus(what: string, expected: number, res: { status: number; body: unknown }) {
  if (res.status !== expected) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
}

/**
 * Starts apps/server/src/main.ts as its own process, exactly as production would run it
 * (NODE_ENV=production, its own port), then registers the users and builds the circles
 * over the public HTTP API.
 */
export async function startKring(input: {
  repoRoot: string;
  mongodbUri: string;
  redisUrl: string;
  options: BenchOptions;
  log: Log;
}): Promise<RunningTarget & { dbName: string }> {
  const { options, log } = input;
  const dbName = `kring_bench_${randomBytes(5).toString("hex")}`;
  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawnChild(process.execPath, appNodeArgs(path.join(input.repoRoot, "apps/server/src/main.ts")), {
    cwd: input.repoRoot,
    env: {
      ...process.env,
      MONGODB_URI: withDatabaseName(input.mongodbUri, dbName),
      REDIS_URL: input.redisUrl,
      REDIS_PREFIX: BENCH_REDIS_PREFIX,
      JWT_SECRET: randomBytes(36).toString("base64url"),
      PORT: String(port),
      HOST: "127.0.0.1",
      NODE_ENV: "production",
      // Setup registers thousands of users from one address.
      AUTH_RATE_PER_MINUTE: "100000000",
      // Long enough that no socket reaches its token's expiry during the run.
      ACCESS_TOKEN_TTL_SECONDS: "3600",
    },
  });
  const serverLog = watchServerLog(child.onLine);
  try {
    log(`Kring: server starting on ${baseUrl} (database ${dbName})`);
    const serverPid = await waitUntilServerReady(child, baseUrl, log);

    const circles = await buildCircles(createHttp(baseUrl), options, log);
    return {
      name: "Kring",
      url: baseUrl,
      serverPid,
      circles,
      joinsRoomsItself: false,
      serverLog,
      dbName,
      stop: () => child.stop(),
    };
  } catch (error) {
    await child.stop();
    throw error;
  }
}

async function buildCircles(request: ReturnType<typeof createHttp>, options: BenchOptions, log: Log): Promise<BenchCircle[]> {
  const runId = randomBytes(4).toString("hex");
  const userIndexes = Array.from({ length: options.clients }, (_, i) => i);
  log(`Kring: registering ${options.clients} users (${options.setupConcurrency} at a time; argon2id makes this the slow part)`);
  const tokens = await mapLimit(
    userIndexes,
    options.setupConcurrency,
    async (i) => {
      const res = await request<{ token: string; user: { id: string } }>("POST", "/api/auth/register", {
        email: `bench-${runId}-${i}@example.test`,
        password: PASSWORD,
        name: `Bench user ${i}`,
      });
      expectStatus("register", 201, res);
      return { token: res.body.token, userId: res.body.user.id };
    },
    progressEvery10("Kring: registered", options.clients, log),
  );

  const circleCount = options.clients / options.circleSize;
  log(`Kring: creating ${circleCount} circles of ${options.circleSize} (create, ${options.circleSize - 1} invitations, ${options.circleSize - 1} accepts each)`);
  const circleIndexes = Array.from({ length: circleCount }, (_, c) => c);
  return mapLimit(
    circleIndexes,
    options.setupConcurrency,
    async (c) => {
      const memberTokens = tokens.slice(c * options.circleSize, (c + 1) * options.circleSize);
      const owner = memberTokens[0]!.token;
      const created = await request<{ circle: { id: string } }>("POST", "/api/circles", { name: `Bench circle ${c}` }, owner);
      expectStatus("create circle", 201, created);
      const circleId = created.body.circle.id;
      for (const { token: memberToken } of memberTokens.slice(1)) {
        const invitation = await request<{ code: string }>("POST", `/api/circles/${circleId}/invitations`, { role: "family" }, owner);
        expectStatus("create invitation", 201, invitation);
        const accepted = await request("POST", `/api/invitations/${invitation.body.code}/accept`, undefined, memberToken);
        expectStatus("accept invitation", 200, accepted);
      }
      return { circleId, members: memberTokens.map(({ token, userId }) => ({ token, userId })) };
    },
    progressEvery10("Kring: circles", circleCount, log),
  );
}

/** Polls `/readyz` until the server answers 200; returns the server's own pid (the node process running it). */
export async function waitUntilServerReady(child: BenchChild, baseUrl: string, log: (line: string) => void): Promise<number> {
  const readySince = performance.now();
  for (;;) {
    if (child.hasExited()) throw new Error(`Kring server exited during start:\n${child.outputTail()}`);
    if (performance.now() - readySince > READY_TIMEOUT_MS) throw new Error(`Kring server not ready after ${READY_TIMEOUT_MS / 1000} s:\n${child.outputTail()}`);
    const status = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(3000) }).then((r) => r.status, () => 0);
    if (status === 200) break;
    await sleep(200);
  }
  const serverPid = findDescendant(child.pid);
  log(`Kring: ready in ${((performance.now() - readySince) / 1000).toFixed(1)} s (server pid ${serverPid})`);
  return serverPid;
}
