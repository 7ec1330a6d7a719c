import type { ClientToServerEvents, ServerToClientEvents } from "@kring/protocol";
import type { Server } from "socket.io";

import { circleRoom, userRoom } from "@kring/queues";

export { circleRoom, userRoom };

/**
 * Every socket is in its user's room, so a circle joined over REST (create, accept an
 * invitation) is joined by all of that user's open sockets at once.
 */
export function createRealtimeRooms(io: Server<ClientToServerEvents, ServerToClientEvents>) {
  return {
    joinCircle(userId: string, circleId: string) {
      io.in(userRoom(userId)).socketsJoin(circleRoom(circleId));
    },
  };
}
export type RealtimeRooms = ReturnType<typeof createRealtimeRooms>;
