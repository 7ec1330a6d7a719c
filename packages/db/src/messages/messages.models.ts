import { type Connection, Schema } from "mongoose";
import { pairId } from "../circles/circles.models";

/**
 * `_id` = `<circleId>:<thread code>:<seq>` (messageKey). The public id is `messageId`. A message can
 * later become a tombstone in place (`deleted: true, body: ""`) at the same key, so seqs stay
 * gap-free; senderId and clientId stay on a tombstone (the resend check reads them).
 */
const messageSchema = new Schema(
  {
    _id: { type: String, required: true },
    messageId: { type: Schema.Types.ObjectId, required: true },
    circleId: { type: Schema.Types.ObjectId, required: true },
    thread: { type: String, required: true },
    seq: { type: Number, required: true },
    clientId: { type: String, required: true },
    senderId: { type: Schema.Types.ObjectId, required: true },
    body: { type: String, default: "" },
    deleted: { type: Boolean, default: false },
    createdAt: { type: Date, required: true },
    /** "system" on a line Kring wrote (issue #9); absent on people's messages. */
    kind: { type: String, required: false },
    system: { type: Schema.Types.Mixed, required: false },
  },
  { versionKey: false },
);

/**
 * `<circleId>:<thread code>:<senderId>:<generation>:<clientId>` → the seq that claim names. Claims
 * live in the messages collection so that a send inserts its claim and its message with one
 * ordered insertMany (one round trip, one SQLite transaction on FerretDB). Their keys never
 * collide with a message's (`<circleId>:<thread code>:<digits>`).
 */
const clientIdClaimSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, default: "claim" },
    seq: { type: Number, required: true },
  },
  { versionKey: false },
);

const readMarkerSchema = new Schema(
  {
    _id: { type: String, required: true },
    circleId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
  },
  { versionKey: false },
);

export function registerMessageModels(connection: Connection) {
  return {
    Message: connection.model("Message", messageSchema, "messages"),
    ClientIdClaim: connection.model("ClientIdClaim", clientIdClaimSchema, "messages"),
    ReadMarker: connection.model("ReadMarker", readMarkerSchema, "read_markers"),
  };
}
export type MessageModels = ReturnType<typeof registerMessageModels>;

const threadCodes = { circle: "c", team: "t" } as const;
/** The key of message `seq` in a circle's thread. */
export const messageKey = (circleId: string, thread: keyof typeof threadCodes, seq: number) =>
  `${circleId}:${threadCodes[thread]}:${seq}`;
/** Circle and sender ids are fixed-width hex, so putting the free-form clientId last keeps keys unambiguous. */
export const clientIdClaimKey = (c: { circleId: string; thread: keyof typeof threadCodes; senderId: string; clientId: string; generation: number }) =>
  `${c.circleId}:${threadCodes[c.thread]}:${c.senderId}:${c.generation}:${c.clientId}`;
/** A member's read marker in a thread: `<c>:<u>` for the circle thread (its key from before threads), `<c>:<u>:t` for the team. */
export const readMarkerKey = (circleId: string, userId: string, thread: keyof typeof threadCodes) =>
  thread === "circle" ? pairId(circleId, userId) : `${pairId(circleId, userId)}:${threadCodes[thread]}`;
