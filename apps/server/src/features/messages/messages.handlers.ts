import type { MessagesService, RateLimit } from "@kring/domain";
import type { Message } from "@kring/protocol";
import type { Logger } from "@kring/logger";
import { onEvent } from "../../realtime/ack-handler";
import type { WorkGate } from "../../realtime/work-gate";
import { threadRoom } from "../../realtime/rooms";
import type { KringSocket } from "../../realtime/socket-types";

/**
 * Socket handlers for messaging. Order on send: persist, then ack, then fan out. Every event runs
 * under the node's work gate (bound + deadline). A send answered `unavailable` at its deadline may
 * still be stored afterwards: its fan-out then happens once, here, and the client's resend with
 * the same clientId joins it on this node (keyed by sender + clientId) or, on another node, gets
 * the stored message back from the database (`isNew: false`, no second fan-out).
 */
export function registerMessageHandlers(
  socket: KringSocket,
  deps: {
    messages: MessagesService;
    limits: { send: RateLimit; sync: RateLimit };
    logger: Logger;
    gate: WorkGate;
    /** Called once per new message after it is stored (queues the digest check). */
    onMessageStored?: (message: Message) => void;
  },
) {
  const { userId } = socket.data;

  onEvent(
    socket,
    "message:send",
    deps,
    async (input) => {
      await deps.limits.send.consume(userId);
      const { message, isNew } = await deps.messages.sendMessage(userId, input);
      if (isNew) {
        deps.onMessageStored?.(message);
        // After the ack is queued: the sender learns its seq first, then everyone else
        // (including the sender's other devices) gets message:new exactly once.
        // A team message goes to the care team's room only: no resident socket is ever in it.
        setImmediate(() => socket.to(threadRoom(message.circleId, message.thread)).emit("message:new", message));
      }
      return { message };
    },
    ({ circleId, clientId, thread = "circle" }) => ({
      key: `message:send:${userId}:${circleId}:${thread}:${clientId}`,
      partition: `message:send:${circleId}`,
    }),
  );

  onEvent(socket, "message:sync", deps, async (input) => {
    await deps.limits.sync.consume(userId);
    return deps.messages.syncMessages(userId, input);
  });

  onEvent(socket, "message:read", deps, async (input) => {
    await deps.messages.markRead(userId, input);
    return {};
  });
}
