import { Schema, type Connection, Types } from "mongoose";

const roles = ["resident", "family", "professional", "coordinator"];

// Schemas only: repositories map documents to the plain types in @kring/domain.
// Indexes are all plain or unique: no TTL or partial indexes, which FerretDB 1.24 lacks.

const userSchema = new Schema(
  {
    email: { type: String, required: true },
    name: { type: String, required: true },
    /** Empty for managed accounts (residents paired by a coordinator), which cannot log in. */
    passwordHash: { type: String, default: "" },
    isManaged: { type: Boolean, default: false },
    /** Denormalised from memberships for the socket handshake (see MembershipRepository). */
    circleIds: { type: [Schema.Types.ObjectId], default: [] },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
userSchema.index({ email: 1 }, { unique: true, name: "email_unique" });

const circleSchema = new Schema(
  {
    name: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

// Memberships and read markers have a deterministic _id (`circleId:userId`): FerretDB's SQLite
// backend pushes only _id lookups down to SQL and scans the collection for anything else.
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
membershipSchema.index({ circleId: 1, userId: 1 }, { unique: true, name: "membership_unique" });
membershipSchema.index({ userId: 1 }, { name: "membership_user" });

const invitationSchema = new Schema(
  {
    circleId: { type: Schema.Types.ObjectId, required: true },
    code: { type: String, required: true },
    role: { type: String, enum: roles, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    expiresAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
invitationSchema.index({ code: 1 }, { unique: true, name: "invitation_code_unique" });

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

const messageSchema = new Schema(
  {
    circleId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    clientId: { type: String, required: true },
    senderId: { type: Schema.Types.ObjectId, required: true },
    body: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
messageSchema.index({ circleId: 1, seq: 1 }, { unique: true, name: "message_seq_unique" });
messageSchema.index(
  { circleId: 1, senderId: 1, clientId: 1 },
  { unique: true, name: "message_client_id_unique" },
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
readMarkerSchema.index({ circleId: 1, userId: 1 }, { unique: true, name: "read_marker_unique" });
readMarkerSchema.index({ userId: 1 }, { name: "read_marker_user" });

export function registerModels(connection: Connection) {
  return {
    User: connection.model("User", userSchema, "users"),
    Circle: connection.model("Circle", circleSchema, "circles"),
    Membership: connection.model("Membership", membershipSchema, "memberships"),
    Invitation: connection.model("Invitation", invitationSchema, "invitations"),
    InvitationRedemption: connection.model("InvitationRedemption", redemptionSchema, "invitation_redemptions"),
    Message: connection.model("Message", messageSchema, "messages"),
    ReadMarker: connection.model("ReadMarker", readMarkerSchema, "read_markers"),
  };
}
export type Models = ReturnType<typeof registerModels>;

export const toObjectId = (id: string) => new Types.ObjectId(id);
export const pairId = (circleId: string, userId: string) => `${circleId}:${userId}`;
