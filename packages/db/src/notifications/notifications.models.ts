import { type Connection, Schema } from "mongoose";
import { registerSlotModel } from "../keyed/slot-list";

const preferencesSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true }, // the user id
    channels: { push: Boolean, email: Boolean, sms: Boolean },
    phone: { type: String, default: null },
    quietHours: { type: { start: String, end: String, timeZone: String }, default: null, _id: false },
    language: { type: String, required: true },
  },
  { versionKey: false },
);

/**
 * One document per browser endpoint, `_id` = sha256 of the endpoint: an endpoint belongs to one
 * account at a time (saving it from another account moves it), and removal by endpoint (a 404/410
 * from the push service) is a point write. A user's endpoints are found through their slot list.
 */
const pushEndpointSchema = new Schema(
  {
    _id: { type: String, required: true },
    endpoint: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    keys: { p256dh: { type: String, required: true }, auth: { type: String, required: true } },
    removed: { type: Boolean, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

const deadLetterSchema = new Schema(
  {
    _id: { type: String, required: true }, // queue:jobId
    queue: { type: String, required: true },
    jobName: { type: String, required: true },
    jobId: { type: String, required: true },
    circleId: { type: Schema.Types.ObjectId, default: null },
    channel: { type: String, default: null },
    recipientId: { type: Schema.Types.ObjectId, default: null },
    error: { type: String, required: true },
    attempts: { type: Number, required: true },
    failedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

/** Process-wide settings such as the VAPID key pair; _id is the setting's name, first write wins. */
const settingSchema = new Schema(
  { _id: { type: String, required: true }, value: { type: Schema.Types.Mixed, required: true } },
  { versionKey: false },
);

export function registerNotificationModels(connection: Connection) {
  return {
    NotificationPreferences: connection.model("NotificationPreferences", preferencesSchema, "notification_preferences"),
    PushEndpoint: connection.model("PushEndpoint", pushEndpointSchema, "push_endpoints"),
    /** `userId:n` → endpoint hash. */
    UserPushSlot: registerSlotModel(connection, "UserPushSlot", "user_push_slots"),
    DeadLetter: connection.model("DeadLetter", deadLetterSchema, "dead_letters"),
    /** `circleId:n` → dead letter id, newest last. */
    CircleDeadLetterSlot: registerSlotModel(connection, "CircleDeadLetterSlot", "circle_dead_letter_slots"),
    Setting: connection.model("Setting", settingSchema, "settings"),
  };
}
export type NotificationModels = ReturnType<typeof registerNotificationModels>;
