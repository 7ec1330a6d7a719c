import type { ServerConfig } from "@kring/config";
import { openRepositories, pingDatabase, type Connection } from "@kring/db";
import {
  createAlertsService,
  createCachedMemberships,
  createCirclesService,
  createMessageLog,
  createMessagesService,
  digestWindowOf,
  createPager,
  createSessionsService,
} from "@kring/domain";
import { createMessageCache, createPresenceReader, createPresenceTracker, createQueues, createRateLimits, socketIoRedisKey } from "@kring/queues";
import { createHash, randomBytes } from "node:crypto";
import { createAdapter } from "@socket.io/redis-adapter";
import cors from "cors";
import express from "express";
import helmet from "helmet";
import http from "node:http";
import type { Redis } from "ioredis";
import { registerAlertHandlers } from "./features/alerts/alerts.handlers";
import { createAlertsRouter } from "./features/alerts/alerts.routes";
import { createAuthRouter, createMeRouter, limitByAddress } from "./features/auth/auth.routes";
import { requireAuth } from "./features/auth/require-auth";
import { createTokenService } from "./features/auth/tokens";
import { createCirclesRouter } from "./features/circles/circles.routes";
import { generateInvitationCode, generatePairingCode } from "./features/circles/invitation-code";
import { createHealthRouter } from "./features/health/health.routes";
import { registerMessageHandlers } from "./features/messages/messages.handlers";
import { createMessagesRouter } from "./features/messages/messages.routes";
import { createNotificationsRouter } from "./features/notifications/notifications.routes";
import { registerPresenceHandlers } from "./features/presence/presence.handlers";
import { createPresenceRouter } from "./features/presence/presence.routes";
import { createOperatorRouter } from "./features/operator/operator.routes";
import { createAccountSessionsRouter, createPairingRouter, createResidentsRouter } from "./features/sessions/sessions.routes";
import { createWebAppRouter } from "./features/web-app/web-app.routes";
import { loadVapidKeys } from "./features/notifications/vapid-keys";
import { createErrorHandler, sendError } from "./http/errors";
import type { Logger } from "@kring/logger";
import { createSocketPublisher } from "./realtime/publisher";
import { createRealtimeRooms } from "./realtime/rooms";
import { createSocketServer } from "./realtime/socket-server";
import { createWorkGate } from "./realtime/work-gate";

export type AppConfig = Pick<
  ServerConfig,
  | "jwtSecret"
  | "accessTokenTtlSeconds"
  | "invitationTtlHours"
  | "corsOrigins"
  | "sendRatePerSecond"
  | "sendBurst"
  | "authRatePerMinute"
  | "trustProxy"
  | "operatorToken"
  | "maxSocketsPerUser"
  | "rateLimitOverrides"
  | "shutdownGraceMs"
  | "maxInFlight"
  | "maxInFlightPerCircle"
  | "workDeadlineMs"
  | "retryAfterMs"
  | "redisPrefix"
  | "notificationAttempts"
  | "notificationBackoffMs"
  | "digestWindowMs"
> & {
  /** The built web app (apps/web/dist) to serve at /, if it exists. */
  webDistDir?: string | undefined;
};

/** Resolves when the ioredis client is connected, or after `timeoutMs` (never rejects). */
function waitUntilReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off("ready", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    timer.unref();
    client.once("ready", done);
  });
}

/** Largest JSON body accepted; a message is at most 4000 characters, so this is generous. */
const JSON_LIMIT = "64kb";

/**
 * Builds the HTTP API and the Socket.IO server on one http.Server without listening,
 * so tests bind it to port 0 and main.ts decides the port. `close()` drains: new sends
 * are refused, in-flight ones finish (and are acknowledged), then everything closes.
 */
export async function createApp(deps: { config: AppConfig; connection: Connection; redis: Redis; logger: Logger }) {
  const { config, logger } = deps;
  const opened = await openRepositories(deps.connection);
  for (const warning of opened.layoutWarnings) logger.warn("storage layout", { warning });
  const repositories = {
    ...opened.repositories,
    memberships: createCachedMemberships(opened.repositories.memberships, { ttlMs: 120_000 }),
    messageCache: createMessageCache(deps.redis, config.redisPrefix),
  };
  const now = () => new Date();
  // One message log per node, shared by the services: its memory of each circle's newest seq.
  const messageLog = createMessageLog({ ...repositories, now });
  const tokens = createTokenService({ secret: config.jwtSecret, ttlSeconds: config.accessTokenTtlSeconds });
  const circles = createCirclesService({
    ...repositories,
    messageLog,
    now,
    generateCode: generateInvitationCode,
    invitationTtlMs: config.invitationTtlHours * 3600_000,
  });
  const messages = createMessagesService({ ...repositories, messageLog, now });
  const sessions = createSessionsService({
    ...repositories,
    now,
    generateSecret: () => randomBytes(32).toString("base64url"),
    hashSecret: (secret) => createHash("sha256").update(secret).digest("hex"),
    generatePairingCode,
  });
  const isSessionActive = (sessionId: string) => sessions.isSessionActive(sessionId);
  const limits = createRateLimits(deps.redis, config.redisPrefix, config);
  const queues = createQueues({
    connection: deps.redis,
    prefix: config.redisPrefix,
    notificationAttempts: config.notificationAttempts,
    notificationBackoffMs: config.notificationBackoffMs,
  });
  const presence = createPresenceTracker(deps.redis, config.redisPrefix);
  const presenceReader = createPresenceReader(deps.redis, config.redisPrefix);
  const limitByIp = limitByAddress(limits.authAddress);
  const vapidKeys = await loadVapidKeys(repositories.getOrCreateSetting);
  // The adapter gets connections of its own: the subscriber can't send other commands, and the
  // adapter doesn't catch failed publishes, so both wait out a Redis outage (no retry limit)
  // instead of rejecting into an unhandled promise.
  const adapterPublisher = deps.redis.duplicate({ maxRetriesPerRequest: null });
  const adapterSubscriber = deps.redis.duplicate({ maxRetriesPerRequest: null });
  for (const client of [adapterPublisher, adapterSubscriber]) {
    client.on("error", (error) => logger.warn("redis adapter connection error", { message: error.message }));
  }
  // Start with the adapter's connections up (waiting at most a few seconds: a Redis outage at start
  // shows in /readyz rather than stopping the server). The adapter fires its subscribe commands
  // without catching them; a server closed while they still wait for a connection would fail them
  // into unhandled rejections.
  await Promise.all([adapterPublisher, adapterSubscriber].map((client) => waitUntilReady(client, 5000)));

  const digestWindowQueued = new Map<string, number>();
  // Late completions are expected under overload: log them as one summary line per 10 s, not one
  // line each; a late failure is logged on its own (the client's resend will redo that work).
  const lateSettles = { count: 0, maxElapsedMs: 0, loggedAt: 0 };
  const gate = createWorkGate({
    maxInFlight: config.maxInFlight,
    maxPerPartition: config.maxInFlightPerCircle,
    deadlineMs: config.workDeadlineMs,
    retryAfterMs: config.retryAfterMs,
    onLateSettle: ({ error, elapsedMs }) => {
      if (error !== undefined) {
        logger.warn("socket event failed after its deadline", {
          elapsedMs: Math.round(elapsedMs),
          error: error instanceof Error ? error.message : String(error),
        });
        return;
      }
      lateSettles.count += 1;
      lateSettles.maxElapsedMs = Math.max(lateSettles.maxElapsedMs, elapsedMs);
      if (Date.now() - lateSettles.loggedAt < 10_000) return;
      logger.warn("socket events finished after their deadline (answered unavailable; resends get the result)", {
        count: lateSettles.count,
        maxElapsedMs: Math.round(lateSettles.maxElapsedMs),
      });
      Object.assign(lateSettles, { count: 0, maxElapsedMs: 0, loggedAt: Date.now() });
    },
  });

  const app = express();
  app.disable("x-powered-by");
  // The client address (for rate limits) is the peer's unless TRUST_PROXY names the proxies in front.
  app.set("trust proxy", config.trustProxy);
  app.use(
    helmet({
      contentSecurityPolicy: {
        // The web app talks to its own origin only (REST and the Socket.IO WebSocket).
        directives: { "connect-src": ["'self'"], "worker-src": ["'self'"], "manifest-src": ["'self'"] },
      },
    }),
  );
  app.use(cors({ origin: config.corsOrigins.length > 0 ? config.corsOrigins : false }));
  app.use(express.json({ limit: JSON_LIMIT, strict: true }));

  app.use(
    createHealthRouter({
      checks: {
        database: () => pingDatabase(deps.connection),
        redis: async () => (await deps.redis.ping()) === "PONG",
      },
    }),
  );
  app.use(
    createAuthRouter({
      users: repositories.users,
      tokens,
      sessions,
      limitByIp,
      loginAccountLimit: limits.loginAccount,
      onSessionEnded: (sessionId) => rooms.endSession(sessionId),
    }),
  );
  app.use(createPairingRouter({ sessions, tokens, limitByIp, limits }));
  app.use(createOperatorRouter({ operatorToken: config.operatorToken, queues }));
  app.get("/api/push/vapid-public-key", (_req, res) => {
    res.json({ publicKey: vapidKeys.publicKey });
  });

  const httpServer = http.createServer(app);
  const io = createSocketServer(httpServer, {
    tokens,
    memberships: repositories.memberships,
    users: repositories.users,
    isSessionActive,
    reserveConnection: (socketId, userId) => presence.reserve(socketId, userId, config.maxSocketsPerUser),
    corsOrigins: config.corsOrigins,
    logger,
    adapter: createAdapter(adapterPublisher, adapterSubscriber, { key: socketIoRedisKey(config.redisPrefix) }),
    onConnection: (socket) => {
      registerPresenceHandlers(socket, {
        memberships: repositories.memberships,
        presence,
        isOnline: (userId, exceptSocketId) => presenceReader.isOnline(userId, exceptSocketId),
        typingLimit: limits.typing,
        logger,
        isDraining: () => gate.isDraining(),
      });
      registerMessageHandlers(socket, {
        messages,
        limits,
        logger,
        gate,
        onMessageStored: (message) => {
          const window = digestWindowOf(now(), config.digestWindowMs);
          // One Redis call per circle and window from this node; BullMQ's job id dedupes across nodes.
          if (digestWindowQueued.get(message.circleId) === window.windowStart) return;
          if (digestWindowQueued.size > 100_000) digestWindowQueued.clear();
          digestWindowQueued.set(message.circleId, window.windowStart);
          queues.digests
            .circleActivity({ circleId: message.circleId, windowStart: window.windowStart }, window.endsInMs)
            .catch((error: unknown) => {
              digestWindowQueued.delete(message.circleId); // let the next message try again
              logger.error("could not queue the digest check", error);
            });
        },
      });
      registerAlertHandlers(socket, { alerts, logger, gate, limits });
    },
  });
  const rooms = createRealtimeRooms(io);
  const publisher = createSocketPublisher(io);
  const alerts = createAlertsService({
    ...repositories,
    scheduler: queues.escalations,
    publisher,
    page: createPager({ preferences: repositories.preferences, queue: queues.notifications, now }),
    now,
  });

  const api = express.Router();
  api.use(requireAuth(tokens, isSessionActive));
  api.use(createMeRouter({ users: repositories.users }));
  api.use(createCirclesRouter({ circles, rooms, invitationLimit: limits.invitation }));
  api.use(createResidentsRouter({ sessions, rooms }));
  api.use(createAccountSessionsRouter({ sessions, rooms }));
  api.use(
    createPresenceRouter({
      memberships: repositories.memberships,
      isOnline: (userId) => presenceReader.isOnline(userId),
      lastSeen: (userId) => presenceReader.lastSeen(userId),
    }),
  );
  api.use(createMessagesRouter({ messages }));
  api.use(
    createAlertsRouter({ alerts, queues }),
  );
  api.use(
    createNotificationsRouter({
      preferences: repositories.preferences,
      pushSubscriptions: repositories.pushSubscriptions,
      deadLetters: repositories.deadLetters,
      memberships: repositories.memberships,
    }),
  );
  app.use("/api", api);
  app.use("/api", (_req, res) => sendError(res, "not_found", "No such API endpoint."));
  if (config.webDistDir) app.use(createWebAppRouter(config.webDistDir));
  app.use((_req, res) => sendError(res, "not_found", "Not found."));
  app.use(createErrorHandler(logger));

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= closeOnce();
    return closing;
  }
  async function closeOnce(): Promise<void> {
    httpServer.close();
    await gate.drain(config.shutdownGraceMs);
    // Let the fan-out queued with setImmediate after the last acks go out.
    await new Promise((resolve) => setImmediate(resolve));
    io.disconnectSockets(true);
    await new Promise<void>((resolve) => io.close(() => resolve()));
    await presence.stop().catch(() => undefined);
    await queues.close();
    // quit() lets the adapter's own pending commands (its subscribe calls, right after a start)
    // finish first, instead of failing them into unhandled rejections; an unreachable Redis gets
    // a second to answer, then the connection is just dropped.
    await Promise.all(
      [adapterPublisher, adapterSubscriber].map((client) =>
        Promise.race([client.quit(), new Promise((resolve) => setTimeout(resolve, 1000).unref())])
          .catch(() => undefined)
          .finally(() => client.disconnect()),
      ),
    );
  }

  return { app, httpServer, io, close, gate, queues, services: { circles, messages, alerts, sessions, tokens } };
}
export type KringApp = Awaited<ReturnType<typeof createApp>>;
