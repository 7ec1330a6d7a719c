import { fromRrule, toRrule, weekdayOf, type RecurrenceChoice, type Weekday } from "./recurrence";
import { addDays, dayToDate, weekStart } from "./visit-dates";
import type { PlanChanges, PlanInput } from "./visits.api";
import type { Plan } from "./visits.types";

// What the plan form holds, and the body it sends: pure, so the mapping is unit-tested.

export type RepeatKind = "once" | "daily" | "weekly" | "biweekly" | "monthly" | "custom";

export type PlanDraft = {
  kind: Plan["kind"];
  title: string;
  notes: string;
  /** "YYYY-MM-DD" and "HH:MM", the plan's own wall time. */
  date: string;
  time: string;
  durationMinutes: number;
  repeat: RepeatKind;
  days: Weekday[];
  /** A rule the choices cannot show, kept as it was while "custom" stays chosen. */
  customRule: string | null;
  /** "" = open: anyone in the circle may take it. */
  assigneeId: string;
  reminderMinutes: number;
  alertIfMissed: boolean;
  lateAfterMinutes: number;
};

export function emptyDraft(date: string): PlanDraft {
  return {
    kind: "visit",
    title: "",
    notes: "",
    date,
    time: "10:00",
    durationMinutes: 60,
    repeat: "once",
    days: [weekdayOf(date)],
    customRule: null,
    assigneeId: "",
    reminderMinutes: 60,
    alertIfMissed: false,
    lateAfterMinutes: 30,
  };
}

export function draftFromPlan(plan: Plan): PlanDraft {
  const date = plan.start.slice(0, 10);
  const choice = fromRrule(plan.recurrence, plan.start);
  const repeat: RepeatKind = choice.kind === "weekly" ? (choice.interval === 2 ? "biweekly" : choice.interval === 1 ? "weekly" : "custom") : choice.kind;
  return {
    kind: plan.kind,
    title: plan.title,
    notes: plan.notes ?? "",
    date,
    time: plan.start.slice(11, 16),
    durationMinutes: plan.durationMinutes ?? 60,
    repeat,
    days: choice.kind === "weekly" ? choice.days : [weekdayOf(date)],
    customRule: repeat === "custom" ? plan.recurrence : null,
    assigneeId: plan.assigneeId ?? "",
    reminderMinutes: plan.reminderMinutes,
    alertIfMissed: plan.alertIfMissed,
    lateAfterMinutes: plan.lateAfterMinutes,
  };
}

function choiceOf(draft: PlanDraft): RecurrenceChoice {
  switch (draft.repeat) {
    case "weekly":
      return { kind: "weekly", interval: 1, days: draft.days };
    case "biweekly":
      return { kind: "weekly", interval: 2, days: draft.days };
    case "custom":
      return draft.customRule === null ? { kind: "once" } : { kind: "custom", rule: draft.customRule };
    default:
      return { kind: draft.repeat };
  }
}

/** The body of POST /api/circles/:id/plans (and, whole, of PATCH /api/plans/:id). */
export function planInput(draft: PlanDraft): PlanInput {
  const start = `${draft.date}T${draft.time}`;
  return {
    kind: draft.kind,
    title: draft.title.trim(),
    notes: draft.notes.trim() === "" ? null : draft.notes.trim(),
    start,
    // A task has a due time, no duration.
    ...(draft.kind === "visit" ? { durationMinutes: draft.durationMinutes } : {}),
    recurrence: toRrule(choiceOf(draft), start),
    assigneeId: draft.assigneeId === "" ? null : draft.assigneeId,
    reminderMinutes: draft.reminderMinutes,
    alertIfMissed: draft.alertIfMissed,
    lateAfterMinutes: draft.lateAfterMinutes,
  };
}

const DAY_MS = 86_400_000;

/**
 * The first day on or after `from` on which the series falls, keeping its rhythm from `anchor`
 * (its first date): an edit "from this date on" that moves the time starts there.
 */
export function firstDayFrom(choice: RecurrenceChoice, anchor: string, from: string): string {
  if (from <= anchor) return anchor;
  switch (choice.kind) {
    case "once":
      return anchor;
    case "daily":
    case "custom":
      return from;
    case "monthly": {
      const dayOfMonth = Number(anchor.slice(8, 10));
      const [year, month] = from.split("-").map(Number) as [number, number];
      for (let step = 0; step < 24; step += 1) {
        const date = new Date(year, month - 1 + step, dayOfMonth, 12);
        if (date.getDate() !== dayOfMonth) continue; // no 31st this month
        const day = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(dayOfMonth).padStart(2, "0")}`;
        if (day >= from) return day;
      }
      return from;
    }
    case "weekly": {
      const firstWeek = dayToDate(weekStart(anchor)).getTime();
      for (let offset = 0; offset < 7 * choice.interval; offset += 1) {
        const day = addDays(from, offset);
        const weeks = Math.round((dayToDate(weekStart(day)).getTime() - firstWeek) / (7 * DAY_MS));
        if (choice.days.includes(weekdayOf(day)) && weeks % choice.interval === 0) return day;
      }
      return from;
    }
  }
}

/**
 * The body of PATCH /api/plans/:id: only what the person changed (the kind never changes), from
 * `fromDate` on for a series. A new time for a series starts on its first day from that date.
 */
export function planChanges(plan: Plan, draft: PlanDraft, fromDate: string): PlanChanges {
  const next = planInput(draft);
  const before = planInput(draftFromPlan(plan));
  const changes: PlanChanges = {};
  if (next.title !== before.title) changes.title = next.title;
  if (next.notes !== before.notes) changes.notes = next.notes ?? null;
  if (next.recurrence !== before.recurrence) changes.recurrence = next.recurrence ?? null;
  if (next.assigneeId !== before.assigneeId) changes.assigneeId = next.assigneeId ?? null;
  if (next.reminderMinutes !== before.reminderMinutes) changes.reminderMinutes = next.reminderMinutes;
  if (next.alertIfMissed !== before.alertIfMissed) changes.alertIfMissed = next.alertIfMissed;
  if (next.lateAfterMinutes !== before.lateAfterMinutes) changes.lateAfterMinutes = next.lateAfterMinutes;
  if (plan.kind === "visit" && next.durationMinutes !== plan.durationMinutes) changes.durationMinutes = next.durationMinutes ?? null;
  const isSeries = plan.recurrence !== null || next.recurrence !== null;
  if (next.start !== plan.start) {
    const day = isSeries && draft.date < fromDate ? firstDayFrom(choiceOf(draft), draft.date, fromDate) : draft.date;
    changes.start = `${day}T${draft.time}`;
  }
  if (isSeries) changes.fromDate = fromDate;
  else if (changes.start !== undefined) changes.fromDate = changes.start.slice(0, 10);
  return changes;
}
