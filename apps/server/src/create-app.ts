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
  createTokenBucketLimiter,
} from "@kring/domain";
import { createMessageCache, createPresenceReader, createPresenceTracker, createQueues, socketIoRedisKey } from "@kring/queues";
import { createHash, randomBytes } from "node:crypto";
import { createAdapter } from "@socket.io/redis-adapter";
import cors from "cors";
import express from "express";
import helmet from "helmet";
import http from "node:http";
import type { Redis } from "ioredis";
import { registerAlertHandlers } from "./features/alerts/alerts.handlers";
import { createAlertsRouter } from "./features/alerts/alerts.routes";
import { createAuthLimiter, createAuthRouter, createMeRouter } from "./features/auth/auth.routes";
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
import { createPairingRouter, createResidentsRouter } from "./features/sessions/sessions.routes";
import { createWebAppRouter } from "./features/web-app/web-app.routes";
import { loadVapidKeys } from "./features/notifications/vapid-keys";
import { createErrorHandler, sendError } from "./http/errors";
import type { Logger } from "@kring/logger";
import { createSocketPublisher } from "./realtime/publisher";
import { createRealtimeRooms } from "./realtime/rooms";
import { createSocketServer } from "./realtime/socket-server";

export type AppConfig = Pick<
  ServerConfig,
  | "jwtSecret"
  | "accessTokenTtlSeconds"
  | "invitationTtlHours"
  | "corsOrigins"
  | "sendRatePerSecond"
  | "sendBurst"
  | "authRatePerMinute"
  | "shutdownGraceMs"
  | "redisPrefix"
  | "notificationAttempts"
  | "notificationBackoffMs"
  | "digestWindowMs"
> & {
  /** The built web app (apps/web/dist) to serve at /, if it exists. */
  webDistDir?: string | undefined;
};

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
  const sendLimiter = createTokenBucketLimiter({ ratePerSecond: config.sendRatePerSecond, burst: config.sendBurst });
  const queues = createQueues({
    connection: deps.redis,
    prefix: config.redisPrefix,
    notificationAttempts: config.notificationAttempts,
    notificationBackoffMs: config.notificationBackoffMs,
  });
  const presence = createPresenceTracker(deps.redis, config.redisPrefix);
  const presenceReader = createPresenceReader(deps.redis, config.redisPrefix);
  const typingLimiter = createTokenBucketLimiter({ ratePerSecond: 1, burst: 3 });
  const limitByIp = createAuthLimiter(config.authRatePerMinute);
  const vapidKeys = await loadVapidKeys(repositories.getOrCreateSetting);
  // The adapter gets connections of its own: the subscriber can't send other commands, and the
  // adapter doesn't catch failed publishes, so both wait out a Redis outage (no retry limit)
  // instead of rejecting into an unhandled promise.
  const adapterPublisher = deps.redis.duplicate({ maxRetriesPerRequest: null });
  const adapterSubscriber = deps.redis.duplicate({ maxRetriesPerRequest: null });
  for (const client of [adapterPublisher, adapterSubscriber]) {
    client.on("error", (error) => logger.warn("redis adapter connection error", { message: error.message }));
  }

  const digestWindowQueued = new Map<string, number>();
  let isDraining = false;
  let inFlightCount = 0;
  let onIdle: (() => void) | undefined;
  const inFlight = {
    begin: () => {
      inFlightCount += 1;
    },
    end: () => {
      inFlightCount -= 1;
      if (inFlightCount === 0) onIdle?.();
    },
  };

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
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
      onSessionEnded: (sessionId) => rooms.endSession(sessionId),
    }),
  );
  app.use(createPairingRouter({ sessions, tokens, limitByIp }));
  app.get("/api/push/vapid-public-key", (_req, res) => {
    res.json({ publicKey: vapidKeys.publicKey });
  });

  const httpServer = http.createServer(app);
  const io = createSocketServer(httpServer, {
    tokens,
    memberships: repositories.memberships,
    users: repositories.users,
    isSessionActive,
    corsOrigins: config.corsOrigins,
    logger,
    adapter: createAdapter(adapterPublisher, adapterSubscriber, { key: socketIoRedisKey(config.redisPrefix) }),
    onConnection: (socket) => {
      registerPresenceHandlers(socket, {
        memberships: repositories.memberships,
        presence,
        isOnline: (userId) => presenceReader.isOnline(userId),
        typingLimiter,
        logger,
        isDraining: () => isDraining,
      });
      registerMessageHandlers(socket, {
        messages,
        sendLimiter,
        logger,
        isDraining: () => isDraining,
        inFlight,
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
      registerAlertHandlers(socket, { alerts, logger, isDraining: () => isDraining, inFlight });
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
  api.use(createCirclesRouter({ circles, rooms }));
  api.use(createResidentsRouter({ sessions, rooms }));
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
      queues,
    }),
  );
  app.use("/api", api);
  app.use("/api", (_req, res) => sendError(res, "not_found", "No such API endpoint."));
  if (config.webDistDir) app.use(createWebAppRouter(config.webDistDir));
  app.use((_req, res) => sendError(res, "not_found", "Not found."));
  app.use(createErrorHandler(logger));

  async function close(): Promise<void> {
    if (isDraining) return;
    isDraining = true;
    httpServer.close();
    if (inFlightCount > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, config.shutdownGraceMs);
        onIdle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    // Let the fan-out queued with setImmediate after the last acks go out.
    await new Promise((resolve) => setImmediate(resolve));
    io.disconnectSockets(true);
    await new Promise<void>((resolve) => io.close(() => resolve()));
    await presence.stop().catch(() => undefined);
    await queues.close();
    adapterPublisher.disconnect();
    adapterSubscriber.disconnect();
  }

  return { app, httpServer, io, close, queues, services: { circles, messages, alerts, sessions, tokens } };
}
export type KringApp = Awaited<ReturnType<typeof createApp>>;
