import { z } from "zod";
import { Id, Seq } from "./common";
import { type ErrorBody } from "./errors";
import { ClientId, HISTORY_LIMIT_MAX, type Message, MessageBody } from "./messages.schemas";
import type { Alert, AlertClaimPayload, AlertRaisePayload, AlertResolvePayload, Checkin, CheckinOkPayload } from "./alerts.schemas";
import type { Notification } from "./notifications.schemas";
import type { PresenceEvent, TypingEvent, TypingPayload } from "./sessions.schemas";

// One zod schema per socket event payload; the typed event maps below are built from them.

export const MessageSendPayload = z.strictObject({ circleId: Id, clientId: ClientId, body: MessageBody });
export type MessageSendPayload = z.infer<typeof MessageSendPayload>;

export const MessageSyncPayload = z.strictObject({
  circleId: Id,
  afterSeq: Seq,
  limit: z.number().int().min(1).max(HISTORY_LIMIT_MAX).optional(),
});
export type MessageSyncPayload = z.infer<typeof MessageSyncPayload>;

export const MessageReadPayload = z.strictObject({ circleId: Id, seq: Seq });
export type MessageReadPayload = z.infer<typeof MessageReadPayload>;

export type AckError = { ok: false; error: ErrorBody };
export type Ack<T extends object = object> = ({ ok: true } & T) | AckError;

export type MessageSendAck = Ack<{ message: Message }>;
export type MessageSyncAck = Ack<{ messages: Message[]; hasMore: boolean }>;
export type MessageReadAck = Ack;
export type AlertAck = Ack<{ alert: Alert }>;
export type CheckinAck = Ack<{ checkin: Checkin }>;

/** Events a client emits. Every one takes an ack callback; one sent without is ignored. */
export interface ClientToServerEvents {
  "message:send": (payload: MessageSendPayload, ack: (response: MessageSendAck) => void) => void;
  "message:sync": (payload: MessageSyncPayload, ack: (response: MessageSyncAck) => void) => void;
  "message:read": (payload: MessageReadPayload, ack: (response: MessageReadAck) => void) => void;
  "alert:raise": (payload: AlertRaisePayload, ack: (response: AlertAck) => void) => void;
  "alert:claim": (payload: AlertClaimPayload, ack: (response: AlertAck) => void) => void;
  "alert:resolve": (payload: AlertResolvePayload, ack: (response: AlertAck) => void) => void;
  "checkin:ok": (payload: CheckinOkPayload, ack: (response: CheckinAck) => void) => void;
  /** "is typing": the ack is optional here; send at most every 2 s while typing. */
  typing: (payload: TypingPayload, ack?: (response: Ack) => void) => void;
}

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
}

export const SocketAuth = z.object({ token: z.string().min(1).max(4096) });
