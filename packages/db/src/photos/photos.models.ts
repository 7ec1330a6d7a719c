import { type Connection, Schema } from "mongoose";

/** A profile photo (issue #10): `_id` = the user's id, so every read is one point read. */
const userPhotoSchema = new Schema(
  {
    _id: { type: String, required: true },
    contentType: { type: String, required: true },
    data: { type: Buffer, required: true },
    width: { type: Number, required: true },
    height: { type: Number, required: true },
    etag: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export function registerPhotoModels(connection: Connection) {
  return { UserPhoto: connection.model("UserPhoto", userPhotoSchema, "user_photos") };
}
export type PhotoModels = ReturnType<typeof registerPhotoModels>;
