import { type Connection, Schema } from "mongoose";
import { registerSlotModel } from "../keyed/slot-list";

// Issue #11: the access log, retention settings and the cursors of the daily walks. Every
// collection is addressed by `_id` alone (see ARCHITECTURE.md, "Privacy: the access log, export,
// erasure and retention").

/** One row of the access log: `<circleId>:<day>:<userId>:<category>:<deviceKind>`. */
const accessLogSchema = new Schema(
  {
    _id: { type: String, required: true },
    circleId: { type: Schema.Types.ObjectId, required: true },
    day: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    category: { type: String, required: true },
    deviceKind: { type: String, required: true },
    count: { type: Number, required: true },
    firstAt: { type: Date, required: true },
    lastAt: { type: Date, required: true },
  },
  { versionKey: false },
);

/** A circle-day's index of rows, `<circleId>:<day>` → `["<userId>:<category>:<deviceKind>", …]`. */
const accessLogDaySchema = new Schema(
  {
    _id: { type: String, required: true },
    rows: { type: [String], default: [] },
  },
  { versionKey: false },
);

/** A circle's retention of messages, `_id` = circle id; absent means the default (2 years). */
const retentionSchema = new Schema(
  {
    _id: { type: String, required: true },
    messagesDays: { type: Number, required: false, default: null },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

/** Where a daily walk goes on: `retention:<circleId>:<thread>` → next seq, `expiry:<circleId>` → day. */
const cursorSchema = new Schema(
  {
    _id: { type: String, required: true },
    value: { type: Schema.Types.Mixed, required: true },
  },
  { versionKey: false },
);

export function registerPrivacyModels(connection: Connection) {
  return {
    AccessLogRow: connection.model("AccessLogRow", accessLogSchema, "access_log"),
    AccessLogDay: connection.model("AccessLogDay", accessLogDaySchema, "access_log_days"),
    /** A circle's changes, insert-only: slot `<circleId>:<n>` → `<userId>:<action>` (keyed/slot-list.ts). */
    AccessChangeSlot: registerSlotModel(connection, "AccessChangeSlot", "access_change_slots"),
    Retention: connection.model("Retention", retentionSchema, "retention_settings"),
    PrivacyCursor: connection.model("PrivacyCursor", cursorSchema, "privacy_cursors"),
  };
}
export type PrivacyModels = ReturnType<typeof registerPrivacyModels>;
