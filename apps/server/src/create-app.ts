import type { ServerConfig } from "@kring/config";
import { pingDatabase, type Connection } from "@kring/db";
import {
  createAlertLineWriter,
  createResidentProfilesService,
  createCachedMemberships,
  createCirclesService,
  createMessageLog,
  createMessagesService,
  createDigestTrigger,
  createNotificationSettingsService,
  createPresenceService,
  createSessionsService,
  createPhotosService,
  createAccountService,
} from "@kring/domain";
import { createCacheInvalidations, createMessageCache, createPresenceReader, createPresenceTracker, createRateLimits, socketIoRedisKey } from "@kring/redis";
import { createHash, randomBytes } from "node:crypto";
import { createAdapter } from "@socket.io/redis-adapter";
import cors from "cors";
import express from "express";
import helmet from "helmet";
import http from "node:http";
import { pinoHttp } from "pino-http";
import { createMetricsHandler, createServerMetrics } from "@kring/metrics";
import type { Redis } from "ioredis";
import { registerAlertHandlers } from "./features/alerts/alerts.handlers";
import { createAlertsRouter } from "./features/alerts/alerts.routes";
import { registerCheckinHandlers } from "./features/checkin/checkin.handlers";
import { createCheckinRouter } from "./features/checkin/checkin.routes";
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
import { createResidentProfilesRouter } from "./features/residents/resident-profiles.routes";
import { createOperatorRouter } from "./features/operator/operator.routes";
import { createAccountSessionsRouter, createPairingRouter, createResidentsRouter } from "./features/sessions/sessions.routes";
import { createWebAppRouter } from "./features/web-app/web-app.routes";
import { openServices } from "@kring/wiring";
import { isPublicUrl } from "@kring/outbound";
import { createErrorHandler, sendError } from "./http/errors";
import type { Logger } from "@kring/logger";
import { createLateSettleLog } from "./realtime/late-settle-log";
import { circleRoom, createRealtimeRooms } from "./realtime/rooms";
import { createSocketServer } from "./realtime/socket-server";
import { instrumentSocket } from "./realtime/socket-metrics";
import { requestLogOptions } from "./http/request-log";
import { createWorkGate } from "./realtime/work-gate";
import { withWorkerCacheInvalidation } from "./realtime/worker-caches";
import { createPhotosRouter } from "./features/photos/photos.routes";
import { resizeProfilePhoto } from "./features/photos/image-resizer";
import type { VisitScheduling } from "@kring/domain";
import { createCalendarFeedLimits } from "@kring/redis";
import { createCalendarFeedsService } from "@kring/domain";
import { createCalendarFeedMeRouter, createCalendarFeedRouter } from "./features/calendar-feed/calendar-feed.routes";
import { createVisitsRouter } from "./features/visits/visits.routes";
import { createPrivacyFeature } from "./features/privacy/privacy.feature";
import { createMemberRemovalHooks, listenForRemovedMembers } from "./features/members/member-removal.hooks";
import { createMembersRouter } from "./features/members/members.routes";
import { createAccountRouter, createPasswordResetRouter } from "./features/account/account.routes";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./features/auth/passwords";

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
  | "metricsToken"
> &
  Partial<Pick<ServerConfig, "appUrl">> & {
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
export async function createApp(deps: {
  config: AppConfig;
  connection: Connection;
  redis: Redis;
  logger: Logger;
  /** Also export process metrics (CPU, memory, event loop): main.ts does; tests, with many apps in one process, don't. */
  collectDefaultMetrics?: boolean;
  /** The domain's clock (tests move it to cross time windows such as the 5 minutes to cancel an alert). */
  now?: () => Date;
  /** Replaces queuing visits' reminders and missed-visit checks for the worker; default: openServices queues them. */
  visitScheduling?: VisitScheduling;
}) {
  const { config, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const metrics = createServerMetrics({ collectDefaults: deps.collectDefaultMetrics ?? false });
  // Removals are announced to every node's cache (features/members, issue #11).
  const cacheInvalidations = createCacheInvalidations(deps.redis, config.redisPrefix);
  // What the worker opens too (packages/wiring open-services.ts). The publisher goes over the
  // Socket.IO server, made further down: it needs the repositories to authenticate sockets.
  const services = await openServices({
    connection: deps.connection,
    redis: deps.redis,
    config,
    logger,
    now,
    rooms: { to: (room) => io.to(room) },
    decorateRepositories: (stored) =>
      // Changes to what the worker caches for its ladder steps are announced (realtime/worker-caches.ts).
      withWorkerCacheInvalidation(
        {
          ...stored,
          memberships: createCachedMemberships(stored.memberships, { ttlMs: 120_000 }),
          messageCache: createMessageCache(deps.redis, config.redisPrefix),
        },
        createCacheInvalidations(deps.redis, config.redisPrefix),
        logger,
      ),
    side: {
      process: "server",
      // A Help's raise, claim and resolve leave a line in the circle's conversation (issue #9). Written
      // after the alert is stored and announced, off the ack path: a failure is logged, never the raise's.
      afterAlertUpdated: (alert) =>
        writeAlertLine(alert).catch((error: unknown) => logger.error("could not write the alert's line in the conversation", error)),
      onFirstPaged: (request) => {
        const seconds = (now().getTime() - Date.parse(request.alert.createdAt)) / 1000;
        metrics.raiseToPageSeconds.observe({ step: "0" }, Math.max(0, seconds));
      },
      visitScheduling: deps.visitScheduling,
    },
  });
  const { repositories, queues, alerts, checkin, visits, vapidKeys } = services;
  // The node's membership cache (decorated above), which a removal makes forget a member.
  const cachedMemberships = repositories.memberships;
  // One message log per node, shared by the services: its memory of each circle's newest seq.
  const messageLog = createMessageLog({ ...repositories, now });
  const tokens = createTokenService({ secret: config.jwtSecret, ttlSeconds: config.accessTokenTtlSeconds });
  const circles = createCirclesService({
    ...repositories,
    messageLog,
    now,
    generateCode: generateInvitationCode,
    invitationTtlMs: config.invitationTtlHours * 3600_000,
    invitationMail: { enqueue: (job) => queues.invitationMail.enqueue(job) },
    // A family member who joins goes to the end of a custom ladder.
    onMemberJoined: async (membership) => {
      await alerts.addNewMemberToLadder(membership).catch((error: unknown) => logger.error("could not add a new member to the ladder", error));
      await privacy.accessLog.recordChange(membership.circleId, membership.userId, "member_joined");
    },
    // Issue #11: sockets leave the circle and every node's caches forget the member (io is made below).
    memberRemovalHooks: createMemberRemovalHooks({
      io: () => io,
      invalidations: cacheInvalidations,
      forgetHere: (circleId, userId) => cachedMemberships.forget(circleId, userId),
      logger,
      // Issue #10 meets #11: their claimed visits still to come go back to open.
      later: { memberRemoved: (circleId, userId) => visits.releaseMemberClaims(circleId, userId) },
    }),
  });
  const removedMembers = listenForRemovedMembers({
    redis: deps.redis,
    redisPrefix: config.redisPrefix,
    logger,
    forget: (circleId, userId) => cachedMemberships.forget(circleId, userId),
    forgetAll: () => cachedMemberships.forgetAll(),
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
  const presence = createPresenceTracker(deps.redis, config.redisPrefix);
  const presenceReader = createPresenceReader(deps.redis, config.redisPrefix);
  const limitByIp = limitByAddress(limits.authAddress);
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

  const digestTrigger = createDigestTrigger({
    scheduleCircleActivity: (job, delayMs) => queues.digests.circleActivity(job, delayMs),
    windowMs: config.digestWindowMs,
    now,
    onError: (error) => logger.error("could not queue the digest check", error),
  });
  const gate = createWorkGate({
    maxInFlight: config.maxInFlight,
    maxPerPartition: config.maxInFlightPerCircle,
    deadlineMs: config.workDeadlineMs,
    retryAfterMs: config.retryAfterMs,
    onLateSettle: createLateSettleLog(logger),
  });

  const app = express();
  app.disable("x-powered-by");
  app.use(pinoHttp({ logger: logger.pino, ...requestLogOptions }));
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
  // Issue #11: change and reset a password; reset mails go out as jobs (the worker's email channel).
  const account = createAccountService({
    ...repositories,
    passwords: { hash: hashPassword, verify: verifyPassword, burn: burnPasswordCheck },
    accountLimit: limits.loginAccount,
    resetMail: queues.passwordResetMail,
    now,
    generateToken: () => randomBytes(32).toString("base64url"),
    hashToken: (token) => createHash("sha256").update(token).digest("hex"),
  });
  const endSessions = (sessionIds: string[]) => {
    for (const sessionId of sessionIds) rooms.endSession(sessionId);
  };
  app.use(createPasswordResetRouter({ account, limitByIp, resetEmailLimit: limits.passwordResetEmail, endSessions, logger }));
  app.use(createOperatorRouter({ operatorToken: config.operatorToken, queues }));
  // Prometheus scrapes: only with METRICS_TOKEN set (otherwise the route doesn't exist).
  if (config.metricsToken) {
    app.get(
      "/metrics",
      createMetricsHandler({
        registry: metrics.registry,
        token: config.metricsToken,
        beforeScrape: async () => {
          metrics.socketsConnected.set(io.of("/").sockets.size);
          for (const [queue, counts] of Object.entries(await queues.counts())) {
            for (const [state, value] of Object.entries(counts)) metrics.queueJobs.set({ queue, state }, value);
          }
        },
      }),
    );
  }
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
      instrumentSocket(socket, metrics);
      // A resident's tablet is what presses Help: what its first page reads is loaded now, while
      // nobody waits, and stays in memory (checked by version) until then (issue #7).
      for (const circleId of socket.data.residentOf) void services.warmFirstPage(circleId, socket.data.userId);
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
        onMessageStored: (message) => digestTrigger.messageStored(message),
      });
      registerAlertHandlers(socket, { alerts, logger, gate, limits, prefetchFirstPage: (circleId, raisedBy) => void services.warmFirstPage(circleId, raisedBy) });
      registerCheckinHandlers(socket, { checkin, logger, gate, limits });
      privacy.recording.instrument(socket);
    },
  });
  const rooms = createRealtimeRooms(io);
  const writeAlertLine = createAlertLineWriter({
    appendSystemLine: (circleId, input) => messages.appendSystemLine(circleId, input),
    // The page-path cache's users (page-path-caches.ts: kept 60 s, so a rename shows within a
    // minute); the tablet's connect loads its resident there (warmFirstPage).
    users: services.cachedRepositories.users,
    onStored: (message) => io.to(circleRoom(message.circleId)).emit("message:new", message),
  });
  const residentProfiles = createResidentProfilesService({ ...repositories, now });

  // Issue #11: access log, export, erasure, retention (features/privacy/).
  const privacy = createPrivacyFeature({
    repositories,
    messageLog,
    circles,
    alerts,
    sessions,
    redis: deps.redis,
    redisPrefix: config.redisPrefix,
    io: () => io,
    endSession: (sessionId) => rooms.endSession(sessionId),
    logger,
    now,
    visits,
    // Issue #10 meets #11: an erased account's photo and calendar feed go too (both are made below).
    eraseFeatureData: async (userId) => {
      await photos.removePhoto(userId);
      await calendarFeeds.revokeFeed(userId);
    },
  });

  const api = express.Router();
  api.use(requireAuth(tokens, isSessionActive));
  api.use(privacy.recording.middleware);
  api.use(privacy.router);
  api.use(createMeRouter({ users: repositories.users }));
  api.use(
    createCirclesRouter({
      circles,
      rooms,
      invitationLimit: limits.invitation,
      invitationEmailLimit: limits.invitationEmail,
      appUrl: config.appUrl ?? "http://localhost:4000",
      residentProfiles,
      photos: { withPhotos: (userIds) => photos.withPhotos(userIds) },
    }),
  );
  api.use(createResidentsRouter({ sessions, rooms }));
  api.use(createMembersRouter({ circles }));
  api.use(createAccountRouter({ account, endSessions }));
  api.use(createResidentProfilesRouter({ residentProfiles }));
  api.use(createAccountSessionsRouter({ sessions, rooms }));
  api.use(
    createPresenceRouter({
      presence: createPresenceService({
        memberships: repositories.memberships,
        isOnline: (userId) => presenceReader.isOnline(userId),
        lastSeen: (userId) => presenceReader.lastSeen(userId),
      }),
    }),
  );
  api.use(createMessagesRouter({ messages }));
  api.use(createAlertsRouter({ alerts }));
  api.use(createCheckinRouter({ checkin }));
  api.use(createVisitsRouter({ visits }));
  api.use(
    createNotificationsRouter({
      settings: createNotificationSettingsService({ ...repositories, isPublicEndpoint: isPublicUrl }),
    }),
  );
  // Profile photos (issue #10).
  const photos = createPhotosService({
    photos: repositories.photos,
    memberships: repositories.memberships,
    resize: resizeProfilePhoto,
    hash: (data) => createHash("sha256").update(data).digest("base64url").slice(0, 27),
    now,
  });
  api.use(createPhotosRouter({ photos }));
  // Calendar feeds (issue #10): the feed itself is outside /api (no session; the token is the credential).
  const calendarFeeds = createCalendarFeedsService({
    calendarFeeds: repositories.calendarFeeds,
    listMyOccurrences: (userId, from, to) => visits.listMyOccurrences(userId, from, to),
    generateSecret: () => randomBytes(32).toString("base64url"),
    hashSecret: (secret) => createHash("sha256").update(secret).digest("hex"),
    now,
  });
  api.use(createCalendarFeedMeRouter({ calendarFeeds, appUrl: config.appUrl ?? "http://localhost:4000" }));
  app.use(createCalendarFeedRouter({ calendarFeeds, limits: createCalendarFeedLimits(deps.redis, config.redisPrefix), now }));
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
    removedMembers.close();
    await services.close();
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

  return { app, httpServer, io, close, gate, queues, metrics, services: { circles, messages, alerts, checkin, sessions, tokens, visits, privacy } };
}
export type KringApp = Awaited<ReturnType<typeof createApp>>;
