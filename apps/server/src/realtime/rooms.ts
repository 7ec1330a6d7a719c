import type { ClientToServerEvents, ServerToClientEvents } from "@kring/protocol";
import type { Server } from "socket.io";

import { circleRoom, userRoom } from "@kring/queues";

export { circleRoom, userRoom };
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/**
 * Every socket is in its user's room, so a circle joined over REST (create, accept an
 * invitation) is joined by all of that user's open sockets at once.
 */
export function createRealtimeRooms(io: Server<ClientToServerEvents, ServerToClientEvents>) {
  return {
    joinCircle(userId: string, circleId: string) {
      io.in(userRoom(userId)).socketsJoin(circleRoom(circleId));
    },
    /** A revoked device or a logout: its sockets close now, not when their token expires. */
    endSession(sessionId: string) {
      io.in(sessionRoom(sessionId)).disconnectSockets(true);
    },
  };
}
export type RealtimeRooms = ReturnType<typeof createRealtimeRooms>;
