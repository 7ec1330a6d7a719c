import { type Connection, Schema } from "mongoose";
import { registerSlotModel } from "../keyed/slot-list";

// Alerts are read by key only (FerretDB/SQLite serves nothing but `{_id: value}` from an index):
// the alert by its id (derived from its idempotency key, see alerts.repositories.ts `alertIdFor`),
// its events by their deterministic ids, and a circle's newest alerts through a per-circle slot
// list (see keyed/slot-list.ts).
// Nothing here is updated in place: every change is an insert, first write wins.

const alertSchema = new Schema(
  {
    circleId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, required: true },
    raisedBy: { type: Schema.Types.ObjectId, default: null },
    clientId: { type: String, default: null },
    createdAt: { type: Date, required: true },
    /** `missed_visit` (issue #10): the occurrence and its assignee (paged first). */
    occurrenceId: { type: String, default: undefined },
    firstResponderId: { type: Schema.Types.ObjectId, default: undefined },
  },
  { versionKey: false },
);

/**
 * _id is deterministic: `alertId:claimed`, `alertId:resolved`, `alertId:unanswered` and
 * `alertId:paged:<step>` (see domain alerts.service.ts `alertEventIds`), so an alert's events are
 * a fixed set of keys the fold can enumerate.
 */
const alertEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    alertId: { type: Schema.Types.ObjectId, required: true },
    circleId: { type: Schema.Types.ObjectId, required: true },
    type: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, default: null },
    step: { type: Number, default: null },
    note: { type: String, default: null },
    /** On `unanswered`: everyone paged when the ladder ran out (one insert for the whole fan-out). */
    recipients: { type: [Schema.Types.ObjectId], default: undefined },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

const escalationSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true }, // the circle id
    responders: { type: [Schema.Types.ObjectId], required: true },
    stepSeconds: { type: Number, required: true },
  },
  { versionKey: false },
);

export function registerAlertsFeatureModels(connection: Connection) {
  return {
    Alert: connection.model("Alert", alertSchema, "alerts"),
    AlertEvent: connection.model("AlertEvent", alertEventSchema, "alert_events"),
    /** `circleId:n` → alert id: a circle's alerts in raise order. */
    CircleAlertSlot: registerSlotModel(connection, "CircleAlertSlot", "circle_alert_slots"),
    Escalation: connection.model("Escalation", escalationSchema, "escalations"),
  };
}
export type AlertsFeatureModels = ReturnType<typeof registerAlertsFeatureModels>;
