import { z } from "zod";
import { Id, Seq } from "./common";
import { type ErrorBody } from "./errors";
import { ClientId, HISTORY_LIMIT_MAX, type Message, MessageBody } from "./messages.schemas";

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

/** Events a client emits. Every one takes an ack callback; one sent without is ignored. */
export interface ClientToServerEvents {
  "message:send": (payload: MessageSendPayload, ack: (response: MessageSendAck) => void) => void;
  "message:sync": (payload: MessageSyncPayload, ack: (response: MessageSyncAck) => void) => void;
  "message:read": (payload: MessageReadPayload, ack: (response: MessageReadAck) => void) => void;
}

/** Facts the server pushes to the sockets of circle members. */
export interface ServerToClientEvents {
  "message:new": (message: Message) => void;
}

export const SocketAuth = z.object({ token: z.string().min(1).max(4096) });
