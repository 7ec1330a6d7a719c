import type { ClientToServerEvents, ServerToClientEvents } from "@kring/protocol";
import type { Server, Socket } from "socket.io";

export type SocketData = {
  userId: string;
  name: string;
  sessionId: string | null;
  expiresAt: number;
  circleIds: string[];
  /** The circle and care-team rooms the socket joins on connect (roomsForMember). */
  rooms: string[];
  /** The circles where this user is the resident: the ones whose Help a first page is warmed for. */
  residentOf: string[];
};
export type KringServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type KringSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
