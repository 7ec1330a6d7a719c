import { z } from "zod";
import { Id, IsoDate, Seq } from "./common";

export const MESSAGE_BODY_MAX = 4000;
export const HISTORY_LIMIT_MAX = 100;
export const HISTORY_LIMIT_DEFAULT = 50;

/** A client-made id that makes a send idempotent: a resend with it returns the stored message. */
export const ClientId = z.string().min(1).max(64);

export const MessageBody = z.string().min(1).max(MESSAGE_BODY_MAX);

export const Message = z.object({
  id: Id,
  circleId: Id,
  seq: Seq,
  clientId: z.string(),
  senderId: Id,
  body: z.string(),
  createdAt: IsoDate,
});
export type Message = z.infer<typeof Message>;

/** Query string of `GET /api/circles/:id/messages`; values arrive as strings. */
const QuerySeq = z
  .string()
  .regex(/^\d{1,15}$/, "must be a whole number")
  .transform(Number);
export const HistoryQuery = z.strictObject({
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
