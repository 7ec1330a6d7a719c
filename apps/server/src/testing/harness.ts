import { loadDevstackConfig } from "@kring/config";
import { connectDatabase, type Connection } from "@kring/db";
import type { ClientToServerEvents, ServerToClientEvents } from "@kring/protocol";
import { Redis } from "ioredis";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { io as connectClient, type Socket } from "socket.io-client";
import { type AppConfig, createApp, type KringApp } from "../create-app";
import { createLogger, type Logger } from "@kring/logger";

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const testConfig: AppConfig = {
  jwtSecret: "test-secret-that-is-long-enough-for-hs256-0123456789",
  accessTokenTtlSeconds: 900,
  invitationTtlHours: 168,
  corsOrigins: [],
  sendRatePerSecond: 10,
  sendBurst: 30,
  authRatePerMinute: 10_000,
  trustProxy: false,
  operatorToken: "test-operator-token-0123456789abcdef",
  metricsToken: "test-metrics-token-0123456789abcdef",
  maxSocketsPerUser: 10,
  rateLimitOverrides: {},
  shutdownGraceMs: 5_000,
  maxInFlight: 256,
  maxInFlightPerCircle: 8,
  // Far above any real send: on a busy CI machine a burst of sends in one circle can take
  // seconds, and tests must not depend on timing. overload.int.test.ts sets a tiny deadline itself.
  workDeadlineMs: 30_000,
  retryAfterMs: 1000,
  redisPrefix: "kring-test",
  notificationAttempts: 3,
  notificationBackoffMs: 50,
  digestWindowMs: 60_000,
  appUrl: "http://localhost:4000",
};

/**
 * A real Kring server on port 0, on the FerretDB and Redis that the jest global setup
 * started, in a database of its own so test files never see each other's data.
 */
export async function startTestServer(
  options: { config?: Partial<AppConfig>; dbName?: string; mongodbUri?: string; redisUrl?: string; logger?: Logger; now?: () => Date } = {},
) {
  const services = loadDevstackConfig();
  if (!services.mongodbUri || !services.redisUrl) {
    throw new Error("MONGODB_URI and REDIS_URL must be set (the jest global setup does this)");
  }
  const dbName = options.dbName ?? `kring_test_${randomBytes(6).toString("hex")}`;
  // Servers that share a database (two nodes) share Redis keys too; others never meet.
  const redisPrefix = options.config?.redisPrefix ?? `kt-${dbName}`;
  const connection: Connection = await connectDatabase(options.mongodbUri ?? services.mongodbUri, { dbName });
  const redis = new Redis(options.redisUrl ?? services.redisUrl, { maxRetriesPerRequest: 1 });
  redis.on("error", () => undefined);
  const kring: KringApp = await createApp({
    config: { ...testConfig, redisPrefix, ...options.config },
    connection,
    redis,
    logger: options.logger ?? createLogger({ level: "error" }),
    ...(options.now ? { now: options.now } : {}),
  });
  await new Promise<void>((resolve) => kring.httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = kring.httpServer.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const sockets: ClientSocket[] = [];

  async function request(method: string, path: string, options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) {
      body = options.rawBody;
      headers["content-type"] ??= "application/json";
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] = "application/json";
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: response.status, body: json, headers: response.headers };
  }

  let userCounter = 0;
  async function registerUser(name = `User ${++userCounter}`) {
    const email = `${randomBytes(6).toString("hex")}@example.test`;
    const res = await request("POST", "/api/auth/register", {
      body: { email, password: "correct horse battery", name },
    });
    if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { token: res.body.token as string, user: res.body.user as { id: string; email: string; name: string } };
  }

  async function createCircle(token: string, name = "Anna's circle") {
    const res = await request("POST", "/api/circles", { token, body: { name } });
    if (res.status !== 201) throw new Error(`create circle failed: ${res.status}`);
    return res.body.circle as { id: string; name: string; myRole: string };
  }

  /** Invites and accepts, returning the new member's token. */
  async function addMember(coordinatorToken: string, circleId: string, role = "family", name?: string) {
    const member = await registerUser(name);
    const invite = await request("POST", `/api/circles/${circleId}/invitations`, {
      token: coordinatorToken,
      body: { role },
    });
    const accepted = await request("POST", `/api/invitations/${invite.body.code}/accept`, { token: member.token });
    if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status}`);
    return member;
  }

  /**
   * Adds a managed resident (no email, no password) and pairs a tablet for them, the way a
   * coordinator does: residents are never invited. Returns the tablet's token.
   */
  async function addResident(coordinatorToken: string, circleId: string, name = "Anna") {
    const added = await request("POST", `/api/circles/${circleId}/residents`, { token: coordinatorToken, body: { name } });
    if (added.status !== 201) throw new Error(`add resident failed: ${added.status}`);
    const userId = added.body.member.userId as string;
    const code = await request("POST", `/api/circles/${circleId}/residents/${userId}/pairing-codes`, { token: coordinatorToken });
    if (code.status !== 201) throw new Error(`pairing code failed: ${code.status}`);
    const paired = await request("POST", "/api/devices/pair", { body: { code: code.body.code, deviceName: `${name}'s tablet` } });
    if (paired.status !== 200) throw new Error(`pairing failed: ${paired.status}`);
    return { token: paired.body.token as string, user: paired.body.user as { id: string; email: string; name: string } };
  }

  async function connect(token: string | undefined, extra: { autoConnect?: boolean } = {}): Promise<ClientSocket> {
    const socket: ClientSocket = connectClient(baseUrl, {
      auth: token === undefined ? {} : { token },
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      autoConnect: extra.autoConnect ?? true,
    });
    sockets.push(socket);
    if (extra.autoConnect === false) return socket;
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", (error) => reject(error));
    });
    return socket;
  }

  /** Stops everything; `keepData` leaves the database for a restart test. */
  async function stop(options: { keepData?: boolean } = {}) {
    for (const socket of sockets) socket.disconnect();
    await kring.close();
    if (!options.keepData) await connection.dropDatabase().catch(() => undefined);
    await connection.close();
    // quit() when connected; disconnect() also cancels a pending reconnect to an unreachable Redis.
    await redis.quit().catch(() => undefined);
    redis.disconnect();
  }

  return { kring, baseUrl, redisPrefix, redis, request, registerUser, createCircle, addMember, addResident, connect, stop, connection, dbName };
}
export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/** Collects every `event` a socket receives, to assert "exactly once" and "never". */
export function collect<E extends keyof ServerToClientEvents>(socket: ClientSocket, event: E) {
  const received: Parameters<ServerToClientEvents[E]>[0][] = [];
  socket.on(event as any, (payload: any) => received.push(payload));
  return received;
}

/**
 * Waits until `predicate` holds, polling (and running `refresh` before each check, e.g. to
 * re-fetch over REST); fails with a clear message after `timeoutMs`.
 */
export async function eventually(
  predicate: () => boolean,
  timeoutMs = 5000,
  what = "condition",
  refresh?: () => Promise<unknown>,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await refresh?.();
    if (predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, refresh ? 100 : 10));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
