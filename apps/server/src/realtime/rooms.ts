import { can, canReadThread } from "@kring/domain";
import type { ClientToServerEvents, Role, ServerToClientEvents } from "@kring/protocol";
import type { Server } from "socket.io";

import { circleRoom, teamRoom, threadRoom, userRoom } from "@kring/redis";

export { circleRoom, teamRoom, threadRoom, userRoom };

/**
 * A member's rooms for one circle: the circle's, and the care team's when their role may read it.
 * A volunteer (issue #11) joins neither: nothing said or raised in the circle reaches their sockets.
 */
export const roomsForMember = (circleId: string, role: Role) =>
  !can(role, "messages.read") ? [] : canReadThread(role, "team") ? [circleRoom(circleId), teamRoom(circleId)] : [circleRoom(circleId)];
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/**
 * Every socket is in its user's room, so a circle joined over REST (create, accept an
 * invitation) is joined by all of that user's open sockets at once.
 */
export function createRealtimeRooms(io: Server<ClientToServerEvents, ServerToClientEvents>) {
  return {
    joinCircle(userId: string, circleId: string, role: Role) {
      io.in(userRoom(userId)).socketsJoin(roomsForMember(circleId, role));
    },
    /** A revoked device or a logout: its sockets close now, not when their token expires. */
    endSession(sessionId: string) {
      io.in(sessionRoom(sessionId)).disconnectSockets(true);
    },
  };
}
export type RealtimeRooms = ReturnType<typeof createRealtimeRooms>;
