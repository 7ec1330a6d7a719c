import { type Connection, Schema } from "mongoose";

/**
 * A resident's profile in one circle (issue #9): `_id` = `<circleId>:<userId>`, so the alert card's
 * and the member list's read is one point read per resident.
 */
const residentProfileSchema = new Schema(
  {
    _id: { type: String, required: true },
    circleId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    phone: { type: String, default: null },
    address: { type: String, default: null },
    language: { type: String, default: null },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export function registerResidentModels(connection: Connection) {
  return { ResidentProfile: connection.model("ResidentProfile", residentProfileSchema, "resident_profiles") };
}
export type ResidentModels = ReturnType<typeof registerResidentModels>;
