import { z } from "zod";
import { Id, IsoDate, Seq } from "./common";

export const MESSAGE_BODY_MAX = 4000;
export const HISTORY_LIMIT_MAX = 100;
export const HISTORY_LIMIT_DEFAULT = 50;

/** A client-made id that makes a send idempotent: a resend with it returns the stored message. */
export const ClientId = z.string().min(1).max(64);

export const MessageBody = z.string().min(1).max(MESSAGE_BODY_MAX);

/**
 * A line Kring writes into the conversation itself (issue #9): "Anna pressed Help", "Marie is on it",
 * "Resolved by Marie". `userId`/`name` are who did it; clients render it from these fields in their
 * own language and time zone, and older clients show `body` (plain English).
 */
export const SystemLineType = z.enum(["alert_raised", "alert_claimed", "alert_resolved"]);
export type SystemLineType = z.infer<typeof SystemLineType>;
export const SystemLine = z.object({
  type: SystemLineType,
  alertId: Id,
  userId: Id.nullable(),
  name: z.string(),
  note: z.string().nullable().optional(),
});
export type SystemLine = z.infer<typeof SystemLine>;

/**
 * A circle has two conversations: "circle" (everyone, with the resident) and "team" (the care team
 * without the resident). Each has its own seqs, read markers and unread count. Absent means
 * "circle", so clients that predate the team thread keep working.
 */
export const MessageThread = z.enum(["circle", "team"]);
export type MessageThread = z.infer<typeof MessageThread>;

export const Message = z.object({
  id: Id,
  circleId: Id,
  seq: Seq,
  /** Absent in messages stored before the team thread existed: those are all "circle". */
  thread: MessageThread.default("circle"),
  clientId: z.string(),
  /**
   * For a system line: the circle id (Kring itself, so nobody's own-send read marker moves). null on
   * a tombstone (issue #11: removed by retention or by its sender's erasure).
   */
  senderId: Id.nullable(),
  body: z.string(),
  createdAt: IsoDate,
  /** Absent on people's messages; `"system"` on a line Kring wrote (then `system` says what happened). */
  kind: z.enum(["system"]).optional(),
  system: SystemLine.optional(),
  /** A tombstone (issue #11): `{deleted: true, body: "", senderId: null}` at the same seq, so sync stays gap-free. */
  deleted: z.literal(true).optional(),
});
export type Message = z.infer<typeof Message>;

/** Query string of `GET /api/circles/:id/messages`; values arrive as strings. */
const QuerySeq = z
  .string()
  .regex(/^\d{1,15}$/, "must be a whole number")
  .transform(Number);
export const HistoryQuery = z.strictObject({
  thread: MessageThread.optional(),
  afterSeq: QuerySeq.optional(),
  beforeSeq: QuerySeq.optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(1).max(HISTORY_LIMIT_MAX))
    .optional(),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export const MessagesResponse = z.object({ messages: z.array(Message) });

// The payloads of the message events (the table of client events is in events.schemas.ts).
// `thread` is optional everywhere and means "circle" when absent (clients before the team thread).
export const MessageSendPayload = z.strictObject({ circleId: Id, clientId: ClientId, body: MessageBody, thread: MessageThread.optional() });
export type MessageSendPayload = z.infer<typeof MessageSendPayload>;

export const MessageSyncPayload = z.strictObject({
  circleId: Id,
  thread: MessageThread.optional(),
  afterSeq: Seq,
  limit: z.number().int().min(1).max(HISTORY_LIMIT_MAX).optional(),
});
export type MessageSyncPayload = z.infer<typeof MessageSyncPayload>;

export const MessageReadPayload = z.strictObject({ circleId: Id, seq: Seq, thread: MessageThread.optional() });
export type MessageReadPayload = z.infer<typeof MessageReadPayload>;
