import type { ServerMetrics } from "@kring/metrics";
import type { KringSocket } from "./socket-types";

/**
 * Times every acknowledged socket event from arrival to ack, for `/metrics`. Socket.IO hands a
 * middleware the event's arguments with the ack callback last; wrapping that callback here
 * covers every handler without each one knowing about metrics. Only events with a registered
 * handler keep their name as a label (a client can send any name; labels must stay few).
 */
export function instrumentSocket(socket: KringSocket, metrics: ServerMetrics): void {
  socket.use((packet, next) => {
    const ackIndex = packet.length - 1;
    const ack: unknown = packet[ackIndex];
    const eventName: unknown = packet[0];
    if (ackIndex < 1 || typeof ack !== "function" || typeof eventName !== "string") return next();
    const event = socket.listeners(eventName as never).length > 0 ? eventName : "unknown";
    const stop = metrics.socketEventSeconds.startTimer({ event });
    packet[ackIndex] = (...response: unknown[]) => {
      const first = response[0] as { ok?: unknown; error?: { code?: unknown } } | undefined;
      const code = first?.ok === false && typeof first.error?.code === "string" ? first.error.code : "ok";
      stop({ outcome: code });
      (ack as (...args: unknown[]) => void)(...response);
    };
    next();
  });
}
