import type { MembershipRepository, UserRepository } from "@kring/domain";
import { SocketAuth } from "@kring/protocol";
import type http from "node:http";
import { Server, type ServerOptions } from "socket.io";
import type { TokenService } from "../features/auth/tokens";
import type { Logger } from "@kring/logger";
import { roomsForMember, sessionRoom, userRoom } from "./rooms";
import type { KringServer, KringSocket } from "./socket-types";

/** Largest socket frame accepted; bigger ones close the connection (engine.io's own guard). */
const MAX_SOCKET_FRAME_BYTES = 64 * 1024;

/** How long a client refused for too many connections waits before trying again. */
const CONNECTION_LIMIT_RETRY_MS = 30_000;

/** A handshake refusal the client can read: `connect_error` with `message` and `data`. */
function refusal(message: string, data: { code: string; message: string; retryAfterMs?: number }): Error {
  return Object.assign(new Error(message), { data });
}

export function createSocketServer(
  httpServer: http.Server,
  deps: {
    tokens: TokenService;
    memberships: MembershipRepository;
    users: UserRepository;
    isSessionActive: (sessionId: string) => Promise<boolean>;
    /**
     * Claims one of the user's connection slots (across all nodes); false when they have too many
     * sockets open already. The slot is released when the socket disconnects.
     */
    reserveConnection(socketId: string, userId: string): Promise<boolean>;
    corsOrigins: string[];
    logger: Logger;
    /** The Redis adapter, so an emit reaches the sockets on every server node. */
    adapter?: ServerOptions["adapter"];
    onConnection: (socket: KringSocket) => void;
  },
): KringServer {
  const io: KringServer = new Server(httpServer, {
    maxHttpBufferSize: MAX_SOCKET_FRAME_BYTES,
    ...(deps.adapter ? { adapter: deps.adapter } : {}),
    cors: { origin: deps.corsOrigins.length > 0 ? deps.corsOrigins : false },
    // Browsers from other sites may not open sockets with a user's token (WebSockets skip CORS).
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      if (!origin) return callback(null, true);
      let isSameOrigin = false;
      try {
        isSameOrigin = new URL(origin).host === req.headers.host;
      } catch {
        isSameOrigin = false;
      }
      callback(null, isSameOrigin || deps.corsOrigins.includes(origin));
    },
  });

  io.use(async (socket, next) => {
    const auth = SocketAuth.safeParse(socket.handshake.auth);
    if (!auth.success) return next(new Error("unauthorized"));
    try {
      const { userId, expiresAt, sessionId } = await deps.tokens.verify(auth.data.token);
      if (sessionId && !(await deps.isSessionActive(sessionId))) return next(new Error("unauthorized"));
      // Rooms are looked up before the connection is established, so a client that
      // syncs right after connecting cannot miss a message sent in between.
      const [circleIds, user] = await Promise.all([deps.memberships.listCircleIdsForUser(userId), deps.users.findById(userId)]);
      if (!user) return next(new Error("unauthorized"));
      // Confirm each circle (this also warms the membership cache, so the first send after a
      // connect doesn't pay for the lookup while the user waits for the ack).
      const confirmed = await Promise.all(circleIds.map((circleId) => deps.memberships.find(circleId, userId)));
      if (!(await deps.reserveConnection(socket.id, userId))) {
        return next(
          refusal("too_many_connections", {
            code: "rate_limited",
            message: "Kring is open on too many screens with this account. Close one, and this one will connect.",
            retryAfterMs: CONNECTION_LIMIT_RETRY_MS,
          }),
        );
      }
      const memberships = confirmed.filter((membership) => membership !== null);
      socket.data = {
        userId,
        name: user.name,
        sessionId,
        expiresAt,
        circleIds: memberships.map((membership) => membership.circleId),
        // The care-team rooms by role: a resident's socket is never in one, so no team message or
        // team typing can reach it whatever the handlers emit.
        rooms: memberships.flatMap((membership) => roomsForMember(membership.circleId, membership.role)),
        residentOf: memberships.filter((membership) => membership.role === "resident").map((membership) => membership.circleId),
      };
      next();
    } catch (error) {
      if (!(error instanceof Error) || error.message.includes("expired") === false) {
        deps.logger.warn("socket handshake refused", { reason: error instanceof Error ? error.name : "unknown" });
      }
      next(new Error("unauthorized"));
    }
  });

  io.on("connection", (socket) => {
    const { userId, expiresAt, rooms, sessionId } = socket.data;
    void socket.join([userRoom(userId), ...rooms, ...(sessionId ? [sessionRoom(sessionId)] : [])]);
    // Short-lived tokens: the socket ends with its token; the client reconnects with a new one.
    const expiry = setTimeout(() => socket.disconnect(true), Math.max(0, expiresAt - Date.now()));
    expiry.unref();
    socket.on("disconnect", () => clearTimeout(expiry));
    deps.onConnection(socket);
  });

  return io;
}
