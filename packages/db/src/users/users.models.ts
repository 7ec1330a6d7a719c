import { type Connection, Schema } from "mongoose";

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

export function registerUserModels(connection: Connection) {
  return {
    User: connection.model("User", userSchema, "users"),
    LookupKey: connection.model("LookupKey", lookupKeySchema, "lookup_keys"),
  };
}
export type UserModels = ReturnType<typeof registerUserModels>;

export const emailKey = (email: string) => `email:${email.trim().toLowerCase()}`;
