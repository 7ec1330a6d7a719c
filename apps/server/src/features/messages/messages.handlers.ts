import type { MessagesService, RateLimit } from "@kring/domain";
import { type Message, MessageReadPayload, MessageSendPayload, MessageSyncPayload } from "@kring/protocol";
import { parseInput } from "../../http/errors";
import type { Logger } from "@kring/logger";
import { withAck } from "../../realtime/ack-handler";
import type { WorkGate } from "../../realtime/work-gate";
import { circleRoom } from "../../realtime/rooms";
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

  socket.on(
    "message:send",
    withAck(
      deps.logger,
      async (payload) => {
        const input = parseInput(MessageSendPayload, payload);
        await deps.limits.send.consume(userId);
        const { message, isNew } = await deps.messages.sendMessage(userId, input);
        if (isNew) {
          deps.onMessageStored?.(message);
          // After the ack is queued: the sender learns its seq first, then everyone else
          // (including the sender's other devices) gets message:new exactly once.
          setImmediate(() => socket.to(circleRoom(message.circleId)).emit("message:new", message));
        }
        return { message };
      },
      deps.gate,
      (payload) => {
        const input = MessageSendPayload.safeParse(payload);
        if (!input.success) return undefined;
        const { circleId, clientId } = input.data;
        return { key: `message:send:${userId}:${circleId}:${clientId}`, partition: `message:send:${circleId}` };
      },
    ),
  );

  socket.on(
    "message:sync",
    withAck(deps.logger, async (payload) => {
      const input = parseInput(MessageSyncPayload, payload);
      await deps.limits.sync.consume(userId);
      return deps.messages.syncMessages(userId, input);
    }, deps.gate),
  );

  socket.on(
    "message:read",
    withAck(deps.logger, async (payload) => {
      const input = parseInput(MessageReadPayload, payload);
      await deps.messages.markRead(userId, input);
      return {};
    }, deps.gate),
  );
}
