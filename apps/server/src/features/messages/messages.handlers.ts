import type { MessagesService, RateLimit } from "@kring/domain";
import { type Message, MessageReadPayload, MessageSendPayload, MessageSyncPayload } from "@kring/protocol";
import { parseInput } from "../../http/errors";
import type { Logger } from "@kring/logger";
import { assertNotDraining, withAck } from "../../realtime/ack-handler";
import { circleRoom } from "../../realtime/rooms";
import type { KringSocket } from "../../realtime/socket-types";

export type InFlight = { begin(): void; end(): void };

/** Socket handlers for messaging. Order on send: persist, then ack, then fan out. */
export function registerMessageHandlers(
  socket: KringSocket,
  deps: {
    messages: MessagesService;
    limits: { send: RateLimit; sync: RateLimit };
    logger: Logger;
    isDraining: () => boolean;
    inFlight: InFlight;
    /** Called once per new message after it is stored (queues the digest check). */
    onMessageStored?: (message: Message) => void;
  },
) {
  const { userId } = socket.data;

  socket.on(
    "message:send",
    withAck(deps.logger, async (payload) => {
      assertNotDraining(deps.isDraining);
      const input = parseInput(MessageSendPayload, payload);
      await deps.limits.send.consume(userId);
      deps.inFlight.begin();
      try {
        const { message, isNew } = await deps.messages.sendMessage(userId, input);
        if (isNew) {
          deps.onMessageStored?.(message);
          // After the ack is queued: the sender learns its seq first, then everyone else
          // (including the sender's other devices) gets message:new exactly once.
          setImmediate(() => socket.to(circleRoom(message.circleId)).emit("message:new", message));
        }
        return { message };
      } finally {
        deps.inFlight.end();
      }
    }),
  );

  socket.on(
    "message:sync",
    withAck(deps.logger, async (payload) => {
      const input = parseInput(MessageSyncPayload, payload);
      await deps.limits.sync.consume(userId);
      return deps.messages.syncMessages(userId, input);
    }),
  );

  socket.on(
    "message:read",
    withAck(deps.logger, async (payload) => {
      const input = parseInput(MessageReadPayload, payload);
      await deps.messages.markRead(userId, input);
      return {};
    }),
  );
}
