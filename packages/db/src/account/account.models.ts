import { type Connection, Schema } from "mongoose";

/**
 * Password reset links (issue #11): `_id` = sha256 of the link's token (hex), so the confirm is one
 * point read and the token itself is never stored. Single use: the first insert of
 * `used:<tokenHash>` in the same collection wins (as invitation redemptions do).
 */
const passwordResetSchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, default: null },
    expiresAt: { type: Date, default: null },
    usedAt: { type: Date, default: null },
  },
  { versionKey: false },
);

export function registerAccountModels(connection: Connection) {
  return { PasswordReset: connection.model("PasswordReset", passwordResetSchema, "password_resets") };
}
export type AccountModels = ReturnType<typeof registerAccountModels>;
