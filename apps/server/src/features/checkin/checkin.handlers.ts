import type { CheckinService, RateLimit } from "@kring/domain";
import type { Logger } from "@kring/logger";
import { onEvent } from "../../realtime/ack-handler";
import type { WorkGate } from "../../realtime/work-gate";
import type { KringSocket } from "../../realtime/socket-types";

/** The resident's "I'm OK", under the node's work gate like every event. */
export function registerCheckinHandlers(
  socket: KringSocket,
  deps: {
    checkin: CheckinService;
    logger: Logger;
    gate: WorkGate;
    /** Per user, across nodes: a tablet pressed again and again records nothing new. */
    limits: { checkin: RateLimit };
  },
) {
  const { userId } = socket.data;
  // It may resolve a missed check-in while people are being paged: it may use the node's reserve.
  onEvent(socket, "checkin:ok", deps, async (input) => {
    await deps.limits.checkin.consume(userId);
    return { checkin: await deps.checkin.checkIn(userId, input.circleId) };
  }, () => ({ isUrgent: true }));
}
