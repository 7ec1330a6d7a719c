import { z } from "zod";
import { Id } from "./common";
import { type ErrorBody } from "./errors";
import { type Message, MessageReadPayload, MessageSendPayload, MessageSyncPayload } from "./messages.schemas";
import { type Alert, AlertCancelPayload, AlertClaimPayload, AlertRaisePayload, AlertResolvePayload, type Checkin, CheckinOkPayload } from "./alerts.schemas";
import type { Notification } from "./notifications.schemas";
import { type PresenceEvent, type TypingEvent, TypingPayload } from "./sessions.schemas";
import type { OccurrenceUpdateEvent, PlanUpdateEvent } from "./visits.schemas";

// One zod schema per socket event payload; the table `clientEventPayloads` below names them all, and
// the typed event map and the server's ack wrapper are derived from it.

export type AckError = { ok: false; error: ErrorBody };
export type Ack<T extends object = object> = ({ ok: true } & T) | AckError;

export type MessageSendAck = Ack<{ message: Message }>;
export type MessageSyncAck = Ack<{ messages: Message[]; hasMore: boolean }>;
export type MessageReadAck = Ack;
export type AlertAck = Ack<{ alert: Alert }>;
export type CheckinAck = Ack<{ checkin: Checkin }>;

/**
 * Every event a client may emit, with the one schema its payload must satisfy. The server registers
 * its handlers through this table (`onEvent` in apps/server/src/realtime/ack-handler.ts parses the
 * payload with the event's schema before the handler sees it), and `ClientToServerEvents` is derived
 * from it: an event cannot be added, emitted or handled without its schema.
 */
export const clientEventPayloads = {
  "message:send": MessageSendPayload,
  "message:sync": MessageSyncPayload,
  "message:read": MessageReadPayload,
  "alert:raise": AlertRaisePayload,
  "alert:claim": AlertClaimPayload,
  "alert:resolve": AlertResolvePayload,
  /** "I pressed by mistake": by whoever raised it, within ALERT_CANCEL_WINDOW_MS of the raise. */
  "alert:cancel": AlertCancelPayload,
  "checkin:ok": CheckinOkPayload,
  /** "is typing": the ack is optional here; send at most every 2 s while typing. */
  typing: TypingPayload,
} as const;
export type ClientEventName = keyof typeof clientEventPayloads;
export type ClientEventPayload<E extends ClientEventName> = z.infer<(typeof clientEventPayloads)[E]>;

/** What each event's ack carries besides `ok: true`. Every event of the table must be listed here. */
export interface ClientEventResults {
  "message:send": { message: Message };
  "message:sync": { messages: Message[]; hasMore: boolean };
  "message:read": Record<never, never>;
  "alert:raise": { alert: Alert };
  "alert:claim": { alert: Alert };
  "alert:resolve": { alert: Alert };
  "alert:cancel": { alert: Alert };
  "checkin:ok": { checkin: Checkin };
  typing: Record<never, never>;
}

/** Events a client emits. Every one takes an ack callback; one sent without is ignored (typing: optional). */
export type ClientToServerEvents = {
  [E in Exclude<ClientEventName, "typing">]: (payload: ClientEventPayload<E>, ack: (response: Ack<ClientEventResults[E]>) => void) => void;
} & {
  typing: (payload: ClientEventPayload<"typing">, ack?: (response: Ack<ClientEventResults["typing"]>) => void) => void;
};

/** Facts the server pushes to the sockets of circle members. */
export interface ServerToClientEvents {
  "message:new": (message: Message) => void;
  /** Every change of an alert, to every member of its circle. */
  "alert:update": (alert: Alert) => void;
  /** A page or notice for this user (in-app channel). */
  notification: (notification: Notification) => void;
  /** Someone else in the circle is typing (shown for ~5 s unless repeated). */
  typing: (event: TypingEvent) => void;
  /** A member came online (first socket) or went offline (last socket closed). */
  presence: (event: PresenceEvent) => void;
  /** A plan was created, changed or deleted (visits, issue #10), to every member of its circle. */
  "plan:update": (event: PlanUpdateEvent) => void;
  /** An occurrence was claimed, released, cancelled, checked in or out, or completed. */
  "occurrence:update": (event: OccurrenceUpdateEvent) => void;
  /** This user left or was removed from the circle (issue #11): forget it; nothing of it arrives any more. */
  "circle:removed": (event: CircleRemovedEvent) => void;
}

export const SocketAuth = z.object({ token: z.string().min(1).max(4096) });

/** `circle:removed` (issue #11): to the sockets of a member who left or was removed. */
export const CircleRemovedEvent = z.object({ circleId: Id });
export type CircleRemovedEvent = z.infer<typeof CircleRemovedEvent>;
