import { type Connection, Schema } from "mongoose";
import { registerSlotModel } from "../keyed/slot-list";

const sessionSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    /** sha256 of the device token: a database leak does not hand out sessions. */
    tokenHash: { type: String, required: true },
    name: { type: String, required: true },
    kind: { type: String, enum: ["browser", "tablet"], required: true },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
  },
  { versionKey: false },
);

/** `_id` = the token hash → the session: the device-token exchange is one point read, not a scan. */
const sessionTokenSchema = new Schema(
  {
    _id: { type: String, required: true },
    sessionId: { type: Schema.Types.ObjectId, required: true },
  },
  { versionKey: false },
);

const pairingSchema = new Schema(
  {
    circleId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    code: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);

/** `_id` = the pairing code → the pairing; a second pairing with the same code fails on the primary key. */
const pairingCodeSchema = new Schema(
  {
    _id: { type: String, required: true },
    pairingId: { type: Schema.Types.ObjectId, required: true },
  },
  { versionKey: false },
);

/** _id = the pairing's id: the second use of a code fails on the primary key. */
const pairingRedemptionSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    circleId: { type: Schema.Types.ObjectId, required: true },
    redeemedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export function registerSessionModels(connection: Connection) {
  return {
    Session: connection.model("Session", sessionSchema, "device_sessions"),
    SessionToken: connection.model("SessionToken", sessionTokenSchema, "device_session_tokens"),
    /** `userId:n` → session id, in creation order. */
    UserSessionSlot: registerSlotModel(connection, "UserSessionSlot", "user_session_slots"),
    Pairing: connection.model("Pairing", pairingSchema, "pairing_codes"),
    PairingCode: connection.model("PairingCode", pairingCodeSchema, "pairing_code_keys"),
    PairingRedemption: connection.model("PairingRedemption", pairingRedemptionSchema, "pairing_redemptions"),
  };
}
export type SessionModels = ReturnType<typeof registerSessionModels>;
