import { DomainError, type MembershipRepository, type RateLimit, requireMembership, requireThreadAccess } from "@kring/domain";
import type { Logger } from "@kring/logger";
import { clientEventPayloads } from "@kring/protocol";
import type { PresenceTracker } from "@kring/redis";
import { parseInput } from "../../http/errors";
import { circleRoom, threadRoom } from "../../realtime/rooms";
import type { KringSocket } from "../../realtime/socket-types";
import { withAck } from "../../realtime/ack-handler";

/**
 * Typing and presence. Typing is best-effort (the ack is optional, excess is dropped); presence
 * is announced to the user's circles when their first socket connects and their last one closes.
 */
export function registerPresenceHandlers(
  socket: KringSocket,
  deps: {
    memberships: MembershipRepository;
    presence: PresenceTracker;
    isOnline: (userId: string, exceptSocketId?: string) => Promise<boolean>;
    typingLimit: RateLimit;
    logger: Logger;
    /** While the server shuts down its sockets close by design: announce nothing. */
    isDraining: () => boolean;
  },
) {
  const { userId, name } = socket.data;

  // The socket's rooms are its circles, including any joined since it connected.
  const circleIdsOf = (rooms: Iterable<string>) =>
    [...rooms].filter((room) => room.startsWith("circle:")).map((room) => room.slice("circle:".length));
  const announce = (isOnline: boolean, circleIds: string[]) => {
    if (deps.isDraining()) return;
    const lastSeenAt = isOnline ? null : new Date().toISOString();
    for (const circleId of circleIds) {
      socket.nsp.except(socket.id).to(circleRoom(circleId)).emit("presence", { circleId, userId, isOnline, lastSeenAt });
    }
  };

  void (async () => {
    // The handshake already reserved this socket's slot in the presence hash: look past it.
    const wasOnline = await deps.isOnline(userId, socket.id);
    await deps.presence.connected(socket.id, userId);
    if (!wasOnline) announce(true, circleIdsOf(socket.rooms));
  })().catch((error: unknown) => deps.logger.error("presence on connect", error));

  // Rooms are still known while "disconnecting", gone by "disconnect".
  socket.on("disconnecting", () => {
    if (deps.isDraining()) return;
    const circleIds = circleIdsOf(socket.rooms);
    void (async () => {
      await deps.presence.disconnected(socket.id, userId);
      if (!(await deps.isOnline(userId))) announce(false, circleIds);
    })().catch(() => undefined);
  });

  const handleTyping = async (payload: unknown) => {
    const input = parseInput(clientEventPayloads.typing, payload);
    const thread = input.thread ?? "circle";
    const membership = await requireMembership(deps.memberships, input.circleId, userId);
    requireThreadAccess(membership.role, thread);
    // Best effort: over the limit, the notice is dropped without an error.
    const isAllowed = await deps.typingLimit.consume(userId).then(
      () => true,
      (error: unknown) => {
        if (error instanceof DomainError) return false;
        throw error;
      },
    );
    // Typing in the team thread goes to the care team's room: the resident never sees it.
    if (isAllowed) socket.to(threadRoom(input.circleId, thread)).emit("typing", { circleId: input.circleId, userId, name, thread });
    return {};
  };
  const withReply = withAck(deps.logger, handleTyping);
  socket.on("typing", (payload: unknown, ack?: unknown) => {
    if (typeof ack === "function") {
      withReply(payload, ack);
      return;
    }
    handleTyping(payload).catch(() => undefined);
  });
}
