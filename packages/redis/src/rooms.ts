// Room names shared by the server (Socket.IO) and the worker (Redis emitter).
export const circleRoom = (circleId: string) => `circle:${circleId}`;
export const userRoom = (userId: string) => `user:${userId}`;
/**
 * The care team's sockets in a circle (members for whom canReadThread(role, "team")). Not a
 * "circle:" room, so nothing that walks a socket's circle rooms (presence) mistakes it for one.
 */
export const teamRoom = (circleId: string) => `team:${circleId}`;
/** Where a thread's messages and typing go: a team message never reaches the circle room. */
export const threadRoom = (circleId: string, thread: "circle" | "team") => (thread === "team" ? teamRoom(circleId) : circleRoom(circleId));
