import { z } from "zod";
import { Id, IsoDate } from "./common";
import { ClientId } from "./messages.schemas";

/**
 * `help` is urgent; `call_me` asks for a phone call; `missed_checkin` is raised by Kring itself, and so
 * is `missed_visit` (issue #10: nobody checked in at a planned visit; the alert names the occurrence).
 */
export const AlertKind = z.enum(["help", "call_me", "missed_checkin", "missed_visit"]);
export type AlertKind = z.infer<typeof AlertKind>;
export const RaisableAlertKind = z.enum(["help", "call_me"]);

export const AlertStatus = z.enum(["open", "claimed", "resolved", "unanswered"]);
export type AlertStatus = z.infer<typeof AlertStatus>;

export const AlertHistoryType = z.enum(["raised", "paged", "unanswered", "claimed", "resolved"]);
export type AlertHistoryType = z.infer<typeof AlertHistoryType>;

export const AlertHistoryEntry = z.object({
  type: AlertHistoryType,
  at: IsoDate,
  /** Who was paged, claimed or resolved; who raised (null when Kring raised it). */
  userId: Id.nullable(),
  /** Ladder step for `paged` (0 = first responder); -1 for the pages sent when unanswered. */
  step: z.number().int().optional(),
});
export type AlertHistoryEntry = z.infer<typeof AlertHistoryEntry>;

export const Alert = z.object({
  id: Id,
  circleId: Id,
  kind: AlertKind,
  status: AlertStatus,
  /** null for alerts Kring raised itself (missed check-in). */
  raisedBy: Id.nullable(),
  clientId: z.string().nullable(),
  createdAt: IsoDate,
  paged: z.array(z.object({ userId: Id, at: IsoDate })),
  claimedBy: Id.nullable(),
  claimedAt: IsoDate.nullable(),
  resolvedBy: Id.nullable(),
  resolvedAt: IsoDate.nullable(),
  note: z.string().nullable(),
  history: z.array(AlertHistoryEntry),
  /** `missed_visit` only: the occurrence nobody checked in at (`<planId>:<YYYY-MM-DDTHH:MM>`). */
  occurrenceId: z.string().optional(),
});
export type Alert = z.infer<typeof Alert>;

export const ALERT_NOTE_MAX = 1000;

export const AlertRaisePayload = z.strictObject({ circleId: Id, kind: RaisableAlertKind, clientId: ClientId });
export type AlertRaisePayload = z.infer<typeof AlertRaisePayload>;
export const AlertClaimPayload = z.strictObject({ alertId: Id });
export type AlertClaimPayload = z.infer<typeof AlertClaimPayload>;
export const AlertResolvePayload = z.strictObject({ alertId: Id, note: z.string().trim().max(ALERT_NOTE_MAX).optional() });
export type AlertResolvePayload = z.infer<typeof AlertResolvePayload>;

export const AlertsQuery = z.strictObject({ status: AlertStatus.optional() });
export const AlertsResponse = z.object({ alerts: z.array(Alert) });

export const STEP_SECONDS_MIN = 5;
export const STEP_SECONDS_MAX = 3600;
export const STEP_SECONDS_DEFAULT = 120;

export const EscalationBody = z.strictObject({
  responders: z.array(Id).min(1).max(50),
  stepSeconds: z.number().int().min(STEP_SECONDS_MIN).max(STEP_SECONDS_MAX),
});
export type EscalationBody = z.infer<typeof EscalationBody>;

export const Escalation = z.object({
  responders: z.array(Id),
  stepSeconds: z.number().int(),
  /** true while the coordinator has not set a ladder and the default order applies. */
  isDefault: z.boolean(),
});
export type Escalation = z.infer<typeof Escalation>;
export const EscalationResponse = z.object({ escalation: Escalation });

/** "HH:MM", 24-hour local time. */
export const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24-hour)");

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
export const TimeZone = z.string().min(1).max(64).refine(isTimeZone, "must be an IANA time zone such as Europe/Brussels");

export const CheckinScheduleBody = z.strictObject({ deadline: LocalTime, timeZone: TimeZone, enabled: z.boolean() });
export type CheckinScheduleBody = z.infer<typeof CheckinScheduleBody>;
export const CheckinSchedule = CheckinScheduleBody;
export type CheckinSchedule = z.infer<typeof CheckinSchedule>;
export const CheckinScheduleResponse = z.object({ schedule: CheckinSchedule });
export const CHECKIN_DEFAULT: CheckinSchedule = { deadline: "10:00", timeZone: "Europe/Brussels", enabled: true };

export const CheckinOkPayload = z.strictObject({ circleId: Id });
export type CheckinOkPayload = z.infer<typeof CheckinOkPayload>;
export const Checkin = z.object({ circleId: Id, date: z.string(), at: IsoDate, by: Id });
export type Checkin = z.infer<typeof Checkin>;

/**
 * "I pressed by mistake": the member who raised an alert may cancel it for this long after the raise.
 * Later, someone may already be on the way, and only a responder's resolve may close it.
 */
export const ALERT_CANCEL_WINDOW_MS = 5 * 60_000;
export const AlertCancelPayload = z.strictObject({ alertId: Id });
export type AlertCancelPayload = z.infer<typeof AlertCancelPayload>;

/** A calendar date "YYYY-MM-DD" that exists (no 2026-02-30, no 2026-13-01). */
export const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine((value) => {
    const day = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === value;
  }, "must be a real calendar date");

/** Every day of a range is one point read, so a range is bounded. */
export const CHECKINS_RANGE_MAX_DAYS = 62;
const DAY_MS = 86_400_000;

export const CheckinsQuery = z
  .strictObject({ from: LocalDate, to: LocalDate })
  .refine((query) => query.from <= query.to, { message: "from must not be after to", path: ["from"] })
  .refine((query) => (Date.parse(query.to) - Date.parse(query.from)) / DAY_MS < CHECKINS_RANGE_MAX_DAYS, {
    message: `at most ${CHECKINS_RANGE_MAX_DAYS} days`,
    path: ["to"],
  });
export type CheckinsQuery = z.infer<typeof CheckinsQuery>;
export const CheckinDay = z.object({ date: z.string(), at: IsoDate, by: Id });
export type CheckinDay = z.infer<typeof CheckinDay>;
/** `today` is the circle's local date now (the check-in schedule's time zone), so clients need not guess it. */
export const CheckinsResponse = z.object({ checkins: z.array(CheckinDay), today: z.string() });
export type CheckinsResponse = z.infer<typeof CheckinsResponse>;
