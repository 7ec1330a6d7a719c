import { type Connection, Schema } from "mongoose";

/** The roles a membership (and an invitation) can give. */
export const memberRoles = ["resident", "family", "professional", "coordinator", "volunteer"];

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
    role: { type: String, enum: memberRoles, required: true },
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

export function registerCircleModels(connection: Connection) {
  return {
    Circle: connection.model("Circle", circleSchema, "circles"),
    Membership: connection.model("Membership", membershipSchema, "memberships"),
    MemberSlot: connection.model("MemberSlot", memberSlotSchema, "member_slots"),
  };
}
export type CircleModels = ReturnType<typeof registerCircleModels>;

export const pairId = (circleId: string, userId: string) => `${circleId}:${userId}`;
