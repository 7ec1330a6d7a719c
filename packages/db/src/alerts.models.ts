import { type Connection, Schema } from "mongoose";

// Alerts and everything around them (issue #3). Same rules as models.ts: plain and unique
// indexes only, and correctness from unique keys rather than read-modify-write updates.

const alertSchema = new Schema(
  {
    circleId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, required: true },
    raisedBy: { type: Schema.Types.ObjectId, default: null },
    clientId: { type: String, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
alertSchema.index({ circleId: 1, raisedBy: 1, clientId: 1 }, { unique: true, name: "alert_client_id_unique" });
alertSchema.index({ circleId: 1, createdAt: -1 }, { name: "alert_circle_recent" });

/** _id is deterministic (`alertId:claimed`, `alertId:paged:0:userId`), see domain/ports.ts. */
const alertEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    alertId: { type: Schema.Types.ObjectId, required: true },
    circleId: { type: Schema.Types.ObjectId, required: true },
    type: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, default: null },
    step: { type: Number, default: null },
    note: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
alertEventSchema.index({ circleId: 1, alertId: 1 }, { name: "alert_event_alert" });

const escalationSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true }, // the circle id
    responders: { type: [Schema.Types.ObjectId], required: true },
    stepSeconds: { type: Number, required: true },
  },
  { versionKey: false },
);

const checkinScheduleSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true }, // the circle id
    deadline: { type: String, required: true },
    timeZone: { type: String, required: true },
    enabled: { type: Boolean, required: true },
  },
  { versionKey: false },
);
checkinScheduleSchema.index({ enabled: 1 }, { name: "checkin_schedule_enabled" });

/** _id `circleId:date`: the first check-in of a local day wins. */
const checkinSchema = new Schema(
  {
    _id: { type: String, required: true },
    circleId: { type: Schema.Types.ObjectId, required: true },
    date: { type: String, required: true },
    at: { type: Date, required: true },
    by: { type: Schema.Types.ObjectId, required: true },
  },
  { versionKey: false },
);

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

const pushSubscriptionSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    endpoint: { type: String, required: true },
    keys: { p256dh: { type: String, required: true }, auth: { type: String, required: true } },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
pushSubscriptionSchema.index({ endpoint: 1 }, { unique: true, name: "push_endpoint_unique" });
pushSubscriptionSchema.index({ userId: 1 }, { name: "push_user" });

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
deadLetterSchema.index({ circleId: 1, failedAt: -1 }, { name: "dead_letter_circle" });

/** Process-wide settings such as the VAPID key pair; _id is the setting's name, first write wins. */
const settingSchema = new Schema(
  { _id: { type: String, required: true }, value: { type: Schema.Types.Mixed, required: true } },
  { versionKey: false },
);

export function registerAlertModels(connection: Connection) {
  return {
    Alert: connection.model("Alert", alertSchema, "alerts"),
    AlertEvent: connection.model("AlertEvent", alertEventSchema, "alert_events"),
    Escalation: connection.model("Escalation", escalationSchema, "escalations"),
    CheckinSchedule: connection.model("CheckinSchedule", checkinScheduleSchema, "checkin_schedules"),
    Checkin: connection.model("Checkin", checkinSchema, "checkins"),
    NotificationPreferences: connection.model("NotificationPreferences", preferencesSchema, "notification_preferences"),
    PushSubscription: connection.model("PushSubscription", pushSubscriptionSchema, "push_subscriptions"),
    DeadLetter: connection.model("DeadLetter", deadLetterSchema, "dead_letters"),
    Setting: connection.model("Setting", settingSchema, "settings"),
  };
}
export type AlertModels = ReturnType<typeof registerAlertModels>;
