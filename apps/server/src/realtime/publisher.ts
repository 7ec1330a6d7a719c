import type { RealtimePublisher } from "@kring/domain";
import { circleRoom, userRoom } from "./rooms";
import type { KringServer } from "./socket-types";

/** Emits through Socket.IO; with the Redis adapter this reaches sockets on every server node. */
export function createSocketPublisher(io: KringServer): RealtimePublisher {
  return {
    alertUpdated(alert) {
      io.to(circleRoom(alert.circleId)).emit("alert:update", alert);
    },
    notify(userId, notification) {
      io.to(userRoom(userId)).emit("notification", notification);
    },
  };
}
