import { type Connection, Schema } from "mongoose";

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
sessionSchema.index({ tokenHash: 1 }, { unique: true, name: "session_token_unique" });
sessionSchema.index({ userId: 1 }, { name: "session_user" });

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
pairingSchema.index({ code: 1 }, { unique: true, name: "pairing_code_unique" });

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
    Pairing: connection.model("Pairing", pairingSchema, "pairing_codes"),
    PairingRedemption: connection.model("PairingRedemption", pairingRedemptionSchema, "pairing_redemptions"),
  };
}
export type SessionModels = ReturnType<typeof registerSessionModels>;
