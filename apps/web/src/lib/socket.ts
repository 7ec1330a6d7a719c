import type { ClientToServerEvents, ServerToClientEvents } from "@kring/protocol";
import { io, type Socket } from "socket.io-client";

/** The one typed socket type of the app: events and acks come from @kring/protocol. */
export type KringSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long a client event may wait for its ack before we treat it as "not sent yet". */
export const ACK_TIMEOUT_MS = 10_000;

let current: KringSocket | undefined;

/**
 * Creates the app's socket (not connected yet). `auth` is a function so that every reconnect
 * sends the newest access token: the server ends a socket when its token expires.
 */
export function createSocket(getToken: () => string | undefined): KringSocket {
  current?.disconnect();
  current = io({
    autoConnect: false,
    auth: (callback) => callback({ token: getToken() ?? "" }),
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
  return current;
}

/** The socket if one exists (signed in); stores emit through it. */
export function currentSocket(): KringSocket | undefined {
  return current;
}

export function closeSocket(): void {
  current?.removeAllListeners();
  current?.disconnect();
  current = undefined;
}

/** Tests put an in-memory fake here. */
export function setSocketForTests(socket: KringSocket | undefined): void {
  current = socket;
}
