import { Schema, type Connection, Types } from "mongoose";

const roles = ["resident", "family", "professional", "coordinator"];

// Schemas only: repositories map documents to the plain types in @kring/domain.
// Indexes are all plain or unique: no TTL or partial indexes, which FerretDB 1.24 lacks.

// Layout version 2 (issue #7): every collection here is addressed by `_id` alone. FerretDB 1.24 on
// SQLite serves only a filter that is exactly `{_id: value}` from an index and decodes the whole
// collection for anything else, so the key encodes the access path (see ARCHITECTURE.md,
// "Storage by key"). The only secondary indexes left are none: uniqueness comes from the keys.
export const LAYOUT_VERSION = 2;

const userSchema = new Schema(
  {
    email: { type: String, required: true },
    name: { type: String, required: true },
    /** Empty for managed accounts (residents paired by a coordinator), which cannot log in. */
    passwordHash: { type: String, default: "" },
    isManaged: { type: Boolean, default: false },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

/**
 * Secondary keys: `email:<lowercased email>` → the user's id. Inserted after the user document:
 * the insert is the uniqueness guard for an email (a lost race deletes its fresh user again).
 */
const lookupKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    ref: { type: Schema.Types.ObjectId, required: true },
  },
  { versionKey: false },
);

const circleSchema = new Schema(
  {
    name: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

// Memberships and read markers have a deterministic _id (`circleId:userId`).
const membershipSchema = new Schema(
  {
    _id: { type: String, required: true },
    circleId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    role: { type: String, enum: roles, required: true },
    joinedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

/**
 * Lists kept as numbered slots, `c:<circleId>:<n>` (a circle's members) and `u:<userId>:<n>` (a
 * user's circles), filled from 0 without gaps: an add inserts at the first free slot and moves
 * on when the insert hits a taken one, so a list is read with point reads until the first missing
 * slot — no read-modify-write array that FerretDB could lose under concurrency.
 */
const memberSlotSchema = new Schema(
  {
    _id: { type: String, required: true },
    circleId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
  },
  { versionKey: false },
);

/** Keyed by the code itself (codes are random and unique); the public id is a field. */
const invitationSchema = new Schema(
  {
    _id: { type: String, required: true },
    invitationId: { type: Schema.Types.ObjectId, required: true },
    circleId: { type: Schema.Types.ObjectId, required: true },
    role: { type: String, enum: roles, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    expiresAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

/** One document per used invitation; its _id is the invitation's, so a second use fails on the index. */
const redemptionSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    circleId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    redeemedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

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

export function registerModels(connection: Connection) {
  return {
    User: connection.model("User", userSchema, "users"),
    LookupKey: connection.model("LookupKey", lookupKeySchema, "lookup_keys"),
    Circle: connection.model("Circle", circleSchema, "circles"),
    Membership: connection.model("Membership", membershipSchema, "memberships"),
    MemberSlot: connection.model("MemberSlot", memberSlotSchema, "member_slots"),
    Invitation: connection.model("Invitation", invitationSchema, "invitations"),
    InvitationRedemption: connection.model("InvitationRedemption", redemptionSchema, "invitation_redemptions"),
    Message: connection.model("Message", messageSchema, "messages"),
    ClientIdClaim: connection.model("ClientIdClaim", clientIdClaimSchema, "messages"),
    ReadMarker: connection.model("ReadMarker", readMarkerSchema, "read_markers"),
  };
}
export type Models = ReturnType<typeof registerModels>;

export const toObjectId = (id: string) => new Types.ObjectId(id);
export const pairId = (circleId: string, userId: string) => `${circleId}:${userId}`;

const threadCodes = { circle: "c", team: "t" } as const;
/** The key of message `seq` in a circle's thread. */
export const messageKey = (circleId: string, thread: keyof typeof threadCodes, seq: number) =>
  `${circleId}:${threadCodes[thread]}:${seq}`;
/** Circle and sender ids are fixed-width hex, so putting the free-form clientId last keeps keys unambiguous. */
export const clientIdClaimKey = (c: { circleId: string; thread: keyof typeof threadCodes; senderId: string; clientId: string; generation: number }) =>
  `${c.circleId}:${threadCodes[c.thread]}:${c.senderId}:${c.generation}:${c.clientId}`;
export const emailKey = (email: string) => `email:${email.trim().toLowerCase()}`;
