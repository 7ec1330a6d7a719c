import { z } from "zod";
import { Id, IsoDate, ShortText } from "./common";
import { TimeZone } from "./alerts.schemas";

// Visits and tasks (issue #10): plans (once or recurring) and the occurrences expanded from them.

export const PlanKind = z.enum(["visit", "task"]);
export type PlanKind = z.infer<typeof PlanKind>;

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** "YYYY-MM-DD", a real calendar date (years 2000–2199). */
export const CalendarDate = z
  .string()
  .regex(/^(20\d\d|21\d\d)-\d\d-\d\d$/, "must be a date YYYY-MM-DD")
  .refine((value) => {
    const [y, m, d] = value.split("-").map(Number) as [number, number, number];
    return isCalendarDate(y, m, d);
  }, "must be a real calendar date");
export type CalendarDate = z.infer<typeof CalendarDate>;

/** "YYYY-MM-DDTHH:MM": a local wall time in the plan's time zone (no offset, no seconds). */
export const LocalDateTime = z
  .string()
  .regex(/^(20\d\d|21\d\d)-\d\d-\d\dT([01]\d|2[0-3]):[0-5]\d$/, "must be a local date and time YYYY-MM-DDTHH:MM")
  .refine((value) => {
    const [y, m, d] = value.slice(0, 10).split("-").map(Number) as [number, number, number];
    return isCalendarDate(y, m, d);
  }, "must be a real calendar date");
export type LocalDateTime = z.infer<typeof LocalDateTime>;

// ---- The RRULE subset (RFC 5545): FREQ=DAILY|WEEKLY|MONTHLY, INTERVAL, BYDAY, COUNT, UNTIL ----

export const Weekday = z.enum(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]);
export type Weekday = z.infer<typeof Weekday>;

/** One BYDAY entry: a weekday, with an ordinal (1..5, -1..-5) only in a MONTHLY rule ("2TU", "-1FR"). */
export const ByDay = z.object({ weekday: Weekday, ordinal: z.number().int().min(-5).max(5).refine((n) => n !== 0).nullable() });
export type ByDay = z.infer<typeof ByDay>;

/**
 * A parsed rule. UNTIL is either a date ("YYYY-MM-DD": up to and including that local date) or an
 * instant (RFC 5545's UTC form `…T…Z`, as an ISO string).
 */
export const RecurrenceRule = z
  .strictObject({
    freq: z.enum(["DAILY", "WEEKLY", "MONTHLY"]),
    interval: z.number().int().min(1).max(366),
    byDay: z.array(ByDay).max(35).nullable(),
    count: z.number().int().min(1).max(1000).nullable(),
    until: z.union([z.strictObject({ date: CalendarDate }), z.strictObject({ instant: z.string() })]).nullable(),
  })
  .refine((rule) => rule.count === null || rule.until === null, "COUNT and UNTIL may not both be given")
  .refine(
    (rule) => rule.freq === "MONTHLY" || (rule.byDay ?? []).every((day) => day.ordinal === null),
    "a BYDAY ordinal (2TU, -1FR) is only allowed with FREQ=MONTHLY",
  );
export type RecurrenceRule = z.infer<typeof RecurrenceRule>;

const RULE_TEXT_MAX = 500;
const RULE_PARTS = new Set(["FREQ", "INTERVAL", "BYDAY", "COUNT", "UNTIL"]);

/**
 * Parses the RRULE subset strictly: an unknown part (BYMONTHDAY, WKST, BYSETPOS, …), a repeated part,
 * a malformed value or FREQ outside DAILY|WEEKLY|MONTHLY is an error, never silently ignored. An
 * optional leading "RRULE:" is accepted.
 */
export function parseRecurrenceRule(text: string): { ok: true; rule: RecurrenceRule } | { ok: false; error: string } {
  if (text.length === 0 || text.length > RULE_TEXT_MAX) return { ok: false, error: `must be 1–${RULE_TEXT_MAX} characters` };
  const body = text.startsWith("RRULE:") ? text.slice("RRULE:".length) : text;
  const parts = new Map<string, string>();
  for (const part of body.split(";")) {
    const match = /^([A-Z]+)=([A-Z0-9,+-]+)$/.exec(part);
    if (!match) return { ok: false, error: `"${part.slice(0, 40)}" is not NAME=VALUE` };
    const [, name, value] = match as unknown as [string, string, string];
    if (!RULE_PARTS.has(name)) return { ok: false, error: `${name} is not supported (FREQ, INTERVAL, BYDAY, COUNT, UNTIL)` };
    if (parts.has(name)) return { ok: false, error: `${name} is given twice` };
    parts.set(name, value);
  }
  const freq = parts.get("FREQ");
  if (freq !== "DAILY" && freq !== "WEEKLY" && freq !== "MONTHLY") return { ok: false, error: "FREQ must be DAILY, WEEKLY or MONTHLY" };
  const positive = (name: string): number | null | undefined => {
    const value = parts.get(name);
    if (value === undefined) return null;
    return /^[1-9]\d{0,3}$/.test(value) ? Number(value) : undefined;
  };
  const interval = positive("INTERVAL");
  const count = positive("COUNT");
  if (interval === undefined) return { ok: false, error: "INTERVAL must be a positive whole number" };
  if (count === undefined) return { ok: false, error: "COUNT must be a positive whole number" };
  let byDay: ByDay[] | null = null;
  const byDayText = parts.get("BYDAY");
  if (byDayText !== undefined) {
    byDay = [];
    for (const entry of byDayText.split(",")) {
      const match = /^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$/.exec(entry);
      if (!match) return { ok: false, error: `BYDAY "${entry.slice(0, 10)}" is not a weekday (MO…SU, optionally 1TU or -1FR)` };
      byDay.push({ weekday: match[2] as Weekday, ordinal: match[1] === undefined ? null : Number(match[1]) });
    }
  }
  let until: RecurrenceRule["until"] = null;
  const untilText = parts.get("UNTIL");
  if (untilText !== undefined) {
    const match = /^(\d{4})(\d\d)(\d\d)(?:T(\d\d)(\d\d)(\d\d)Z)?$/.exec(untilText);
    if (!match) return { ok: false, error: "UNTIL must be YYYYMMDD or YYYYMMDDTHHMMSSZ" };
    const [, y, mo, d, h, mi, s] = match as unknown as [string, string, string, string, string?, string?, string?];
    const date = `${y}-${mo}-${d}`;
    if (!CalendarDate.safeParse(date).success) return { ok: false, error: "UNTIL is not a real date" };
    if (h === undefined) until = { date };
    else {
      if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return { ok: false, error: "UNTIL is not a real time" };
      until = { instant: `${date}T${h}:${mi}:${s}.000Z` };
    }
  }
  const parsed = RecurrenceRule.safeParse({ freq, interval: interval ?? 1, byDay, count, until });
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "not a supported rule" };
  return { ok: true, rule: parsed.data };
}

/** The RRULE text of a parsed rule (the inverse of `parseRecurrenceRule`, without the "RRULE:" prefix). */
export function formatRecurrenceRule(rule: RecurrenceRule): string {
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.byDay !== null) parts.push(`BYDAY=${rule.byDay.map((day) => `${day.ordinal ?? ""}${day.weekday}`).join(",")}`);
  if (rule.count !== null) parts.push(`COUNT=${rule.count}`);
  if (rule.until !== null) {
    parts.push(
      "date" in rule.until
        ? `UNTIL=${rule.until.date.replaceAll("-", "")}`
        : `UNTIL=${rule.until.instant.slice(0, 19).replaceAll("-", "").replaceAll(":", "")}Z`,
    );
  }
  return parts.join(";");
}

/** An RRULE string of the subset; anything else → `validation_failed`. */
export const Recurrence = z.string().superRefine((value, context) => {
  const parsed = parseRecurrenceRule(value);
  if (!parsed.ok) context.addIssue({ code: "custom", message: `not a supported RRULE: ${parsed.error}` });
});

// ---- Plans ----

export const PLAN_TITLE_MAX = 200;
export const PLAN_NOTES_MAX = 2000;
export const DURATION_MINUTES_MIN = 5;
export const DURATION_MINUTES_MAX = 720;
export const REMINDER_MINUTES_DEFAULT = 60;
export const LATE_AFTER_MINUTES_DEFAULT = 30;
/** The longest window of `GET …/occurrences`, in days (both ends included). */
export const OCCURRENCE_WINDOW_DAYS_MAX = 62;

const Title = ShortText(1, PLAN_TITLE_MAX);
const Notes = z.string().max(PLAN_NOTES_MAX);
const DurationMinutes = z.number().int().min(DURATION_MINUTES_MIN).max(DURATION_MINUTES_MAX);
const ReminderMinutes = z.number().int().min(0).max(1440);
const LateAfterMinutes = z.number().int().min(1).max(240);

/**
 * A visit (with a duration) or a task (a due time; a duration is optional), once (`recurrence: null`)
 * or recurring. `start` is the local wall time of the first occurrence in `timeZone`. `previousPlanId`
 * names the plan this one continues after an edit "from a date on" (see docs/protocol.md).
 */
export const Plan = z.object({
  id: Id,
  circleId: Id,
  kind: PlanKind,
  title: z.string(),
  notes: z.string().nullable(),
  start: LocalDateTime,
  /** Visits always have one (5–720); a task may have none (its end is its due time). */
  durationMinutes: z.number().int().nullable(),
  timeZone: z.string(),
  recurrence: z.string().nullable(),
  assigneeId: Id.nullable(),
  reminderMinutes: z.number().int(),
  alertIfMissed: z.boolean(),
  lateAfterMinutes: z.number().int(),
  createdBy: Id,
  createdAt: IsoDate,
  previousPlanId: Id.nullable(),
});
export type Plan = z.infer<typeof Plan>;

/** `POST /api/circles/:id/plans` (any member but the resident). */
export const PlanCreateBody = z
  .strictObject({
    kind: PlanKind,
    title: Title,
    notes: Notes.nullable().optional(),
    start: LocalDateTime,
    durationMinutes: DurationMinutes.nullable().optional(),
    /** Default: the circle's check-in time zone. */
    timeZone: TimeZone.optional(),
    recurrence: Recurrence.nullable().optional(),
    assigneeId: Id.nullable().optional(),
    /** Default 60. */
    reminderMinutes: ReminderMinutes.optional(),
    /** Default: true when the assignee is a professional. */
    alertIfMissed: z.boolean().optional(),
    /** Default 30. */
    lateAfterMinutes: LateAfterMinutes.optional(),
  })
  .refine((body) => body.kind !== "visit" || (body.durationMinutes !== undefined && body.durationMinutes !== null), {
    message: "a visit needs durationMinutes (5–720)",
    path: ["durationMinutes"],
  });
export type PlanCreateBody = z.infer<typeof PlanCreateBody>;

/**
 * `PATCH /api/plans/:id` (coordinators and the plan's creator). Fields left out stay. The change
 * applies to occurrences on and after `fromDate` (a local date in the plan's time zone; default: today
 * there); earlier occurrences keep the plan as it was.
 */
export const PlanUpdateBody = z.strictObject({
  fromDate: CalendarDate.optional(),
  title: Title.optional(),
  notes: Notes.nullable().optional(),
  start: LocalDateTime.optional(),
  durationMinutes: DurationMinutes.nullable().optional(),
  timeZone: TimeZone.optional(),
  recurrence: Recurrence.nullable().optional(),
  assigneeId: Id.nullable().optional(),
  reminderMinutes: ReminderMinutes.optional(),
  alertIfMissed: z.boolean().optional(),
  lateAfterMinutes: LateAfterMinutes.optional(),
});
export type PlanUpdateBody = z.infer<typeof PlanUpdateBody>;

export const PlanParams = z.strictObject({ id: Id });
export type PlanParams = z.infer<typeof PlanParams>;

export const PlanResponse = z.object({ plan: Plan });
/** PATCH: `endedPlan` is the earlier series, now ending before `fromDate`, when the edit split it. */
export const PlanUpdateResponse = z.object({ plan: Plan, endedPlan: Plan.optional() });
export const PlansResponse = z.object({ plans: z.array(Plan) });

// ---- Occurrences ----

export const OccurrenceStatus = z.enum(["open", "planned", "in_progress", "done", "missed", "cancelled"]);
export type OccurrenceStatus = z.infer<typeof OccurrenceStatus>;

/** `<planId>:<YYYY-MM-DDTHH:MM>`: the plan and the occurrence's nominal local start (before any DST shift). */
export const OccurrenceId = z
  .string()
  .regex(/^[0-9a-f]{24}:\d{4}-\d\d-\d\dT\d\d:\d\d$/, "must be <planId>:<YYYY-MM-DDTHH:MM>")
  .refine((value) => LocalDateTime.safeParse(value.slice(25)).success, "must name a real local date and time");
export type OccurrenceId = z.infer<typeof OccurrenceId>;

/** An ISO-8601 instant with the local offset of the plan's time zone ("2027-03-30T14:00:00+02:00"). */
export const OffsetDateTime = z.string();

export const Occurrence = z.object({
  id: OccurrenceId,
  planId: Id,
  circleId: Id,
  kind: PlanKind,
  title: z.string(),
  start: OffsetDateTime,
  end: OffsetDateTime,
  timeZone: z.string(),
  /** The nominal time fell in a spring-forward gap and was moved forward by the gap (02:30 → 03:30). */
  dstShifted: z.boolean(),
  assigneeId: Id.nullable(),
  status: OccurrenceStatus,
  checkedInAt: IsoDate.nullable(),
  checkedOutAt: IsoDate.nullable(),
  /** The assignee's note at check-in, check-out or completion (the newest). */
  note: z.string().nullable(),
});
export type Occurrence = z.infer<typeof Occurrence>;

export const OccurrenceParams = z.strictObject({ id: OccurrenceId });
export type OccurrenceParams = z.infer<typeof OccurrenceParams>;

export const OCCURRENCE_NOTE_MAX = 2000;
/** The body of claim, release, cancel, check-in, check-out and complete (all optional; may be empty). */
export const OccurrenceActionBody = z.strictObject({ note: z.string().trim().max(OCCURRENCE_NOTE_MAX).optional() });
export type OccurrenceActionBody = z.infer<typeof OccurrenceActionBody>;

export const OccurrenceAction = z.enum(["claim", "release", "cancel", "check-in", "check-out", "complete"]);
export type OccurrenceAction = z.infer<typeof OccurrenceAction>;

/** `GET /api/circles/:id/occurrences` and `GET /api/me/occurrences`: local dates, both included, ≤ 62 days. */
export const OccurrenceWindowQuery = z
  .strictObject({ from: CalendarDate, to: CalendarDate })
  .refine((query) => query.from <= query.to, { message: "from must not be after to", path: ["from"] })
  .refine(
    (query) => (Date.parse(`${query.to}T00:00:00Z`) - Date.parse(`${query.from}T00:00:00Z`)) / 86_400_000 + 1 <= OCCURRENCE_WINDOW_DAYS_MAX,
    { message: `the window may span at most ${OCCURRENCE_WINDOW_DAYS_MAX} days`, path: ["to"] },
  );
export type OccurrenceWindowQuery = z.infer<typeof OccurrenceWindowQuery>;

export const OccurrenceResponse = z.object({ occurrence: Occurrence });
export const OccurrencesResponse = z.object({ occurrences: z.array(Occurrence) });

// ---- Socket, server → client ----

/** `plan:update`: a plan was created, changed or (with `deleted: true`) deleted. */
export const PlanUpdateEvent = z.object({ plan: Plan, deleted: z.boolean().optional() });
export type PlanUpdateEvent = z.infer<typeof PlanUpdateEvent>;

/** `occurrence:update`: an occurrence was claimed, released, cancelled, checked in or out, completed. */
export const OccurrenceUpdateEvent = z.object({ occurrence: Occurrence });
export type OccurrenceUpdateEvent = z.infer<typeof OccurrenceUpdateEvent>;
