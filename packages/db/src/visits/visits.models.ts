import { type Connection, Schema } from "mongoose";
import { registerSlotModel } from "../keyed/slot-list";

// Visits and tasks (issue #10), read by key only (FerretDB/SQLite serves nothing but `{_id: value}`
// from an index): a plan by its id, a circle's plans through a slot list (every plan filed) and a
// version chain (the current ones, current-plans.ts), an occurrence's events by their deterministic
// ids, and the occurrences of a plan's month that have events through a slot list.

/** A plan: `_id` = the plan id. Replaced as a whole on an edit (coordinators and the creator, by hand). */
const planSchema = new Schema(
  {
    circleId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, required: true },
    title: { type: String, required: true },
    notes: { type: String, default: null },
    start: { type: String, required: true },
    durationMinutes: { type: Number, default: null },
    timeZone: { type: String, required: true },
    recurrence: { type: String, default: null },
    assigneeId: { type: Schema.Types.ObjectId, default: null },
    reminderMinutes: { type: Number, required: true },
    alertIfMissed: { type: Boolean, required: true },
    lateAfterMinutes: { type: Number, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    previousPlanId: { type: Schema.Types.ObjectId, default: null },
    deletedAt: { type: Date, default: null },
  },
  { versionKey: false },
);

/**
 * One change of one occurrence; `_id` = `<planId>:<YYYY-MM-DDTHH:MM>:a:<n>` (the n-th claim or
 * release) or `…:cancel|check-in|check-out|complete`. Inserted once, never changed: first wins.
 */
const occurrenceEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    occurrenceId: { type: String, required: true },
    planId: { type: Schema.Types.ObjectId, required: true },
    circleId: { type: Schema.Types.ObjectId, required: true },
    type: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    note: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export function registerVisitModels(connection: Connection) {
  return {
    Plan: connection.model("Plan", planSchema, "plans"),
    OccurrenceEvent: connection.model("OccurrenceEvent", occurrenceEventSchema, "occurrence_events"),
    /** `circleId:n` → plan id: a circle's plans in creation order. */
    CirclePlanSlot: registerSlotModel(connection, "CirclePlanSlot", "circle_plan_slots"),
    /** `circleId:n` → the n-th version of the circle's current-plan list (current-plans.ts). */
    CircleCurrentPlans: registerSlotModel(connection, "CircleCurrentPlans", "circle_current_plans"),
    /** `planId:YYYY-MM:n` → occurrence id: the plan's occurrences of that month that have events. */
    PlanOccurrenceSlot: registerSlotModel(connection, "PlanOccurrenceSlot", "plan_occurrence_slots"),
  };
}
export type VisitModels = ReturnType<typeof registerVisitModels>;
