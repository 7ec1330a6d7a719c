import type { ServerConfig } from "@kring/config";
import { openRepositories, pingDatabase, type Connection } from "@kring/db";
import { createCirclesService, createMessagesService, createTokenBucketLimiter } from "@kring/domain";
import cors from "cors";
import express from "express";
import helmet from "helmet";
import http from "node:http";
import type { Redis } from "ioredis";
import { createAuthRouter } from "./features/auth/auth.routes";
import { requireAuth } from "./features/auth/require-auth";
import { createTokenService } from "./features/auth/tokens";
import { createCirclesRouter } from "./features/circles/circles.routes";
import { generateInvitationCode } from "./features/circles/invitation-code";
import { createHealthRouter } from "./features/health/health.routes";
import { registerMessageHandlers } from "./features/messages/messages.handlers";
import { createMessagesRouter } from "./features/messages/messages.routes";
import { createErrorHandler, sendError } from "./http/errors";
import type { Logger } from "./logger";
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
>;

/** Largest JSON body accepted; a message is at most 4000 characters, so this is generous. */
const JSON_LIMIT = "64kb";

/**
 * Builds the HTTP API and the Socket.IO server on one http.Server without listening,
 * so tests bind it to port 0 and main.ts decides the port. `close()` drains: new sends
 * are refused, in-flight ones finish (and are acknowledged), then everything closes.
 */
export async function createApp(deps: { config: AppConfig; connection: Connection; redis: Redis; logger: Logger }) {
  const { config, logger } = deps;
  const { repositories } = await openRepositories(deps.connection);
  const now = () => new Date();
  const tokens = createTokenService({ secret: config.jwtSecret, ttlSeconds: config.accessTokenTtlSeconds });
  const circles = createCirclesService({
    ...repositories,
    now,
    generateCode: generateInvitationCode,
    invitationTtlMs: config.invitationTtlHours * 3600_000,
  });
  const messages = createMessagesService({ ...repositories, now });
  const sendLimiter = createTokenBucketLimiter({ ratePerSecond: config.sendRatePerSecond, burst: config.sendBurst });

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
  app.use(helmet());
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
  app.use(createAuthRouter({ users: repositories.users, tokens, authRatePerMinute: config.authRatePerMinute }));

  const httpServer = http.createServer(app);
  const io = createSocketServer(httpServer, {
    tokens,
    memberships: repositories.memberships,
    corsOrigins: config.corsOrigins,
    logger,
    onConnection: (socket) =>
      registerMessageHandlers(socket, { messages, sendLimiter, logger, isDraining: () => isDraining, inFlight }),
  });
  const rooms = createRealtimeRooms(io);

  const api = express.Router();
  api.use(requireAuth(tokens));
  api.use(createCirclesRouter({ circles, rooms }));
  api.use(createMessagesRouter({ messages }));
  app.use("/api", api);
  app.use("/api", (_req, res) => sendError(res, "not_found", "No such API endpoint."));
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
  }

  return { app, httpServer, io, close, services: { circles, messages, tokens } };
}
export type KringApp = Awaited<ReturnType<typeof createApp>>;
