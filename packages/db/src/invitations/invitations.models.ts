import { type Connection, Schema } from "mongoose";
import { memberRoles } from "../circles/circles.models";
import { registerSlotModel } from "../keyed/slot-list";

/** Keyed by the code itself (codes are random and unique); the public id is a field. */
const invitationSchema = new Schema(
  {
    _id: { type: String, required: true },
    invitationId: { type: Schema.Types.ObjectId, required: true },
    circleId: { type: Schema.Types.ObjectId, required: true },
    role: { type: String, enum: memberRoles, required: true },
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
    /** A coordinator withdrew the invitation (`userId` is theirs); nobody used it. */
    revoked: { type: Boolean, default: false },
  },
  { versionKey: false },
);

export function registerInvitationModels(connection: Connection) {
  return {
    Invitation: connection.model("Invitation", invitationSchema, "invitations"),
    InvitationRedemption: connection.model("InvitationRedemption", redemptionSchema, "invitation_redemptions"),
    /** Each circle's invitations in the order they were made: slot `<circleId>:<n>` → code (keyed/slot-list.ts). */
    CircleInvitationSlot: registerSlotModel(connection, "CircleInvitationSlot", "circle_invitation_slots"),
  };
}
export type InvitationModels = ReturnType<typeof registerInvitationModels>;
